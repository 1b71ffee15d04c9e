"""The Jiangsu summaries' own layout (省检察院 2018, p.13–14): 公开01表 收支预算总表 prints expenditure by
function and by purpose (支出用途: 一、基本支出 13,994.31, 二、项目支出 5,573.00, 三、单位预留机动经费 2,388.04 —
21,955.35, its 当年支出小计), and 公开02表 收入预算总表 lists the sources as lines under its own 收入总计 21,955.35
(one 金额 column: 一般公共预算资金 小计 21,940.96 + 其他资金 小计 14.39), not as columns of a 合计 row. Rules on
them: ``R07-summary-purposes`` (Σ purposes = 本年支出合计), ``R02-income-table-sources`` (收入总计 = Σ the
sources' 小计), ``R02-income-table-subtotals`` (each 小计 = Σ its detail lines) and ``R20-summary-income``
(公开01表 收入合计 = 公开02表 收入总计). Altered cells of the PDF (``process_edited``) give exactly these findings
among the table rules (groups A and B)."""

from __future__ import annotations

import pytest

from budgetkg import uris, validate
from budgetkg.store import Store
from budgetkg.validate import Finding, document_graphs
from tests.conftest import CORPUS, process_edited
from tests.test_validate import _retarget, engines_on

PROC_2018 = CORPUS / "jiangsu" / "江苏省人民检察院" / "2018年省检察院部门预算公开.pdf"
pytestmark = pytest.mark.skipif(not PROC_2018.exists(), reason=f"corpus not found at {CORPUS}")

T01 = "第二部分 2018 年度部门预算表 公开 01 表：收支预算总表"
T02 = "公开 02 表：收入预算总表"


def _table_rules(findings: list[Finding], iri: str) -> list[tuple[str, str, str, str]]:
    """Groups A and B (R01–R39): (rule, severity, focus under the document IRI, message)."""
    return sorted((f.rule, f.severity, f.focus.removeprefix(iri + "/"), f.message) for f in findings
                  if f.rule[:1] == "R" and f.rule[1:3].isdigit() and f.rule[1:3] < "40")


def test_a_purpose_altered_breaks_the_summary_sum() -> None:
    """一、基本支出 14,004.31 (+10): Σ purposes 21,965.35 against 当年支出小计 21,955.35."""
    mapped, findings = process_edited(PROC_2018, {}, {(T01, 4, 5): ("13,994.31", "14,004.31")})
    assert _table_rules(findings, mapped.iri) == [
        ("R07-summary-purposes", "Violation",
         "table/income-expenditure-summary/obs/line-item-expenditure-this-year-total/amount",
         "expenditure-this-year-total 本年支出合计 [amount]: 21,955.35 ≠ basic + project expenditure + unit reserve "
         "funds 21965.35 (diff -10, 3 terms, rounding envelope 0.02)")]


def test_the_income_table_total_altered_disagrees_with_the_summary() -> None:
    """公开02表 收入总计 21,965.35 (+10) against 公开01表 收入合计 21,955.35, and against its own sources."""
    mapped, findings = process_edited(PROC_2018, {}, {(T02, 2, 2): ("21,955.35", "21,965.35")})
    assert _table_rules(findings, mapped.iri) == [
        ("R02-income-table-sources", "Violation", "table/income/obs/line-item-income-grand-total/amount",
         "income-grand-total 收入总计 [amount]: 21,965.35 ≠ the sources' subtotals 21955.35 (diff 10, 2 terms, "
         "rounding envelope 0.015)"),
        ("R20-summary-income", "Violation", "table/income-expenditure-summary/obs/line-item-income-grand-total/amount",
         f"income-grand-total [amount]: 21,955.35 ≠ {T02} [amount] 21,965.35 (diff -10, rounding envelope 0.01)")]


def test_a_source_subtotal_altered_breaks_the_income_table_sum() -> None:
    """公开02表 其他资金 小计 24.39 (+10): the sources add up to 21,965.35 against its 收入总计 21,955.35 (the
    其他资金 detail line 其他收入 14.39 is not added again), and the 小计 no longer equals its detail line."""
    mapped, findings = process_edited(PROC_2018, {}, {(T02, 10, 2): ("14.39", "24.39")})
    assert _table_rules(findings, mapped.iri) == [
        ("R02-income-table-sources", "Violation", "table/income/obs/line-item-income-grand-total/amount",
         "income-grand-total 收入总计 [amount]: 21,955.35 ≠ the sources' subtotals 21965.35 (diff -10, 2 terms, "
         "rounding envelope 0.015)"),
        ("R02-income-table-subtotals", "Violation", "table/income/obs/line-item-other-funds/amount",
         "other-funds 其他资金 [amount]: subtotal 24.39 ≠ its detail lines 14.39 (diff 10, 1 terms, "
         "rounding envelope 0.01)")]


def test_a_detail_line_altered_breaks_its_subtotal() -> None:
    """公开02表 其他资金 / 其他收入 24.39 (+10) under its 小计 14.39."""
    mapped, findings = process_edited(PROC_2018, {}, {(T02, 13, 2): ("14.39", "24.39")})
    assert _table_rules(findings, mapped.iri) == [
        ("R02-income-table-subtotals", "Violation", "table/income/obs/line-item-other-funds/amount",
         "other-funds 其他资金 [amount]: subtotal 14.39 ≠ its detail lines 24.39 (diff -10, 1 terms, "
         "rounding envelope 0.01)")]


def test_fast_path_equals_pyshacl() -> None:
    """The four rules through pyshacl on the file with three cells altered: the Violations, and silence on the
    公开04表's purposes (equal) and on the summary's 收入 this-year line (R20 compares it with 公开02表, which prints
    no such line)."""
    mapped, _ = process_edited(PROC_2018, {}, {(T01, 4, 5): ("13,994.31", "14,004.31"),
                                               (T02, 2, 2): ("21,955.35", "21,965.35"),
                                               (T02, 13, 2): ("14.39", "24.39")})
    iri = mapped.iri
    scratch = Store.scratch({iri: mapped.triples, uris.shared_graph(): mapped.shared})
    summary, fiscal = "table/income-expenditure-summary/obs/", "table/fiscal-appropriation-summary/obs/"
    foci = [f"{iri}/{path}" for path in (
        summary + "line-item-expenditure-this-year-total/amount", summary + "line-item-expenditure-grand-total/amount",
        summary + "line-item-income-grand-total/amount", summary + "line-item-income-this-year-total/amount",
        fiscal + "line-item-expenditure-grand-total/amount", "table/income/obs/line-item-income-grand-total/amount",
        "table/income/obs/line-item-other-funds/amount",
        "table/income/obs/line-item-general-public-budget-appropriation/amount")]
    shapes = _retarget(validate.load_shapes(["arithmetic-totals.ttl", "crosstable.ttl"]), foci,
                       ("R07-summary-purposes", "R20-summary-income", "R02-income-table-"))
    reference = engines_on(scratch, document_graphs(iri), shapes)
    assert sorted((r[0].split("#")[1], r[1], r[2].removeprefix(iri + "/")) for r in reference) == [
        ("R02-income-table-sources-violation", "Violation", "table/income/obs/line-item-income-grand-total/amount"),
        ("R02-income-table-subtotals-violation", "Violation", "table/income/obs/line-item-other-funds/amount"),
        ("R07-summary-purposes-violation", "Violation", summary + "line-item-expenditure-this-year-total/amount"),
        ("R20-summary-income-violation", "Violation", summary + "line-item-income-grand-total/amount")]
