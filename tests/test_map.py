"""Mapping: every printed amount is an observation with exact value and the right dimensions."""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
import pytest

from budgetkg import uris
from budgetkg.identity import identify
from budgetkg.map import MappedDocument, map_document, normalise_label, parse_amount
from budgetkg.read import read_document
from budgetkg.recognise import RecognisedTable, recognise
from budgetkg.store import Store
from tests.conftest import SAMPLE

BASE = "http://127.0.0.1:8000/"
V = BASE + "def/budget#"
DOC = BASE + "id/disclosure/130303/612/2023/budget/document/main"


def _map() -> tuple[list[RecognisedTable], MappedDocument]:
    doc = read_document(SAMPLE)
    tables = [recognise(t, doc.file_name) for t in doc.tables]
    ident = identify(tables, [p.text for p in doc.paragraphs], doc.file_name)
    return tables, map_document(doc, tables, ident)


@pytest.fixture(scope="module")
def mapped() -> tuple[list[RecognisedTable], MappedDocument, Store]:
    tables, m = _map()
    store = Store()
    store.load_vocabularies()
    store.replace_graphs({m.iri: m.triples, uris.shared_graph(): m.shared})
    return tables, m, store


def test_kinds_recognised(mapped: tuple[list[RecognisedTable], MappedDocument, Store]) -> None:
    tables, m, _ = mapped
    assert [t.kind for t in tables] == [
        "income-expenditure-summary", "income", "expenditure", "fiscal-appropriation-summary",
        "general-public-budget-expenditure", "general-public-budget-basic-expenditure",
        "government-fund-expenditure", "state-capital-expenditure", "three-public-expenditure",
        "institutions", *["performance-targets"] * 8, "procurement", "fixed-assets",
    ]
    assert [t.is_empty for t in tables].count(True) == 3  # 基金, 国资, 政府采购: recorded, not dropped
    assert [(i.severity, i.code) for i in m.issues] == [("info", "units-by-name")]  # units known by name only
    assert [t.observations for t in m.tables if t.observations] == [11, 75, 55, 19, 55, 61, 8, 8]
    assert m.observations == 292


def test_identity_and_iris(mapped: tuple[list[RecognisedTable], MappedDocument, Store]) -> None:
    _, m, _ = mapped
    assert m.iri == DOC
    assert m.iri == uris.document(uris.disclosure("130303", "612", 2023, "budget"))


def test_every_amount_cell_is_an_exact_observation(
    mapped: tuple[list[RecognisedTable], MappedDocument, Store],
) -> None:
    """Walk the tables as read; each non-empty amount cell must be found at its row and cell."""
    tables, m, store = mapped
    q = f"""PREFIX bkg: <{V}> PREFIX csvw: <http://www.w3.org/ns/csvw#>
      SELECT ?title ?rownum ?index ?amount ?printed WHERE {{ GRAPH <{m.iri}> {{
        ?obs a <http://purl.org/linked-data/cube#Observation> ; bkg:amount ?amount ; bkg:printedValue ?printed ;
             bkg:sourceRow ?row ; bkg:cellIndex ?index .
        ?row csvw:rownum ?rownum ; bkg:table/<http://purl.org/dc/terms/title> ?title }} }}"""
    found = {(s["title"].value, int(s["rownum"].value), int(s["index"].value)): (Decimal(s["amount"].value),
             s["printed"].value) for s in store.query(q)}
    expected = {}
    for t in tables:
        if not (t.mapping and t.mapping.cube):
            continue
        for n, row in enumerate(t.body_rows, start=len(t.header_rows) + 1):
            for i, text in enumerate(row.cells):
                col = t.columns[i]
                if text.strip() and col.spec and col.spec.role == "amount":
                    expected[(t.raw.title, n, i + 1)] = (Decimal(text.replace(",", "")), text)
    assert len(expected) == 292
    assert found == expected


def _obs(store: Store, kind: str, item: str, breakdown: str) -> dict[str, str]:
    ds = uris.dataset(DOC, kind)
    iri = uris.observation(ds, item, breakdown)
    return {q.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]: q.object.value
            for q in store.ox.quads_for_pattern(ox.NamedNode(iri), None, None, ox.NamedNode(DOC))}


def test_exact_triples_of_known_cells(mapped: tuple[list[RecognisedTable], MappedDocument, Store]) -> None:
    _, _, store = mapped
    o = _obs(store, "general-public-budget-expenditure", "functional-2010301", "basic")
    assert o["amount"] == "333.45" and o["printedValue"] == "333.45" and o["amountInYuan"] == "3334500"
    assert o["classification"] == BASE + "code/functional/2010301"
    assert o["breakdown"] == BASE + "code/breakdown/basic"
    assert o["department"] == BASE + "id/department/130303/612"
    assert o["fiscalYear"] == "http://reference.data.gov.uk/id/gregorian-year/2023"
    assert o["budgetPhase"] == "http://data.openbudgets.eu/resource/codelist/budget-phase/approved"
    assert o["unitMeasure"] == BASE + "code/unit/wan-yuan"
    assert o["columnNumber"] == "4" and o["decimals"] == "2" and o["cellIndex"] == "5"
    # 2.00 is stored as the exact decimal 2 (canonical form) and printed as "2.00".
    o = _obs(store, "general-public-budget-expenditure", "functional-2030607", "project")
    assert o["amount"] == "2" and o["printedValue"] == "2.00"
    o = _obs(store, "general-public-budget-basic-expenditure", "economic-302", "public")
    assert o["amount"] == "41.47" and o["classification"] == BASE + "code/economic/302"
    # 财政拨款收支总表: "一般公共预算拨款" printed twice; the second is the opening balance (empty).
    o = _obs(store, "fiscal-appropriation-summary", "line-item-general-public-budget-appropriation", "amount")
    assert o["amount"] == "822.41"
    o = _obs(store, "income-expenditure-summary", "functional-221", "amount")
    assert o["amount"] == "32.41"
    o = _obs(store, "three-public-expenditure", "line-item-vehicle-operation", "general-public-budget")
    assert o["amount"] == "1"
    o = _obs(store, "fixed-assets", "line-item-office-buildings", "quantity")
    assert o["amount"] == "681" and o["unitMeasure"] == BASE + "code/unit/square-metre" and "amountInYuan" not in o


def test_code_concepts_hierarchy(mapped: tuple[list[RecognisedTable], MappedDocument, Store]) -> None:
    _, _, store = mapped
    q = f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
      SELECT ?n ?b WHERE {{ <{BASE}code/functional/2010301> skos:broader ?k . ?k skos:notation ?n ;
      skos:broader/skos:notation ?b }}"""
    assert [(s["n"].value, s["b"].value) for s in store.query(q)] == [("20103", "201")]


def test_same_document_same_triples() -> None:
    _, first = _map()
    _, second = _map()
    assert set(map(str, first.triples)) == set(map(str, second.triples))
    assert set(map(str, first.shared)) == set(map(str, second.shared))
    assert all(isinstance(t.subject, ox.NamedNode) for t in first.triples + first.shared)  # no blank nodes


def test_no_triple_in_two_graphs(mapped: tuple[list[RecognisedTable], MappedDocument, Store]) -> None:
    """The union default graph keeps duplicates, so a triple in two graphs would double sums."""
    _, _, store = mapped
    q = "SELECT (COUNT(*) AS ?n) { GRAPH ?g1 { ?s ?p ?o } GRAPH ?g2 { ?s ?p ?o } FILTER(STR(?g1) < STR(?g2)) }"
    assert next(iter(store.ox.query(q)))["n"].value == "0"


@pytest.mark.parametrize(("text", "expected"), [
    ("822.41", (Decimal("822.41"), 2)), ("1,234,567.5", (Decimal("1234567.5"), 1)), ("-3", (Decimal(-3), 0)),
    ("12,34", None), ("—", None), ("1.2.3", None), ("", None),
])
def test_parse_amount(text: str, expected: tuple[Decimal, int] | None) -> None:
    assert parse_amount(text) == expected


def test_normalise_label() -> None:
    assert normalise_label("    其中：公务用车购置费") == "公务用车购置费"
    assert normalise_label("二十二、国有资本经营预算支出") == "国有资本经营预算支出"
    assert normalise_label("1、房屋（平方米）") == "房屋（平方米）"


def test_functional_class_from_a_cut_label() -> None:
    from budgetkg.map import functional_class

    assert functional_class("社会保障和就业支出") == "208"
    assert functional_class("社会保障和就") == "208"  # the PDF cell wrapped 业支出 onto a lost line
    assert functional_class("一般公") is None  # too short to be sure
    assert functional_class("资源勘探") == "215"
    assert functional_class("其他支出") == "229"
    assert functional_class("国有资本经营预算") == "223"


def test_region_with_the_divisions_above_it(mapped: tuple[list[RecognisedTable], MappedDocument, Store]) -> None:
    _, _, store = mapped
    q = f"""PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
      SELECT ?code ?label {{ <{BASE}id/region/130303> dcterms:isPartOf* ?r . ?r rdfs:label ?label ;
        <http://www.w3.org/2004/02/skos/core#notation> ?code }} ORDER BY ?code"""
    assert [(s["code"].value, s["label"].value) for s in store.query(q)] == [
        ("130000", "河北省"), ("130300", "河北省秦皇岛市"), ("130303", "河北省秦皇岛市山海关区")]
