"""Other publishers' Data Cube files load as their own documents and join our data in one query."""

from __future__ import annotations

import hashlib
import shutil
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from budgetkg import uris
from budgetkg.foreign import document_iri, rdf_format
from budgetkg.pipeline import build
from budgetkg.store import Store
from budgetkg.validate import check_datacube_integrity
from tests.conftest import SAMPLE

CUBE = Path(__file__).parent / "fixtures" / "third-party-cube.ttl"


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, list]:
    folder = tmp_path_factory.mktemp("in")
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    shutil.copy(CUBE, folder / CUBE.name)
    store = Store(tmp_path_factory.mktemp("store") / "s")
    return store, build(store, [folder])


def test_loaded_as_its_own_document(both: tuple[Store, list]) -> None:
    store, reports = both
    report = next(r for r in reports if r.file.endswith(CUBE.name))
    assert report.loaded and report.findings == {} and report.tables == []
    iri = document_iri(hashlib.sha256(CUBE.read_bytes()).hexdigest())
    assert report.iri == iri
    assert {d.file_name for d in store.documents()} == {CUBE.name, SAMPLE.name}
    q = f"""SELECT ?ds {{ GRAPH <{iri}> {{ ?ds <http://www.w3.org/ns/prov#wasDerivedFrom> <{iri}> }} }}"""
    assert [s["ds"].value for s in store.query(q)] == ["http://example.org/exampleland/budget2023"]
    # The file's 46 triples (blank-node components included) + 8 of provenance + 1 derivation.
    assert len(rdflib.Graph().parse(CUBE)) == 46
    assert sum(1 for _ in store.quads(iri)) == 55
    assert check_datacube_integrity(store) == []
    assert store.ox.contains_named_graph(ox.NamedNode(uris.validation_graph(iri)))


def test_one_query_across_both_publishers(both: tuple[Store, list]) -> None:
    store, _ = both
    q = """PREFIX qb: <http://purl.org/linked-data/cube#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
      PREFIX bkg: <http://127.0.0.1:8000/def/budget#>
      SELECT ?dataset ?amount WHERE {
        ?obs qb:dataSet ?dataset ; ?dimension ?code .
        ?dimension a qb:DimensionProperty .
        ?code skos:closeMatch <http://127.0.0.1:8000/code/cofog/07> .
        { ?obs bkg:amountInYuan ?amount ; bkg:breakdown <http://127.0.0.1:8000/code/breakdown/total> .
          ?dataset bkg:tableKind <http://127.0.0.1:8000/code/table-kind/general-public-budget-expenditure> }
        UNION { ?obs <http://purl.org/linked-data/sdmx/2009/measure#obsValue> ?amount }
      } ORDER BY ?dataset"""
    rows = [(s["dataset"].value.rsplit("/", 1)[-1], Decimal(s["amount"].value)) for s in store.query(q)]
    # Health (COFOG 07): 210 卫生健康支出 40.26 万元 in the sample; Exampleland's "H" 1250000.50 EUR.
    assert rows == [("general-public-budget-expenditure", Decimal(402600)), ("budget2023", Decimal("1250000.50"))]


@pytest.mark.parametrize(("head", "name", "expected"), [
    (b"@prefix ex: <http://e/> .", "a.ttl", ox.RdfFormat.TURTLE),
    (b"PREFIX ex: <http://e/>", "a.trig", ox.RdfFormat.TRIG),
    (b"<http://e/s> <http://e/p> <http://e/o> .", "a.nt", ox.RdfFormat.N_TRIPLES),
    (b"<http://e/s> <http://e/p> <http://e/o> <http://e/g> .", "a.nq", ox.RdfFormat.N_QUADS),
    (b'{"@context": {}, "@id": "http://e/s"}', "a.json", ox.RdfFormat.JSON_LD),
    (b"\t612\xe6\x9f\x90\n", "a.txt", None),
])
def test_rdf_sniffing(head: bytes, name: str, expected: ox.RdfFormat | None) -> None:
    assert rdf_format(Path(name), head) == expected


def test_invalid_rdf_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://e/> .\nex:s ex:p .\n", encoding="utf-8")
    store = Store(tmp_path / "s")
    (report,) = build(store, [bad])
    assert not report.loaded
    assert report.error == "invalid Turtle: Parser error at line 2 column 11: . is not a valid RDF object (line 2)"
    assert store.documents() == []
