"""Core SHACL constraints compiled to SPARQL (``validate.core_constraints``) == pyshacl's report.

pyshacl is the reference implementation: on the validation fixture, broken on purpose so that
every compiled component has results, and on the bundled sample, the compiled queries run on
Oxigraph must give exactly the results pyshacl gives (focus, shape, severity, value, path,
messages).
"""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
import pytest
import rdflib
from pyshacl import validate as pyshacl_validate
from rdflib.namespace import SH

from budgetkg import uris, validate
from budgetkg.config import base_iri
from budgetkg.store import Store
from tests.test_validate import FIXTURE, doc_iri, obs

Row = tuple[str, str, str, str, str | None, str | None, str, str]
BASIC = "general-public-budget-basic-expenditure"
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture
def store() -> Store:
    s = Store()
    s.ox.bulk_extend(ox.parse(path=str(FIXTURE), format=ox.RdfFormat.TRIG, base_iri=base_iri()))
    return s


def rows(findings: list[validate.Finding]) -> list[Row]:
    """The results as a sorted list: a multiset, so one result per failing component counts."""
    return sorted(
        ((f.rule, f.severity, f.focus, f.shape, f.value_term, f.path, f.message, f.message_zh) for f in findings),
        key=str,
    )


def compiled(store: Store, graphs: list[str], grouped: bool = True) -> list[Row]:
    """The compiled core constraints' results: as the catalogue runs them (one pass per shape with targets,
    ``validate.core_groups``), or each constraint as a query of its own."""
    shapes = validate.load_shapes()
    constraints = validate.core_constraints(shapes)
    groups, rest = validate.core_groups(shapes, constraints) if grouped else ([], constraints)
    found: list[validate.Finding] = []
    for group in groups:
        found += validate.run_core_group(store, group, graphs)
    for check in rest:
        found += validate.run_core_constraint(store, check, graphs)
    return rows(found)


def reference(store: Store, graphs: list[str]) -> list[Row]:
    """pyshacl's results for the core constraints of every shapes file (SPARQL ones left out)."""
    shapes = validate.load_shapes()
    shapes.remove((None, SH.sparql, None))
    _conforms, report, _text = pyshacl_validate(
        validate._to_rdflib(store, graphs), shacl_graph=shapes, inference="none", advanced=True
    )
    return rows(validate.findings_from_report(report, shapes))


def fixture_graphs() -> list[str]:
    return [doc_iri(), uris.ontology_graph(), uris.codelists_graph()]


def test_compiled_core_equals_pyshacl_on_broken_fixture(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    bkg = uris.vocab()
    no_dim = obs("expenditure", "functional-201", "project")
    two_amounts = obs(BASIC, "economic-30101", "total")
    float_amount = obs(BASIC, "economic-30102", "total")
    wrong_class = obs(BASIC, "economic-302", "total")
    literal_dept = obs(BASIC, "economic-301", "total")
    bad_decimals = obs("expenditure", "functional-203", "total")
    not_classification = obs("expenditure", "functional-20306", "project")
    outside = base_iri() + "code/economic/39999"
    store.ox.update(
        f"DELETE WHERE {{ GRAPH ?g {{ <{no_dim}> <{bkg}breakdown> ?b }} }} ;"
        f" INSERT DATA {{ GRAPH <{doc_iri()}> {{ <{two_amounts}> <{bkg}amount> 1.5 }} }} ;"
        # a second value of another path on the same node: both sh:maxCount results, from one read of its triples
        f" INSERT DATA {{ GRAPH <{doc_iri()}> {{ <{two_amounts}> <{bkg}department> <{base_iri()}id/x> }} }} ;"
        f" DELETE WHERE {{ GRAPH ?g {{ <{float_amount}> <{bkg}amount> ?a }} }} ;"
        f' INSERT DATA {{ GRAPH <{doc_iri()}> {{ <{float_amount}> <{bkg}amount> "57.55"^^<{XSD}double> }} }} ;'
        f" DELETE WHERE {{ GRAPH ?g {{ <{wrong_class}> <{bkg}classification> ?c }} }} ;"
        f" INSERT DATA {{ GRAPH <{doc_iri()}> {{ <{wrong_class}> <{bkg}classification> <{doc_iri()}> }} }} ;"
        f" DELETE WHERE {{ GRAPH ?g {{ <{literal_dept}> <{bkg}department> ?d }} }} ;"
        f' INSERT DATA {{ GRAPH <{doc_iri()}> {{ <{literal_dept}> <{bkg}department> "612" }} }} ;'
        f" DELETE WHERE {{ GRAPH ?g {{ <{bad_decimals}> <{bkg}decimals> ?d }} }} ;"
        f' INSERT DATA {{ GRAPH <{doc_iri()}> {{ <{bad_decimals}> <{bkg}decimals> "2.5"^^<{XSD}integer> }} }} ;'
        f" DELETE WHERE {{ GRAPH ?g {{ <{not_classification}> <{bkg}classification> ?c }} }} ;"
        f" INSERT DATA {{ GRAPH <{doc_iri()}> {{ <{not_classification}> <{bkg}classification> <{outside}> ."
        f" <{outside}> a <http://www.w3.org/2004/02/skos/core#Concept> }} }}"
    )
    graphs = fixture_graphs()
    fast = compiled(store, graphs)
    assert fast == reference(store, graphs) == compiled(store, graphs, grouped=False)
    assert sorted((r[0], r[2], r[4] or "") for r in fast) == sorted([
        ("S02-breakdown", no_dim, ""),
        ("S03-amount", two_amounts, ""),
        ("S02-department", two_amounts, ""),
        ("S03-amount", float_amount, f'"57.55"^^<{XSD}double>'),
        ("S02-classification", wrong_class, f"<{doc_iri()}>"),  # sh:class fails ...
        ("S02-classification", wrong_class, f"<{doc_iri()}>"),  # ... and sh:node: one result each
        ("S02-department", literal_dept, '"612"'),
        ("S05-decimals", bad_decimals, f'"2.5"^^<{XSD}integer>'),
        ("S02-classification", not_classification, f"<{outside}>"),  # sh:node only: it is a skos:Concept
    ])
    # The screen (a count of each node's solutions and its other flags, not a read of all its triples) lists
    # exactly the failing observations, and the group's query over them alone gives what it gives over all.
    shapes = validate.load_shapes()
    groups, _rest = validate.core_groups(shapes, validate.core_constraints(shapes))
    group = next(g for g in groups if g.constraints[0].target == f"{base_iri()}def/shapes#Observation")
    assert group.screen is not None
    screened = store.ox.query(group.screen, default_graph=[ox.NamedNode(g) for g in graphs])
    assert sorted(s["this"].value for s in screened) == sorted(  # type: ignore[index,union-attr]
        {no_dim, two_amounts, float_amount, wrong_class, literal_dept, bad_decimals, not_classification})
    monkeypatch.setattr(validate, "_MAX_SCREENED", 0)  # too many screened nodes: the query over all of them
    assert compiled(store, graphs) == fast
    by_focus = [f for f in validate.validate_graph(store, doc_iri()) if f.focus == float_amount]
    assert [(f.rule, f.severity, f.values, f.path) for f in by_focus if f.rule.startswith("S")] == [
        ("S03-amount", "Violation", {"value": Decimal("57.55")}, f"{bkg}amount")
    ]


def test_compiled_core_equals_pyshacl_on_sample(sample_store: Store, sample_document: str) -> None:
    graphs = validate.document_graphs(sample_document)
    assert compiled(sample_store, graphs) == reference(sample_store, graphs) == compiled(sample_store, graphs, False)


def test_unsupported_component_is_refused() -> None:
    shapes = validate.load_shapes(["structure.ttl"])
    shape = next(iter(shapes.subjects(SH.path, None)))
    shapes.add((shape, SH.pattern, rdflib.Literal("^[0-9]+$")))
    with pytest.raises(ValueError, match="pattern is not supported"):
        validate.core_constraints(shapes)


def test_counting_constraints_stay_queries_of_their_own(store: Store) -> None:
    """sh:minCount 2 counts values: core_groups leaves it out of the one-pass query, and it still reports every
    observation (each has one amount)."""
    shapes = validate.load_shapes()
    amount = next(s for s in shapes.subjects(SH.path, rdflib.URIRef(uris.vocab() + "amount")))
    shapes.set((amount, SH.minCount, rdflib.Literal(2)))
    constraints = validate.core_constraints(shapes)
    groups, rest = validate.core_groups(shapes, constraints)
    assert [(c.rule, c.component) for c in rest] == [("S03-amount", "minCount")]
    assert all(c.component != "minCount" or c.rule != "S03-amount" for g in groups for c in g.constraints)
    found = validate.run_core_constraint(store, rest[0], fixture_graphs())
    observations = store.ox.query("SELECT ?o WHERE { ?o a <http://purl.org/linked-data/cube#Observation> }",
                                  default_graph=[ox.NamedNode(g) for g in fixture_graphs()])
    expected = sorted(s["o"].value for s in observations)  # type: ignore[index,union-attr]
    assert len(expected) > 10 and sorted(f.focus for f in found) == expected
