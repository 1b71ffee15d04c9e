"""Queries over a published store run in worker processes that are killed at the deadline.

A real server (tests/_server.py) over a real on-disk store holding the sample, published and
read as `budgetkg serve` reads it (store.Published); the process ids come from the engine
(Engine.worker_pids) and CPU times from /proc.
"""

from __future__ import annotations

import fcntl
import gc
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from budgetkg.app import create_app
from budgetkg.config import base_iri
from budgetkg.render import QB
from budgetkg.sparql import QUERY_PROCESSES, QUERY_WORKERS, Engine
from budgetkg.store import PUBLISHED, Published, Store

try:  # tests/ as a package (tests/__init__.py) or as a plain folder on sys.path
    from tests._server import LiveServer
except ModuleNotFoundError:
    from _server import LiveServer

BKG = base_iri() + "def/budget#"
COUNT = f"SELECT (COUNT(?o) AS ?n) WHERE {{ ?o a <{QB}Observation> }}"
#: Every triple four times over: never finishes, and inside one Oxigraph step (the COUNT).
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
LIMIT = 0.5
#: A data set of the sample left out of the first publication (so "before" and "after" differ).
DROPPED = "/table/general-public-budget-basic-expenditure"


def _count(store: Store) -> int:
    return int(next(iter(store.query(COUNT)))[0].value)  # type: ignore[arg-type, index]


def _http_count(client: httpx.Client) -> int:
    r = client.post("/sparql", data={"query": COUNT}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def _cpu_ticks(pid: int) -> int:
    """utime + stime of a process, in clock ticks (/proc/PID/stat fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def _assert_idle(pids: list[int], windows: int = 5) -> None:
    """The processes go quiet: within `windows` consecutive seconds, one second in which they use (almost) no CPU.

    A query still running uses ~100 ticks (one core) in every second, so it never passes. A worker just made may
    spend a few ticks finishing its start-up, more when the machine is loaded (3 in one second, seen in CI), so
    one quiet second is asked for rather than the first.
    """
    used: list[int] = []
    for _ in range(windows):
        ticks = sum(_cpu_ticks(pid) for pid in pids)
        time.sleep(1.0)
        used.append(sum(_cpu_ticks(pid) for pid in pids) - ticks)
        if used[-1] <= 2:
            return
    raise AssertionError(f"processes {pids} never went quiet: ticks per second {used}")


def _wait_for(condition: object, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


@pytest.fixture
def folder(tmp_path: Path, sample_store: Store, sample_document: str) -> Iterator[tuple[Path, Store, set[ox.Quad]]]:
    """(store folder, its writer, the quads left out): the sample published without one data set."""
    dataset = ox.NamedNode(sample_document + DROPPED)
    dropped = {q.subject for q in sample_store.ox.quads_for_pattern(None, ox.NamedNode(QB + "dataSet"), dataset)}
    left_out = {q for q in sample_store.quads() if q.subject in dropped}
    writer = Store(tmp_path / "store")
    writer.ox.extend(q for q in sample_store.quads() if q.subject not in dropped)
    writer.ox.flush()
    writer.publish()
    assert left_out
    yield tmp_path / "store", writer, left_out
    writer.close()
    del writer
    gc.collect()


def test_runaway_query_is_killed_at_its_deadline_and_replaced(
    folder: tuple[Path, Store, set[ox.Quad]], sample_store: Store
) -> None:
    path, writer, left_out = folder
    app = create_app(Published(path), query_timeout_s=LIMIT)
    engine: Engine = app.state.engine
    with LiveServer(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        before = engine.worker_pids()
        assert len(before) == QUERY_PROCESSES and os.getpid() not in before
        started = time.monotonic()
        r = client.post("/sparql", data={"query": RUNAWAY})
        elapsed = time.monotonic() - started
        assert (r.status_code, r.text) == (503, f"Query timed out: it ran longer than {LIMIT:g} s.\n")
        assert elapsed < LIMIT + 0.3
        # The worker that ran it is killed and reaped (no zombie: /proc/PID is gone) and a
        # replacement, ready for queries, fills the pool again.
        _wait_for(lambda: len(engine.worker_pids()) == QUERY_PROCESSES and engine.worker_pids() != before)
        after = engine.worker_pids()
        (killed,) = set(before) - set(after)
        (replacement,) = set(after) - set(before)
        _wait_for(lambda: not Path(f"/proc/{killed}").exists())
        state = Path(f"/proc/{replacement}/stat").read_text().rsplit(")", 1)[1].split()[0]
        assert state in ("S", "R")  # alive (not a zombie)
        # The next ordinary aggregate answers, exactly.
        assert _http_count(client) == _count(writer) == _count(sample_store) - len({q.subject for q in left_out})
        # Nothing computes on: the pool's processes use no CPU over the next second.
        _assert_idle(after)
        assert engine.worker_pids() == after
    assert all(not Path(f"/proc/{pid}").exists() for pid in after)  # stopped with the server


def test_a_flood_of_runaway_queries_leaves_nothing_running(folder: tuple[Path, Store, set[ox.Quad]]) -> None:
    path, writer, _ = folder
    app = create_app(Published(path), query_timeout_s=LIMIT)
    engine: Engine = app.state.engine
    with LiveServer(app) as url:
        before = set(engine.worker_pids())
        # clients made beforehand: making one costs tens of ms of (GIL-holding) set-up
        clients = [httpx.Client(base_url=url, timeout=30) for _ in range(2 * QUERY_WORKERS)]
        answers: list[tuple[int, str, float]] = []

        def runaway(client: httpx.Client) -> None:
            started = time.monotonic()
            r = client.post("/sparql", data={"query": RUNAWAY})
            answers.append((r.status_code, r.text, time.monotonic() - started))

        flood = [threading.Thread(target=runaway, args=(c,)) for c in clients]
        for t in flood:
            t.start()
        for t in flood:
            t.join()
        # Every slot ran one, and each process was killed at the first deadline of its queries
        # (those beside it ran again until theirs); the others waited for a slot until theirs
        # (or got one on a replacement, and were killed in turn).
        timed_out = f"Query timed out: it ran longer than {LIMIT:g} s.\n"
        busy = f"Server busy: the query could not start within {LIMIT:g} s.\n"
        assert len(answers) == 2 * QUERY_WORKERS and {status for status, _, _ in answers} == {503}
        assert {text for _, text, _ in answers} <= {timed_out, busy}
        assert sum(text == timed_out for _, text, _ in answers) >= QUERY_PROCESSES
        assert max(took for _, _, took in answers) < LIMIT + 0.5
        _wait_for(lambda: len(engine.worker_pids()) == QUERY_PROCESSES and not before & set(engine.worker_pids()))
        after = engine.worker_pids()
        assert all(not Path(f"/proc/{pid}").exists() for pid in before)
        _assert_idle(after)
        assert _http_count(clients[0]) == _count(writer)
        for c in clients:
            c.close()


def _held(lock: Path) -> bool:
    """Whether a reader (a server or a worker process) holds a snapshot's lock file."""
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # conflicts even with our own process's other opens
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def test_workers_follow_a_new_publication_and_release_the_old_one(folder: tuple[Path, Store, set[ox.Quad]]) -> None:
    path, writer, left_out = folder
    old = _count(writer)
    app = create_app(Published(path), query_timeout_s=LIMIT)
    with LiveServer(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        assert [_http_count(client) for _ in range(3)] == [old] * 3
        assert client.post("/sparql", data={"query": RUNAWAY}).status_code == 503  # one worker killed
        first = os.readlink(path / PUBLISHED / "current")
        assert _held(path / PUBLISHED / f"{first}.lock")
        writer.ox.extend(left_out)
        writer.ox.flush()
        writer.publish()
        new = _count(writer)
        assert new == old + len({q.subject for q in left_out})
        assert [_http_count(client) for _ in range(3)] == [new] * 3
        # The server moved on and idle workers let go of the old snapshot within a second (the
        # killed one held it until it died): the next publication deletes it.
        gc.collect()
        _wait_for(lambda: not _held(path / PUBLISHED / f"{first}.lock"), 5.0)
        writer.publish()
        assert not (path / PUBLISHED / first).exists()
        assert _http_count(client) == new


def test_worker_processes_answer_exactly_as_worker_threads(
    folder: tuple[Path, Store, set[ox.Quad]], sample_document: str
) -> None:
    """Statuses, messages, headers and bytes: the process path (published store) against the
    thread path (the same quads in memory), for results, truncation, datasets and errors."""
    path, writer, _ = folder
    memory = Store()
    memory.ox.extend(writer.quads())
    amounts = f"SELECT ?o ?a WHERE {{ ?o <{BKG}amount> ?a }} ORDER BY ?o"  # more rows than max_results
    requests: list[tuple[dict[str, str], str | None]] = [
        ({"query": COUNT}, None),
        ({"query": COUNT, "default-graph-uri": sample_document}, "text/csv"),
        ({"query": COUNT, "named-graph-uri": sample_document}, "text/tab-separated-values"),
        ({"query": amounts}, "application/sparql-results+xml"),  # truncated at max_results
        ({"query": f"CONSTRUCT {{ ?o <{BKG}amount> ?a }} WHERE {{ ?o <{BKG}amount> ?a }} ORDER BY ?o LIMIT 30"},
         "text/turtle"),
        ({"query": f"ASK {{ ?o a <{QB}Observation> }}"}, "application/sparql-results+xml"),
        ({"query": "SELECT * WHERE { ?s ?p }"}, None),  # malformed: 400 with the parser's message
        ({"query": "PREFIX x: <http://x/> DELETE WHERE { ?s ?p ?o }"}, None),  # an update: 403
        ({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY"}, None),
    ]
    seen: list[tuple[int, str | None]] = []
    with LiveServer(create_app(Published(path), max_results=100)) as processes, \
            LiveServer(create_app(memory, max_results=100)) as threads:
        for params, accept in requests:
            headers = {"Accept": accept} if accept else {}
            answers = []
            for url in (processes, threads):
                post = httpx.post(url + "/sparql", data=params, headers=headers, timeout=30)
                get = httpx.get(url + "/sparql", params=params, headers=headers, timeout=30)  # the fast path
                answers.append([(r.status_code, r.headers["content-type"], r.headers.get("x-sparql-maxrows"), r.content)
                                for r in (post, get)])
            assert answers[0] == answers[1], params
            seen.append((answers[0][0][0], answers[0][0][2]))
    assert seen == [(200, None)] * 3 + [(200, "100")] + [(200, None)] * 2 + [(400, None), (403, None), (400, None)]


def test_a_query_beside_a_killed_one_runs_again_and_answers(folder: tuple[Path, Store, set[ox.Quad]]) -> None:
    # One process of two threads: a runaway query and an honest one share it. At the runaway's deadline the
    # process is killed (nothing computes on), and the honest query, stopped with it, runs again on the
    # replacement and answers exactly, within its own deadline.
    import asyncio

    from budgetkg.querypool import ProcessPool
    from budgetkg.render import XSD
    from budgetkg.sparql import ProtocolRequest, Rejected

    path, writer, _ = folder
    engine = Engine(Published(path), timeout_s=20.0, max_results=100)
    engine.processes = ProcessPool(1, lambda: engine.store.current().path, slots=2)  # type: ignore[union-attr]
    amounts = sum(1 for _ in writer.ox.quads_for_pattern(None, ox.NamedNode(BKG + "amount"), None))
    # ~amounts³ rows counted: long enough to be running at the runaway's deadline
    honest = (f"SELECT (COUNT(*) AS ?n) WHERE {{ ?a <{BKG}amount> ?x . ?b <{BKG}amount> ?y . "
              f"?c <{BKG}amount> ?z }}")

    async def scenario() -> None:
        await engine.start()
        try:
            before = engine.worker_pids()
            runaway = asyncio.ensure_future(
                engine.run(ProtocolRequest(RUNAWAY), arrived=time.monotonic() - 20.0 + LIMIT))
            await asyncio.sleep(0.1)  # the runaway has its slot
            started = time.monotonic()
            stopped, answered = await asyncio.gather(runaway, engine.run(ProtocolRequest(honest)),
                                                     return_exceptions=True)
            took = time.monotonic() - started
            assert isinstance(stopped, Rejected) and stopped.status == 503
            assert answered.rows == [[ox.Literal(str(amounts**3), datatype=ox.NamedNode(XSD + "integer"))]]  # type: ignore[union-attr]
            assert took > LIMIT - 0.1  # it was running when its process was killed, and ran again after
            while len(engine.worker_pids()) != 1 or engine.worker_pids() == before:  # the replacement
                await asyncio.sleep(0.02)
            assert not Path(f"/proc/{before[0]}").exists()
            _assert_idle(engine.worker_pids())
        finally:
            engine.close()

    asyncio.run(scenario())
