"""The Jiangsu overview's totals, income sources and 单位预留机动经费: read from the text, checked with the tables.

The Jiangsu 收支预算总体情况说明 states its totals and each income source in a wording of its own: “（一）收入预算总计
15897.44万元。包括：1．财政拨款收入预算总计…2．财政专户管理资金收入预算总计0万元…3．其他资金收入预算总计0万元…
4．上年结转资金预算数为 0万元”, then “（二）支出预算总计…”, “单位预留机动经费预算数为 1685.72 万元。与上年相比增加
1557.29万元，增长1312.56 %。”, and its 支出预算情况说明 lists “…本年支出预算合计 15897.44万元，其中：” | “基本支出…；” |
“项目支出…；” | “单位预留机动经费1685.72 万元，占10.61%；” on printed lines of their own. None of this was read before:
the labels end in 预算总计 / 预算数为, 单位预留机动经费 had no indicator, and a list line ending in “：” or “；” ended
the sentence, so the list was not the total's.

On the corpus, every one of these figures agrees with its table (test_jiangsu_findings: no R40 / R41 / R48 finding);
the one new finding is real: 1557.29 ÷ 128.43 (the 2017 reserve) is 1212.56 %, printed 1312.56 %.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetkg import narrative
from budgetkg.read import read_document
from budgetkg.validate import Finding
from tests.conftest import CORPUS, process_edited

NPC_2018 = CORPUS / "jiangsu" / "江苏省人大办公厅" / "省人大办公厅2018预算公开.pdf"
pytestmark = pytest.mark.skipif(not NPC_2018.exists(), reason=f"corpus not found at {CORPUS}")

NEW = {"income-total", "expenditure-total", "fiscal-appropriation-income", "special-account-income",
       "other-funds-income", "carry-over", "reserve-fund-expenditure"}
RULES = ("R40-text-totals", "R40-text-income-sources", "R41-text-split", "R48-itemised-list", "R50-growth-rate")


@pytest.mark.parametrize(("label", "indicator"), [
    ("（一）收入预算总计", "income-total"),
    ("（二）支出预算总计", "expenditure-total"),
    ("江苏省人大常委会办公厅本年收入预算合计", "income-total"),
    ("江苏省人大常委会办公厅部门本年支出预算合计", "expenditure-total"),
    ("1．财政拨款收入预算总计", "fiscal-appropriation-income"),
    ("2．财政专户管理资金收入预算总计", "special-account-income"),
    ("3．其他资金收入预算总计", "other-funds-income"),
    ("4．上年结转资金预算数为", "carry-over"),
    ("单位预留机动经费预算数为", "reserve-fund-expenditure"),
    ("单位预留机动经费", "reserve-fund-expenditure"),
    ("其他收入", "other-income"),  # not 其他资金: the Hebei / Shanghai line of that name
])
def test_labels(label: str, indicator: str) -> None:
    assert narrative.classify(label) == indicator


def test_statements_of_the_overview() -> None:
    statements = narrative.extract(read_document(NPC_2018), 2018)
    rows = [(s.paragraph, s.indicator, s.kind, s.amount, s.direction,
             statements[s.part_of].paragraph if s.part_of is not None else None)
            for s in statements if s.indicator in NEW or (s.part_of is not None
                                                          and statements[s.part_of].indicator in NEW)]
    d = Decimal
    assert rows == [
        ("19.7", "expenditure-total", "amount", d("15897.44"), "", None),  # 收入、支出预算总计 15897.44
        ("19.7", "expenditure-total", "change", d("2248.37"), "increase", None),  # 收、支预算总计各增加 2248.37
        ("19.11", "income-total", "amount", d("15897.44"), "", None),
        ("19.12", "fiscal-appropriation-income", "amount", d("15897.44"), "", None),
        ("19.18", "special-account-income", "amount", d("0"), "", None),
        ("20", "other-funds-income", "amount", d("0"), "", None),
        ("20.3", "carry-over", "amount", d("0"), "", None),
        ("20.5", "expenditure-total", "amount", d("15897.44"), "", None),
        ("21.8", "reserve-fund-expenditure", "amount", d("1685.72"), "", None),
        ("21.9", "reserve-fund-expenditure", "change", d("1557.29"), "increase", None),
        ("21.14", "income-total", "amount", d("15897.44"), "", None),
        ("21.20", "carry-over", "amount", d("0"), "", None),
        ("22.4", "expenditure-total", "amount", d("15897.44"), "", None),
        ("22.6", "basic-expenditure", "amount", d("7877.76"), "", "22.4"),
        ("22.7", "project-expenditure", "amount", d("6333.96"), "", "22.4"),
        ("22.8", "reserve-fund-expenditure", "amount", d("1685.72"), "", "22.4"),
    ]


def _found(findings: list[Finding], iri: str) -> list[tuple[str, str, str, str]]:
    return sorted((f.rule, f.severity, f.focus.removeprefix(iri + "/"), f.message)
                  for f in findings if f.rule in RULES)


def test_as_printed_only_the_growth_rate() -> None:
    mapped, findings = process_edited(NPC_2018, {})
    assert [(r, s, focus) for r, s, focus, _m in _found(findings, mapped.iri)] == [
        ("R50-growth-rate", "Violation", "paragraph/21.9/percentage/1")]
    rate = next(f for f in findings if f.rule == "R50-growth-rate")
    assert (rate.values["value"], rate.values["computed"], rate.values["diff"], rate.values["base"]) == (
        Decimal("1312.56"), Decimal("1212.56"), Decimal("100"), Decimal("128.43"))


def test_altered_figures_are_reported() -> None:
    edits = {"19.11": ("（一）收入预算总计15897.44万元。包括：", "15897.44", "15898.44"),
             "20": ("3．其他资金收入预算总计0万元。与上年相比增加（减少）", "总计0", "总计5"),
             "21.8": ("单位预留机动经费预算数为 1685.72 万元。与上年相比增", "1685.72", "1695.72"),
             "22.8": ("单位预留机动经费1685.72 万元，占10.61%；", "1685.72", "1675.72")}
    altered = {key: (line, line.replace(old, new)) for key, (line, old, new) in edits.items()}
    mapped, findings = process_edited(NPC_2018, altered)
    table = "第二部分 2018年度部门预算表 公开 01表 收支预算总表"
    expenditure = "公开 03表 支出预算总表 (table-total, reserve-fund)"
    envelope = "(both rounded to the coarser precision; diff {} in 万元, rounding envelope {})"
    assert _found(findings, mapped.iri) == [
        ("R40-text-income-sources", "Violation", "paragraph/20/figure/1",
         f"text “其他资金收入预算总计5万元”: 5 万元 ≠ {table} (other-funds, amount) （空） 万元 "
         + envelope.format(5, "0.5")),
        ("R40-text-totals", "Violation", "paragraph/19.11/figure/1",
         f"text “收入预算总计15898.44万元”: 15898.44 万元 ≠ {table} (income-this-year-total, amount) 15897.44 万元 "
         + envelope.format(1, "0.01")),
        ("R41-text-split", "Violation", "paragraph/21.8/figure/1",
         f"text “单位预留机动经费预算数为 1695.72 万元”: 1695.72 万元 ≠ {expenditure} 1685.72 万元 "
         + envelope.format(10, "0.01")),
        ("R41-text-split", "Violation", "paragraph/22.8/figure/1",
         f"text “单位预留机动经费1675.72 万元”: 1675.72 万元 ≠ {expenditure} 1685.72 万元 "
         + envelope.format(-10, "0.01")),
        ("R48-itemised-list", "Violation", "paragraph/22.4/figure/1",
         "“江苏省人大常委会办公厅部门本年支出预算合计 15897.44万元”: 15897.44 万元 ≠ sum of its 3 items in the units"
         " written 15887.44 万元 (diff 10, rounding envelope 0.02; the items' numbers added as if in one unit:"
         " 15887.44)"),
        # the stated change now runs from 1695.72: 1557.29 ÷ 138.43
        ("R50-growth-rate", "Violation", "paragraph/21.9/percentage/1",
         "“增长1312.56 %”: 1312.56% ≠ 1557.29 ÷ 138.43 = 1124.9657% computed from “与上年相比增加1557.29万元”"
         " (1124.97% at the stated decimals; diff 187.59 percentage points, envelope 0.1899)"),
    ]


def test_one_unit_against_an_empty_line_is_a_violation() -> None:
    """An empty line is an exact 0, and a 0 rounds to 0 in every rounding mode: the text's "1万元" against it is
    beyond the envelope (half a unit: only the text was rounded), where one unit of the text's precision was
    allowed before (an Info)."""
    line = "3．其他资金收入预算总计0万元。与上年相比增加（减少）"
    _mapped, findings = process_edited(NPC_2018, {"20": (line, line.replace("总计0", "总计1"))})
    found = [f for f in findings if f.rule == "R40-text-income-sources"]
    assert [(f.severity, f.values["diff"], f.values["envelope"], f.values["tablePrinted"]) for f in found] == [
        ("Violation", Decimal("1"), Decimal("0.5"), "（空）")]
