"""The budgetkg command, run as a real process."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.conftest import SAMPLE

BIN = Path(sys.executable).with_name("budgetkg")


def run(*args: str, store: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BUDGETKG_STORE": str(store), "COLUMNS": "200"}
    result = subprocess.run([str(BIN), *args], capture_output=True, text=True, env=env, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"{args} exited {result.returncode}: {result.stderr}")
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    store = tmp_path_factory.mktemp("cli") / "store"
    return store, run("build", str(SAMPLE.parent), store=store)


def test_build_summary(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    _, result = built
    assert result.returncode == 0
    line = next(x for x in result.stdout.splitlines() if SAMPLE.name[:20] in x)
    cells = [c.strip() for c in line.strip("│┃ ").split("│")]
    assert cells[1:4] == ["20/20", "3", "292"]
    assert cells[-1] == "loaded"


def test_build_fails_on_unreadable_document_but_loads_the_others(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(SAMPLE.read_bytes())
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n")
    result = run("build", str(folder), store=tmp_path / "s", check=False)
    assert result.returncode == 1
    assert "broken.pdf" in result.stdout and "not loaded" in result.stdout
    out = run("query", "SELECT (COUNT(*) AS ?n) { ?o a <http://purl.org/linked-data/cube#Observation> }",
              "--format", "csv", store=tmp_path / "s")
    assert out.stdout.splitlines() == ["n", "292"]


def test_drop_removes_the_document_and_what_only_it_shared(tmp_path: Path) -> None:
    store = tmp_path / "s"
    run("build", str(SAMPLE), store=store)
    doc = "http://127.0.0.1:8000/id/disclosure/130303/612/2023/budget/document/main"
    missing = run("drop", SAMPLE.name, "no-such-file.pdf", store=store, check=False)
    assert missing.returncode == 2 and "no document 'no-such-file.pdf'" in missing.stderr
    count = """SELECT (COUNT(*) AS ?n) { { ?o a <http://purl.org/linked-data/cube#Observation> }
                 UNION { GRAPH <http://127.0.0.1:8000/graph/shared> { ?s ?p ?x } } }"""
    assert run("query", count, "--format", "csv", store=store).stdout.splitlines() == ["n", str(292 + 673)]
    dropped = run("drop", SAMPLE.name, store=store)
    assert dropped.stderr.split() == ["dropped", doc]
    assert run("query", count, "--format", "csv", store=store).stdout.splitlines() == ["n", "0"]
    graphs = """SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"""  # (emptied graphs keep their name)
    assert run("query", graphs, "--format", "csv", store=store).stdout.splitlines() == [
        "g", "http://127.0.0.1:8000/graph/codelists", "http://127.0.0.1:8000/graph/ontology"]


def test_query_csv(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    store, _ = built
    q = """PREFIX bkg: <http://127.0.0.1:8000/def/budget#>
      SELECT ?amount { ?o bkg:classification <http://127.0.0.1:8000/code/economic/302> ;
        bkg:breakdown <http://127.0.0.1:8000/code/breakdown/public> ; bkg:amount ?amount }"""
    assert run("query", q, "--format", "csv", store=store).stdout.splitlines() == ["amount", "41.47"]


def test_query_syntax_error(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    store, _ = built
    result = run("query", "SELEKT nothing", store=store, check=False)
    assert result.returncode == 2 and "invalid query" in result.stderr


def test_dump_nquads_round_trips(built: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path) -> None:
    store, _ = built
    out = tmp_path / "all.nq"
    run("dump", "--format", "nquads", "-o", str(out), store=store)
    quads = list(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))
    graphs = {q.graph_name.value for q in quads}
    assert "http://127.0.0.1:8000/id/disclosure/130303/612/2023/budget/document/main" in graphs
    assert "http://127.0.0.1:8000/graph/shared" in graphs
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    observation = ox.NamedNode("http://purl.org/linked-data/cube#Observation")
    assert sum(1 for q in quads if q.predicate == rdf_type and q.object == observation) == 292


def test_tables_to_folder(built: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path) -> None:
    store, _ = built
    run("tables", SAMPLE.name, "-o", str(tmp_path / "csv"), store=store)
    files = sorted(p.name for p in (tmp_path / "csv").iterdir())
    assert len(files) == 20
    basic = next(p for p in (tmp_path / "csv").iterdir() if "general-public-budget-basic-expenditure" in p.name)
    rows = list(csv.reader(io.StringIO(basic.read_text(encoding="utf-8"))))
    assert rows[3] == ["1", "", "合计", "463.21", "421.74", "41.47"]
    assert rows[14] == ["12", "302", "商品和服务支出", "41.47", "", "41.47"]


def test_validate_csv_lists_the_rounding_difference(built: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    store, _ = built
    out = run("validate", "--format", "csv", store=store).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows, "the sample has known rounding differences"
    assert any(r["severity"] == "Info" and "41.47" in r["values"] and "41.49" in r["values"] for r in rows)


def test_validate_reads_the_stored_reports_with_their_figures(
    built: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    """The stored report graph holds the compared figures: reading it gives the very findings that
    running the shapes again gives (figures, messages, places), in the same order."""
    store, _ = built
    stored = run("validate", "--format", "csv", store=store).stdout
    assert stored == run("validate", "--format", "csv", "--rerun", store=store).stdout
    rows = list(csv.DictReader(io.StringIO(stored)))
    assert len(rows) == 20
    r43 = [r for r in rows if r["rule"].startswith("R43")]
    assert r43 and all("diff=" in r["values"] and "envelope=" in r["values"] for r in r43)


def test_reading_commands_work_while_a_writer_holds_the_store(
    built: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    from budgetkg.store import Store

    store, _ = built
    writer = Store(store)  # holds RocksDB's lock, as a running `budgetkg build` does
    try:
        with pytest.raises(OSError):
            Store(store)  # a second writer is refused: the lock is real
        out = run("query", "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g {} }", "--format", "csv", store=store)
        expected = len(list(writer.ox.named_graphs()))
        assert out.stdout.splitlines() == ["n", str(expected)]
        assert run("dump", "--format", "nquads", store=store).stdout.count("\n") == len(writer.ox)
    finally:
        writer.close()


def test_query_service_goes_through_the_allow_list_and_timeout(
    built: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    # pyoxigraph would call any SERVICE itself, without a time limit; the command evaluates it
    # as the endpoint does: allowed endpoints only, within --timeout, others refused unfetched
    import socket
    import threading
    import time

    from budgetkg.app import create_app
    from budgetkg.store import Store
    from tests._server import LiveServer

    store, _ = built
    remote = Store()
    label = ox.NamedNode("http://example.org/remote#label")
    remote.ox.add(ox.Quad(ox.NamedNode("http://example.org/x"), label, ox.Literal("remote", language="en")))
    silent = socket.socket()  # accepts connections and never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                accepted.append(silent.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    silent_url = f"http://127.0.0.1:{silent.getsockname()[1]}/sparql"
    query = "SELECT ?l WHERE {{ SERVICE <{}> {{ <http://example.org/x> <http://example.org/remote#label> ?l }} }}"
    try:
        with LiveServer(create_app(remote)) as url:
            endpoint = url + "/sparql"
            out = run("query", query.format(endpoint), "--format", "csv", "--service-allow", endpoint, store=store)
            assert out.stdout.splitlines() == ["l", "remote"]
            # not on the allow-list (here: the default, Wikidata only): exit 2, nothing fetched
            refused = run("query", query.format(silent_url), "--format", "csv", store=store, check=False)
            assert refused.returncode == 2
            assert " ".join(refused.stderr.split()) == (
                f"refused: SERVICE <{silent_url}>: host 127.0.0.1 is not on this endpoint's allow-list "
                "(allowed: https://query.wikidata.org/sparql)."
            )
            time.sleep(0.2)
            assert accepted == []
            # allowed but silent: given up at --timeout (exit 1), not blocked forever
            t0 = time.monotonic()
            slow = run("query", query.format(silent_url), "--service-allow", silent_url, "--timeout", "1",
                       store=store, check=False)
            assert slow.returncode == 1
            assert " ".join(slow.stderr.split()) == f"failed: SERVICE <{silent_url}>: 127.0.0.1 did not answer in time."
            assert len(accepted) == 1 and time.monotonic() - t0 < 10
    finally:
        silent.close()
        for conn in accepted:
            conn.close()


def test_validate_files_without_a_store(tmp_path: Path) -> None:
    """`budgetkg validate FILE…` validates in memory: findings per document, an altered figure reported
    with its numbers, an unreadable file reported with exit status 1, and no store written."""
    altered = tmp_path / "altered.txt"
    text = SAMPLE.read_text(encoding="utf-8")
    sentence = "公务接待费0.05万元，与上年持平；培训费"  # the 三公 paragraph (its table prints 0.05)
    assert text.count(sentence) == 1
    altered.write_text(text.replace(sentence, sentence.replace("0.05", "0.50")), encoding="utf-8")
    store = tmp_path / "never-written"
    result = run("validate", "--format", "csv", str(SAMPLE), str(altered), str(tmp_path / "missing.txt"),
                 store=store, check=False)
    assert result.returncode == 1
    assert "missing.txt: not validated" in result.stderr
    assert not store.exists()
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    by_doc = {name: [r for r in rows if r["document"] == name] for name in (SAMPLE.name, altered.name)}
    assert len(by_doc[SAMPLE.name]) == 20  # 2 Violation, 2 Warning, 16 Info: tests/test_validate_sample.py
    hospitality = [r for r in by_doc[altered.name] if r["rule"] == "R43-text-three-public" and "0.50" in r["values"]]
    assert [r["severity"] for r in hospitality] == ["Violation"]
    assert "printed=0.50; unitText=万元; tableValue=0.05" in hospitality[0]["values"]
    assert "diff=0.45; envelope=0.01" in hospitality[0]["values"]
    assert not [r for r in by_doc[SAMPLE.name] if "0.50" in r["values"]]
    text_report = run("validate", str(SAMPLE), store=store).stdout
    assert text_report.startswith(f"== {SAMPLE.name} (2 Violation, 2 Warning, 16 Info)\n")
