"""graph/shared is exactly the distinct union of what the documents in the store contribute:
replacing a document by another version, or dropping it, removes the shared triples that only
its old version contributed and keeps those another document (or the new version) still uses."""

from __future__ import annotations

import gzip
from pathlib import Path
from urllib.parse import quote

import httpx
import pyoxigraph as ox
import pytest
import rdflib

from budgetkg import uris
from budgetkg.app import create_app
from budgetkg.pipeline import build
from budgetkg.store import Store, canonical_lines
from tests._server import LiveServer
from tests.conftest import SAMPLE

BASE = "http://127.0.0.1:8000/"
BKG = BASE + "def/budget#"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
SKOS = "http://www.w3.org/2004/02/skos/core#"
VOID, SD = "http://rdfs.org/ns/void#", "http://www.w3.org/ns/sparql-service-description#"
DOC_A = BASE + "id/disclosure/130303/612/2023/budget/document/main"
DOC_B = BASE + "id/disclosure/130303/613/2023/budget/document/main"
DEPT_A, DEPT_B = BASE + "id/department/130303/612", BASE + "id/department/130303/613"
MILITIA = BASE + "code/functional/2030607"  # 民兵, printed in three tables of the sample
#: A' (same document, another version): the department printed without 办事处 in the table
#: headers, and 2030607 printed as 民兵建设.
A2_EDITS = [("\t612秦皇岛市山海关区南关街道办事处\n", "\t612秦皇岛市山海关区南关街道\n"), ("\t民兵\n", "\t民兵建设\n")]
#: B: another department (613, 路南街道) printing the same codes with the same names.
B_EDITS = [("612秦皇岛", "613秦皇岛"), ("南关街道", "路南街道")]


def line(s: str, p: str, o: str) -> str:
    """An N-Triples line (no final dot), as the records and graph/shared are compared."""
    return f"<{s}> <{p}> {o}"


def printed(concept: str, name: str, doc: str) -> set[str]:
    """The shared triples saying that ``doc`` prints ``name`` for ``concept``."""
    name_iri = f"{concept}/name/{quote(name)}"
    return {
        f"<{concept}> {RDFS_LABEL} \"{name}\"@zh",
        line(concept, BKG + "printedName", f"<{name_iri}>"),
        line(name_iri, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", f"<{BKG}PrintedName>"),
        line(name_iri, "http://www.w3.org/1999/02/22-rdf-syntax-ns#value", f"\"{name}\"@zh"),
        line(name_iri, BKG + "printedInYear", "<http://reference.data.gov.uk/id/gregorian-year/2023>"),
        line(name_iri, BKG + "printedIn", f"<{doc}>"),
    }


def dept_name(name: str) -> set[str]:
    """The shared triples of department 612's printed name (its label and the disclosure title)."""
    return {line(DEPT_A, SKOS + "prefLabel", f"\"{name}\"@zh"),
            line(BASE + "id/disclosure/130303/612/2023/budget", "http://purl.org/dc/terms/title",
                 f"\"{name}2023年部门预算\"@zh")}


def shared(store: Store) -> set[str]:
    """graph/shared as N-Triples lines."""
    return {f"{q.subject} {q.predicate} {q.object}" for q in store.quads(uris.shared_graph())}


def union_of_records(store: Store) -> set[str]:
    """The distinct union of the contributions recorded for the documents in the store."""
    out: set[str] = set()
    for doc in store.documents():
        record = store.shared_contribution(doc.iri)
        assert record is not None, doc.iri
        out |= record
    return out


def variant(folder: Path, name: str, edits: list[tuple[str, str]]) -> Path:
    """The sample text with ``edits`` applied (each must occur), written to ``folder/name``."""
    text = SAMPLE.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("versions")
    return {"A": SAMPLE, "A2": variant(folder, "a-version-2.txt", A2_EDITS), "B": variant(folder, "b.txt", B_EDITS)}


def test_a_new_version_withdraws_what_only_the_old_one_contributed(sources: dict[str, Path], tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    build(store, [sources["A"]])
    after_a = shared(store)
    assert len(after_a) == 673
    assert after_a == union_of_records(store) == store.shared_contribution(DOC_A)
    old = printed(MILITIA, "民兵", DOC_A) | dept_name("秦皇岛市山海关区南关街道办事处")
    new = printed(MILITIA, "民兵建设", DOC_A) | dept_name("秦皇岛市山海关区南关街道")
    assert old <= after_a and not new & after_a

    [report] = build(store, [sources["A2"]])
    assert [(i.severity, i.code) for i in report.issues if i.code == "replaced"] == [("info", "replaced")]
    after_a2 = shared(store)
    # exactly the old version's own triples left and the new version's came in; the rest stayed
    assert after_a2 == (after_a - old) | new
    assert after_a2 == union_of_records(store)
    still_used = {line(MILITIA, SKOS + "notation", '"2030607"'),
                  line(MILITIA, SKOS + "broader", f"<{BASE}code/functional/20306>"),
                  line(DEPT_A, SKOS + "notation", '"612"')}
    assert still_used <= after_a2
    count = ox.Literal("673", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    assert [q.object for q in store.quads(uris.contributions_graph())
            if q.predicate.value == BKG + "sharedTripleCount"] == [count]

    # the same version again: nothing changes
    build(store, [sources["A2"]])
    assert shared(store) == after_a2


def test_dropping_a_document_withdraws_only_its_own_shared_triples(sources: dict[str, Path], tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    build(store, [sources["A"]])
    after_a = shared(store)
    build(store, [sources["B"]])
    both = shared(store)
    b_only = both - after_a
    assert len(b_only) == 67  # 613 and its disclosure, unit, and "printed in B" of each printed name
    assert {line(DEPT_B, SKOS + "notation", '"613"'),
            line(f"{MILITIA}/name/{quote('民兵')}", BKG + "printedIn", f"<{DOC_B}>")} <= b_only
    assert both == union_of_records(store)
    # both documents print 2030607: the union default graph still holds its notation once
    q = f'SELECT (COUNT(*) AS ?n) {{ ?c <{SKOS}notation> "2030607" }}'
    assert [s["n"].value for s in store.query(q)] == ["1"]  # type: ignore[union-attr]

    store.drop_documents([DOC_B])
    assert shared(store) == after_a
    assert {line(MILITIA, SKOS + "notation", '"2030607"'),
            line(f"{MILITIA}/name/{quote('民兵')}", BKG + "printedIn", f"<{DOC_A}>")} <= shared(store)
    assert store.shared_contribution(DOC_B) is None
    assert {DOC_B, uris.validation_graph(DOC_B)}.isdisjoint(store.graph_names())
    assert [d.iri for d in store.documents()] == [DOC_A]

    store.drop_documents([DOC_A])
    assert shared(store) == set()
    assert list(store.quads(uris.contributions_graph())) == []


def test_a_document_without_a_record_keeps_everything(sources: dict[str, Path], tmp_path: Path) -> None:
    """A store loaded by an older budgetkg has no records: what its documents contributed is
    unknown, so replacing another document removes nothing until the store is rebuilt."""
    store = Store(tmp_path / "store")
    build(store, [sources["B"]])
    store.ox.update(f"DROP GRAPH <{uris.contributions_graph()}>")  # B as an older budgetkg loaded it
    build(store, [sources["A"]])
    before = shared(store)
    build(store, [sources["A2"]])
    after = shared(store)
    assert printed(MILITIA, "民兵建设", DOC_A) <= after
    assert after - before == printed(MILITIA, "民兵建设", DOC_A) | dept_name("秦皇岛市山海关区南关街道")
    assert before <= after  # 民兵 (B prints it too) and A's old department name both kept


def test_typed_literals_are_recorded_as_stored() -> None:
    """Oxigraph stores "1.50"^^xsd:decimal as "1.5": two documents printing the value
    differently share one stored triple, which stays while either of them is loaded."""
    decimal = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")
    s, p = ox.NamedNode(BASE + "code/x"), ox.NamedNode(BKG + "factorToYuan")
    store = Store()
    store.replace_graphs({}, shared={BASE + "d1": [ox.Triple(s, p, ox.Literal("1.50", datatype=decimal))],
                                     BASE + "d2": [ox.Triple(s, p, ox.Literal("1.5", datatype=decimal))]})
    expected = {f'<{BASE}code/x> <{BKG}factorToYuan> "1.5"^^<http://www.w3.org/2001/XMLSchema#decimal>'}
    assert shared(store) == expected
    store.drop_graphs([BASE + "d1"])
    assert shared(store) == expected
    store.drop_graphs([BASE + "d2"])
    assert shared(store) == set()


def test_blank_nodes_cannot_be_shared() -> None:
    triple = ox.Triple(ox.BlankNode(), ox.NamedNode(BKG + "p"), ox.Literal("x"))
    with pytest.raises(ValueError, match="cannot hold a blank node"):
        canonical_lines([triple])


def test_pages_void_and_dumps_with_the_records(sources: dict[str, Path], tmp_path: Path) -> None:
    """The record graph is a named graph like the others: its page, the document's page, VoID
    (whose subsets still add up) and the full dump all carry it; the document's page does not
    list its record."""
    store = Store(tmp_path / "store")
    build(store, [sources["A"]])
    with LiveServer(create_app(store)) as url, httpx.Client(base_url=url, timeout=60) as client:
        page = client.get("/graph/contributions", headers={"Accept": "text/turtle"})
        assert page.status_code == 200
        triples = list(ox.parse(page.content, format=ox.RdfFormat.TURTLE))
        assert sum(t.predicate.value == BKG + "sharedTriple" for t in triples) == 673
        doc = client.get(DOC_A.removeprefix(BASE.rstrip("/")), headers={"Accept": "text/turtle"})
        assert doc.status_code == 200
        assert "sharedTriple" not in doc.text
        void = rdflib.Graph().parse(data=client.get("/.well-known/void").text, format="turtle")
        total = int(next(void.objects(rdflib.URIRef(url + "/.well-known/void#dataset"),
                                      rdflib.URIRef(VOID + "triples"))))  # type: ignore[call-overload]
        assert total == len(store)
        sizes = {str(name): int(void.value(s, rdflib.URIRef(VOID + "triples")))  # type: ignore[arg-type]
                 for s in void.objects(None, rdflib.URIRef(VOID + "subset"))  # graphs (not the linksets)
                 if (name := void.value(s, rdflib.URIRef(SD + "name"))) is not None}
        assert sum(sizes.values()) == total
        assert sizes[uris.contributions_graph()] == 674 and sizes[uris.shared_graph()] == 673
        dump = gzip.decompress(client.get("/dumps/all.nq.gz").content)
        assert set(ox.parse(dump, format=ox.RdfFormat.N_QUADS)) == set(store.quads())
