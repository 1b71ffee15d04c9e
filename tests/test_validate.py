"""Validation: exact findings on a hand-designed fixture, fast path == pyshacl, Data Cube ICs."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from pyshacl import validate as pyshacl_validate
from rdflib.namespace import SH

from budgetkg import uris, validate
from budgetkg.config import base_iri
from budgetkg.store import Store

FIXTURE = Path(__file__).parent / "fixtures" / "validation-mini.trig"
QB = "http://purl.org/linked-data/cube#"


def doc_iri() -> str:
    return base_iri() + "id/disclosure/130303/612/2023/budget/document/main"


def obs(kind: str, item: str, column: str) -> str:
    return f"{doc_iri()}/table/{kind}/obs/{item}/{column}"


@pytest.fixture
def store() -> Store:
    s = Store()
    s.ox.bulk_extend(ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TRIG, base_iri=base_iri()))
    return s


def graphs() -> list[str]:
    return [doc_iri(), uris.ontology_graph(), uris.codelists_graph()]


GPB = "general-public-budget-expenditure"
BASIC = "general-public-budget-basic-expenditure"
FAS = "fiscal-appropriation-summary"
D = Decimal

#: (rule, severity, focus, value, sum, diff, envelope), designed into the fixture.
EXPECTED = [
    (
        "R01-balance",
        "Violation",
        obs("income-expenditure-summary", "income-grand-total", "amount"),
        D("335.85"),
        D("336.85"),
        D("-1"),
        D("0.01"),
    ),
    (
        "R07-expenditure-columns",
        "Violation",
        obs(GPB, "functional-20103", "total"),
        D("333.85"),
        D("330.85"),
        D("3"),
        D("0.015"),
    ),
    (
        "R07-expenditure-columns",
        "Info",
        obs("expenditure", "functional-2030607", "total"),
        D("2"),
        D("2.01"),
        D("-0.01"),
        D("0.01"),
    ),
    (
        "R08-functional-hierarchy",
        "Violation",
        obs(GPB, "functional-201", "basic"),
        D("333.45"),
        D("330.45"),
        D("3"),
        D("0.01"),
    ),
    (
        "R08-functional-hierarchy",
        "Violation",
        obs(GPB, "functional-20103", "basic"),
        D("330.45"),
        D("333.45"),
        D("-3"),
        D("0.01"),
    ),
    (
        "R08-functional-hierarchy",
        "Info",
        obs("expenditure", "functional-20306", "project"),
        D("2"),
        D("2.01"),
        D("-0.01"),
        D("0.01"),
    ),
    (
        "R09-fund-columns",
        "Info",
        obs(FAS, "expenditure-grand-total", "total"),
        D("335.85"),
        D("335.86"),
        D("-0.01"),
        D("0.015"),
    ),
    (
        "R09-fund-columns",
        "Info",
        obs(FAS, "expenditure-this-year-total", "total"),
        D("335.85"),
        D("335.86"),
        D("-0.01"),
        D("0.015"),
    ),
    ("R09-fund-columns", "Info", obs(FAS, "functional-203", "total"), D("2"), D("2.01"), D("-0.01"), D("0.015")),
    (
        "R11-personnel-public",
        "Info",
        obs(BASIC, "economic-30102", "total"),
        D("57.55"),
        D("57.56"),
        D("-0.01"),
        D("0.01"),
    ),
    (
        "R12-economic-hierarchy",
        "Info",
        obs(BASIC, "economic-301", "personnel"),
        D("182.76"),
        D("182.77"),
        D("-0.01"),
        D("0.015"),
    ),
    (
        "R12-economic-hierarchy",
        "Info",
        obs(BASIC, "economic-302", "public"),
        D("41.47"),
        D("41.49"),
        D("-0.02"),
        D("0.075"),
    ),
    (
        "R12-economic-hierarchy",
        "Info",
        obs(BASIC, "economic-302", "total"),
        D("41.47"),
        D("41.49"),
        D("-0.02"),
        D("0.075"),
    ),
    # R13 (a 301 row's 合计 is its 人员经费): the same printed pair as R11 above, seen by the rule
    # that says which column a 301 item belongs in
    (
        "R13-personnel-public-items",
        "Info",
        obs(BASIC, "economic-30102", "total"),
        D("57.55"),
        D("57.56"),
        D("-0.01"),
        D("0.01"),
    ),
    # R05: the summary's 支出总计 336.85 (altered for R01) is not 本年支出合计 + 年终结转 = 335.85
    (
        "R05-expenditure-grand-total",
        "Violation",
        obs("income-expenditure-summary", "expenditure-grand-total", "amount"),
        D("336.85"),
        D("335.85"),
        D("1"),
        D("0.01"),
    ),
    # Group B (cross-table), real in the fixture's figures: the fiscal-appropriation summary's
    # general-public-budget expenditure of the year prints 334.85 (its classes add up to 333.85,
    # see R08 above) while the general-public-budget table's total is 333.85; and the fixture's
    # basic-expenditure table holds only part of the basic expenditure (224.23 of 333.45).
    (
        "R26-general-budget-column",
        "Violation",
        obs(FAS, "expenditure-this-year-total", "general-public-budget"),
        D("334.85"),
        D("333.85"),
        D("1"),
        D("0.01"),
    ),
    (
        "R29-basic-expenditure",
        "Violation",
        obs(GPB, "table-total", "basic"),
        D("333.45"),
        D("224.23"),
        D("109.22"),
        D("0.01"),
    ),
]


def summary(findings: list[validate.Finding]) -> list[tuple[object, ...]]:
    return sorted(
        (f.rule, f.severity, f.focus, f.values["value"], f.values["sum"], f.values["diff"], f.values["envelope"])
        for f in findings
    )


def test_exact_findings_on_fixture(store: Store) -> None:
    findings = validate.validate_graph(store, doc_iri())
    assert summary(findings) == sorted(EXPECTED)
    f302 = next(f for f in findings if f.focus == obs(BASIC, "economic-302", "total"))
    assert f302.values["n"] == 14
    assert f302.message == (
        "302 商品和服务支出 [total]: 41.47 ≠ Σ children 41.49 (diff -0.02, 14 terms, rounding envelope 0.075)"
    )
    assert f302.message_zh.startswith("302 商品和服务支出（total栏）：41.47 ≠ 下级科目合计 41.49")
    assert f302.location == validate.Location(
        table="部门预算一般公共预算财政拨款基本支出表",
        row="5",
        column="total (栏次 1)",
        row_iri=f"{doc_iri()}/table/{BASIC}/row/7",
    )


def set_amount(store: Store, focus: str, amount: str) -> None:
    bkg = uris.vocab()
    store.ox.update(
        f"DELETE {{ GRAPH ?g {{ <{focus}> <{bkg}amount> ?a ; <{bkg}printedValue> ?p }} }}"
        f' INSERT {{ GRAPH ?g {{ <{focus}> <{bkg}amount> {amount} ; <{bkg}printedValue> "{amount}" }} }}'
        f" WHERE {{ GRAPH ?g {{ <{focus}> <{bkg}amount> ?a ; <{bkg}printedValue> ?p }} }}"
    )


@pytest.mark.parametrize(
    ("amount", "severity", "diff"),
    [("41.42", "Info", D("-0.07")), ("41.41", "Violation", D("-0.08")), ("41.49", None, None)],
)
def test_rounding_envelope_boundary(store: Store, amount: str, severity: str | None, diff: Decimal | None) -> None:
    """302 has 14 children printed with 2 decimals: envelope (14+1) x 0.01 / 2 = 0.075."""
    focus = obs(BASIC, "economic-302", "total")
    set_amount(store, focus, amount)
    hits = [f for f in validate.validate_graph(store, doc_iri()) if f.focus == focus and f.rule.startswith("R12")]
    if severity is None:
        assert hits == []
    else:
        assert [(f.severity, f.values["diff"], f.values["envelope"]) for f in hits] == [(severity, diff, D("0.075"))]


def test_structure_violations(store: Store) -> None:
    focus = obs(BASIC, "economic-30101", "total")
    unit = "http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure"
    store.ox.update(f"DELETE WHERE {{ GRAPH ?g {{ <{focus}> <{unit}> ?u }} }}")
    concept = base_iri() + "code/economic/30101"
    wrong = base_iri() + "code/economic/302"
    broader = "http://www.w3.org/2004/02/skos/core#broader"
    store.ox.update(
        f"DELETE WHERE {{ GRAPH ?g {{ <{concept}> <{broader}> ?b }} }} ;"
        f" INSERT DATA {{ GRAPH <{doc_iri()}> {{ <{concept}> <{broader}> <{wrong}> }} }}"
    )
    found = {(f.rule, f.severity, f.focus) for f in validate.validate_graph(store, doc_iri()) if f.rule.startswith("S")}
    assert found == {("S04-unit", "Violation", focus), ("S08-code-broader", "Violation", concept)}


# -- fast path == pyshacl -------------------------------------------------------------------


def _norm_number(text: str) -> str:
    # Oxigraph writes canonical decimals ("2"), rdflib keeps Python's Decimal form ("2.00").
    return re.sub(r"-?\d+(\.\d+)?", lambda m: str(Decimal(m.group()).normalize()), text)


def _pyshacl_results(data: rdflib.Graph, shapes: rdflib.Graph) -> set[tuple[object, ...]]:
    _c, report, _t = pyshacl_validate(data, shacl_graph=shapes, inference="none", advanced=True)
    return _sparql_rows(report, shapes)


def _sparql_rows(report: rdflib.Graph, shapes: rdflib.Graph) -> set[tuple[object, ...]]:
    """The results of the SPARQL shapes in a pyshacl report, as ``_fast_results`` gives them."""
    sparql_shapes = set(shapes.subjects(SH.sparql))
    out = set()
    for r in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        shape = report.value(r, SH.sourceShape)
        if shape not in sparql_shapes:
            continue
        value = report.value(r, SH.value)
        messages = frozenset(_norm_number(str(m)) for m in report.objects(r, SH.resultMessage))
        out.add(
            (
                str(shape),
                str(report.value(r, SH.resultSeverity)).split("#")[1],
                str(report.value(r, SH.focusNode)),
                _norm_number(str(value)),
                messages,
            )
        )
    return out


def _fast_results(store: Store, shapes: rdflib.Graph, over: list[str]) -> set[tuple[object, ...]]:
    out = set()
    for group in validate.constraint_groups(validate.sparql_constraints(shapes)):  # as validate_graph runs them
        for f in validate.run_sparql_constraints(store, group, over):
            value = f.values["value"]
            out.add(
                (
                    f.shape,
                    f.severity,
                    f.focus,
                    _norm_number(str(value)),
                    frozenset(_norm_number(m) for m in (f.message, f.message_zh) if m),
                )
            )
    return out


def engines_on(store: Store, graphs: list[str], shapes: rdflib.Graph) -> set[tuple[object, ...]]:
    """pyshacl's results of the SPARQL ``shapes`` over ``graphs`` of ``store``, asserted equal to the fast path's."""
    reference = _pyshacl_results(validate._to_rdflib(store, graphs), shapes)
    assert _fast_results(store, shapes, graphs) == reference
    return reference


def _retarget(
    shapes: rdflib.Graph, foci: Sequence[str] | Mapping[str, Sequence[str]], rules: tuple[str, ...] | None = None
) -> rdflib.Graph:
    """The same shapes with the SPARQL shapes' targets (sh:targetClass, SPARQL-based sh:target)
    replaced by the given focus nodes (pyshacl runs one query per focus node; on every observation
    of the fixture that takes minutes). With a mapping (shape IRI -> focus nodes), each shape in it
    gets its own focus nodes and the others keep their own targets. With ``rules``, only the SPARQL
    shapes whose IRI contains one of them keep their constraint."""
    g = rdflib.Graph()
    for t in shapes:
        g.add(t)
    for shape in set(shapes.subjects(SH.sparql)):
        excluded = rules is not None and not any(r in str(shape) for r in rules)
        if isinstance(foci, Mapping) and str(shape) not in foci and not excluded:
            continue  # keeps its own targets
        g.remove((shape, SH.targetClass, None))
        g.remove((shape, SH.target, None))
        if excluded:
            g.remove((shape, SH.sparql, None))
            continue
        for focus in foci[str(shape)] if isinstance(foci, Mapping) else foci:
            g.add((shape, SH.targetNode, rdflib.URIRef(focus)))
    return g


def test_fast_path_equals_pyshacl_arithmetic_and_cross_table(store: Store) -> None:
    expected_foci = [e[2] for e in EXPECTED]
    clean = [obs("expenditure", "table-total", c) for c in ("total", "basic", "project")] + [
        obs(BASIC, "table-total", "total"),
        obs(BASIC, "economic-301", "total"),
        obs(FAS, "income-this-year-total", "amount"),
        obs(FAS, "income-grand-total", "amount"),
        obs("income-expenditure-summary", "income-this-year-total", "amount"),
        obs("income-expenditure-summary", "expenditure-this-year-total", "amount"),
    ]
    shapes = _retarget(validate.load_shapes(["arithmetic.ttl", "arithmetic-totals.ttl", "crosstable.ttl"]),
                       expected_foci + clean)
    data = validate._to_rdflib(store, graphs())
    reference = _pyshacl_results(data, shapes)
    fast = _fast_results(store, shapes, graphs())
    assert len(reference) == len(EXPECTED)
    assert fast == reference


def _delete_observations(store: Store, observations: Sequence[str]) -> None:
    store.ox.update(" ; ".join(f"DELETE WHERE {{ GRAPH ?g {{ <{o}> ?p ?v }} }}" for o in observations))


def test_table_total_without_class_cells(store: Store) -> None:
    """R08-table-total reads the 类 cells of the whole table: a column whose 类 cells are all empty
    sums to 0 against its printed total (0 terms), and a table without any 类 row is not checked."""
    totals = [obs("expenditure", "table-total", c) for c in ("total", "basic", "project")]
    shapes = _retarget(validate.load_shapes(["arithmetic.ttl"]), totals, rules=("R08-table-total",))

    def table_totals() -> list[tuple[object, ...]]:
        found = validate.validate_graph(store, doc_iri())
        return sorted((f.severity, f.focus, f.values["value"], f.values["sum"], f.values["n"], f.values["diff"],
                       f.values["envelope"]) for f in found
                      if f.rule == "R08-table-total" and f.focus in totals)

    assert table_totals() == []
    _delete_observations(store, [obs("expenditure", "functional-201", "basic")])  # the only 类 cell of 基本支出
    assert table_totals() == [("Violation", totals[1], D("333.45"), D(0), 0, D("333.45"), D("0.005"))]
    assert {r[2] for r in engines_on(store, graphs(), shapes)} == {totals[1]}
    _delete_observations(store, [obs("expenditure", f"functional-{c}", col)
                                 for c in ("201", "203") for col in ("total", "basic", "project")])
    assert table_totals() == []
    assert engines_on(store, graphs(), shapes) == set()


def test_fast_path_equals_pyshacl_structure_and_datacube(store: Store) -> None:
    broken = break_cube(store)
    two_sets = obs("expenditure", "functional-201", "total")  # IC-1: an observation in two data sets
    summary = f"{doc_iri()}/table/fiscal-appropriation-summary"
    store.ox.update(f"INSERT {{ GRAPH ?g {{ <{two_sets}> <{QB}dataSet> <{summary}> }} }}"
                    f" WHERE {{ GRAPH ?g {{ <{two_sets}> <{QB}dataSet> ?d }} }}")
    concept = base_iri() + "code/functional/2010301"
    store.ox.update(
        f"INSERT DATA {{ GRAPH <{doc_iri()}> {{ <{concept}> <http://www.w3.org/2004/02/skos/core#broader>"
        f" <{base_iri()}code/functional/203> . <{base_iri()}code/functional/20399x>"
        f" a <http://www.w3.org/2004/02/skos/core#Concept> ;"
        f" <http://www.w3.org/2004/02/skos/core#inScheme> <{base_iri()}code/functional> ;"
        f' <http://www.w3.org/2004/02/skos/core#notation> "20399x" }} }}'
    )
    off_list = obs("expenditure", "functional-203", "project")  # IC-19: a breakdown outside code:breakdown
    bkg = uris.vocab()
    store.ox.update(
        f"DELETE WHERE {{ GRAPH ?g {{ <{off_list}> <{bkg}breakdown> ?b }} }} ;"
        f" INSERT DATA {{ GRAPH <{doc_iri()}> {{ <{off_list}> <{bkg}breakdown> <{base_iri()}code/breakdown/x> }} }}"
    )
    shapes = validate.load_shapes(["structure.ttl", "datacube.ttl"])
    data = validate._to_rdflib(store, graphs())
    reference = _pyshacl_results(data, shapes)
    fast = _fast_results(store, shapes, graphs())
    rules = {r[0].split("#")[1] for r in reference}
    assert {"IC-1", "IC-11", "IC-12", "IC-19", "S07-code-notation", "S08-code-broader"} <= rules
    assert {r[2] for r in reference if r[0].endswith("#IC-19")} == {off_list}
    assert {r[2] for r in reference if r[0].endswith("#IC-1")} == {broken["IC-1"], two_sets}
    assert fast == reference


# -- RDF Data Cube integrity --------------------------------------------------------------


def break_cube(store: Store) -> dict[str, str]:
    """Break IC-1 (no data set), IC-11 (missing dimension), IC-12 (duplicate observation)."""
    no_ds = obs("expenditure", "functional-201", "basic")
    no_dim = obs("expenditure", "functional-201", "project")
    original = obs("expenditure", "functional-203", "total")
    duplicate = original + "-copy"
    bkg = uris.vocab()
    store.ox.update(
        f"DELETE WHERE {{ GRAPH ?g {{ <{no_ds}> <{QB}dataSet> ?d }} }} ;"
        f" DELETE WHERE {{ GRAPH ?g {{ <{no_dim}> <{bkg}breakdown> ?b }} }} ;"
        f" INSERT {{ GRAPH ?g {{ <{duplicate}> ?p ?o }} }} WHERE {{ GRAPH ?g {{ <{original}> ?p ?o }} }}"
    )
    return {"IC-1": no_ds, "IC-11": no_dim, "IC-12": duplicate, "IC-12-original": original}


def test_datacube_integrity_passes_on_fixture(store: Store) -> None:
    assert validate.check_datacube_integrity(store) == []


def test_datacube_integrity_detects_broken_cube(store: Store) -> None:
    broken = break_cube(store)
    found = {(f.rule, f.focus) for f in validate.check_datacube_integrity(store)}
    assert found == {
        ("IC-1", broken["IC-1"]),
        ("IC-11", broken["IC-11"]),
        ("IC-12", broken["IC-12"]),
        ("IC-12", broken["IC-12-original"]),
        # IC-12 as specified: an observation missing a dimension differs from no sibling on it,
        # so 201/project (no breakdown) duplicates 201/total, and the reverse.
        ("IC-12", broken["IC-11"]),
        ("IC-12", obs("expenditure", "functional-201", "total")),
    }


def _ic12_candidates(store: Store) -> set[str]:
    """IC-12's SPARQL-based target: the observations its pairwise test runs for."""
    [ic12] = [c for c in validate.sparql_constraints(validate.load_shapes(["datacube.ttl"])) if c.rule == "IC-12"]
    assert ic12.focus_select is not None
    rows = store.ox.query(f"{ic12.prefixes}\n{ic12.focus_select}", **validate._dataset(graphs()))
    return {r["this"].value for r in rows}  # type: ignore[index,union-attr]


def _observations_of(store: Store, kind: str) -> set[str]:
    rows = store.ox.query(
        f"SELECT ?o {{ ?o <{QB}dataSet> ?ds . ?ds <{uris.vocab()}tableKind> <{base_iri()}code/table-kind/{kind}> }}",
        **validate._dataset(graphs()),
    )
    return {r["o"].value for r in rows}  # type: ignore[index,union-attr]


def test_ic12_checks_candidates_only(store: Store) -> None:
    """A clean cube has no candidate; a copied observation makes exactly it and its original candidates
    (found by key, not pairwise), and the finding pairs them."""
    assert _ic12_candidates(store) == set()
    original = obs("expenditure", "functional-203", "total")
    store.ox.update(
        f"INSERT {{ GRAPH ?g {{ <{original}-copy> ?p ?o }} }} WHERE {{ GRAPH ?g {{ <{original}> ?p ?o }} }}"
    )
    assert _ic12_candidates(store) == {original, original + "-copy"}
    found = {(f.rule, f.focus, f.value_term) for f in validate.check_datacube_integrity(store)}
    assert found == {("IC-12", original, f"<{original}-copy>"), ("IC-12", original + "-copy", f"<{original}>")}


def test_ic12_irregular_data_sets_are_checked_pairwise(store: Store) -> None:
    """Keys cannot decide where an observation lacks a dimension or a data set has no structure:
    then every observation of that data set is a candidate, and only of that one."""
    no_dim = obs("expenditure", "functional-201", "project")
    store.ox.update(f"DELETE WHERE {{ GRAPH ?g {{ <{no_dim}> <{uris.vocab()}breakdown> ?b }} }}")
    expenditure = _observations_of(store, "expenditure")
    assert len(expenditure) > 2
    assert _ic12_candidates(store) == expenditure
    summary = f"{doc_iri()}/table/fiscal-appropriation-summary"
    assert _observations_of(store, "fiscal-appropriation-summary") - expenditure
    store.ox.update(f"DELETE WHERE {{ GRAPH ?g {{ <{summary}> <{QB}structure> ?s }} }}")
    assert _ic12_candidates(store) == expenditure | _observations_of(store, "fiscal-appropriation-summary")


def test_ic12_observation_without_any_dimension_makes_its_data_set_candidates(store: Store) -> None:
    """An observation stripped of every dimension has no (dimension, value) pair to be keyed by: its data set is
    found irregular by count (fewer observations keyed than it holds), and all of it is a candidate."""
    bare = obs("expenditure", "functional-201", "project")
    bkg = uris.vocab()
    for p in ("department", "fiscalYear", "budgetPhase", "classification", "breakdown"):
        store.ox.update(f"DELETE WHERE {{ GRAPH ?g {{ <{bare}> <{bkg}{p}> ?v }} }}")
    assert _ic12_candidates(store) == _observations_of(store, "expenditure")


def test_ic12_data_set_without_any_pair_makes_all_its_observations_candidates(store: Store) -> None:
    """Observations none of which has a dimension value give their data set no keyed group at all: every one of
    them is a candidate (each pair of them agrees on every dimension, having none), and only of that data set."""
    bkg = uris.vocab()
    expenditure = _observations_of(store, "expenditure")
    for p in ("department", "fiscalYear", "budgetPhase", "classification", "breakdown"):
        store.ox.update(f"DELETE {{ GRAPH ?g {{ ?o <{bkg}{p}> ?v }} }} WHERE {{ GRAPH ?g {{ ?o <{bkg}{p}> ?v ;"
                        f" <{QB}dataSet> <{doc_iri()}/table/expenditure> }} }}")
    assert len(expenditure) > 2
    assert _ic12_candidates(store) == expenditure


def test_ic12_blank_node_observations_are_checked_pairwise(store: Store) -> None:
    """A blank-node observation has no IRI to list among a key's members: every observation of its data set is
    a candidate, and the pairwise test finds the copy."""
    original = obs("expenditure", "functional-203", "total")
    copy = ox.BlankNode()
    store.ox.extend([ox.Quad(copy, q.predicate, q.object, q.graph_name)
                     for q in store.ox.quads_for_pattern(ox.NamedNode(original), None, None)])
    expenditure = _observations_of(store, "expenditure")
    assert copy.value in expenditure and _ic12_candidates(store) == expenditure
    found = {(f.rule, f.focus) for f in validate.check_datacube_integrity(store) if f.rule == "IC-12"}
    assert ("IC-12", original) in found and len(found) == 2


# -- report and renderings ----------------------------------------------------------------


def test_report_triples(store: Store) -> None:
    findings = validate.validate_graph(store, doc_iri())
    triples = validate.report_triples(findings, doc_iri())
    assert triples == validate.report_triples(findings, doc_iri())  # deterministic
    g = ox.Store()
    g.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    sh = str(SH)
    report = uris.validation_graph(doc_iri())
    [row] = list(
        g.query(f"""SELECT ?conforms (COUNT(DISTINCT ?r) AS ?n) (COUNT(DISTINCT ?row) AS ?rows) WHERE {{
        <{report}> a <{sh}ValidationReport> ; <{sh}conforms> ?conforms ; <{sh}result> ?r ;
                   <http://www.w3.org/ns/prov#wasDerivedFrom> <{doc_iri()}> .
        ?r <{sh}focusNode> ?f ; <{sh}sourceShape> ?s ; <{sh}resultSeverity> ?sev ; <{sh}value> ?v ;
           <{sh}resultMessage> ?en, ?zh ; <{uris.vocab()}sourceRow> ?row .
        FILTER (LANG(?en) = "en" && LANG(?zh) = "zh")
    }} GROUP BY ?conforms""")
    )  # type: ignore[union-attr]
    assert row["conforms"].value == "false"
    assert int(row["n"].value) == len(EXPECTED)
    assert int(row["rows"].value) == len({f.location.row_iri for f in findings if f.location})


def test_renderings(store: Store) -> None:
    findings = validate.validate_graph(store, doc_iri())
    rows = list(csv.reader(io.StringIO(validate.render_csv(findings))))
    assert rows[0] == ["rule", "severity", "focus", "table", "row", "column", "values", "message"]
    assert len(rows) == len(EXPECTED) + 1
    assert [
        "R12-economic-hierarchy",
        "Info",
        obs(BASIC, "economic-302", "total"),
        "部门预算一般公共预算财政拨款基本支出表",
        "5",
        "total (栏次 1)",
    ] == [r for r in rows if r[0] == "R12-economic-hierarchy"][-1][:6]
    text = validate.render_text(findings)
    assert text.index("R08-functional-hierarchy (3)") < text.index("R12-economic-hierarchy (3)")
    block = text[text.index("R08-functional-hierarchy (3)") : text.index("R09-fund-columns")]
    assert block.index("Violation") < block.index("Info")
    assert validate.render_text([]) == "No findings.\n"


# -- SHACL's restrictions on pre-bound queries (SHACL 1.0 §5.3.1, appendix "Pre-binding of Variables") -------------

_SUB = "SELECT $this WHERE { $this a ?c { SELECT ?c (COUNT(*) AS ?n) WHERE { ?x a ?c } GROUP BY ?c } }"


@pytest.mark.parametrize(("query", "problems"), [
    # a sub-select that does not return $this (COUNT(*) is not SELECT *), then the same returning it; a nested
    # SELECT * is refused (pyshacl: it does not return pre-bound variables)
    (_SUB, ["a sub-select at offset 34 does not return $this"]),
    (_SUB.replace("SELECT ?c (", "SELECT $this ?c (").replace("GROUP BY ?c", "GROUP BY $this ?c"), []),
    ("SELECT $this WHERE { $this a ?c { SELECT * WHERE { ?x a ?c } } }", ["a sub-select at offset 34 uses SELECT *"]),
    # $this inside an expression is not returned
    ("SELECT $this WHERE { $this a ?c { SELECT ?c (COUNT($this) AS ?n) WHERE { $this a ?c } GROUP BY ?c } }",
     ["a sub-select at offset 34 does not return $this"]),
    # $currentShape too, where the query uses it
    ("SELECT $this WHERE { $this ?p $currentShape { SELECT $this ?p WHERE { ?p a ?c } } }",
     ["a sub-select at offset 46 does not return $currentShape"]),
    # the three keywords, and binding a pre-bound variable; a keyword in a string or a comment is none
    ("SELECT $this WHERE { $this a ?c MINUS { $this a <urn:x> } }", ["uses MINUS"]),
    ("SELECT $this WHERE { VALUES ?c { <urn:x> } $this a ?c }", ["uses VALUES"]),
    ("SELECT $this WHERE { SERVICE <urn:x> { $this a ?c } }", ["uses SERVICE"]),
    ("SELECT $this WHERE { ?s a ?c BIND (?s AS $this) }", ["binds $this (AS $this)"]),
    ('SELECT $this WHERE { $this <urn:p> "MINUS VALUES" # SERVICE\n }', []),
])
def test_prebinding_restrictions(query: str, problems: list[str]) -> None:
    assert validate.prebinding_problems(query) == problems


def test_catalogue_keeps_the_prebinding_restrictions() -> None:
    """Every SPARQL constraint of the catalogue and of the year-on-year shapes: until 2026-11-29 ten had a
    sub-select not returning $this (IC-17, R06, R27 ×2, R28, R70-share-list; shapes/README.md "Pre-binding")."""
    for graph in (validate.load_shapes(), validate.load_shapes([validate.YEAR_ON_YEAR_FILE])):
        selects = [str(graph.value(c, SH.select)) for _, c in graph.subject_objects(SH.sparql)]
        assert selects and [validate.prebinding_problems(s) for s in selects if validate.prebinding_problems(s)] == []


def test_a_shape_breaking_them_is_refused() -> None:
    graph = rdflib.Graph().parse(data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:shape> a sh:NodeShape ; sh:targetNode <urn:x> ; sh:sparql [ sh:select \"\"\"{_SUB}\"\"\" ] .
        """, format="turtle")
    with pytest.raises(ValueError, match=r"^urn:shape: breaks SHACL's pre-binding restrictions: a sub-select at "
                                         r"offset 34 does not return \$this$"):
        validate.sparql_constraints(graph)
