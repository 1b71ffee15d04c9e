"""Figures the text states as none ("无机关运行经费", "没有政府性基金预算财政拨款收入和支出"): read as amounts of 0
(``narrative._NIL``), so that the rules comparing the text with the tables (R40, R42–R44) hold them to the tables.

In the corpus (16): 福利院 2024 "2024年上海市普陀区社会福利院无机关运行经费。" (p.16), 省检察院 2018 "（1）2018 年无
公务用车购置预算安排。" and "2018 年本部门无国有资本经营预算收入。", the 决算's template wording, twice over,
"…本年度没有政府性基金预算财政拨款收入和支出，" / "…无国有资本经营预算财政拨款收入和支出", the Jiangsu 2017
"本部门无政府性基金预算" (省检察院, 省委办公厅: its income and expenditure) and "(无政府性基金支出）" (人大, in its
empty table). All agree with their tables (no new finding on any of them); a reason ("主要原因是无此项支出") and a
word naming no indicator ("本部门无此项预算", "无此项收入") are not read. Before, the 福利院's 机关运行经费 cell was
compared with nothing: altered, it went unreported (bench/bench_altered.py).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetkg import narrative
from budgetkg.read import read_document
from tests.conftest import CORPUS, process_edited
from tests.test_narrative import _text_document

WELFARE = CORPUS / "shanghai" / "2024_上海市普陀区社会福利院_单位预算.pdf"
PROC_2018 = CORPUS / "jiangsu" / "江苏省人民检察院" / "2018年省检察院部门预算公开.pdf"
FINAL = CORPUS / "shanghai" / "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf"
PROC_2017 = CORPUS / "jiangsu" / "江苏省人民检察院" / "2017年省检察院部门预算.pdf"
NPC_2017 = CORPUS / "jiangsu" / "江苏省人大办公厅" / "江苏省人大办公厅2017年度预算公开.pdf"
pytestmark = pytest.mark.skipif(not WELFARE.exists(), reason=f"corpus not found at {CORPUS}")


def _nil(path: object, year: int) -> list[tuple[str, str, str, str | None]]:
    statements = narrative.extract(read_document(path), year)  # type: ignore[arg-type]
    return [(s.paragraph, s.indicator, s.span, s.unit) for s in statements if s.printed in ("无", "没有")]


def test_nil_figures_of_the_corpus() -> None:
    assert _nil(WELFARE, 2024) == [
        ("16.9", "institution-operation-expenses", "2024年上海市普陀区社会福利院无机关运行经费", "yuan")]
    assert _nil(PROC_2018, 2018) == [
        ("29.4", "vehicle-purchase", "（1）2018 年无公务用车购置预算安排", "yuan"),
        ("30.10", "state-capital-income", "2018 年本部门无国有资本经营预算收入", "yuan"),
    ]
    # a fund's whole budget (section 七 of the Jiangsu 2017 budgets): its income and its expenditure; an empty
    # table's printed note
    fund_budget = "本部门无政府性基金预算"
    assert [(indicator, span) for _, indicator, span, _ in _nil(PROC_2017, 2017)] == [
        ("government-fund-income", fund_budget), ("government-fund-expenditure", fund_budget)]
    assert [(indicator, span) for _, indicator, span, _ in _nil(NPC_2017, 2017)] == [
        ("government-fund-expenditure", "无政府性基金支出")]
    # under the empty tables (pp.18–19) and in section 六 (p.26)
    fund, capital = "政府性基金预算财政拨款收入和支出", "国有资本经营预算财政拨款收入和支出"
    final = _nil(FINAL, 2024)
    assert [(paragraph, indicator, span.rpartition("局")[2]) for paragraph, indicator, span, _ in final] == [
        ("18", "government-fund-income", "本年度没有" + fund),
        ("18", "government-fund-expenditure", "本年度没有" + fund),
        ("19", "state-capital-income", "本年度没有" + capital),
        ("19", "state-capital-expenditure", "本年度没有" + capital),
        ("26.12", "government-fund-income", " 2024 年度无" + fund),
        ("26.12", "government-fund-expenditure", " 2024 年度无" + fund),
        ("26.15", "state-capital-income", " 2024 年度无" + capital),
        ("26.15", "state-capital-expenditure", " 2024 年度无" + capital),
    ]


def test_wordings_read_and_not_read(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """What a nil clause names, and what it does not: a reason's 无, another year's, a word naming no indicator, a
    fund's 财政拨款 (the fund's, not 财政拨款收入), a fund's whole budget (its income and expenditure), a word where 无
    begins another (无形资产)."""
    text = ("2024年本单位无“三公”经费财政拨款支出。\n"
            "本单位2024年度没有政府性基金预算财政拨款收入和支出，因此本表为空表。\n"
            "2024年无会议费支出预算，无培训费支出预算。\n"
            "公务接待费0.00万元，主要原因是无公务接待费支出。\n"
            "2023年无机关运行经费。本部门无此项预算。无此项收入。\n"
            "本部门无国有资本经营预算。\n"
            "无形资产12项。\n")
    statements = narrative.extract(_text_document(tmp_path, text), 2024)
    assert [(s.indicator, s.printed, s.amount, s.span) for s in statements if s.printed in ("无", "没有")] == [
        ("three-public-total", "无", Decimal(0), "2024年本单位无“三公”经费财政拨款支出"),
        ("government-fund-income", "没有", Decimal(0), "本单位2024年度没有政府性基金预算财政拨款收入和支出"),
        ("government-fund-expenditure", "没有", Decimal(0), "本单位2024年度没有政府性基金预算财政拨款收入和支出"),
        ("meeting-expenses", "无", Decimal(0), "2024年无会议费支出预算"),
        ("training-expenses", "无", Decimal(0), "无培训费支出预算"),
        ("state-capital-income", "无", Decimal(0), "本部门无国有资本经营预算"),
        ("state-capital-expenditure", "无", Decimal(0), "本部门无国有资本经营预算"),
    ]


def test_a_nil_figure_is_an_exact_zero() -> None:
    statement = next(s for s in narrative.extract(read_document(WELFARE), 2024) if s.printed == "无")
    assert (statement.kind, statement.amount, statement.amount_in_yuan, statement.unit_text, statement.decimals) == (
        "amount", Decimal(0), Decimal(0), "", 0)


def test_altered_cell_against_a_nil_figure() -> None:
    """The 福利院's 机关运行经费 cell (2024年机关运行经费预算数: 0) printed as 0.5 万元: the text says there is none
    (the message prints the word as the figure, and no unit, as none is written)."""
    mapped, findings = process_edited(WELFARE, {}, cells={
        ("单位“三公”经费和机关运行经费预算表", 4, 6): ("0", "0.5")})
    assert sorted((f.rule, f.severity, f.focus.removeprefix(mapped.iri + "/"), f.message)
                  for f in findings if f.rule.startswith("R44")) == [
        ("R44-operation-expenses", "Violation", "paragraph/16.9/figure/1",
         "text “2024年上海市普陀区社会福利院无机关运行经费”: 无  ≠ 单位“三公”经费和机关运行经费预算表 "
         "(institution-operation-expenses, amount) 0.5 万元 (both rounded to the coarser precision; diff -0.5 in 万元, "
         "rounding envelope 0.1)"),
    ]
