"""Group A totals of the summary tables (R02, R04, R05, R10), the income table's row sums (R06) and the
基本支出表's 人员经费 / 公用经费 buckets (R13),
shapes/arithmetic-totals.ttl: exact findings on the sample and every corpus document, the rules
firing with their numbers on altered cells, and fast path == pyshacl."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from budgetkg import uris, validate
from budgetkg.config import base_iri
from budgetkg.pipeline import DocumentReport
from budgetkg.store import Store
from tests.test_validate import _fast_results, _pyshacl_results, _retarget
from tests.test_validate_sample import _scratch_with

SHAPES = ["arithmetic-totals.ttl"]


def _findings(store: Store, document: str) -> list[validate.Finding]:
    """The findings of the new shapes on one document (run as validate_graph runs every shape)."""
    shapes = validate.load_shapes(SHAPES)
    found: list[validate.Finding] = []
    for constraint in validate.sparql_constraints(shapes):
        found += validate.run_sparql_constraint(store, constraint, validate.document_graphs(document))
    return found


def _changes(document: str) -> list[tuple[str, str]]:
    table = f"{document}/table"
    return [
        # 收支总表: the income-source line (R02), 收入总计 (R04), 支出总计 (R05, within the envelope)
        (f"{table}/income-expenditure-summary/obs/line-item-general-public-budget-appropriation/amount", "822.51"),
        (f"{table}/income-expenditure-summary/obs/line-item-income-grand-total/amount", "823.41"),
        (f"{table}/income-expenditure-summary/obs/line-item-expenditure-grand-total/amount", "822.42"),
        # 财政拨款收支总表: the income line (R10 本年收入), 支出总计 合计栏 (R10 支出总计)
        (f"{table}/fiscal-appropriation-summary/obs/line-item-general-public-budget-appropriation/amount", "822.31"),
        (f"{table}/fiscal-appropriation-summary/obs/line-item-expenditure-grand-total/total", "822.51"),
        # 收入总表: 201's 合计 (R06 合计 = 小计), the 合计 row's 财政拨款 column (R06 小计 = Σ sources)
        (f"{table}/income/obs/functional-201/total", "333.95"),
        (f"{table}/income/obs/line-item-table-total/fiscal-appropriation", "822.40"),
        # 基本支出表: 30112's 人员经费 cell (R13: a 301 row's 合计 is its 人员经费)
        (f"{table}/general-public-budget-basic-expenditure/obs/economic-30112/personnel", "2.30"),
    ]


def test_silent_on_the_sample(sample_store: Store, sample_document: str) -> None:
    """The sample's summary and income tables add up: no finding; the rules compare every total
    (each of the 25 rows of the 收入总表 twice: 合计 and 小计; the 29 rows of 类 301, 302, 303 and their
    款 in the 基本支出表)."""
    assert _findings(sample_store, sample_document) == []
    compared = _compared(sample_store, sample_document)
    assert {f.values["diff"] for f in compared} == {Decimal(0)}
    assert Counter(f.rule for f in compared) == {
        "R02-income-sources": 1, "R04-income-grand-total": 1, "R05-expenditure-grand-total": 1,
        "R06-income-columns": 50, "R10-fiscal-income": 1, "R10-fiscal-income-grand-total": 1,
        "R10-fiscal-expenditure-grand-total": 2, "R13-personnel-public-items": 29}


def test_rules_fire_on_altered_cells(sample_store: Store, sample_document: str) -> None:
    scratch = _scratch_with(sample_store, _changes(sample_document))
    got = sorted((f.rule, f.severity, f.focus.split("/table/")[1], str(f.values["value"]), str(f.values["sum"]),
                  str(f.values["diff"]), str(f.values["n"]), str(f.values["envelope"]))
                 for f in _findings(scratch, sample_document))
    b1, b2, b4 = "income-expenditure-summary/obs", "income/obs", "fiscal-appropriation-summary/obs"
    assert got == [
        ("R02-income-sources", "Violation", f"{b1}/line-item-income-this-year-total/amount", "822.41", "822.51",
         "-0.1", "1", "0.01"),
        ("R04-income-grand-total", "Violation", f"{b1}/line-item-income-grand-total/amount", "823.41", "822.41",
         "1", "1", "0.01"),
        ("R05-expenditure-grand-total", "Info", f"{b1}/line-item-expenditure-grand-total/amount", "822.42",
         "822.41", "0.01", "1", "0.01"),
        ("R06-income-columns", "Info", f"{b2}/line-item-table-total/income-subtotal", "822.41", "822.4", "0.01",
         "1", "0.01"),
        ("R06-income-columns", "Violation", f"{b2}/functional-201/total", "333.95", "333.85", "0.1", "1", "0.01"),
        ("R10-fiscal-expenditure-grand-total", "Violation", f"{b4}/line-item-expenditure-grand-total/total",
         "822.51", "822.41", "0.1", "1", "0.01"),
        ("R10-fiscal-income", "Violation", f"{b4}/line-item-income-this-year-total/amount", "822.41", "822.31",
         "0.1", "1", "0.01"),
        ("R13-personnel-public-items", "Violation",
         "general-public-budget-basic-expenditure/obs/economic-30112/total", "2.36", "2.3", "0.06", "1", "0.01"),
    ]
    messages = {f.rule: (f.message, f.message_zh) for f in _findings(scratch, sample_document)}
    assert messages["R02-income-sources"] == (
        "income-this-year-total 本年收入合计: income this year 822.41 ≠ Σ income sources 822.51"
        " (diff -0.1, 1 terms, rounding envelope 0.01)",
        "income-this-year-total 本年收入合计：本年收入合计 822.41 ≠ 各收入来源之和 822.51"
        "（差额 -0.1，1 项，舍入容差 0.01）")


def test_parent_income_line_is_not_double_counted(sample_store: Store, sample_document: str) -> None:
    """Where the 收支总表 prints 一、财政拨款收入 above 1.一般公共预算资金 (Shanghai), the sub-line is not
    added again: a 财政拨款收入 line of 822.41 beside the sample's 一般公共预算拨款 822.41 keeps R02 and
    R04 silent; without the parent line the same table would sum 1644.82."""
    scratch = Store()
    scratch.ox.bulk_extend(sample_store.ox.quads_for_pattern(None, None, None, None))
    bkg, qb = uris.vocab(), "http://purl.org/linked-data/cube#"
    ds = f"{sample_document}/table/income-expenditure-summary"
    obs = f"{ds}/obs/line-item-fiscal-appropriation-income/amount"
    scratch.ox.update(
        f"INSERT DATA {{ GRAPH <{sample_document}> {{ <{obs}> a <{qb}Observation> ; <{qb}dataSet> <{ds}> ;"
        f" <{bkg}classification> <{base_iri()}code/line-item/fiscal-appropriation-income> ;"
        f" <{bkg}breakdown> <{base_iri()}code/breakdown/amount> ; <{bkg}amount> 822.41 ; <{bkg}decimals> 2 }} }}")
    assert _findings(scratch, sample_document) == []


def test_fast_path_equals_pyshacl(sample_store: Store, sample_document: str) -> None:
    """The new shapes give the same results through pyshacl (one query per focus node), on the
    altered sample (every rule firing) and on clean foci."""

    scratch = _scratch_with(sample_store, _changes(sample_document))
    table = f"{sample_document}/table"
    foci = [obs for obs, _ in _changes(sample_document)] + [
        f"{table}/income-expenditure-summary/obs/line-item-income-this-year-total/amount",
        f"{table}/fiscal-appropriation-summary/obs/line-item-income-this-year-total/amount",
        f"{table}/fiscal-appropriation-summary/obs/line-item-income-grand-total/amount",
        f"{table}/fiscal-appropriation-summary/obs/line-item-expenditure-grand-total/general-public-budget",
        f"{table}/income/obs/line-item-table-total/income-subtotal",
        f"{table}/income/obs/functional-208/total",
        f"{table}/general-public-budget-basic-expenditure/obs/economic-30112/total",
        f"{table}/general-public-budget-basic-expenditure/obs/economic-302/total",
    ]
    shapes = validate.load_shapes(SHAPES)
    retargeted = _retarget(shapes, foci)
    graphs = validate.document_graphs(sample_document)
    reference = _pyshacl_results(validate._to_rdflib(scratch, graphs), retargeted)
    fast = _fast_results(scratch, retargeted, graphs)
    assert len(reference) == 8
    assert fast == reference


def _compared(store: Store, document: str) -> list[validate.Finding]:
    """Every comparison the new rules make on a document, equal or not: the Info shapes without
    their last FILTER (0 < |diff| <= envelope)."""
    compared: list[validate.Finding] = []
    graphs = validate.document_graphs(document)
    for constraint in validate.sparql_constraints(validate.load_shapes(SHAPES)):
        if constraint.severity == "Info":
            split = validate.final_filter(constraint.select)
            assert split is not None and split[1] == "(?diff != 0 && ABS(?diff) <= ?envelope)"
            compared += validate.run_sparql_constraint(store, replace(constraint, select=split[0]), graphs)
    return compared


def test_silent_on_every_corpus_document(corpus_build: tuple[Store, dict[str, DocumentReport]]) -> None:
    """Every corpus document's summary and income tables add up: no finding (each total was checked
    against the printed tables, see shapes/README.md), but one rounding difference in the 决算's two-block
    基本支出决算表 (p.16: 人员经费合计 4884.09, 301 4816.14 + 303 67.96 = 4884.10; 公用经费合计 480.66 = 302 440.90
    + 310 39.76)."""
    store, reports = corpus_build
    documents = {name: r.iri for name, r in reports.items() if r.iri is not None}
    final = "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf"
    assert {name: [f.message for f in _findings(store, iri)] for name, iri in documents.items()} == {
        name: [] for name in documents} | {final: [
            "personnel-expenses-total 人员经费合计 [amount]: 4884.09 ≠ the sum of its classes 4884.1 (diff -0.01, "
            "2 terms, rounding envelope 0.015)"]}
    assert len(documents) == len(reports)
    assert sorted(Path(n).suffix for n in documents) == [".pdf"] * len(documents)
    # the rules do compare: every summary table's totals, every income-table row (exact, diff 0, but that one)
    compared = [f for iri in documents.values() for f in _compared(store, iri)]
    assert Counter(f.values["diff"] for f in compared if f.values["diff"] != 0) == {Decimal("-0.01"): 1}
    assert Counter(f.rule for f in compared) == {
        "R02-income-sources": 11, "R02-income-table-sources": 10, "R02-income-table-subtotals": 15,
        "R04-income-grand-total": 16,
        "R05-expenditure-grand-total": 19, "R06-income-columns": 232, "R07-summary-purposes": 20,
        "R10-fiscal-income": 1, "R10-fiscal-income-grand-total": 16,
        "R10-fiscal-expenditure-grand-total": 12, "R13-block-totals": 2, "R13-personnel-public-items": 194}
    # 江苏省人大办公厅 2017 prints 当年收入 | 13,649.07 with 小计 on the line below: its 本年收入合计
    iri = documents["江苏省人大办公厅2017年度预算公开.pdf"]
    assert sorted((f.rule, str(f.values["value"]), str(f.values["sum"])) for f in _compared(store, iri)
                  if f.focus.endswith("/income-expenditure-summary/obs/line-item-income-this-year-total/amount")) == [
        ("R02-income-sources", "13649.07", "13649.07")]


def test_summary_purposes_on_altered_cells(corpus_build: tuple[Store, dict[str, DocumentReport]]) -> None:
    """R07-summary-purposes: the Jiangsu summaries print expenditure by purpose (支出用途) beside the functional
    classes; 省检察院 2018's 公开01表 本年支出合计 21,955.35 = 13,994.31 + 5,573.00 + 2,388.04 and its 公开04表
    支出总计 21,940.96 = 13,979.92 + 5,573.00 + 2,388.04. A 基本支出 one unit off is a Violation with the numbers;
    a 单位预留机动经费 one hundredth off is within the envelope of four cells printed to 0.01 万元 (0.02): an Info."""
    store, reports = corpus_build
    document = reports["2018年省检察院部门预算公开.pdf"].iri
    assert document is not None
    table = f"{document}/table"
    scratch = _scratch_with(store, [
        (f"{table}/income-expenditure-summary/obs/line-item-basic-expenditure/amount", "13995.31"),
        (f"{table}/fiscal-appropriation-summary/obs/line-item-reserve-fund-expenditure/amount", "2388.05")])
    found = sorted(_findings(scratch, document), key=lambda f: f.focus)
    assert [(f.rule, f.severity, f.focus.split("/table/")[1], str(f.values["value"]), str(f.values["sum"]),
             str(f.values["diff"]), str(f.values["n"]), str(f.values["envelope"])) for f in found] == [
        ("R07-summary-purposes", "Info", "fiscal-appropriation-summary/obs/line-item-expenditure-grand-total/amount",
         "21940.96", "21940.97", "-0.01", "3", "0.02"),
        ("R07-summary-purposes", "Violation",
         "income-expenditure-summary/obs/line-item-expenditure-this-year-total/amount",
         "21955.35", "21956.35", "-1", "3", "0.02")]
    assert found[1].message_zh == ("expenditure-this-year-total 本年支出合计（amount栏）：21,955.35 ≠ "
                                   "基本支出 + 项目支出 + 单位预留机动经费 21956.35（差额 -1，3 项，舍入容差 0.02）")
