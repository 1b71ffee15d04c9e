"""Validation of the real sample: exactly the findings a budget analyst finds, nothing else."""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox

from budgetkg import uris
from budgetkg.pipeline import DocumentReport
from budgetkg.store import Store
from budgetkg.validate import check_datacube_integrity, validate_graph

# (rule, table, 序号, column, printed, sum of parts, terms) — worked out by hand from the sample:
# the 合计 rows print 822.41 / 463.21 while their 类 rows add up to 822.42 / 463.22, and in the
# 基本支出表 301 prints 407.32 (items 407.33) and 302 prints 41.47 (items 41.49).
EXPECTED = sorted([
    ("R08-table-total", "部门预算收入总表", "1", "合计 (栏次 3)", "822.41", "822.42", 6),
    ("R08-table-total", "部门预算收入总表", "1", "本年收入 / 小计 (栏次 4)", "822.41", "822.42", 6),
    ("R08-table-total", "部门预算收入总表", "1", "本年收入 / 财政拨款收入 (栏次 5)", "822.41", "822.42", 6),
    ("R08-table-total", "部门预算支出总表", "1", "合计 (栏次 3)", "822.41", "822.42", 6),
    ("R08-table-total", "部门预算支出总表", "1", "基本支出 (栏次 4)", "463.21", "463.22", 4),
    ("R08-table-total", "部门预算一般公共预算财政拨款支出表", "1", "合计 (栏次 3)", "822.41", "822.42", 6),
    ("R08-table-total", "部门预算一般公共预算财政拨款支出表", "1", "基本支出 (栏次 4)", "463.21", "463.22", 4),
    ("R08-table-total", "部门预算收支总表", "32", "支出 / 预算数 (栏次 4)", "822.41", "822.42", 6),
    ("R08-table-total", "部门预算财政拨款收支总表", "32", "支出 / 合计 (栏次 4)", "822.41", "822.42", 6),
    ("R08-table-total", "部门预算财政拨款收支总表", "32", "支出 / 一般公共预算财政拨款 (栏次 5)",
     "822.41", "822.42", 6),
    ("R12-economic-hierarchy", "部门预算一般公共预算财政拨款基本支出表", "2",
     "一般公共预算基本支出 / 合计 (栏次 3)", "407.32", "407.33", 9),
    ("R12-economic-hierarchy", "部门预算一般公共预算财政拨款基本支出表", "2",
     "一般公共预算基本支出 / 人员经费 (栏次 4)", "407.32", "407.33", 9),
    ("R12-economic-hierarchy", "部门预算一般公共预算财政拨款基本支出表", "12",
     "一般公共预算基本支出 / 合计 (栏次 3)", "41.47", "41.49", 14),
    ("R12-economic-hierarchy", "部门预算一般公共预算财政拨款基本支出表", "12",
     "一般公共预算基本支出 / 公用经费 (栏次 5)", "41.47", "41.49", 14),
    # 资产总额 131.19 vs 房屋 2.09 + 车辆 10.75 + 其他 118.36 = 131.20 (设备 printed empty)
    ("R18-asset-categories", "部门固定资产占用情况表", "2", "价值（金额单位：万元）", "131.19", "131.2", 3),
])


#: Findings on the narrative (groups C and D), each checked by hand against the text and tables:
#: (rule, severity, focus paragraph/figure, figures compared).
#: * R43: the text's "三公" total is 1.22 万元 but the 三公 table's 合计 is 1.05. The text lists
#:   因公出国 0元 + 购置 0元 + 运行维护 1.00 + 接待 0.05 + 培训费 0.17 = 1.22: it counts 培训费, which is
#:   not a "三公" item (the document's own 名词解释 7 defines 三公 as 出国 + 公务用车 + 接待, and the
#:   table has no such row). Items compared one by one agree (1.00 = 1.00, 0.05 = 0.05, 0 = empty
#:   cells): only the total disagrees, by 0.17, far beyond rounding (0.01): a real inconsistency.
#: * R47 (twice): "党组织活动经费0.30元", "网络运行维护费0.15元" in a list of 万元 amounts whose
#:   total 41.47 万元 only adds up if they are 万元 (and 30202/30299-size items of the 基本支出表).
#: * R48: as written, the 机关运行经费 list (self-declared 明细相加=机关运行经费安排数) sums to
#:   41.04 万元 + 0.45 元 = 41.040045 万元, not 41.47; even read as 万元 it sums to 41.49 (the same
#:   0.02 gap as 302's items in the 基本支出表, R12): the self-declared equality is false either way.
#: * R50: 较2022年增加84.54万元, 其中 基本支出增加281.90, 项目支出减少197.35: 281.90 − 197.35 = 84.55,
#:   0.01 off, within the rounding envelope of three 2-decimal figures (0.015): Info.
NARRATIVE_EXPECTED = sorted([
    ("R43-text-three-public", "Violation", "1876/figure/1",
     {"value": "1.22", "tableValue": "1.05", "diff": "0.17", "envelope": "0.01"}),
    ("R47-text-unit", "Warning", "1874/figure/18", {"value": "0.3", "printed": "0.30", "unitText": "元"}),
    ("R47-text-unit", "Warning", "1874/figure/19", {"value": "0.15", "printed": "0.15", "unitText": "元"}),
    ("R48-itemised-list", "Violation", "1874/figure/1",
     {"value": "41.47", "sum": "41.040045", "sumAsOneUnit": "41.49", "n": "19", "diff": "0.429955",
      "envelope": "0.070001"}),
    ("R50-change-components", "Info", "1872/figure/2",
     {"value": "84.54", "sum": "84.55", "n": "2", "diff": "-0.01", "envelope": "0.015"}),
])
NARRATIVE_RULES = {e[0] for e in NARRATIVE_EXPECTED}


def test_exact_findings_on_the_sample(sample_store: Store, sample_document: str) -> None:
    findings = validate_graph(sample_store, sample_document)
    tables = [f for f in findings if f.rule not in NARRATIVE_RULES]
    assert {f.severity for f in tables} == {"Info"}
    got = sorted(
        (f.rule, f.location.table, f.location.row, f.location.column, str(f.values["value"]),
         str(f.values["sum"]), int(f.values["n"]))
        for f in tables if f.location
    )
    assert len(tables) == len(got) == 15
    assert got == EXPECTED
    for f in tables:
        diff = Decimal(str(f.values["value"])) - Decimal(str(f.values["sum"]))
        assert Decimal(str(f.values["diff"])) == diff
        assert abs(diff) <= (int(f.values["n"]) + 1) * Decimal("0.005")
    text = sorted(
        (f.rule, f.severity, f.focus.split("/paragraph/")[1],
         {k: str(f.values[k]) for k in expected})
        for f, (*_, expected) in zip(
            sorted((f for f in findings if f.rule in NARRATIVE_RULES), key=lambda f: (f.rule, f.focus)),
            NARRATIVE_EXPECTED, strict=True)
    )
    assert text == NARRATIVE_EXPECTED
    r43 = next(f for f in findings if f.rule == "R43-text-three-public")
    assert r43.message_zh.startswith(
        "说明文字“我部门财政拨款“三公”经费预算安排1.22万元”：1.22万元 ≠ 部门预算财政拨款“三公”经费支出表")


def test_build_report_counts(sample_build: tuple[Store, list[DocumentReport]]) -> None:
    report = sample_build[1][0]
    assert report.loaded and report.findings == {"Info": 16, "Warning": 2, "Violation": 2}
    assert [(i.severity, i.code) for i in report.issues] == [("info", "units-by-name")]  # units known by name


def test_report_graph_is_stored(sample_store: Store, sample_document: str) -> None:
    graph = uris.validation_graph(sample_document)
    q = f"""PREFIX sh: <http://www.w3.org/ns/shacl#>
      SELECT (COUNT(?r) AS ?n) ?conforms {{ GRAPH <{graph}> {{ <{graph}> a sh:ValidationReport ;
        sh:conforms ?conforms ; sh:result ?r . ?r sh:resultSeverity sh:Info }} }} GROUP BY ?conforms"""
    rows = [(s["n"].value, s["conforms"].value) for s in sample_store.ox.query(q)]
    # sh:conforms follows SHACL: any result, Info included, makes it false.
    assert rows == [("16", "false")]


def test_data_cube_well_formed_on_the_store_and_on_its_dump(sample_store: Store, tmp_path) -> None:
    assert check_datacube_integrity(sample_store) == []
    dump = tmp_path / "all.nq"
    with dump.open("wb") as out:
        sample_store.ox.dump(out, format=ox.RdfFormat.N_QUADS)
    reloaded = Store(tmp_path / "reloaded")
    reloaded.ox.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    assert len(reloaded) == len(sample_store)
    assert check_datacube_integrity(reloaded) == []


def test_cross_table_rules_on_altered_cells(sample_store: Store, sample_document: str) -> None:
    """Group B rules are silent on the sample (its tables agree); altering one cell fires exactly
    the rules that compare it, with the numbers."""
    scratch = Store()
    scratch.ox.bulk_extend(sample_store.ox.quads_for_pattern(None, None, None, None))
    table = f"{sample_document}/table"
    for obs, amount in ((f"{table}/income/obs/line-item-table-total/income-subtotal", "822.51"),
                        (f"{table}/expenditure/obs/line-item-table-total/total", "822.40"),
                        (f"{table}/income-expenditure-summary/obs/functional-208/amount", "135.90"),
                        (f"{table}/fiscal-appropriation-summary/obs/line-item-income-this-year-total/amount",
                         "822.61")):
        _set_amount(scratch, obs, amount)
    findings = validate_graph(scratch, sample_document)
    got = sorted((f.rule, f.severity, f.focus.split("/table/")[1], str(f.values["value"]), str(f.values["sum"]),
                  str(f.values["diff"])) for f in findings if f.rule[:3] in {"R20", "R21", "R22", "R24", "R25",
                                                                            "R26", "R28", "R29"})
    b1 = "income-expenditure-summary/obs"
    assert got == [
        ("R20-summary-income", "Violation", f"{b1}/line-item-income-this-year-total/amount", "822.41", "822.51",
         "-0.1"),
        ("R21-summary-expenditure", "Info", f"{b1}/line-item-expenditure-this-year-total/amount", "822.41", "822.4",
         "0.01"),
        # 208 against the income table and against the expenditure table
        ("R22-class-amounts", "Violation", f"{b1}/functional-208/amount", "135.9", "135.8", "0.1"),
        ("R22-class-amounts", "Violation", f"{b1}/functional-208/amount", "135.9", "135.8", "0.1"),
        ("R25-income-fiscal-column", "Violation", "income/obs/line-item-table-total/fiscal-appropriation", "822.41",
         "822.61", "-0.2"),
        # the general-public-budget table's total now exceeds the expenditure table's
        ("R28-expenditure-vs-general-budget", "Info",
         "general-public-budget-expenditure/obs/line-item-table-total/total", "822.41", "822.4", "0.01"),
    ]


def _scratch_with(sample_store: Store, changes: list[tuple[str, str]], inserts: str = "") -> Store:
    """A copy of the sample store with the given observations' amounts replaced (万元 cells)."""
    scratch = Store()
    scratch.ox.bulk_extend(sample_store.ox.quads_for_pattern(None, None, None, None))
    bkg = uris.vocab()
    for obs, amount in changes:
        scratch.ox.update(
            f"DELETE {{ GRAPH ?g {{ <{obs}> <{bkg}amount> ?a ; <{bkg}amountInYuan> ?y ; <{bkg}printedValue> ?p }} }}"
            f" INSERT {{ GRAPH ?g {{ <{obs}> <{bkg}amount> {amount} ; <{bkg}amountInYuan> {Decimal(amount) * 10000} ;"
            f' <{bkg}printedValue> "{amount}" }} }}'
            f" WHERE {{ GRAPH ?g {{ <{obs}> <{bkg}amount> ?a ; <{bkg}amountInYuan> ?y ; <{bkg}printedValue> ?p }} }}")
    if inserts:
        scratch.ox.update(inserts)
    return scratch


_NEW_B = ("R23-", "R27-", "R30-", "R31-")


def test_new_cross_table_rules_are_silent_on_the_sample(sample_store: Store, sample_document: str) -> None:
    # 收支总表 总计 822.41 = 财政拨款收支总表 总计 822.41 (no non-fiscal income); 30217 0.05 ≤ 接待 0.05,
    # 30231 0.60 ≤ 运行维护 1.00; 30113 32.41 = 2210201 32.41, 30108 41.77 = 2080505, 30110 16.63 = 2101101,
    # 30111 23.63 = 2101103; the 政府基金 / 国有资本经营 tables are empty and so are their columns
    assert not [f for f in validate_graph(sample_store, sample_document) if f.rule.startswith(_NEW_B)]


def test_new_cross_table_rules_on_altered_cells(sample_store: Store, sample_document: str) -> None:
    """R23, R30, R31 fire on altered cells with their numbers; R27 on a fund column inserted beside an
    empty fund table, and (as a comparison) once the fund table prints a different total."""
    table = f"{sample_document}/table"
    fas = f"{table}/fiscal-appropriation-summary/obs"
    basic = f"{table}/general-public-budget-basic-expenditure/obs"
    scratch = _scratch_with(sample_store, [
        (f"{fas}/line-item-income-grand-total/amount", "822.51"),   # R23: 财政拨款总计 above 收支总表 822.41
        (f"{basic}/economic-30217/total", "0.15"),                   # R30: 公务接待费 0.15 > 三公 接待 0.05
        (f"{basic}/economic-30113/total", "32.51"),                  # R31: 住房公积金 32.51 ≠ 2210201 32.41
    ])
    bkg = uris.vocab()
    fund_cell = f"{fas}/line-item-expenditure-this-year-total/government-fund"
    template = f"{fas}/line-item-expenditure-this-year-total/total"
    # a government-fund cell of 10.00 in the 本年支出合计 row, the 政府基金 table printing nothing
    scratch.ox.update(
        f"INSERT {{ GRAPH ?g {{ <{fund_cell}> ?p ?o ;"
        f" <{bkg}breakdown> <{uris.concept('breakdown', 'government-fund')}> ;"
        f' <{bkg}amount> 10.00 ; <{bkg}amountInYuan> 100000 ; <{bkg}printedValue> "10.00" }} }}'
        f" WHERE {{ GRAPH ?g {{ <{template}> ?p ?o"
        f" FILTER (?p NOT IN (<{bkg}breakdown>, <{bkg}amount>, <{bkg}amountInYuan>, <{bkg}printedValue>)) }} }}")
    findings = validate_graph(scratch, sample_document)
    got = sorted((f.rule, f.severity, f.focus.split("/table/")[1], f.message) for f in findings
                 if f.rule.startswith(_NEW_B))
    assert got == [
        ("R23-fiscal-vs-summary-total", "Violation",
         "fiscal-appropriation-summary/obs/line-item-income-grand-total/amount",
         "income-grand-total [amount]: 822.51 against 部门预算收支总表 [amount] 822.41 "
         "(diff 0.1, rounding envelope 0.01)"),
        ("R27-fund-table-emptiness", "Violation",
         "fiscal-appropriation-summary/obs/line-item-expenditure-this-year-total/government-fund",
         "expenditure-this-year-total [government-fund]: 10.00 is not zero, but 部门预算财政拨款收支总表 / "
         "部门预算政府基金预算财政拨款支出表: the other side prints nothing (an empty table or no such cell)"),
        ("R30-three-public-vs-economic", "Violation",
         "general-public-budget-basic-expenditure/obs/economic-30217/total",
         "30217 [total]: 0.15 > 部门预算财政拨款“三公”经费支出表 (official-reception) 0.05 "
         "(diff 0.1, rounding envelope 0.01)"),
        ("R31-functional-economic", "Info", "general-public-budget-basic-expenditure/obs/economic-30113/total",
         "30113 [total]: 32.51 ≠ 部门预算一般公共预算财政拨款支出表 basic expenditure of functional 2210201: 32.41 "
         "(diff 0.1, rounding envelope 0.01; a heuristic: other subjects may share the item)"),
    ]


def _set_amount(store: Store, obs: str, amount: str) -> None:
    """Print ``amount`` (万元) in the cell ``obs`` instead of what the sample prints."""
    bkg = uris.vocab()
    store.ox.update(
        f"DELETE {{ GRAPH ?g {{ <{obs}> <{bkg}amount> ?a ; <{bkg}amountInYuan> ?y ; <{bkg}printedValue> ?p }} }}"
        f" INSERT {{ GRAPH ?g {{ <{obs}> <{bkg}amount> {amount} ; <{bkg}amountInYuan> {Decimal(amount) * 10000} ;"
        f' <{bkg}printedValue> "{amount}" }} }}'
        f" WHERE {{ GRAPH ?g {{ <{obs}> <{bkg}amount> ?a ; <{bkg}amountInYuan> ?y ; <{bkg}printedValue> ?p }} }}")


def test_r28_equal_form_only_where_all_income_is_general_budget(sample_store: Store, sample_document: str) -> None:
    """The sample's 收支总表 prints general-budget appropriation only (822.41; 政府性基金, 上年结转 … 0), so
    支出总表 = 一般公共预算财政拨款支出表 row by row: 行政运行 (2010301) 基本支出 printed 343.45 in 支出总表
    against 333.45 is a Violation (diff −10); with a 上年结转 of 10 added to the 收支总表 it is the ≤ form,
    which 333.45 ≤ 343.45 keeps."""
    table = f"{sample_document}/table"
    scratch = Store()
    scratch.ox.bulk_extend(sample_store.ox.quads_for_pattern(None, None, None, None))
    _set_amount(scratch, f"{table}/expenditure/obs/functional-2010301/basic", "343.45")

    def r28() -> list[tuple[str, str, str, str, str, str]]:
        return sorted((f.severity, f.focus.split("/table/")[1], str(f.values["value"]), str(f.values["other"]),
                       str(f.values["diff"]), str(f.values["relation"]))
                      for f in validate_graph(scratch, sample_document) if f.rule.startswith("R28"))

    assert r28() == [("Violation", "general-public-budget-expenditure/obs/functional-2010301/basic",
                      "333.45", "343.45", "-10", "<")]
    # a 上年结转 line of 10.00 in the 收支总表 (the sample prints none)
    bkg, qb = uris.vocab(), "http://purl.org/linked-data/cube#"
    carryover = f"{table}/income-expenditure-summary/obs/line-item-carryover-from-previous-year/amount"
    scratch.ox.update(
        f"INSERT DATA {{ GRAPH <{sample_document}> {{ <{carryover}> a <{qb}Observation> ;"
        f" <{qb}dataSet> <{table}/income-expenditure-summary> ;"
        f" <{bkg}classification> <{uris.concept('line-item', 'carryover-from-previous-year')}> ;"
        f" <{bkg}amount> 10.00 ; <{bkg}amountInYuan> 100000.00 }} }}")
    assert r28() == []
