"""Group A sums of the line-item tables, shapes/arithmetic-items.ttl: the “三公” table (R14, R15), the
government-procurement table (R17) and the fixed-asset table (R18) — exact findings on the sample and
every corpus document, the rules firing with their numbers on altered cells, and fast path == pyshacl."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from decimal import Decimal

from budgetkg import uris, validate
from budgetkg.config import base_iri
from budgetkg.pipeline import DocumentReport
from budgetkg.store import Store
from tests.test_validate import _fast_results, _pyshacl_results, _retarget
from tests.test_validate_sample import _scratch_with

SHAPES = ["arithmetic-items.ttl"]


def _findings(store: Store, document: str) -> list[validate.Finding]:
    found: list[validate.Finding] = []
    for constraint in validate.sparql_constraints(validate.load_shapes(SHAPES)):
        found += validate.run_sparql_constraint(store, constraint, validate.document_graphs(document))
    return sorted(found, key=lambda f: (f.rule, f.severity, f.focus))


def _compared(store: Store, document: str) -> list[validate.Finding]:
    """Every sum the rules compare on a document, equal or not: the Info shapes without their last
    FILTER (0 < |diff| <= envelope)."""
    compared: list[validate.Finding] = []
    for constraint in validate.sparql_constraints(validate.load_shapes(SHAPES)):
        if constraint.severity == "Info":
            split = validate.final_filter(constraint.select)
            assert split is not None
            if split[1] == "(?diff > 0 && ?diff <= ?envelope)":  # a bound (R17, R18 其中 ≤ its whole), not a sum
                continue
            assert split[1] == "(?diff != 0 && ABS(?diff) <= ?envelope)"
            compared += validate.run_sparql_constraint(store, replace(constraint, select=split[0]),
                                                       validate.document_graphs(document))
    return compared


def _row(f: validate.Finding, *keys: str) -> tuple[str, ...]:
    return (f.rule, f.severity, f.focus.split("/table/")[1], *(str(f.values[k]) for k in keys))


def test_sample_asset_total_is_a_rounding_difference(sample_store: Store, sample_document: str) -> None:
    """The sample's 部门固定资产占用情况表 prints 资产总额 131.19 over 房屋 2.09 + 车辆 10.75 + 其他
    118.36 = 131.20 (the 设备 row is empty): 0.01 within the envelope of four cells (0.02), an Info.
    Its 三公 table adds up: 1.05 = 1.00 + 0.05, 公务用车 1.00 = 运行维护 1.00, each row's 合计 = 一般公共."""
    assert [_row(f, "value", "sum", "diff", "n", "envelope") for f in _findings(sample_store, sample_document)] == [
        ("R18-asset-categories", "Info", "fixed-assets/obs/line-item-total-assets/value",
         "131.19", "131.2", "-0.01", "3", "0.02")]
    compared = _compared(sample_store, sample_document)
    assert sorted(_row(f, "value", "sum") for f in compared if f.rule.startswith("R14")) == [
        ("R14-fund-columns", "Info", "three-public-expenditure/obs/line-item-official-reception/total", "0.05", "0.05"),
        ("R14-fund-columns", "Info", "three-public-expenditure/obs/line-item-official-vehicles/total", "1", "1"),
        ("R14-fund-columns", "Info", "three-public-expenditure/obs/line-item-three-public-total/total", "1.05", "1.05"),
        ("R14-fund-columns", "Info", "three-public-expenditure/obs/line-item-vehicle-operation/total", "1", "1"),
        ("R14-three-public-items", "Info",
         "three-public-expenditure/obs/line-item-official-vehicles/general-public-budget", "1", "1"),
        ("R14-three-public-items", "Info", "three-public-expenditure/obs/line-item-official-vehicles/total", "1", "1"),
        ("R14-three-public-items", "Info",
         "three-public-expenditure/obs/line-item-three-public-total/general-public-budget", "1.05", "1.05"),
        ("R14-three-public-items", "Info", "three-public-expenditure/obs/line-item-three-public-total/total",
         "1.05", "1.05"),
    ]


def _altered(sample_store: Store, document: str, sme_reserved: str = "12.00", office_buildings: str = "3.00") -> Store:
    """The sample with altered 三公 and asset cells, and a procurement table added (the sample's is
    printed empty: 无政府采购预算，空表列示), its 合计 10.00 and its SME share ``sme_reserved``."""
    t3, fa = f"{document}/table/three-public-expenditure/obs", f"{document}/table/fixed-assets/obs"
    ds = f"{document}/table/procurement"
    li, bd, bkg = f"{base_iri()}code/line-item/", f"{base_iri()}code/breakdown/", uris.vocab()
    observations = [("procurement-total", "total", "10.00"), ("procurement-total", "general-public-budget", "6.00"),
                    ("procurement-total", "unit-funds", "3.00"), ("procurement-total", "sme-reserved", sme_reserved),
                    ("procurement-goods", "total", "4.00"), ("procurement-services", "total", "5.00")]
    body = " ".join(
        f"<{ds}/obs/line-item-{item}/{column}> a <http://purl.org/linked-data/cube#Observation> ;"
        f" <http://purl.org/linked-data/cube#dataSet> <{ds}> ; <{bkg}classification> <{li}{item}> ;"
        f" <{bkg}breakdown> <{bd}{column}> ; <{bkg}budgetPhase> ?phase ; <{bkg}amount> {amount} ;"
        f' <{bkg}decimals> 2 ; <{bkg}printedValue> "{amount}" ;'
        f" <http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure> ?unit ."
        for item, column, amount in observations)
    inserts = (f"INSERT {{ GRAPH <{document}> {{ {body} }} }} WHERE {{ GRAPH <{document}> {{"
               f" <{t3}/line-item-three-public-total/total> <{bkg}budgetPhase> ?phase ;"
               f" <http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure> ?unit }} }}")
    return _scratch_with(sample_store, [
        (f"{t3}/line-item-official-reception/total", "0.15"),  # R14 items (total 1.05) and R14 fund columns
        (f"{t3}/line-item-vehicle-operation/general-public-budget", "0.90"),  # R14 items: 公务用车 1.00
        (f"{fa}/line-item-office-buildings/value", office_buildings),  # R18 其中 against 房屋 2.09
        (f"{fa}/line-item-other-fixed-assets/value", "119.36"),  # R18: 131.19 vs 132.20
    ], inserts)


def test_rules_fire_on_altered_cells(sample_store: Store, sample_document: str) -> None:
    found = _findings(_altered(sample_store, sample_document), sample_document)
    sums = [_row(f, "value", "sum", "diff", "n", "envelope") for f in found if "sum" in f.values]
    t3, fa, pr = "three-public-expenditure/obs", "fixed-assets/obs", "procurement/obs"
    assert sums == [
        ("R14-fund-columns", "Violation", f"{t3}/line-item-official-reception/total", "0.15", "0.05", "0.1", "1",
         "0.01"),
        ("R14-fund-columns", "Violation", f"{t3}/line-item-vehicle-operation/total", "1", "0.9", "0.1", "1", "0.01"),
        ("R14-three-public-items", "Violation", f"{t3}/line-item-official-vehicles/general-public-budget", "1",
         "0.9", "0.1", "1", "0.01"),
        # 公务用车 1.00 (its 小计 is printed: 运行维护费 is not counted again) + 接待 0.15
        ("R14-three-public-items", "Violation", f"{t3}/line-item-three-public-total/total", "1.05", "1.15", "-0.1",
         "2", "0.015"),
        ("R17-fund-columns", "Violation", f"{pr}/line-item-procurement-total/total", "10", "9", "1", "2", "0.015"),
        ("R17-procurement-categories", "Violation", f"{pr}/line-item-procurement-total/total", "10", "9", "1", "2",
         "0.015"),
        ("R18-asset-categories", "Violation", f"{fa}/line-item-total-assets/value", "131.19", "132.2", "-1.01", "3",
         "0.02")]
    bounds = [_row(f, "value", "bound", "diff", "envelope") for f in found if "bound" in f.values]
    assert bounds == [
        ("R17-sme-reserved", "Violation", f"{pr}/line-item-procurement-total/sme-reserved", "12", "10", "2", "0.01"),
        ("R18-included-item", "Violation", f"{fa}/line-item-office-buildings/value", "3", "2.09", "0.91", "0.01")]
    messages = {f.rule: (f.message, f.message_zh) for f in found}
    assert messages["R18-included-item"] == (
        "office-buildings 办公用房 (value): “of which” line 3.00 > its category 2.09 (by 0.91)",
        "office-buildings 办公用房（value）：其中项 3.00 > 所属类别 2.09（超出 0.91）")


def test_an_excess_within_rounding_is_info(sample_store: Store, sample_document: str) -> None:
    """A bound exceeded by no more than the two cells' rounding envelope is an Info with both numbers,
    not silence: 办公用房 2.10 over 房屋 2.09, an SME share of 10.01 over a 合计 of 10.00 (each 0.01, the
    envelope of two cells printed to 0.01 万元)."""
    found = _findings(_altered(sample_store, sample_document, "10.01", "2.10"), sample_document)
    bounds = [_row(f, "value", "bound", "diff", "envelope") for f in found if "bound" in f.values]
    assert bounds == [
        ("R17-sme-reserved", "Info", "procurement/obs/line-item-procurement-total/sme-reserved", "10.01", "10", "0.01",
         "0.01"),
        ("R18-included-item", "Info", "fixed-assets/obs/line-item-office-buildings/value", "2.1", "2.09", "0.01",
         "0.01")]
    messages = {f.rule: (f.message, f.message_zh) for f in found if "bound" in f.values}
    assert messages["R18-included-item"] == (
        "office-buildings 办公用房 (value): “of which” line 2.10 > its category 2.09 (by 0.01, within the rounding"
        " envelope 0.01)",
        "office-buildings 办公用房（value）：其中项 2.10 > 所属类别 2.09（超出 0.01，在舍入容差 0.01 之内）")


def test_zero_three_public_total_with_a_non_zero_item(sample_store: Store, sample_document: str) -> None:
    """R15: a 三公 合计 printed 0 above a 0.01 item is a Violation, though the difference is within
    R14's rounding envelope (R14 reports it as Info)."""
    t3 = f"{sample_document}/table/three-public-expenditure/obs"
    scratch = _scratch_with(sample_store, [
        (f"{t3}/line-item-three-public-total/general-public-budget", "0.00"),
        (f"{t3}/line-item-official-vehicles/general-public-budget", "0.00"),
        (f"{t3}/line-item-vehicle-operation/general-public-budget", "0.00"),
        (f"{t3}/line-item-official-reception/general-public-budget", "0.01")])
    found = _findings(scratch, sample_document)
    assert [(f.rule, f.severity, f.focus.rsplit("/obs/", 1)[1]) for f in found] == [
        # every row's 合计 (unchanged) against its 一般公共预算 column
        ("R14-fund-columns", "Violation", "line-item-official-reception/total"),
        ("R14-fund-columns", "Violation", "line-item-official-vehicles/total"),
        ("R14-fund-columns", "Violation", "line-item-three-public-total/total"),
        ("R14-fund-columns", "Violation", "line-item-vehicle-operation/total"),
        ("R14-three-public-items", "Info", "line-item-three-public-total/general-public-budget"),
        ("R15-zero-total", "Violation", "line-item-three-public-total/general-public-budget"),
        ("R18-asset-categories", "Info", "line-item-total-assets/value"),
    ]
    r15 = found[-2]
    assert (r15.values["part"], r15.values["partLabel"]) == ("0.01", "公务接待费")
    assert r15.message_zh == "“三公”经费合计（general-public-budget）为 0.00，但 公务接待费 为 0.01"


def test_fund_table_roll_forward(sample_store: Store, sample_document: str) -> None:
    """R16 on a 决算 政府性基金 table (the corpus's only 决算 prints it with no rows: 本年度没有政府性基金预算
    财政拨款收入和支出): 年末 = 年初 + 本年收入 − 本年支出 per row. The sample's table gets two rows."""
    ds = f"{sample_document}/table/government-fund-expenditure"
    fn, bd, bkg = f"{base_iri()}code/functional/", f"{base_iri()}code/breakdown/", uris.vocab()
    cells = [("2120803", "carryover", "5.00"), ("2120803", "income-subtotal", "100.00"), ("2120803", "total", "90.00"),
             ("2120803", "carryover-to-next-year", "16.00"),
             ("2296002", "income-subtotal", "3.33"), ("2296002", "total", "1.11"),
             ("2296002", "carryover-to-next-year", "2.23")]
    body = " ".join(
        f"<{ds}/obs/functional-{code}/{column}> a <http://purl.org/linked-data/cube#Observation> ;"
        f" <http://purl.org/linked-data/cube#dataSet> <{ds}> ; <{bkg}classification> <{fn}{code}> ;"
        f" <{bkg}breakdown> <{bd}{column}> ; <{bkg}budgetPhase> ?phase ; <{bkg}amount> {amount} ;"
        f' <{bkg}decimals> 2 ; <{bkg}printedValue> "{amount}" .'
        for code, column, amount in cells)
    scratch = _scratch_with(sample_store, [], (
        f"INSERT {{ GRAPH <{sample_document}> {{ {body} }} }} WHERE {{ GRAPH <{sample_document}> {{"
        f" <{sample_document}/table/three-public-expenditure/obs/line-item-three-public-total/total>"
        f" <{bkg}budgetPhase> ?phase }} }}"))
    found = [f for f in _findings(scratch, sample_document) if f.rule == "R16-roll-forward"]
    assert [_row(f, "value", "sum", "diff", "n", "envelope") for f in found] == [
        ("R16-roll-forward", "Info", "government-fund-expenditure/obs/functional-2296002/carryover-to-next-year",
         "2.23", "2.22", "0.01", "2", "0.015"),
        ("R16-roll-forward", "Violation", "government-fund-expenditure/obs/functional-2120803/carryover-to-next-year",
         "16", "15", "1", "3", "0.02")]


def test_silent_on_every_corpus_document(corpus_build: tuple[Store, dict[str, DocumentReport]]) -> None:
    """The corpus's 三公 tables (six Shanghai documents, the 决算's 预算数 and 决算数 pairs summed per
    phase) and the ten Jiangsu “三公”经费、会议费、培训费 tables (公开09表: 三公 小计 and 公务用车 小计 = their
    items, 合计 = 三公 小计 + 会议费 + 培训费) add up exactly; no corpus PDF prints an asset table."""
    store, reports = corpus_build
    documents = {name: r.iri for name, r in reports.items() if r.iri is not None}
    assert {name: _findings(store, iri) for name, iri in documents.items()} == {name: [] for name in documents}
    compared = [f for iri in documents.values() for f in _compared(store, iri)]
    assert {f.values["diff"] for f in compared} == {Decimal(0)}
    # each Jiangsu 政府采购 table: 合计 = 货物 + 工程 + 服务 (R17); each 公开09表: two 小计, one 合计
    assert Counter(f.rule for f in compared) == {"R14-three-public-items": 12 + 10 * 2,
                                                 "R14-meeting-training-total": 10, "R17-procurement-categories": 10}
    final = documents["上海市普陀区规划和自然资源局 2024 年度部门决算.pdf"]
    t3 = "three-public-expenditure/obs"
    assert sorted(_row(f, "value", "sum") for f in _compared(store, final)) == [
        ("R14-three-public-items", "Info", f"{t3}/line-item-official-vehicles/amount", "0", "0"),
        ("R14-three-public-items", "Info", f"{t3}/line-item-official-vehicles/amount-approved", "0", "0"),
        # 决算数 0.39 and 预算数 2.85, each against its own phase's items
        ("R14-three-public-items", "Info", f"{t3}/line-item-three-public-total/amount", "0.39", "0.39"),
        ("R14-three-public-items", "Info", f"{t3}/line-item-three-public-total/amount-approved", "2.85", "2.85")]


def test_fast_path_equals_pyshacl(sample_store: Store, sample_document: str) -> None:
    """pyshacl (one query per focus node) gives the same results on the altered sample."""
    scratch = _altered(sample_store, sample_document)
    table = f"{sample_document}/table"
    foci = [f.focus for f in _findings(scratch, sample_document)] + [
        f"{table}/three-public-expenditure/obs/line-item-official-vehicles/total",
        f"{table}/fixed-assets/obs/line-item-buildings/value",
        f"{table}/procurement/obs/line-item-procurement-goods/total"]
    retargeted = _retarget(validate.load_shapes(SHAPES), foci)
    graphs = validate.document_graphs(sample_document)
    reference = _pyshacl_results(validate._to_rdflib(scratch, graphs), retargeted)
    assert len(reference) == 9
    assert _fast_results(scratch, retargeted, graphs) == reference
