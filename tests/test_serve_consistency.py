"""Consistency under change: `budgetkg build` into the store `budgetkg serve` is serving.

The server runs as a real subprocess on a free loopback port; a second process rebuilds the
sample into the same store folder while a client thread counts observations over HTTP again
and again. Every answer must be the count before the build or the count after it — never a
half-loaded document — and the new data must become visible without restarting the server.
"""

from __future__ import annotations

import gc
import gzip
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from budgetkg.config import base_iri
from budgetkg.render import QB
from budgetkg.store import PUBLISHED, Published, Store

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
BUDGETKG = Path(sys.executable).with_name("budgetkg")
COUNT = f"SELECT (COUNT(?o) AS ?n) WHERE {{ ?o a <{QB}Observation> }}"
#: The data set left out of the store before the rebuild (so "old" and "new" differ).
DROPPED = "/table/general-public-budget-basic-expenditure"


def _count(store: Store) -> int:
    return int(next(iter(store.query(COUNT)))[0].value)  # type: ignore[arg-type, index]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _snapshots(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / PUBLISHED).iterdir() if p.name.isdigit())


@pytest.fixture
def old_store(tmp_path: Path, sample_store: Store, sample_document: str) -> Iterator[tuple[Path, int, int]]:
    """A store folder holding the sample without one of its tables' observations:
    (folder, observations now, observations after rebuilding the sample)."""
    folder = tmp_path / "store"
    dataset = ox.NamedNode(sample_document + DROPPED)
    dropped = {
        q.subject for q in sample_store.ox.quads_for_pattern(None, ox.NamedNode(QB + "dataSet"), dataset, None)
    }
    writer = Store(folder)
    writer.ox.extend(q for q in sample_store.quads() if q.subject not in dropped)
    writer.ox.flush()
    writer.publish()
    old, new = _count(writer), _count(sample_store)
    writer.close()
    del writer
    gc.collect()  # the RocksDB lock goes with the last reference
    assert 0 < old < new and new - old == len(dropped)
    yield folder, old, new


@pytest.fixture
def server(old_store: tuple[Path, int, int]) -> Iterator[str]:
    folder = old_store[0]
    port = _free_port()
    log = (folder.parent / "serve.log").open("wb")  # a pipe nobody reads would fill and block the server
    proc = subprocess.Popen(
        [str(BUDGETKG), "serve", "--store", str(folder), "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "BUDGETKG_BASE_IRI": base_iri()},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(url + "/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                out = (folder.parent / "serve.log").read_text(errors="replace")
                raise RuntimeError(f"budgetkg serve did not start:\n{out}")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def test_rebuild_while_serving_shows_old_or_new_never_half(server: str, old_store: tuple[Path, int, int]) -> None:
    folder, old, new = old_store
    answers: list[tuple[int, int | None]] = []  # (status, count)
    stop = threading.Event()

    def client() -> None:
        with httpx.Client(base_url=server, timeout=10) as c:
            while not stop.is_set():
                r = c.post("/sparql", data={"query": COUNT}, headers={"Accept": "application/sparql-results+json"})
                n = int(r.json()["results"]["bindings"][0]["n"]["value"]) if r.status_code == 200 else None
                answers.append((r.status_code, n))

    thread = threading.Thread(target=client, daemon=True)
    thread.start()
    try:
        while not answers:
            time.sleep(0.01)
        built = subprocess.run([str(BUDGETKG), "build", "--store", str(folder), str(SAMPLE)],
                               capture_output=True, text=True, timeout=300)
        assert built.returncode == 0, built.stderr
        during = len(answers)
        deadline = time.monotonic() + 10
        while answers[-1][1] != new and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=15)
    assert during > 10  # the client really was querying while the build ran
    assert {status for status, _ in answers} == {200}
    counts = [n for _, n in answers]
    assert set(counts) == {old, new}, sorted(set(counts))
    # Snapshots only move forward: once the new document is seen, the old one never comes back.
    first_new = counts.index(new)
    assert set(counts[:first_new]) == {old} and set(counts[first_new:]) == {new}
    # Old snapshots are deleted once the server has let go of them.
    assert len(_snapshots(folder)) <= 3


def test_published_snapshot_stays_readable_until_released(tmp_path: Path) -> None:
    """In one process: a reader keeps its snapshot (locked) while the writer publishes on;
    the next request sees the newest; released snapshots are deleted."""
    folder = tmp_path / "store"
    graph = base_iri() + "graph/test"
    p = ox.NamedNode(base_iri() + "def/budget#n")

    def version(i: int) -> dict[str, list[ox.Triple]]:
        return {graph: [ox.Triple(ox.NamedNode(f"{graph}/{k}"), p, ox.Literal(str(i))) for k in range(i)]}

    writer = Store(folder)
    writer.replace_graphs(version(1))
    reader = Published(folder)
    held = reader.current()
    assert len(held) == 1
    for i in range(2, 6):
        writer.replace_graphs(version(i))
    assert len(held) == 1  # still the snapshot it opened, not deleted under it
    latest = reader.current()
    assert len(latest) == 5 and latest is reader.current()
    assert held.path is not None and held.path.name in _snapshots(folder)
    held_name = held.path.name
    del held
    gc.collect()
    writer.replace_graphs(version(6))
    names = _snapshots(folder)
    assert held_name not in names and len(names) <= 3
    assert len(reader.current()) == 6


def test_published_dump_is_made_once_then_sent_from_disk(old_store: tuple[Path, int, int]) -> None:
    from budgetkg.app import create_app
    from budgetkg.dumps import CACHE_DIR

    try:
        from tests._server import LiveServer
    except ModuleNotFoundError:
        from _server import LiveServer

    folder = old_store[0]
    published = Published(folder)
    with LiveServer(create_app(published)) as url, httpx.Client(base_url=url, timeout=30) as c:
        first = c.get("/dumps/all.nq.gz")
        assert (first.status_code, first.headers.get("content-length")) == (200, None)  # streamed
        kept = published.current().path / CACHE_DIR / "all.nq.gz"  # type: ignore[operator]
        assert kept.is_file()
        second = c.get("/dumps/all.nq.gz")
        assert second.status_code == 200 and second.content == first.content == kept.read_bytes()
        assert second.headers["content-length"] == str(len(first.content))
        assert second.headers["etag"] == first.headers["etag"]
        head = c.head("/dumps/all.nq.gz")
        assert (head.status_code, head.headers["content-length"], head.content) == (200, str(kept.stat().st_size), b"")
        quads = set(ox.parse(gzip.decompress(second.content), format=ox.RdfFormat.N_QUADS))
        assert len(quads) == len(published)
