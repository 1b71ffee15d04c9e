"""The Jiangsu 财政拨款 tables against the 财政拨款收支总表 and the 一般公共预算 tables (group B, crosstable.ttl).

The Jiangsu budgets print, beside the national tables, a 财政拨款支出预算表 (公开05表, every fiscal appropriation by
functional code) and a 财政拨款基本支出预算表 (公开06表, by economic code), each with one 金额 column; their
财政拨款收支预算总表 (公开04表) prints income lines and a 支出用途 block (基本支出, 项目支出, 单位预留机动经费,
支出合计) instead of functional columns. 省检察院 2018 (p.14–17):

* 公开04表 一、基本支出 13,979.92 = 公开06表 合计 13,979.92 (``R29-fiscal-basic-expenditure``);
* 公开04表 支出合计 21,940.96 = 公开05表 合计 21,940.96 (``R26-fiscal-expenditure-total``);
* 公开07表 = 公开05表 row by row (合计 and the 14 functional rows, ``R27-fiscal-vs-general-budget``) and 公开08表 =
  公开06表 (合计 and the 29 economic rows, ``R27-fiscal-basic-vs-general-basic``): the 04表 prints no 政府性基金
  amount (its 二、政府性基金预算 cell is empty) and the 公开10表 政府性基金支出预算表 is empty ("此表为空"), so
  the 财政拨款 tables hold the general-budget money only and the ≤ of R27/R28 is an =.

Everything agrees: no finding. Altered cells (``process_edited``) give the findings below, with their numbers.
"""

from __future__ import annotations

import pytest

from budgetkg import uris, validate
from budgetkg.map import MappedDocument
from budgetkg.pipeline import process
from budgetkg.store import Store
from budgetkg.validate import Finding, document_graphs
from tests.conftest import CORPUS, process_edited
from tests.test_jiangsu_summary_sums import _table_rules
from tests.test_validate import _retarget, engines_on

PROC_2018 = CORPUS / "jiangsu" / "江苏省人民检察院" / "2018年省检察院部门预算公开.pdf"
pytestmark = pytest.mark.skipif(not PROC_2018.exists(), reason=f"corpus not found at {CORPUS}")

T04 = "公开 04 表：财政拨款收支预算总表"
T05 = "公开 05 表：财政拨款支出预算表"
T06 = "公开 06 表：财政拨款基本支出预算表"
T07 = "公开 07 表：一般公共预算支出预算表"
T08 = "公开 08 表：一般公共预算基本支出预算表"

#: the identifiers of the four new rules
RULES = ("R29-fiscal-basic-expenditure", "R26-fiscal-expenditure-total", "R27-fiscal-vs-general-budget",
         "R27-fiscal-basic-vs-general-basic")

FISCAL_BASIC = "table/fiscal-appropriation-basic-expenditure/obs/"
FISCAL = "table/fiscal-appropriation-expenditure/obs/"
GENERAL = "table/general-public-budget-expenditure/obs/"
GENERAL_BASIC = "table/general-public-budget-basic-expenditure/obs/"


def _fiscal(findings: list[Finding], iri: str) -> list[tuple[str, str, str, str]]:
    """The new rules' findings: (rule, severity, focus under the document IRI, message)."""
    return sorted((f.rule, f.severity, f.focus.removeprefix(iri + "/"), f.message) for f in findings if f.rule in RULES)


def test_unaltered_is_silent() -> None:
    mapped, findings = process(PROC_2018)
    assert _fiscal(findings, mapped.iri) == []
    # nor any other table rule (tests/test_jiangsu_findings.py: groups A and B find nothing in these documents)
    assert _table_rules(findings, mapped.iri) == []


#: beyond the envelope: 公开06表 合计 +10, 公开07表 2040401 行政运行 +10, 公开05表 合计 +10
BEYOND = {
    (T06, 2, 2): ("13,979.92", "13,989.92"),
    (T07, 5, 2): ("10,883.36", "10,893.36"),
    (T05, 2, 2): ("21,940.96", "21,950.96"),
}


@pytest.fixture(scope="module")
def beyond() -> tuple[MappedDocument, list[Finding]]:
    return process_edited(PROC_2018, {}, BEYOND)


def test_altered_beyond_the_envelope(beyond: tuple[MappedDocument, list[Finding]]) -> None:
    """06 合计 13,989.92 ≠ 04 基本支出 13,979.92 (R29) and > 08 合计 (R27, = form: 08 < 06 by 10); 05 合计 21,950.96
    ≠ 04 支出合计 21,940.96 (R26) and 07 合计 < it (R27); 07 2040401 10,893.36 > 05's 10,883.36 (R27). The
    hierarchy rule R08 reports the 05/06 合计 and 07's 20404 too (group A, not asserted here)."""
    mapped, findings = beyond
    assert _fiscal(findings, mapped.iri) == [
        ("R26-fiscal-expenditure-total", "Violation", FISCAL + "line-item-table-total/amount",
         f"table-total [amount]: 21,950.96 ≠ {T04} [amount] 21,940.96 (diff 10, rounding envelope 0.01)"),
        ("R27-fiscal-basic-vs-general-basic", "Violation", GENERAL_BASIC + "line-item-table-total/amount",
         f"table-total [amount]: 13,979.92 < {T06} [amount] 13,989.92 (diff -10, rounding envelope 0.01)"),
        ("R27-fiscal-vs-general-budget", "Violation", GENERAL + "functional-2040401/amount",
         f"2040401 [amount]: 10,893.36 > {T05} [amount] 10,883.36 (diff 10, rounding envelope 0.01)"),
        ("R27-fiscal-vs-general-budget", "Violation", GENERAL + "line-item-table-total/amount",
         f"table-total [amount]: 21,940.96 < {T05} [amount] 21,950.96 (diff -10, rounding envelope 0.01)"),
        ("R29-fiscal-basic-expenditure", "Violation", FISCAL_BASIC + "line-item-table-total/amount",
         f"table-total [amount]: 13,989.92 ≠ {T04} [amount] 13,979.92 (diff 10, rounding envelope 0.01)"),
    ]


#: within the envelope (one decimal printed: half a unit 0.05, + 0.005 of the other cell): 04 基本支出 13,979.9,
#: 05 合计 21,941.0 and 2210201 住房公积金 1,073.8, 08 301 工资福利支出 10,204.5
WITHIN = {
    (T04, 4, 3): ("13,979.92", "13,979.9"),
    (T05, 2, 2): ("21,940.96", "21,941.0"),
    (T05, 15, 2): ("1,073.77", "1,073.8"),
    (T08, 3, 2): ("10,204.52", "10,204.5"),
}


def test_altered_within_the_envelope() -> None:
    """Each difference within half a unit of the last printed decimal of both cells: Info, with the relation."""
    mapped, findings = process_edited(PROC_2018, {}, WITHIN)
    assert _fiscal(findings, mapped.iri) == [
        ("R26-fiscal-expenditure-total", "Info", FISCAL + "line-item-table-total/amount",
         f"table-total [amount]: 21,941.0 ≠ {T04} [amount] 21,940.96 (diff 0.04, rounding envelope 0.055)"),
        ("R27-fiscal-basic-vs-general-basic", "Info", GENERAL_BASIC + "economic-301/amount",
         f"301 [amount]: 10,204.5 < {T06} [amount] 10,204.52 (diff -0.02, rounding envelope 0.055)"),
        ("R27-fiscal-vs-general-budget", "Info", GENERAL + "functional-2210201/amount",
         f"2210201 [amount]: 1,073.77 < {T05} [amount] 1,073.8 (diff -0.03, rounding envelope 0.055)"),
        ("R27-fiscal-vs-general-budget", "Info", GENERAL + "line-item-table-total/amount",
         f"table-total [amount]: 21,940.96 < {T05} [amount] 21,941.0 (diff -0.04, rounding envelope 0.055)"),
        ("R29-fiscal-basic-expenditure", "Info", FISCAL_BASIC + "line-item-table-total/amount",
         f"table-total [amount]: 13,979.92 ≠ {T04} [amount] 13,979.9 (diff 0.02, rounding envelope 0.055)"),
    ]


#: 公开07表 2040401 行政运行 −10, 2040402 一般行政管理事务 +10 (its 款 20404 still adds up), 公开08表 30101 基本工资 −10
ROWS = {
    (T07, 5, 2): ("10,883.36", "10,873.36"),
    (T07, 6, 2): ("3,666.00", "3,676.00"),
    (T08, 4, 2): ("2,117.68", "2,107.68"),
}
#: fund money: a 政府性基金预算 income of 5.00 in the 04表, or a 合计 of 5.00 in the 公开10表 政府性基金支出预算表
FUND_LINE = {(T04, 5, 1): ("", "5.00")}
FUND_TABLE = {("公开 10 表：政府性基金支出预算表", 2, 2): ("", "5.00")}


@pytest.mark.parametrize("fund", [FUND_LINE, FUND_TABLE], ids=["summary-line", "fund-table"])
def test_fund_money_leaves_the_less_or_equal_form(fund: dict[tuple[str, int, int], tuple[str, str]]) -> None:
    """With fund money the 财政拨款 tables may exceed the 一般公共预算 ones: 07's 2040401 and 08's 30101 below
    05's / 06's are no finding, 07's 2040402 above 05's still is (the ≤ form, as R28's)."""
    mapped, findings = process_edited(PROC_2018, {}, ROWS | fund)
    assert _fiscal(findings, mapped.iri) == [
        ("R27-fiscal-vs-general-budget", "Violation", GENERAL + "functional-2040402/amount",
         f"2040402 [amount]: 3,676.00 > {T05} [amount] 3,666.00 (diff 10, rounding envelope 0.01)"),
    ]


def test_without_fund_money_rows_below_are_findings() -> None:
    """The same rows without fund money: the = form, the two rows below the 财政拨款 tables are Violations too."""
    mapped, findings = process_edited(PROC_2018, {}, ROWS)
    assert _fiscal(findings, mapped.iri) == [
        ("R27-fiscal-basic-vs-general-basic", "Violation", GENERAL_BASIC + "economic-30101/amount",
         f"30101 [amount]: 2,107.68 < {T06} [amount] 2,117.68 (diff -10, rounding envelope 0.01)"),
        ("R27-fiscal-vs-general-budget", "Violation", GENERAL + "functional-2040401/amount",
         f"2040401 [amount]: 10,873.36 < {T05} [amount] 10,883.36 (diff -10, rounding envelope 0.01)"),
        ("R27-fiscal-vs-general-budget", "Violation", GENERAL + "functional-2040402/amount",
         f"2040402 [amount]: 3,676.00 > {T05} [amount] 3,666.00 (diff 10, rounding envelope 0.01)"),
    ]


def test_fast_path_equals_pyshacl(beyond: tuple[MappedDocument, list[Finding]]) -> None:
    """The four rules through pyshacl on the file altered beyond the envelope: the five Violations, and silence on
    cells they compare and find equal (07's 2040402 and 2210201, 08's 30101, 05's 类 204)."""
    mapped, _ = beyond
    iri = mapped.iri
    scratch = Store.scratch({iri: mapped.triples, uris.shared_graph(): mapped.shared})
    foci = [f"{iri}/{path}" for path in (
        FISCAL_BASIC + "line-item-table-total/amount", FISCAL + "line-item-table-total/amount",
        FISCAL + "functional-204/amount", GENERAL + "line-item-table-total/amount",
        GENERAL + "functional-2040401/amount", GENERAL + "functional-2040402/amount",
        GENERAL + "functional-2210201/amount", GENERAL_BASIC + "line-item-table-total/amount",
        GENERAL_BASIC + "economic-30101/amount")]
    shapes = _retarget(validate.load_shapes(["crosstable.ttl"]), foci, RULES)
    reference = engines_on(scratch, document_graphs(iri), shapes)
    assert sorted((r[0].split("#")[1], r[1], r[2].removeprefix(iri + "/")) for r in reference) == [
        ("R26-fiscal-expenditure-total-violation", "Violation", FISCAL + "line-item-table-total/amount"),
        ("R27-fiscal-basic-vs-general-basic-violation", "Violation", GENERAL_BASIC + "line-item-table-total/amount"),
        ("R27-fiscal-vs-general-budget-violation", "Violation", GENERAL + "functional-2040401/amount"),
        ("R27-fiscal-vs-general-budget-violation", "Violation", GENERAL + "line-item-table-total/amount"),
        ("R29-fiscal-basic-expenditure-violation", "Violation", FISCAL_BASIC + "line-item-table-total/amount"),
    ]
