"""Narrative figures: exact statements extracted from the sample and from Shanghai PDFs, their
triples, and the table <-> text rules (fast path == pyshacl on the sample's narrative)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetkg import narrative, uris, validate
from budgetkg.model import Paragraph, SourceDocument
from budgetkg.read import read_document
from budgetkg.store import Store
from tests.conftest import CORPUS, SAMPLE
from tests.test_validate import _fast_results, _pyshacl_results, _retarget

D = Decimal


@pytest.fixture(scope="module")
def sample_statements() -> list[narrative.Statement]:
    return narrative.extract(read_document(SAMPLE), 2023)


def rows(statements: list[narrative.Statement]) -> list[tuple[object, ...]]:
    return [(s.indicator, s.kind, s.amount, s.unit_text, s.direction, s.part_of, s.change_of) for s in statements]


# (indicator, kind, amount as written, unit as written, direction, part_of, change_of), in reading order.
SAMPLE_EXPECTED = [
    ("income-total", "amount", D("822.41"), "万元", "", None, None),                      # 0 line 1868
    ("general-public-budget-income", "amount", D("822.41"), "万元", "", None, None),
    ("government-fund-income", "amount", D("0"), "万元", "", None, None),
    ("special-account-income", "amount", D("0"), "万元", "", None, None),
    ("other-income", "amount", D("0"), "万元", "", None, None),
    ("carry-over", "amount", D("0"), "万元", "", None, None),
    ("expenditure-total", "amount", D("822.41"), "万元", "", None, None),                 # 6 line 1870
    ("basic-expenditure", "amount", D("463.21"), "万元", "", 6, None),
    ("personnel-expenditure", "amount", D("421.74"), "万元", "", 7, None),
    ("public-expenditure", "amount", D("41.47"), "万元", "", 7, None),
    ("project-expenditure", "amount", D("359.20"), "万元", "", 6, None),                  # 10
    *[("project", "amount", D(a), "万元", "", 10, None)
      for a in ("10.00", "60.00", "2.00", "10.00", "8.70", "259.00", "9.10", "0.40")],   # 11-18
    ("expenditure-total", "amount", D("822.41"), "万元", "", None, None),                 # 19 line 1872
    ("expenditure-total", "change", D("84.54"), "万元", "increase", None, 19),
    ("basic-expenditure", "change", D("281.90"), "万元", "increase", 20, None),
    ("project-expenditure", "change", D("197.35"), "万元", "decrease", 20, None),
    ("institution-operation-expenses", "amount", D("41.47"), "万元", "", None, None),    # 23 line 1874
    *[("itemised-entry", "amount", D(a), u, "", 23, None) for a, u in (
        ("3.85", "万元"), ("1.70", "万元"), ("1.00", "万元"), ("0", "万元"), ("3.13", "万元"), ("0.34", "万元"),
        ("0", "万元"), ("1.62", "万元"), ("13.61", "万元"), ("0", "万元"), ("0.60", "万元"), ("1.58", "万元"),
        ("8.46", "万元"), ("0.17", "万元"), ("0.05", "万元"), ("4.93", "万元"), ("0.30", "元"), ("0.15", "元"),
        ("0", "万元"))],                                                                     # 24-42
    ("three-public-total", "amount", D("1.22"), "万元", "", None, None),                  # 43 line 1876
    ("three-public-total", "change", D("0"), "", "flat", None, 43),
    ("outbound-travel", "amount", D("0"), "元", "", 43, None),
    ("outbound-travel", "change", D("0"), "", "flat", None, 45),
    ("vehicle-purchase", "amount", D("0"), "元", "", 43, None),
    ("vehicle-purchase", "change", D("0"), "", "flat", None, 47),
    ("vehicle-operation", "amount", D("1.00"), "万元", "", 43, None),
    ("vehicle-operation", "change", D("0"), "", "flat", None, 49),
    ("official-reception", "amount", D("0.05"), "万元", "", 43, None),
    ("official-reception", "change", D("0"), "", "flat", None, 51),
    ("itemised-entry", "amount", D("0.17"), "万元", "", 43, None),
    ("itemised-entry", "change", D("0"), "", "flat", None, 53),
    ("government-procurement", "amount", D("0.00"), "万元", "", None, None),              # 55 line 2589
    ("fixed-assets", "amount", D("131.19"), "万元", "", None, None),                      # 56 line 2642
]


def test_exact_statements_of_the_sample(sample_statements: list[narrative.Statement]) -> None:
    assert rows(sample_statements) == SAMPLE_EXPECTED


def test_labels_spans_and_positions(sample_statements: list[narrative.Statement]) -> None:
    s = sample_statements
    assert [x.label for x in s[11:19]] == [
        "2022年社区党组织服务群众专项经费市级补助资金（秦财行[2022]109号）项目", "服务群众专项经费项目",
        "基层武装部建设经费项目", "社区综合事务经费项目", "涉军公益岗及续聘经费项目", "社区工作经费项目",
        "社区老居委会生活补贴项目", "车辆保险费项目"]
    assert s[11].span == "2022年社区党组织服务群众专项经费市级补助资金（秦财行[2022]109号）项目，安排10.00万元"
    assert (s[40].label, s[40].span, s[40].printed, s[40].amount_in_yuan) == (
        "党组织活动经费", "党组织活动经费0.30元", "0.30", D("0.30"))
    assert (s[8].span, s[8].amount_in_yuan) == ("人员经费421.74万元", D("4217400.00"))
    assert s[20].span == "较2022年预算增加84.54万元" and s[20].reference_year == 2022
    assert s[44].span == "与上年持平" and s[44].reference_year == 2022
    assert s[53].label == "培训费" and s[53].sentence.startswith("其中：因公出国（境）费0元")
    assert s[56].span == "秦皇岛市山海关区南关街道办事处（含所属单位）上年末固定资产金额为131.19万元"
    assert [(x.paragraph, x.ordinal) for x in s[:2]] == [("1868", 1), ("1868", 2)]
    assert [(x.paragraph, x.ordinal) for x in s[43:45]] == [("1876", 1), ("1876", 2)]
    # the itemised list of 机关运行经费 declares 明细相加=合计: its items are parts of the total
    assert "明细相加" in s[23].sentence
    # the project list adds up to 项目支出 (R45 / R48 then stay silent)
    assert sum(x.amount for x in s[11:19]) == D("359.20")


SHANGHAI = CORPUS / "shanghai"


@pytest.mark.skipif(not SHANGHAI.exists(), reason="corpus not available")
def test_statements_of_a_shanghai_pdf() -> None:
    """The same template sentences in a PDF whose lines wrap mid-sentence (figures in 万元, tables in 元)."""
    statements = narrative.extract(read_document(SHANGHAI / "2024_上海市普陀区社会福利院_单位预算.pdf"), 2024)
    got = [(s.indicator, s.kind, s.amount, s.unit_text, s.direction, s.reference_year, s.part_of, s.change_of)
           for s in statements]
    assert got == [
        ("income-total", "amount", D("1212.12"), "万元", "", None, None, None),
        ("fiscal-appropriation-income", "amount", D("950.12"), "万元", "", None, None, None),
        ("fiscal-appropriation-income", "change", D("0.46"), "万元", "increase", 2023, None, 1),
        ("business-income", "amount", D("262.00"), "万元", "", None, None, None),
        ("operating-income", "amount", D("0.00"), "万元", "", None, None, None),
        ("other-income", "amount", D("0.00"), "万元", "", None, None, None),
        ("expenditure-total", "amount", D("1212.12"), "万元", "", None, None, None),
        ("fiscal-appropriation-expenditure", "amount", D("950.12"), "万元", "", None, None, None),
        ("fiscal-appropriation-expenditure", "change", D("0.46"), "万元", "increase", 2023, None, 7),
        # “财政拨款支出预算中，…”: the three funds are parts of the 财政拨款支出, their changes parts of its change
        ("general-public-budget-expenditure", "amount", D("950.12"), "万元", "", None, 7, None),
        ("general-public-budget-expenditure", "change", D("0.46"), "万元", "increase", 2023, 8, 9),
        ("government-fund-expenditure", "amount", D("0.00"), "万元", "", None, 7, None),
        ("government-fund-expenditure", "change", D("0"), "", "flat", 2023, 8, 11),
        ("state-capital-expenditure", "amount", D("0.00"), "万元", "", None, 7, None),
        ("state-capital-expenditure", "change", D("0"), "", "flat", 2023, 8, 13),
        # each 项 paragraph (p.16): “类/款/项” amount, 2023年当年预算执行数, 2024年预算安排 (compared with it)
        *[row for amount, outturn in (("53.84", "54.60"), ("76.76", "70.70"), ("38.38", "35.35"), ("738.66", "711.34"),
                                      ("50.37", "44.17"), ("33.58", "33.74"))
          for row in (("classification-subject", "amount", D(amount), "万元", "", None, None, None),
                      ("classification-subject", "previous-outturn", D(outturn), "万元", "", None, None, None),
                      ("classification-subject", "amount", D(amount), "万元", "", None, None, None))],  # 15-32
        ("three-public-total", "amount", D("6.40"), "万元", "", None, None, None),            # 33
        ("three-public-total", "change", D("0"), "", "flat", 2023, None, 33),
        ("outbound-travel", "amount", D("0.00"), "万元", "", None, 33, None),
        ("outbound-travel", "change", D("0"), "", "flat", 2023, None, 35),
        ("official-vehicles", "amount", D("6.40"), "万元", "", None, 33, None),
        ("official-vehicles", "change", D("0"), "", "flat", 2023, None, 37),
        ("vehicle-purchase", "amount", D("0.00"), "万元", "", None, 37, None),
        ("vehicle-purchase", "change", D("0"), "", "flat", 2023, None, 39),
        ("vehicle-operation", "amount", D("6.40"), "万元", "", None, 37, None),
        ("vehicle-operation", "change", D("0"), "", "flat", 2023, None, 41),
        ("official-reception", "amount", D("0.00"), "万元", "", None, 33, None),
        # “（三）公务接待费0.00万元。与2023年预算持平，主要原因是…。”: its flat sentence, and that sentence's reason
        ("official-reception", "change", D("0"), "", "flat", 2023, None, 43),
        # “2024年上海市普陀区社会福利院无机关运行经费。”: none, an exact 0 with no unit written
        ("institution-operation-expenses", "amount", D("0"), "", "", None, None, None),
        ("government-procurement", "amount", D("120.60"), "万元", "", None, None, None),
        # “…政府采购预算120.60万元，其中：政府采购货物预算0.00万元、政府采购工程预算0.00万元、
        # 政府采购服务预算120.60万元。”
        ("procurement-goods", "amount", D("0.00"), "万元", "", None, 46, None),
        ("procurement-works", "amount", D("0.00"), "万元", "", None, 46, None),
        ("procurement-services", "amount", D("120.60"), "万元", "", None, 46, None),
    ]
    # the budget line of each 项 is set against the previous year's outturn stated before it
    assert [(i, s.compared_with) for i, s in enumerate(statements) if s.compared_with is not None] == [
        (17, 16), (20, 19), (23, 22), (26, 25), (29, 28), (32, 31)]
    assert statements[15].label == "社会保障和就业支出（类）行政事业单位养老支出（款）事业单位离退休（项）"
    # the growth rates stated of them (比2023年预算执行数增加8.57%), each computed from that pair
    _, percentages = narrative.extract_all(read_document(SHANGHAI / "2024_上海市普陀区社会福利院_单位预算.pdf"), 2024)
    assert [(p.kind, p.printed, p.sign, p.direction, p.rate_of) for p in percentages] == [
        ("growth", "1.39", "%", "decrease", 17), ("growth", "8.57", "%", "increase", 20),
        ("growth", "8.57", "%", "increase", 23), ("growth", "3.84", "%", "increase", 26),
        ("growth", "14.04", "%", "increase", 29), ("growth", "0.47", "%", "decrease", 32)]
    # a sentence wrapped over two printed lines is one span
    assert statements[9].span == "一般公共预算拨款支出预算950.12万元"
    assert statements[0].printed == "1,212.12"


@pytest.mark.skipif(not SHANGHAI.exists(), reason="corpus not available")
def test_shares_of_fixed_totals_in_the_final_account() -> None:
    """Every share (占 X%) of the 决算's text, and the total it is recorded as a share of where the text fixes it
    (rule R70): the bare 占 after an income source / 基本、项目支出 of a sentence opening with 本年收入合计 /
    本年支出合计 (p.20), the named 占本年支出合计的 (p.21) and the bare 占 after a 三公 item under the 三公 heading
    (p.25), and the bare 占 after each 类 of the list “一般公共预算财政拨款支出 9746.50 万元，主要用于以下方面：…”
    (p.21: shares of that total, each of its 类 figure). Left out: 因公出国（境）费, whose line “决算 0.00 万元，
    占 0.00%” names no item (its name ends the previous printed line)."""
    statements, percentages = narrative.extract_all(
        read_document(SHANGHAI / "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf"), 2024)
    shares = [(p.paragraph, p.printed, p.share_of, p.share_basis,
               statements[p.rate_of].span if p.rate_of is not None else None,
               percentages[p.share_list].paragraph if p.share_list is not None else None)
              for p in percentages if p.kind == "share"]
    three_public = "七、财政拨款“三公”经费支出决算情况说明 （二）“三公”经费财政拨款支出决算具体情况说明。"
    gpb, gpb_basis = "general-public-budget-expenditure", "一般公共预算财政拨款支出9746.50万元"
    assert shares == [
        ("20.11", "100.00", "income-total", "本年收入合计9746.50万元", "财政拨款收入 9746.50万元", "20.11"),
        ("20.14", "55.10", "expenditure-total", "本年支出合计9759.38万元", "基本支出 5377.64 万元", "20.14"),
        ("20.14", "44.90", "expenditure-total", "本年支出合计9759.38万元", "项目支出 4381.74 万元", "20.14"),
        ("21.3", "99.86", "expenditure-total", "占本年支出合计的", "一般公共预算财政拨款支出 9746.50 万元", "21.3"),
        ("21.9", "7.74", gpb, gpb_basis, "社会保障和就业支出（类）754.75 万元", "21.9"),
        ("21.10", "2.43", gpb, gpb_basis, "卫生健康支出（类）236.63 万元", "21.9"),
        ("21.11", "39.32", gpb, gpb_basis, "城乡社区支出（类）3832.36万元", "21.9"),
        ("21.12", "45.78", gpb, gpb_basis, "自然资源海洋气象等支出（类）4461.67 万元", "21.9"),
        ("21.12", "4.73", gpb, gpb_basis, "住房保障支出（类）461.08 万元", "21.9"),
        ("25.19", "0.00", "", "", None, None),
        ("25.20", "0.00", "three-public-total", three_public, "公务用车购置及运行维护费支出决算 0.00 万元", "25.20"),
        ("25.21", "100.00", "three-public-total", three_public, "公务接待费支出决算 0.39 万元", "25.20"),
    ]


def test_triples_in_the_document_graph(sample_store: Store, sample_document: str) -> None:
    bkg = uris.vocab()
    q = f"""PREFIX bkg: <{bkg}>
      SELECT ?f ?amount ?unit ?yuan ?span ?p ?text ?indLabel WHERE {{ GRAPH <{sample_document}> {{
        ?f a bkg:NarrativeFigure ; bkg:statedAmount ?amount ; bkg:printedUnit ?unit ; bkg:amountInYuan ?yuan ;
           bkg:textSpan ?span ; bkg:paragraph ?p ; bkg:indicator ?ind .
        ?p a bkg:Paragraph ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#value> ?text .
        FILTER (STRSTARTS(?span, "党组织活动经费")) }}
        GRAPH <{uris.ontology_graph()}> {{ ?ind <http://www.w3.org/2004/02/skos/core#prefLabel> ?indLabel
          FILTER (LANG(?indLabel) = "zh") }} }}"""
    rows = [{k: s[k].value for k in ("f", "amount", "unit", "yuan", "span", "p", "indLabel")}
            for s in sample_store.ox.query(q)]
    assert rows == [{"f": f"{sample_document}/paragraph/1874/figure/18", "amount": "0.3", "unit": "元",
                     "yuan": "0.3", "span": "党组织活动经费0.30元", "p": f"{sample_document}/paragraph/1874",
                     "indLabel": "明细项"}]
    n = next(iter(sample_store.ox.query(
        f"SELECT (COUNT(?f) AS ?n) {{ GRAPH <{sample_document}> {{ ?f a <{bkg}NarrativeFigure> }} }}")))["n"]
    assert n.value == str(len(SAMPLE_EXPECTED))


def test_fast_path_equals_pyshacl_on_the_narrative(sample_store: Store, sample_document: str) -> None:
    """The group C/D shapes give the same results through pyshacl (one query per focus node)."""
    graphs = validate.document_graphs(sample_document)
    foci = [f"{sample_document}/paragraph/{line}/figure/{n}" for line, n in (
        (1868, 1), (1870, 1), (1870, 2), (1870, 3), (1870, 4), (1870, 5), (1872, 2), (1874, 1), (1874, 18),
        (1874, 19), (1876, 1), (1876, 3), (1876, 7))]
    shapes = validate.load_shapes(["arithmetic.ttl", "narrative.ttl"])
    retargeted = _retarget(shapes, foci, ("narrative", "R40", "R41", "R42", "R43", "R44", "R45", "R47", "R48", "R50"))

    data = validate._to_rdflib(sample_store, graphs)
    reference = _pyshacl_results(data, retargeted)
    fast = _fast_results(sample_store, retargeted, graphs)
    assert {r[0].split("#")[1] for r in reference} == {
        "R43-text-three-public-violation", "R47-text-unit-warning", "R48-itemised-list-violation",
        "R50-change-components-info"}
    assert fast == reference


def test_altered_figures_are_reported(tmp_path) -> None:
    """Each text <-> table rule fires on a deliberately altered copy of the sample, with its numbers."""
    from budgetkg.pipeline import process

    text = SAMPLE.read_text(encoding="utf-8")
    for old, new in (("2023年预算收入为822.41万元", "2023年预算收入为822.40万元"),   # R40: -0.01, Info
                     ("其中：基本支出463.21万元", "其中：基本支出463.31万元"),       # R41: +0.10
                     ("社区工作经费项目，安排259.00万元", "社区工作经费项目，安排259.10万元"),  # R45
                     ("机关运行经费共计安排41.47万元", "机关运行经费共计安排41.57万元")):   # R44
        assert text.count(old) == 1
        text = text.replace(old, new)
    altered = tmp_path / SAMPLE.name
    altered.write_text(text, encoding="utf-8")
    _mapped, findings = process(altered)
    got = sorted((f.rule, f.severity, str(f.values["diff"]), str(f.values["envelope"]))
                 for f in findings if f.rule.startswith(("R40", "R41", "R44", "R45")))
    assert got == [
        ("R40-text-totals", "Info", "-0.01", "0.01"),
        ("R41-text-split", "Violation", "0.1", "0.01"),
        ("R44-operation-expenses", "Violation", "0.1", "0.01"),
        ("R45-projects", "Violation", "0.1", "0.045"),  # 8 projects + the table cell: 9 × 0.005
    ]
    r48 = sorted((f.focus.split("/paragraph/")[1], f.severity, str(f.values["diff"]))
                 for f in findings if f.rule == "R48-itemised-list")
    assert r48 == [
        ("1870/figure/1", "Violation", "-0.1"),     # 822.41 ≠ 463.31 + 359.20
        ("1870/figure/2", "Violation", "0.1"),      # 463.31 ≠ 421.74 + 41.47
        ("1870/figure/5", "Violation", "-0.1"),     # 359.20 ≠ Σ projects 359.30
        ("1874/figure/1", "Violation", "0.529955"),  # 41.57 ≠ 41.040045 (as written)
    ]


#: Alterations of the sample's text, each firing one group D rule (the sample itself fires none).
_D_ALTERATIONS = (
    # R50 growth rate: 84.54 / (822.41 − 84.54) = 11.4573…% → 11.46, the text says 12.46
    ("较2022年预算增加84.54万元，", "较2022年预算增加84.54万元，增长12.46%，"),
    # R51: an increase of 1.50 on 1.22 makes the previous year's "三公" −0.28; the "三公" section gives no reason
    # for it (R51-reason-missing)
    ("预算安排1.22万元，与上年持平。", "预算安排1.22万元，比上年增加1.50万元。"),
    # R51: a rise stated by its rate only, without a reason in the section (R51-rate-reason-missing)
    ("公务接待费0.05万元，与上年持平；", "公务接待费0.05万元，增长25.00%；"),
    # R52: the year's expenditure stated as 822.51 here and 822.41 in the next paragraph
    ("2023年预算支出为822.41万元", "2023年预算支出为822.51万元"),
    # R51 template leftover
    ("主要为人员经费支出；", "主要为人员经费支出增加（减少）；"),
    # R53: a share with one decimal, a share without its sign
    ("其中：基本支出463.21万元，", "其中：基本支出463.21万元，占56.3%，"),
    ("机关运行经费共计安排41.47万元，", "机关运行经费共计安排41.47万元，占 8.95，"),
)
_D_RULES = ("R50-growth-rate", "R51-", "R52-", "R53-")


@pytest.fixture(scope="module")
def altered_d(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, str]:
    from budgetkg.pipeline import build

    text = SAMPLE.read_text(encoding="utf-8")
    for old, new in _D_ALTERATIONS:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    folder = tmp_path_factory.mktemp("altered-d")
    (folder / SAMPLE.name).write_text(text, encoding="utf-8")
    store = Store(folder / "store")
    [report] = build(store, [folder / SAMPLE.name])
    assert report.iri is not None
    return store, report.iri


def test_group_d_rules_on_altered_text(altered_d: tuple[Store, str]) -> None:
    """Each new group D rule fires on its alteration, with the numbers, and nothing else of them."""
    store, document = altered_d
    findings = [f for f in validate.validate_graph(store, document) if f.rule.startswith(_D_RULES)]
    got = sorted((f.rule, f.severity, f.focus.split("/paragraph/")[1], f.message) for f in findings)
    assert got == [
        ("R50-growth-rate", "Violation", "1872/percentage/1",
         "“增长12.46%”: 12.46% ≠ 84.54 ÷ 737.87 = 11.4573% computed from “较2022年预算增加84.54万元” "
         "(11.46% at the stated decimals; diff 1 percentage points, envelope 0.1058)"),
        ("R51-direction", "Violation", "1876/figure/2",
         "“比上年增加1.50万元”: current 1.22 万元, stated increase 1.50 万元: the previous amount would be -0.28 "
         "(negative: the direction or the amount is wrong; rounding envelope 0.01)"),
        ("R51-rate-reason-missing", "Warning", "1876/percentage/1",
         "“其中：因公出国（境）费0元，与上年持平；公务用车购置费0元，与上年持平；公务用车运行维护费1.00万元，与上年持平；"
         "公务接待费0.05万元，增长25.00%；培训费0.17万元，与上年持平。”: the stated “增长25.00%” (increase, 25.00%) "
         "has no reason (主要原因是…) in its passage, up to the next heading or item of its level"),
        ("R51-reason-missing", "Warning", "1876/figure/2",
         "“比上年增加1.50万元”: the stated increase of 1.50 万元 (three-public-total) has no reason (主要原因是…) in "
         "its passage, up to the next heading or item of its level"),
        ("R51-template-leftover", "Warning", "1872",
         "leftover template text “增加（减少）” in the paragraph: the direction is not stated"),
        ("R52-repeated", "Violation", "1870/figure/1",
         "“2023年预算支出为822.51万元”: expenditure-total  is 822.51 万元 here but 822.41 万元 elsewhere in the text "
         "(2 statements; diff 0.1, rounding envelope 0.01)"),
        ("R53-percent-decimals", "Info", "1870/percentage/1",
         "“占56.3%”: the percentage 56.3 has 1 decimals (two expected)"),
        ("R53-percent-sign", "Warning", "1874/percentage/1", "“占 8.95”: the percentage 8.95 has no percent sign"),
    ]


def test_fast_path_equals_pyshacl_on_group_d_and_f(altered_d: tuple[Store, str]) -> None:
    """The new group D and F shapes give the same results through pyshacl, on the altered sample."""
    store, document = altered_d
    graphs = validate.document_graphs(document)
    foci = [f"{document}/paragraph/{key}" for key in (
        "1870/figure/1", "1870/figure/2", "1872/figure/1", "1872/figure/2", "1876/figure/1", "1876/figure/2",
        "1872/percentage/1", "1870/percentage/1", "1874/percentage/1", "1876/percentage/1", "1872", "1870",
        "1874")]
    shapes = validate.load_shapes(["narrative.ttl", "final.ttl"])
    retargeted = _retarget(shapes, foci, ("R50-growth", "R51", "R52", "R53", "R71", "R72", "R73"))

    data = validate._to_rdflib(store, graphs)
    reference = _pyshacl_results(data, retargeted)
    fast = _fast_results(store, retargeted, graphs)
    assert {r[0].split("#")[1] for r in reference} == {
        "R50-growth-rate-violation", "R51-direction-violation", "R51-template-leftover-warning",
        "R51-reason-missing-warning", "R51-rate-reason-missing-warning", "R52-repeated-violation",
        "R53-percent-decimals-info", "R53-percent-sign-warning"}
    assert fast == reference


# -- reasons (R51: "增加" or "减少" requires a stated reason) -----------------------------------------

_CHANGES = "2023年预算支出安排822.41万元，较2022年预算增加84.54万元，其中："
_REASONS = ("基本支出增加281.90万元，主要为人员经费支出；项目支出减少197.35万元，"
            "主要为经费自理工作人员转为非参公事业人员，工资及保险由人员经费发放。")
_NO_REASONS = "基本支出增加281.90万元；项目支出减少197.35万元。"
_MOVED = "增减变化的主要原因是人员经费增加、经费自理工作人员转为非参公事业人员。"
_HEADING_3 = "[bookmark: _Toc_3_3_0000000012]三、机关运行经费安排情况"
_REASON_MISSING = "has no reason (主要原因是…) in its passage, up to the next heading or item of its level"


def test_reasons_recorded_for_the_sample(sample_store: Store, sample_document: str) -> None:
    """The sample's three changes (line 1872) are explained in their own sentence: 主要为… is their reason clause
    (the first of the passage: the total's breakdown gives the reasons)."""
    bkg = uris.vocab()
    q = f"""PREFIX bkg: <{bkg}>
      SELECT ?f ?reason ?p WHERE {{ GRAPH <{sample_document}> {{
        ?f bkg:reasonClause ?reason ; bkg:reasonParagraph ?p }} }} ORDER BY ?f"""
    rows = [(s["f"].value.removeprefix(sample_document + "/"), s["reason"].value, s["reason"].language,
             s["p"].value.removeprefix(sample_document + "/")) for s in sample_store.ox.query(q)]
    assert rows == [
        ("paragraph/1872/figure/2", "主要为人员经费支出", "zh", "paragraph/1872"),  # 较2022年预算增加84.54万元
        ("paragraph/1872/figure/3", "主要为人员经费支出", "zh", "paragraph/1872"),  # 基本支出增加281.90万元
        ("paragraph/1872/figure/4", "主要为经费自理工作人员转为非参公事业人员，工资及保险由人员经费发放", "zh",
         "paragraph/1872"),                                                          # 项目支出减少197.35万元
    ]


def _reason_findings(tmp_path, text: str) -> tuple[list[tuple[str, ...]], list[narrative.Statement]]:
    """R51 reason findings (rule, severity, focus, message, direction, amount) on the sample with ``text``,
    and its statements."""
    from budgetkg.pipeline import process

    altered = tmp_path / SAMPLE.name
    altered.write_text(text, encoding="utf-8")
    mapped, findings = process(altered)
    got = sorted((f.rule, f.severity, f.focus.removeprefix(mapped.iri + "/paragraph/"), f.message,
                  str(f.values["direction"]), str(f.values["value"]))
                 for f in findings if f.rule.startswith(("R51-reason", "R51-rate-reason")))
    return got, narrative.extract(read_document(altered), 2023)


def test_reason_removed_is_reported(tmp_path) -> None:
    """Without its 主要为… clauses, each of the three changes of line 1872 is a Warning, with its direction and
    amount; so it is when the reason is written after the next heading (三、…: another section)."""
    original = SAMPLE.read_text(encoding="utf-8")
    assert original.count(_CHANGES + _REASONS) == 1 and original.count(_HEADING_3 + "\n") == 1
    expected = [
        ("R51-reason-missing", "Warning", "1872/figure/2",
         f"“较2022年预算增加84.54万元”: the stated increase of 84.54 万元 (expenditure-total) {_REASON_MISSING}",
         "increase", "84.54"),
        ("R51-reason-missing", "Warning", "1872/figure/3",
         f"“基本支出增加281.90万元”: the stated increase of 281.90 万元 (basic-expenditure) {_REASON_MISSING}",
         "increase", "281.9"),  # the amount as an xsd:decimal
        ("R51-reason-missing", "Warning", "1872/figure/4",
         f"“项目支出减少197.35万元”: the stated decrease of 197.35 万元 (project-expenditure) {_REASON_MISSING}",
         "decrease", "197.35"),
    ]
    removed = original.replace(_CHANGES + _REASONS, _CHANGES + _NO_REASONS)
    got, _statements = _reason_findings(tmp_path, removed)
    assert got == expected
    after_heading = removed.replace(_HEADING_3 + "\n", _HEADING_3 + "\n" + _MOVED + "\n")
    got, statements = _reason_findings(tmp_path, after_heading)
    assert got == expected
    assert [s.reason for s in statements if s.kind == "change" and s.direction != "flat"] == ["", "", ""]


def test_reason_in_the_next_paragraph_is_found(tmp_path) -> None:
    """A reason written as a paragraph of its own after the changes (财政拨款收入支出增加的主要原因是…, as the
    Shanghai budgets write it) explains them: nothing is reported and each change records that clause and the
    paragraph it is in (line 1873)."""
    original = SAMPLE.read_text(encoding="utf-8")
    moved = original.replace(_CHANGES + _REASONS, _CHANGES + _NO_REASONS + "\n" + _MOVED)
    got, statements = _reason_findings(tmp_path, moved)
    assert got == []
    changes = [s for s in statements if s.kind == "change" and s.direction != "flat"]
    assert [(s.paragraph, s.ordinal, s.reason, s.reason_paragraph) for s in changes] == [
        ("1872", 2, _MOVED.rstrip("。"), "1873"),
        ("1872", 3, _MOVED.rstrip("。"), "1873"),
        ("1872", 4, _MOVED.rstrip("。"), "1873"),
    ]


@pytest.mark.skipif(not SHANGHAI.exists(), reason="corpus not available")
def test_reason_clauses_of_corpus_passages() -> None:
    """Where the corpus writes its reasons, and the clause each stated change records (read off the pages):

    * 2024 万里 p.6: the 收入 and 支出 paragraphs' decreases are explained by the paragraph after them;
    * p.32: the "三公" total's increase (其中：…) by its breakdown: item (一)'s 主要原因是因公出国（境）费保持不变
      explains no change and is skipped, item (二)'s 主要原因是购置公务用车 is taken;
    * 江苏省人大办公厅 2017 p.23: the intro's change of both totals and item （一）, which restates its 844.15, take
      the intro's reason; p.25: the
      total 财政拨款支出增加 844.15 万元 is explained by its items (item 2's reason comes first), item 1 has none."""
    wanli = narrative.extract_all(read_document(SHANGHAI / "2024_上海市普陀区万里街道办事处_部门预算.pdf"), 2024)[0]
    assert [(s.paragraph, s.ordinal, s.reason, s.reason_paragraph) for s in wanli
            if narrative.needs_reason(s, wanli) and s.paragraph in ("6.3", "6.4", "32.3")] == [
        ("6.3", 1, "财政拨款收入支出减少的主要原因是项目调整", "6.7"),
        ("6.4", 3, "财政拨款收入支出减少的主要原因是项目调整", "6.7"),
        ("32.3", 2, "主要原因是购置公务用车", "32.5"),
    ]
    doc = read_document(CORPUS / "jiangsu" / "江苏省人大办公厅" / "江苏省人大办公厅2017年度预算公开.pdf")
    statements, percentages = narrative.extract_all(doc, 2017)
    # item 1's decrease (“…10528.33 万元，与上年相比减少 17.89 万元，减少 0.17%”) is its money change, which needs the
    # reason (its rate is that change's): none
    assert [(s.paragraph, s.span, s.reason, s.reason_paragraph) for s in statements
            if narrative.needs_reason(s, statements) and s.paragraph in ("26.3", "26.6")] == [
        ("26.3", "与上年相比，财政拨款支出增加 844.15 万元", "主要原因是政策性调增离退休人员工资", "26.8"),
        ("26.6", "与上年相比减少 17.89 万元", "", "")]
    intro = "主要原因是政策性增资、住房公积金和提租补贴调整等原因，增加基本支出 844.15 万元"
    # the intro's “收、支预算总计各增加 844.15 万元，增长 6.59%” is a money change (of both totals), which needs the
    # reason; its rate is that change's
    assert [(s.paragraph, s.span, s.reason, s.reason_paragraph) for s in statements
            if narrative.needs_reason(s, statements) and s.paragraph.startswith("23.")] == [
        ("23.8", "与上年相比收、支预算总计各增加 844.15万元", intro, "23.9")]
    assert [(p.paragraph, p.span, p.reason, p.reason_paragraph) for p in percentages
            if narrative.rate_needs_reason(p, statements) and p.paragraph in ("23.9", "23.12", "26.6")] == [
        ("23.12", "增长 6.59%", intro, "23.9"),
    ]


def _text_document(tmp_path, text: str) -> SourceDocument:
    """``text`` as a plain-text document of one paragraph per line."""
    path = tmp_path / "说明.txt"
    path.write_text(text, encoding="utf-8")
    return SourceDocument.of(path, text.encode(), media_type="text/plain", encoding="utf-8", reader="test",
                             blocks=[Paragraph(line, i + 1) for i, line in enumerate(text.splitlines())])


def test_item_fee_and_another_years_figure_are_not_the_total(tmp_path) -> None:
    # 江苏省委办公厅 2017: "因公出国（境）费用预算支出 70 万元" is the 三公 item (费用 as 费), not the year's
    # expenditure; 江苏省政协办公厅 2017: the 2016 figure a 2017 budget compares with is not its total but the
    # previous year's budget (figure kind previous-budget), and the change stated after it is a change against it
    text = ("（五）“三公”经费预算情况说明\n1．因公出国（境）费用预算支出 70 万元，本年数与上年预算数一致。\n"
            "2017 年度部门支出预算安排与 2016 年度相比（2016 年度部门支出预算安排为8,648.07万元），增加498.72万元。\n"
            "2017 年度部门支出预算安排9,146.79万元。\n")
    doc = _text_document(tmp_path, text)
    statements = narrative.extract(doc, 2017)
    got = [(s.indicator, s.kind, s.printed, s.reference_year, s.compared_with) for s in statements]
    # “本年数与上年预算数一致” is the item's change of 0 (direction flat: tests/test_flat_changes.py)
    assert got == [("outbound-travel", "amount", "70", None, None),
                   ("outbound-travel", "change", "", 2016, None),
                   ("expenditure-total", "previous-budget", "8,648.07", 2016, None),
                   ("expenditure-total", "change", "498.72", 2016, 2),
                   ("expenditure-total", "amount", "9,146.79", None, None)]
    # the same text in a 2016 budget: the 2016 figure is its own year's
    got = [(s.indicator, s.kind, s.printed) for s in narrative.extract(doc, 2016)]
    assert ("expenditure-total", "amount", "8,648.07") in got
    # in a 2015 budget both name later years: neither this year's amount nor a previous budget (left out)
    got = [(s.indicator, s.kind, s.printed) for s in narrative.extract(doc, 2015)]
    assert got == [("outbound-travel", "amount", "70"), ("outbound-travel", "change", "")]


def test_class_list_shares_need_the_opening_total_and_its_list(tmp_path) -> None:
    """A bare 占 X% after a 类 (or 类/款) of the list a sentence opening with the 一般公共预算财政拨款支出 amount and
    主要用于 gives is a share of that total (rule R70); the same list without 主要用于, after another total, or after
    an item that is not a classification path (the list stops there) is not."""
    lines = [
        "一般公共预算财政拨款支出 100.00 万元，主要用于以下方面："
        "一般公共服务支出（类）人大事务（款）60.00 万元，占 60.00%；公共安全支出（类）40.00 万元，占 40.00%。",
        "一般公共预算财政拨款支出 100.00 万元：一般公共服务支出（类）60.00 万元，占 60.00%。",
        "本年支出合计 100.00 万元，主要用于以下方面：一般公共服务支出（类）60.00 万元，占 60.00%。",
        "一般公共预算财政拨款支出 100.00 万元，主要用于：基本支出 30.00 万元，占 30.00%；公共安全支出（类）40.00 万元，"
        "占 40.00%。",
    ]
    doc = _text_document(tmp_path, "\n".join(lines) + "\n")
    statements, percentages = narrative.extract_all(doc, 2024)
    got = [(p.paragraph, p.printed, p.share_of, p.share_basis,
            (statements[p.rate_of].indicator, statements[p.rate_of].label) if p.rate_of is not None else None,
            percentages[p.share_list].printed if p.share_list is not None else None) for p in percentages]
    gpb, basis = "general-public-budget-expenditure", "一般公共预算财政拨款支出100.00万元"
    assert got == [
        ("1", "60.00", gpb, basis, ("classification-subject", "一般公共服务支出（类）人大事务（款）"), "60.00"),
        ("1", "40.00", gpb, basis, ("classification-subject", "公共安全支出（类）"), "60.00"),
        ("2", "60.00", "", "", None, None),
        ("3", "60.00", "", "", None, None),
        # 基本支出 is no 类 of the list: neither it nor the 类 after it is read as the list's
        ("4", "30.00", "", "", None, None),
        ("4", "40.00", "", "", None, None),
    ]


def test_general_budget_basic_expenditure_and_its_split(tmp_path) -> None:
    """"一般公共预算财政拨款基本支出 X 万元…人员经费…公用经费…" (a 决算's section 六, the Jiangsu 基本支出 paragraph):
    the qualified total is read as the general budget's basic expenditure (compared with the 基本支出表, rule R41);
    the 人员经费 / 公用经费 of its sentence are its parts (rule R48), those of the next sentence (the 决算's
    "。其中：") are not; a basic expenditure qualified by another fund is not read."""
    text = ("一般公共预算财政拨款基本支出 5377.64 万元。其中：人员经费 4896.98 万元，主要包括：基本工资；"
            "公用经费 480.66 万元，主要包括：办公费。\n"
            "2017 年度一般公共预算财政拨款基本支出预算 7666.68 万元，其中：（一）人员经费 6080.00 万元；"
            "（二）公用经费 1586.68 万元。\n"
            "政府性基金预算财政拨款基本支出 12.00 万元。\n")
    doc = _text_document(tmp_path, text)
    got = [(s.indicator, s.kind, s.printed, s.part_of) for s in narrative.extract(doc, 2017)]
    assert got == [("general-public-budget-basic-expenditure", "amount", "5377.64", None),
                   ("personnel-expenditure", "amount", "4896.98", None),
                   ("public-expenditure", "amount", "480.66", None),
                   ("general-public-budget-basic-expenditure", "amount", "7666.68", None),
                   ("personnel-expenditure", "amount", "6080.00", 3),
                   ("public-expenditure", "amount", "1586.68", 3)]


def test_income_sources_listed_under_the_total_and_an_empty_procurement_table(tmp_path) -> None:
    """The sample's income list ("收入为822.41万元，其中：…其他来源收入0万元，财政拨款结转0万元") adds up to its
    total at most (R48-listed-income), and its "政府采购预算0.00万元" is compared with the procurement table
    printed empty (R52-text-empty-table): each alteration went past every rule before (bench/sweep_alterations.py)."""
    from budgetkg.pipeline import process

    statements, _percentages = narrative.extract_all(read_document(SAMPLE), 2023)
    listed = [(s.indicator, str(s.amount), statements[s.listed_under].indicator)
              for s in statements if s.listed_under is not None]
    assert listed == [
        ("general-public-budget-income", "822.41", "income-total"), ("government-fund-income", "0", "income-total"),
        ("special-account-income", "0", "income-total"), ("other-income", "0", "income-total"),
        ("carry-over", "0", "income-total"),
    ]
    text = SAMPLE.read_text(encoding="utf-8")
    runs = {
        "other": (("其他来源收入0万元", "其他来源收入1万元"), ("政府采购预算0.00万元", "政府采购预算0.01万元")),
        "carry-over": (("财政拨款结转0万元", "财政拨款结转0.004万元"),),
    }
    got = {}
    for name, alterations in runs.items():
        altered = text
        for old, new in alterations:
            assert altered.count(old) == 1
            altered = altered.replace(old, new)
        (tmp_path / name).mkdir()
        path = tmp_path / name / SAMPLE.name
        path.write_text(altered, encoding="utf-8")
        _mapped, findings = process(path)
        got[name] = sorted((f.rule, f.severity, f.focus.split("/paragraph/")[1], str(f.values["diff"]),
                            str(f.values["envelope"])) for f in findings if f.rule in ("R48-listed-income",
                                                                                       "R52-text-empty-table"))
    assert got == {
        # 822.41 < 822.41 + 0 + 0 + 1 + 0: the "1万元" is exact to half a 万元
        "other": [("R48-listed-income", "Violation", "1868/figure/1", "1", "0.51"),
                  ("R52-text-empty-table", "Violation", "2589/figure/1", "0.01", "0.005")],  # 0 (空表列示)
        "carry-over": [("R48-listed-income", "Info", "1868/figure/1", "0.004", "0.0105")],
    }
    # pyshacl (one query per focus node) gives the same results on the first altered text
    from budgetkg.pipeline import map_file

    mapped, scratch = map_file(tmp_path / "other" / SAMPLE.name)
    graphs = validate.document_graphs(mapped.iri)
    foci = [f"{mapped.iri}/paragraph/{key}" for key in ("1868/figure/1", "1870/figure/1", "2589/figure/1")]
    retargeted = _retarget(validate.load_shapes(["narrative.ttl"]), foci, ("R48-listed", "R52-text-empty"))
    reference = _pyshacl_results(validate._to_rdflib(scratch, graphs), retargeted)
    assert {r[0].split("#")[1] for r in reference} == {"R48-listed-income-violation", "R52-text-empty-table"}
    assert _fast_results(scratch, retargeted, graphs) == reference
