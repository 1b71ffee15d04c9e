"""Rule R42 on expenditure: the text's 财政拨款支出 and 一般公共预算财政拨款支出 against the tables
(``R42-text-fiscal-expenditure``).

What the corpus states, and what it is compared with:

* Jiangsu (省检察院 2018, one file): “省检察院 2018 年财政拨款预算支出 21,940.96 万元” (p.25) against the 合计 row of
  公开05表 财政拨款支出预算表 and the 支出总计 of its 财政拨款收支预算总表 (公开04表 prints 支出 by 用途 and no
  本年支出合计 row), and “…一般公共预算财政拨款支出预算 21,940.96 万元” (p.27) against 公开07表
  一般公共预算支出预算表's 合计.
* The Shanghai 决算: “一般公共预算财政拨款支出 9746.50 万元” (p.21, twice) and its 决算数 “…年初预算为 10210.34 万元，
  支出决算为 9746.50 万元” against F5 一般公共预算财政拨款支出决算表's 合计 (决算 cells); the 年初预算 is not (R72).
* The Shanghai budgets: “财政拨款支出预算…万元” against the 财政拨款收支总表's 本年支出合计, or its 支出总计 where it
  prints no 本年支出合计 (万里 2024).

All agree on the corpus (tests/test_jiangsu_findings.py, tests/test_shanghai.py: no finding); altered, each is
reported with its numbers.
"""

from __future__ import annotations

import pytest

from budgetkg import narrative, uris, validate
from budgetkg.map import MappedDocument
from budgetkg.read import read_document
from budgetkg.store import Store
from budgetkg.validate import Finding, document_graphs
from tests.conftest import CORPUS, process_edited
from tests.test_validate import _retarget, engines_on

PROC_2018 = CORPUS / "jiangsu" / "江苏省人民检察院" / "2018年省检察院部门预算公开.pdf"
FINAL = CORPUS / "shanghai" / "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf"
WANLI_2024 = CORPUS / "shanghai" / "2024_上海市普陀区万里街道办事处_部门预算.pdf"
pytestmark = pytest.mark.skipif(not PROC_2018.exists(), reason=f"corpus not found at {CORPUS}")

RULE = "R42-text-fiscal-expenditure"
ENVELOPE = "(both rounded to the coarser precision; diff {diff} in 万元, rounding envelope 0.01)"


def _r42(findings: list[Finding], iri: str) -> list[tuple[str, str, str]]:
    return sorted((f.severity, f.focus.removeprefix(iri + "/"), f.message) for f in findings if f.rule == RULE)


@pytest.fixture(scope="module")
def jiangsu() -> tuple[MappedDocument, list[Finding]]:
    """p.25's 财政拨款 total stated as 21,950.96, p.27's 一般公共预算 total as 21,940.97."""
    return process_edited(PROC_2018, {
        "26": ("省检察院 2018 年财政拨款预算支出 21,940.96 万元，",
               "省检察院 2018 年财政拨款预算支出 21,950.96 万元，"),
        "28.2": ("21,940.96 万元，与上年相比增加 3,958.98 万元，增长",
                 "21,940.97 万元，与上年相比增加 3,958.98 万元，增长"),
    })


def test_jiangsu_totals_against_the_expenditure_tables(jiangsu: tuple[MappedDocument, list[Finding]]) -> None:
    mapped, findings = jiangsu
    assert _r42(findings, mapped.iri) == [
        ("Info", "paragraph/28.2/figure/1",
         "text “省检察院 2018 年一般公共预算财政拨款支出预算21,940.97 万元”: 21,940.97 万元 ≠ "
         "公开 07 表：一般公共预算支出预算表 (table-total, total) 21,940.96 万元 " + ENVELOPE.format(diff="0.01")),
        # 公开04表 prints no 本年支出合计 row: its 支出总计 (21,940.96) is the one total to compare with
        ("Violation", "paragraph/26/figure/1",
         "text “省检察院 2018 年财政拨款预算支出 21,950.96 万元”: 21,950.96 万元 ≠ 公开 04 表：财政拨款收支预算总表 "
         "(expenditure-grand-total, total) 21,940.96 万元 " + ENVELOPE.format(diff="10")),
        ("Violation", "paragraph/26/figure/1",
         "text “省检察院 2018 年财政拨款预算支出 21,950.96 万元”: 21,950.96 万元 ≠ 公开 05 表：财政拨款支出预算表 "
         "(table-total, total) 21,940.96 万元 " + ENVELOPE.format(diff="10")),
    ]


def test_final_account_outturn_against_f5() -> None:
    """The 决算: p.21's 决算数 (支出决算为 9746.50) stated as 9756.50, the structure sentence's amount as 9746.40."""
    mapped, findings = process_edited(FINAL, {
        "21.15": ("出决算为 9746.50 万元，完成年初预算的 95.45%。决算数小于",
                  "出决算为 9756.50 万元，完成年初预算的 95.45%。决算数小于"),
        "21.8": ("一般公共预算财政拨款支出 9746.50 万元，主要用于以下方",
                 "一般公共预算财政拨款支出 9746.40 万元，主要用于以下方"),
    })
    f5 = "一般公共预算财政拨款支出决算表 (table-total, total) 9746.50 万元 "
    assert _r42(findings, mapped.iri) == [
        ("Violation", "paragraph/21.15/figure/1",
         "text “支出决算为 9756.50 万元”: 9756.50 万元 ≠ " + f5 + ENVELOPE.format(diff="10")),
        ("Violation", "paragraph/21.8/figure/1",
         "text “一般公共预算财政拨款支出 9746.40 万元”: 9746.40 万元 ≠ " + f5 + ENVELOPE.format(diff="-0.1")),
    ]


def test_shanghai_budget_against_the_expenditure_grand_total() -> None:
    """万里 2024's 财政拨款收支预算总表 (p.16) prints 支出总计 156,211,123 元 and no 本年支出合计 row: the text's
    财政拨款支出预算 (p.6) is compared with that total, as R40 does with the 财务收支总表's 总计 rows. It agrees as
    printed (tests/test_shanghai.py); stated as 15721.11 it is a Violation (an altered figure was missed before)."""
    line = ("支出预算15621.11万元，其中：财政拨款支出预算15621.11万元，比2023年预算减少876.75万元。"
            "财政拨款支出预算中，一般公共预")
    altered = line.replace("财政拨款支出预算15621.11", "财政拨款支出预算15721.11")
    mapped, findings = process_edited(WANLI_2024, {"6.4": (line, altered)})
    assert _r42(findings, mapped.iri) == [
        ("Violation", "paragraph/6.4/figure/2",
         "text “财政拨款支出预算15721.11万元”: 15721.11 万元 ≠ 2024年部门财政拨款收支预算总表 "
         "(expenditure-grand-total, total) 156,211,123 元 " + ENVELOPE.format(diff="100")),
    ]


COMMERCE_2025 = CORPUS / "shanghai" / "上海市普陀区商务委员会25年预算.pdf"


def test_fund_expenditure_against_an_empty_table() -> None:
    """商务委 2025 (p.7): "政府性基金拨款支出预算0万元" and "国有资本经营预算拨款支出预算0万元", whose tables
    (2025年部门政府性基金 / 国有资本经营预算支出功能分类预算表) print no figure: 0 each, agreeing (no finding as
    printed, tests/test_shanghai.py). Stated as 1 万元 and 0.3 万元, each is a Violation against the empty table
    (half a unit of envelope: a zero is exact); an altered 0 was missed before."""
    fund = ("公共预算拨款支出预算37,151.47万元，比2024年预算增加24,491.71万元；政府性基金拨款支出预算0万元，"
            "比2024年预算执行数持平；")
    capital = "国有资本经营预算拨款支出预算0万元，比2024年预算执行数持平。"
    mapped, findings = process_edited(COMMERCE_2025, {
        "7.5": (fund, fund.replace("政府性基金拨款支出预算0万元", "政府性基金拨款支出预算1万元")),
        "7.6": (capital, capital.replace("0万元", "0.3万元")),
    })
    assert _r42(findings, mapped.iri) == [
        ("Violation", "paragraph/7.5/figure/3",
         "text “政府性基金拨款支出预算1万元”: 1 万元 ≠ 2025年部门政府性基金预算支出功能分类预算表 (table-total, total) "
         "（空） 万元 (both rounded to the coarser precision; diff 1 in 万元, rounding envelope 0.5)"),
        ("Violation", "paragraph/7.6/figure/1",
         "text “国有资本经营预算拨款支出预算0.3万元”: 0.3 万元 ≠ 2025年部门国有资本经营预算支出功能分类预算表 "
         "(table-total, total) （空） 万元 (both rounded to the coarser precision; diff 0.3 in 万元, "
         "rounding envelope 0.05)"),
    ]


def test_jiangsu_fund_expenditure_against_an_empty_table() -> None:
    """省检察院 2018 (p.29) "政府性基金支出预算支出 0 万元" against 公开10表, printed empty; stated as 5 万元: a
    Violation."""
    line = "省检察院 2018 年政府性基金支出预算支出 0 万元。"
    mapped, findings = process_edited(PROC_2018, {"29.17": (line, line.replace(" 0 万元", " 5 万元"))})
    assert [f for f in _r42(findings, mapped.iri) if "政府性基金" in f[2]] == [
        ("Violation", "paragraph/29.17/figure/1",
         "text “省检察院 2018 年政府性基金支出预算支出 5 万元”: 5 万元 ≠ 公开 10 表：政府性基金支出预算表 "
         "(table-total, total) （空） 万元 (both rounded to the coarser precision; diff 5 in 万元, "
         "rounding envelope 0.5)"),
    ]


def test_fast_path_equals_pyshacl(jiangsu: tuple[MappedDocument, list[Finding]]) -> None:
    mapped, _ = jiangsu
    iri = mapped.iri
    scratch = Store.scratch({iri: mapped.triples, uris.shared_graph(): mapped.shared})
    foci = [f"{iri}/paragraph/{key}/figure/1" for key in ("26", "28.2", "23.13")]
    shapes = _retarget(validate.load_shapes(["narrative.ttl"]), foci, (RULE,))
    reference = engines_on(scratch, document_graphs(iri), shapes)
    assert sorted((r[0].split("#")[1], r[2].removeprefix(iri + "/")) for r in reference) == [
        (f"{RULE}-info", "paragraph/28.2/figure/1"), (f"{RULE}-violation", "paragraph/26/figure/1"),
        (f"{RULE}-violation", "paragraph/26/figure/1")]  # against 公开04表 and 公开05表


WELFARE_2024 = CORPUS / "shanghai" / "2024_上海市普陀区社会福利院_单位预算.pdf"
WELFARE_FISCAL = ("支出预算1,212.12万元，其中：财政拨款支出预算950.12万元，比2023年预算增加0.46万元。"
                  "财政拨款支出预算中，一般公共预算拨")
WELFARE_FUNDS = ("款支出预算950.12万元，比2023年预算增加0.46万元；政府性基金拨款支出预算0.00万元，与2023年预算持平；"
                 "国有资本经营预算拨款支")


def _fund_parts(path: object, year: int) -> list[tuple[str, str, str, str | None]]:
    statements = narrative.extract(read_document(path), year)  # type: ignore[arg-type]
    return [(s.indicator, s.kind, s.span, statements[s.part_of].span if s.part_of is not None else None)
            for s in statements if s.indicator.endswith("-expenditure") and "拨款支出预算" in s.sentence]


def test_funds_are_parts_of_the_fiscal_expenditure() -> None:
    """Every Shanghai budget states its 财政拨款支出 and, in the next sentence ("财政拨款支出预算中，…"), its three
    funds, each with its change: the funds are parts of the 财政拨款支出 (R48 adds them up) and their changes parts
    of its change (R50-change-components). 商务委 2025 states no change of two funds (…比2024年预算执行数持平 is not
    read): its funds are parts, their changes are not (the list of changes is incomplete)."""
    total, change = "财政拨款支出预算950.12万元", "比2023年预算增加0.46万元"
    assert _fund_parts(WELFARE_2024, 2024) == [
        ("fiscal-appropriation-expenditure", "amount", total, None),
        ("fiscal-appropriation-expenditure", "change", change, None),
        ("general-public-budget-expenditure", "amount", "一般公共预算拨款支出预算950.12万元", total),
        ("general-public-budget-expenditure", "change", change, change),
        ("government-fund-expenditure", "amount", "政府性基金拨款支出预算0.00万元", total),
        ("government-fund-expenditure", "change", "与2023年预算持平", change),
        ("state-capital-expenditure", "amount", "国有资本经营预算拨款支出预算0.00万元", total),
        ("state-capital-expenditure", "change", "与2023年预算持平", change),
    ]
    total = "财政拨款支出预算37,151.47万元"
    assert [p for p in _fund_parts(COMMERCE_2025, 2025) if p[1] == "amount" or p[3] is not None] == [
        ("fiscal-appropriation-expenditure", "amount", total, None),
        ("general-public-budget-expenditure", "amount", "一般公共预算拨款支出预算37,151.47万元", total),
        ("government-fund-expenditure", "amount", "政府性基金拨款支出预算0万元", total),
        ("state-capital-expenditure", "amount", "国有资本经营预算拨款支出预算0万元", total),
    ]


def test_altered_fund_and_change_are_reported() -> None:
    """福利院 2024 (p.6) as printed adds up (no finding, tests/test_shanghai.py). Its 财政拨款支出's change stated as
    1.46 万元 and the 政府性基金 as 1.00 万元: the change no longer equals its funds' changes (R50), the funds no longer
    add up to the 财政拨款支出 (R48), and the fund is not its empty table's 0 (R42). The altered change was missed
    before: the 2023 figure it is a change from is in no corpus document."""
    mapped, findings = process_edited(WELFARE_2024, {
        "6.4": (WELFARE_FISCAL, WELFARE_FISCAL.replace("比2023年预算增加0.46万元", "比2023年预算增加1.46万元")),
        "6.5": (WELFARE_FUNDS, WELFARE_FUNDS.replace("基金拨款支出预算0.00万元", "基金拨款支出预算1.00万元")),
    })
    rules = ("R48-itemised-list", "R50-change-components", RULE)
    assert sorted((f.rule, f.severity, f.focus.removeprefix(mapped.iri + "/"), f.message)
                  for f in findings if f.rule in rules) == [
        ("R42-text-fiscal-expenditure", "Violation", "paragraph/6.5/figure/3",
         "text “政府性基金拨款支出预算1.00万元”: 1.00 万元 ≠ 2024年预算单位政府性基金预算支出功能分类预算表 "
         "(table-total, total) （空） 万元 (both rounded to the coarser precision; diff 1 in 万元, "
         "rounding envelope 0.005)"),
        ("R48-itemised-list", "Violation", "paragraph/6.4/figure/2",
         "“财政拨款支出预算950.12万元”: 950.12 万元 ≠ sum of its 3 items in the units written 951.12 万元"
         " (diff -1, rounding envelope 0.015; the items' numbers added as if in one unit: 951.12)"),
        ("R50-change-components", "Violation", "paragraph/6.4/figure/3",
         "“比2023年预算增加1.46万元”: total change 1.46 ≠ sum of its 3 component changes 0.46 "
         "(diff 1, rounding envelope 0.01)"),
    ]
