"""The text's income sources, fixed assets and procurement against their tables (R40-text-income-sources,
R52-text-tables in shapes/narrative.ttl): compared on the sample, silent there, Violations with their numbers on
altered figures, and fast path == pyshacl."""

from __future__ import annotations

from dataclasses import replace

from budgetkg import validate
from budgetkg.store import Store
from tests.test_shanghai import _restate
from tests.test_validate import _fast_results, _pyshacl_results, _retarget
from tests.test_validate_sample import _scratch_with

RULES = ("R40-text-income-sources", "R52-text-tables")


def _constraints() -> list[validate.SparqlConstraint]:
    return [c for c in validate.sparql_constraints(validate.load_shapes()) if c.rule in RULES]


def _findings(store: Store, document: str) -> list[validate.Finding]:
    found: list[validate.Finding] = []
    for c in _constraints():
        found += validate.run_sparql_constraint(store, c, validate.document_graphs(document))
    return sorted(found, key=lambda f: (f.rule, f.focus))


def _row(f: validate.Finding) -> tuple[str, ...]:
    return (f.rule, f.severity, f.focus.split("/paragraph/")[1], str(f.values["value"]), str(f.values["tableValue"]),
            str(f.values["diff"]), str(f.values["envelope"]))


def test_compared_and_silent_on_the_sample(sample_store: Store, sample_document: str) -> None:
    """基金预算收入0万元 and 财政专户核拨收入0万元 against the 收支总表's empty lines (0, exact both: envelope 0);
    上年末固定资产金额为131.19万元 against 资产总额 131.19. 政府采购预算0.00万元 is not compared: the procurement
    table is printed empty, with no 合计 cell (a table printing no total is not compared)."""
    assert _findings(sample_store, sample_document) == []
    compared = []
    for c in _constraints():
        if c.severity == "Info":
            split = validate.final_filter(c.select)
            assert split is not None and split[1] == "(?diff != 0 && ABS(?diff) <= ?envelope)"
            compared += validate.run_sparql_constraint(sample_store, replace(c, select=split[0]),
                                                       validate.document_graphs(sample_document))
    assert sorted(_row(f) for f in compared) == [
        ("R40-text-income-sources", "Info", "1868/figure/3", "0", "0", "0", "0"),
        ("R40-text-income-sources", "Info", "1868/figure/4", "0", "0", "0", "0"),
        ("R52-text-tables", "Info", "2642/figure/1", "131.19", "131.19", "0", "0.01")]


def _altered(sample_store: Store, document: str) -> Store:
    """The sample with 基金预算收入 stated as 5万元 (the 收支总表 prints no 政府性基金 amount) and the fixed assets
    as 131.91万元 (two digits swapped)."""
    return _scratch_with(sample_store, [], _restate(document, "paragraph/1868/figure/3", "5")
                         + _restate(document, "paragraph/2642/figure/1", "131.91"))


def test_altered_figures_are_violations(sample_store: Store, sample_document: str) -> None:
    found = _findings(_altered(sample_store, sample_document), sample_document)
    assert [_row(f) for f in found] == [
        ("R40-text-income-sources", "Violation", "1868/figure/3", "5", "0", "5", "0.5"),  # half a unit: against 0
        ("R52-text-tables", "Violation", "2642/figure/1", "131.91", "131.19", "0.72", "0.01")]
    assert found[1].message == (
        "text “秦皇岛市山海关区南关街道办事处（含所属单位）上年末固定资产金额为131.19万元”: 131.91 万元 ≠ "
        "部门固定资产占用情况表 (total-assets, value) 131.19 万元 (both rounded to the coarser precision; "
        "diff 0.72 in 万元, rounding envelope 0.01)")


def test_fast_path_equals_pyshacl(sample_store: Store, sample_document: str) -> None:
    scratch = _altered(sample_store, sample_document)
    foci = [f"{sample_document}/paragraph/{f}" for f in ("1868/figure/3", "1868/figure/4", "2642/figure/1",
                                                         "2589/figure/1", "1868/figure/2")]
    retargeted = _retarget(validate.load_shapes(), foci, rules=RULES)
    keep = {c.shape for c in _constraints()}
    graphs = validate.document_graphs(sample_document)
    reference = {r for r in _pyshacl_results(validate._to_rdflib(scratch, graphs), retargeted) if r[0] in keep}
    fast = {r for r in _fast_results(scratch, retargeted, graphs) if r[0] in keep}
    assert len(reference) == 2
    assert fast == reference
