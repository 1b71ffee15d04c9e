"""R51's year-on-year anomaly flag (``R51-yoy-anomaly``, ``R51-rate-yoy-anomaly``) and R74's carry-over gap
(``R74-carry-over-gap``), shapes/narrative.ttl and shapes/final.ttl: the exact findings on the corpus with their
numbers, the edge cases on an altered text, R74 on altered figures of the corpus 决算 (where the corpus agrees),
and fast path == pyshacl.

Every corpus finding below was read against its sentence (the statements carry it; quoted in the comments): a
change of more than 50 % of the previous year's amount, as the text states it — by the amounts (the previous
amount stated, 上年预算执行数, or current − the stated change) or, where the text gives no amount the rate is
computed from, by its rate. Edge cases: a previous amount of 0 gives no ratio (not reported), a negative one is
R51-direction's, a decrease counts by its size, exactly 50 % is not more than 50 %, and a rate stated with the
amounts it is computed from is one finding (the amounts'), not two.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pyoxigraph as ox
import pytest

from budgetkg import uris, validate
from budgetkg.map import MappedDocument
from budgetkg.pipeline import DocumentReport
from budgetkg.store import Store
from budgetkg.validate import Finding, document_graphs, validate_graph
from tests.conftest import CORPUS, CORPUS_PDFS, SAMPLE, process_edited
from tests.test_validate import _fast_results, _pyshacl_results, _retarget

YOY = "R51-yoy-anomaly"
RATE = "R51-rate-yoy-anomaly"
GAP = "R74-carry-over-gap"
RULES = (YOY, RATE, GAP)

corpus = pytest.mark.skipif(not CORPUS_PDFS, reason=f"corpus not found at {CORPUS}")

WANLI_2023 = "2023_上海市普陀区万里街道办事处_部门预算.pdf"
PROCURATORATE_2018 = "2018年省检察院部门预算公开.pdf"
FINAL = "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf"

#: file -> sorted findings: (R51-yoy-anomaly, focus under the document IRI, current as printed, previous, change,
#: ratio %) and (R51-rate-yoy-anomaly, focus, rate as printed, signed rate %). Every other corpus document (the
#: 决算, the tables-only files, 区政府办公室, 社会福利院, 江苏省政协办公厅 2017 公开表 …) and the sample: none.
EXPECTED: dict[str, list[tuple[str, ...]]] = {
    '2017年省检察院部门预算.pdf': [
        # p.18: “2．其他资金收入预算总计 15 万元。” | “与上年相比增加9.45 万元，增长 170.27 %。” (the change of the
        # amount the sentence before states, read since 其他资金收入 is an indicator: its finding, not its rate's)
        ('R51-yoy-anomaly', 'paragraph/18.13/figure/1', '15', '5.55', '9.45', '170.2703'),
        # p.22: 机关运行经费预算支出6032.55 万元，比 2016 年增加 3401.59 万元 (增长129.97 %: R50's Violation)
        ('R51-yoy-anomaly', 'paragraph/22.7/figure/2', '6032.55', '2630.96', '3401.59', '129.2908'),
    ],
    PROCURATORATE_2018: [
        # p.26: 未归口管理行政单位离退休费（项）…降幅 81.6 %
        # the change stated after its amount in the same sentence, read since: its finding, not its rate's
        ('R51-yoy-anomaly', 'paragraph/26.24/figure/1', '371.92', '2021.18', '-1649.26', '-81.5989'),
        # p.24: “3．住房保障支出 3,660.38 万元，…。与上年相比增加 1,341.22 万元，增长 57.83 %。”: the change as the
        # sentence after its amount (read since), its finding and not its rate's
        ('R51-yoy-anomaly', 'paragraph/24.17/figure/1', '3,660.38', '2319.16', '1341.22', '57.8321'),
        # p.29: 机关运行经费预算支出2,722.57 万元，比上年相比减少 3,309.98 万元 (the 2017 file's 6032.55)
        ('R51-yoy-anomaly', 'paragraph/29.20/figure/2', '2,722.57', '6032.55', '-3309.98', '-54.8687'),
        # p.25: 单位预留机动经费预算数为 2,388.04 万元，与上年相比增加 2,247.84 万元 (2017: 140.2)
        ('R51-yoy-anomaly', 'paragraph/25.5/figure/1', '2,388.04', '140.2', '2247.84', '1603.3096'),
    ],
    # pp.6–9, the 项 paragraphs: “2022年当年预算执行数为P万元，2023年预算安排A万元” (the stated previous amount). Not
    # reported: 6.12 and 8.2 (执行数 0), 6.5 政府性基金拨款支出预算0万元，比2022年预算增加1421.25万元 (R51-direction)
    WANLI_2023: [
        ('R51-yoy-anomaly', 'paragraph/6.10/figure/1', '2.63', '1.48', '1.15', '77.7027'),
        ('R51-yoy-anomaly', 'paragraph/6.14/figure/2', '45.41', '11.67', '33.74', '289.1174'),
        ('R51-yoy-anomaly', 'paragraph/7.11/figure/1', '20.00', '12.04', '7.96', '66.113'),
        ('R51-yoy-anomaly', 'paragraph/7.13/figure/2', '21.50', '14', '7.5', '53.5714'),
        ('R51-yoy-anomaly', 'paragraph/7.15/figure/2', '17.72', '8.61', '9.11', '105.8072'),
        ('R51-yoy-anomaly', 'paragraph/7.18/figure/2', '5.21', '1.79', '3.42', '191.0615'),
        ('R51-yoy-anomaly', 'paragraph/7.2/figure/2', '14.62', '4.17', '10.45', '250.5995'),
        ('R51-yoy-anomaly', 'paragraph/7.20/figure/2', '441.25', '274.85', '166.4', '60.5421'),
        # item 16 (职业年金, 220.63 万元) states item 15's 441.25 (R52, R46): against its own 执行数 132.59
        ('R51-yoy-anomaly', 'paragraph/7.23/figure/2', '441.25', '132.59', '308.66', '232.7928'),
        ('R51-yoy-anomaly', 'paragraph/8.10/figure/2', '30.00', '5', '25', '500'),
        ('R51-yoy-anomaly', 'paragraph/8.12/figure/2', '1331.27', '692.63', '638.64', '92.2051'),
        ('R51-yoy-anomaly', 'paragraph/8.17/figure/2', '144.55', '75.95', '68.6', '90.3226'),
        ('R51-yoy-anomaly', 'paragraph/8.23/figure/2', '1822.95', '1096.67', '726.28', '66.2259'),
        ('R51-yoy-anomaly', 'paragraph/9.13/figure/2', '1450.00', '3853.06', '-2403.06', '-62.3676'),
        ('R51-yoy-anomaly', 'paragraph/9.8/figure/2', '775.00', '1576.05', '-801.05', '-50.8264'),
    ],
    '2024_上海市普陀区万里街道办事处_部门预算.pdf': [
        # p.32: “三公”经费预算数为47.91万元，比2023年预算增加25万元 (2023: 22.91); 公务用车购置及运行费46.56万元，
        # 比2023年预算增加25万元; not reported: 公务用车购置费25万元，比2023年预算增加25万元 (previous 0)
        ('R51-yoy-anomaly', 'paragraph/32.3/figure/2', '47.91', '22.91', '25', '109.1227'),
        ('R51-yoy-anomaly', 'paragraph/32.5/figure/2', '46.56', '21.56', '25', '115.9555'),
        ('R51-yoy-anomaly', 'paragraph/6.10/figure/2', '25.77', '60.13', '-34.36', '-57.1429'),
        ('R51-yoy-anomaly', 'paragraph/7.2/figure/1', '30.00', '15', '15', '100'),
    ],
    '上海市普陀区商务委员会25年预算.pdf': [
        # p.7: 财政拨款支出预算37,151.47万元，比2024年预算增加24,491.71万元, and the same of 一般公共预算拨款
        ('R51-yoy-anomaly', 'paragraph/7.4/figure/3', '37,151.47', '12659.76', '24491.71', '193.4611'),
        ('R51-yoy-anomaly', 'paragraph/7.5/figure/2', '37,151.47', '12659.76', '24491.71', '193.4611'),
    ],
    '江苏省人大办公厅2017年度预算公开.pdf': [
        # 住房保障支出 1512.23 万元，与上年相比增加 668.79万元，增长 79.29% (twice; 668.79 ÷ 843.44 = 79.29 %): p.26
        # in one sentence (the money change not read: the rate), p.24 as the sentence after the amount (the change)
        # the change stated after its amount in the same sentence, read since: its finding, not its rate's
        ('R51-yoy-anomaly', 'paragraph/26.10/figure/2', '1512.23', '843.44', '668.79', '79.2931'),
        ('R51-yoy-anomaly', 'paragraph/24.7/figure/1', '1512.23', '843.44', '668.79', '79.2931'),
        # p.28: 机关运行经费预算支出5619.31 万元，比 2016 年增加 4032.99 万元，增加 254.23%
        ('R51-yoy-anomaly', 'paragraph/28.6/figure/2', '5619.31', '1586.32', '4032.99', '254.2356'),
    ],
    '江苏省人大常委会2019年度部门预算公开.pdf': [
        # 单位预留机动经费预算数为2557.89万元。与上年相比增加872.17万元，增长51.74%。
        ('R51-yoy-anomaly', 'paragraph/11.5/figure/1', '2557.89', '1685.72', '872.17', '51.7387'),
        # the change stated after its amount in the same sentence, read since: its finding, not its rate's
        # 提租补贴（项）2548.3万元
        ('R51-yoy-anomaly', 'paragraph/14.14/figure/1', '2548.3', '1549.82', '998.48', '64.4255'),
        # “3．住房保障（类）支出3301.2万元，…。与上年相比增加1178.82万元，增长55.54%。”
        # the change as the sentence after its amount (read since): its finding, not its rate's
        ('R51-yoy-anomaly', 'paragraph/10.14/figure/1', '3301.2', '2122.38', '1178.82', '55.5424'),
    ],
    '江苏省委办公厅2017年部门预算.pdf': [
        # the change stated after its amount in the same sentence, read since: its finding, not its rate's
        # 提租补贴（项）支出 1235.41万元
        ('R51-yoy-anomaly', 'paragraph/9.7/figure/1', '1235.41', '629.41', '606', '96.2806'),
        # p.11: 机关运行经费预算支出10101.76 万元，比上年增加 7952.30 万元，增长 369.97%
        ('R51-yoy-anomaly', 'paragraph/11.4/figure/2', '10101.76', '2149.46', '7952.3', '369.9673'),
        # p.6: “3．住房保障支出 1856.69 万元，…。与上年相比增加 774.26 万元，增长 71.53%。”
        # the change as the sentence after its amount (read since): its finding, not its rate's
        ('R51-yoy-anomaly', 'paragraph/6.21/figure/1', '1856.69', '1082.43', '774.26', '71.5298'),
    ],
    '江苏省委办公厅2018年度部门预算公开文件.pdf': [
        # the change stated after its amount in the same sentence, read since: its finding, not its rate's
        # 机关运行经费 减少8007.18万元
        ('R51-yoy-anomaly', 'paragraph/11.22/figure/1', '2094.58', '10101.76', '-8007.18', '-79.2652'),
        # 财政专户管理资金收入预算总计0万元，减少147.20万元，减少100%; 单位预留机动经费 增加1777.14万元
        ('R51-yoy-anomaly', 'paragraph/6.10/figure/1', '0', '147.2', '-147.2', '-100'),
        ('R51-yoy-anomaly', 'paragraph/7.12/figure/1', '1973.86', '196.72', '1777.14', '903.3855'),
        # the change stated after its amount in the same sentence, read since: its finding, not its rate's
        # 离退休（项）减少1751.62万元
        ('R51-yoy-anomaly', 'paragraph/8.21/figure/2', '248.77', '2000.39', '-1751.62', '-87.5639'),
        # the change stated after its amount in the same sentence, read since: its finding, not its rate's
        # 提租补贴（项）增加1064.47万元
        ('R51-yoy-anomaly', 'paragraph/9.13/figure/1', '2299.88', '1235.41', '1064.47', '86.1633'),
        # p.7: “3．住房保障（类）支出3015.16万元，…。与上年相比增加1158.47万元，增长62.39%。”
        # the change as the sentence after its amount (read since): its finding, not its rate's
        ('R51-yoy-anomaly', 'paragraph/7.4/figure/1', '3015.16', '1856.69', '1158.47', '62.3944'),
    ],
    '江苏省政协办公厅2017年度部门预算.pdf': [
        # 提租补贴（项）支出 751.77 万元，与上年相比增加 380.65 万元，增长 102.57% (printed twice)
        # the change stated after its amount in the same sentence, read since: its finding, not its rate's
        ('R51-yoy-anomaly', 'paragraph/10.16/figure/1', '751.77', '371.12', '380.65', '102.5679'),
        # the change stated after its amount in the same sentence, read since: its finding, not its rate's
        ('R51-yoy-anomaly', 'paragraph/14.14/figure/1', '751.77', '371.12', '380.65', '102.5679'),
        # p.17: 机关运行经费支出预算3,348.98万元，比2016年增加2,173.13万元，增长184.81%
        ('R51-yoy-anomaly', 'paragraph/17.9/figure/2', '3,348.98', '1175.85', '2173.13', '184.8135'),
        # p.8: “3.住房保障（类）支出 1,093.52 万元，…。与上年相比增加 466.32万元，增长 74.35%。”
        # the change as the sentence after its amount (read since): its finding, not its rate's
        ('R51-yoy-anomaly', 'paragraph/8.5/figure/1', '1,093.52', '627.2', '466.32', '74.3495'),
    ],
    '江苏省政协办公厅2018年度部门预算.pdf': [
        # the change stated after its amount in the same sentence, read since: its finding, not its rate's
        # 离退休（项）减少1,256.90万元
        ('R51-yoy-anomaly', 'paragraph/11.19/figure/2', '252.82', '1509.72', '-1256.9', '-83.2538'),
        # the change stated after its amount in the same sentence, read since: its finding, not its rate's
        # 机关运行经费 减少 2,233.13 万元
        ('R51-yoy-anomaly', 'paragraph/15.7/figure/2', '1,115.85', '3348.98', '-2233.13', '-66.6809'),
        # 单位预留机动经费 1,157.63 万元，增加1,050.79 万元
        ('R51-yoy-anomaly', 'paragraph/9.10/figure/1', '1,157.63', '106.84', '1050.79', '983.5174'),
    ],
    '省人大办公厅2018预算公开.pdf': [
        # 单位预留机动经费预算数为 1685.72 万元。与上年相比增加1557.29万元 (its 增长1312.56 %: R50's Violation)
        ('R51-yoy-anomaly', 'paragraph/21.9/figure/1', '1685.72', '128.43', '1557.29', '1212.5594'),
        # the change stated after its amount in the same sentence, read since: its finding, not its rate's
        # 离退休支出（项）256.76万元
        ('R51-yoy-anomaly', 'paragraph/25.12/figure/2', '256.76', '1608.51', '-1351.75', '-84.0374'),
        # the change stated after its amount in the same sentence, read since: its finding, not its rate's
        # 其他人大事务（项）支出580万元，+480
        ('R51-yoy-anomaly', 'paragraph/25.7/figure/1', '580', '100', '480', '480'),
        # the change stated after its amount in the same sentence, read since: its finding, not its rate's
        # 提租补贴（项）1549.82万元
        ('R51-yoy-anomaly', 'paragraph/26.3/figure/1', '1549.82', '1018.01', '531.81', '52.2402'),
        # the change stated after its amount in the same sentence, read since: its finding, not its rate's
        # 机关运行经费 减少4039.93万元
        ('R51-yoy-anomaly', 'paragraph/29.6/figure/2', '1579.38', '5619.31', '-4039.93', '-71.8937'),
    ],
}


def _run(store: Store, document: str, rules: tuple[str, ...] = RULES,
         final_filter: bool = True) -> list[Finding]:
    """The findings of ``rules`` on one document, run as ``validate_graph`` runs them; without their final FILTER
    (``final_filter=False``): every statement the rule compares, reported or not."""
    constraints = [c for c in validate.sparql_constraints(validate.load_shapes()) if c.rule in rules]
    if not final_filter:
        constraints = [replace(c, select=validate.final_filter(c.select)[0]) for c in constraints]  # type: ignore[index]
    found: list[Finding] = []
    for group in validate.constraint_groups(constraints):
        found += validate.run_sparql_constraints(store, group, document_graphs(document))
    return found


def _row(f: Finding, document: str) -> tuple[str, ...]:
    focus = f.focus.removeprefix(document + "/")
    if f.rule == YOY:
        return (f.rule, focus, *(str(f.values[k]) for k in ("currentPrinted", "previous", "change", "ratio")))
    if f.rule == RATE:
        return (f.rule, focus, str(f.values["printed"]), str(f.values["ratio"]))
    return (f.rule, focus, *(str(f.values[k]) for k in ("value", "fiscal", "opening", "closing", "gap", "carry",
                                                          "diff", "envelope")))


def _rows(findings: list[Finding], document: str) -> list[tuple[str, ...]]:
    return sorted(_row(f, document) for f in findings if f.rule in RULES)


@corpus
def test_every_listed_document_exists() -> None:
    assert set(EXPECTED) <= {p.name for p in CORPUS_PDFS}


@corpus
@pytest.mark.parametrize("name", [p.name for p in CORPUS_PDFS])
def test_exact_findings_per_corpus_document(
        name: str, corpus_build: tuple[Store, dict[str, DocumentReport]]) -> None:
    store, reports = corpus_build
    document = reports[name].iri
    assert reports[name].error is None and document is not None
    found = _run(store, document)
    assert {f.severity for f in found} <= {"Info"}
    assert _rows(found, document) == sorted(EXPECTED.get(name, []))
    for f in found:  # the ratio is the change over the previous amount, beyond 50 % either way
        if f.rule == YOY:
            exact = Decimal(str(f.values["change"])) * 100 / Decimal(str(f.values["previous"]))
            assert abs(exact) > 50 and Decimal(str(f.values["ratio"])) == exact.quantize(Decimal("0.0001"))


@corpus
def test_messages(corpus_build: tuple[Store, dict[str, DocumentReport]]) -> None:
    """The messages (zh, en) of a stated previous amount, a change of a stated amount and a change stated as the
    sentence after its amount (a rate stated alone: ``test_edge_cases_on_altered_text``)."""
    store, reports = corpus_build
    messages = {}
    for name, key in ((WANLI_2023, "paragraph/6.14/figure/2"), (PROCURATORATE_2018, "paragraph/29.20/figure/2"),
                      ("2017年省检察院部门预算.pdf", "paragraph/18.13/figure/1")):
        document = reports[name].iri or ""
        [f] = [f for f in validate_graph(store, document) if f.focus == f"{document}/{key}" and f.rule in RULES]
        messages[key] = (f.rule, f.severity, f.message_zh, f.message)
    assert messages == {
        "paragraph/6.14/figure/2": (
            YOY, "Info",
            "“2023年预算安排45.41万元”：本年 45.41万元，上年 11.67万元（所述“2022年当年预算执行数为11.67万元”），"
            "增减 33.74万元，为上年数的 289.1174%，变动超过 50%（同比异常，请核实）",
            "“2023年预算安排45.41万元”: current 45.41 万元, previous 11.67 万元 "
            "(stated: “2022年当年预算执行数为11.67万元”), change 33.74 万元: 289.1174% of the previous amount, "
            "more than 50 % (a year-on-year anomaly to review)"),
        "paragraph/29.20/figure/2": (
            YOY, "Info",
            "“比上年相比减少 3,309.98 万元”：本年 2,722.57万元，上年 6032.55万元（本年数 − 增减额），"
            "增减 -3309.98万元，为上年数的 -54.8687%，变动超过 50%（同比异常，请核实）",
            "“比上年相比减少 3,309.98 万元”: current 2,722.57 万元, previous 6032.55 万元 (current − change), "
            "change -3309.98 万元: -54.8687% of the previous amount, more than 50 % "
            "(a year-on-year anomaly to review)"),
        # p.18: the change of the amount the sentence before states (2．其他资金收入预算总计 15 万元。)
        "paragraph/18.13/figure/1": (
            YOY, "Info",
            "“与上年相比增加9.45 万元”：本年 15万元，上年 5.55万元（本年数 − 增减额），增减 9.45万元，"
            "为上年数的 170.2703%，变动超过 50%（同比异常，请核实）",
            "“与上年相比增加9.45 万元”: current 15 万元, previous 5.55 万元 (current − change), change 9.45 万元: "
            "170.2703% of the previous amount, more than 50 % (a year-on-year anomaly to review)"),
    }


def test_sample_is_compared_and_silent(sample_store: Store, sample_document: str) -> None:
    """The sample states one year-on-year change with its amount: 822.41 万元，较2022年预算增加84.54万元 (84.54 ÷
    737.87 = 11.46 %): compared, not reported; its 基本 / 项目 changes state no amount of theirs (no ratio)."""
    assert _rows(validate_graph(sample_store, sample_document), sample_document) == []
    compared = _run(sample_store, sample_document, (YOY, RATE), final_filter=False)
    assert _rows(compared, sample_document) == [
        (YOY, "paragraph/1872/figure/2", "822.41", "737.87", "84.54", "11.4573")]


# -- the edge cases, on the sample's paragraph 1872 rewritten ------------------------------------------------

#: Five statements: 600.00 + 200.01 (previous 399.99: 50.0038 %, its rate 50.00% stated beside it: one finding);
#: 100.00 − 150.00 (previous 250: −60 %); 100.00 + 100.00 (previous 0: no ratio); 人员经费 600.00 + 200.00,
#: 增长50.00% (exactly 50 %: not more); 公用经费 100.00 + 60.00, 增长150.00% (no change amount read for 人员经费 /
#: 公用经费: the rate alone).
EDGES = ("2023年预算支出安排600.00万元，较2022年预算增加200.01万元，增长50.00%。"
         "基本支出安排100.00万元，较2022年预算减少150.00万元。"
         "项目支出安排100.00万元，较2022年预算增加100.00万元。"
         "人员经费安排600.00万元，较2022年预算增加200.00万元，增长50.00%。"
         "公用经费安排100.00万元，较2022年预算增加60.00万元，增长150.00%。")


@pytest.fixture(scope="module")
def edges() -> tuple[MappedDocument, list[Finding]]:
    """The sample with paragraph 1872 replaced by ``EDGES``, mapped and validated as the pipeline does."""
    printed = SAMPLE.read_text(encoding="utf-8").splitlines()[1871].strip()
    return process_edited(SAMPLE, {"1872": (printed, EDGES)})


def test_edge_cases_on_altered_text(edges: tuple[MappedDocument, list[Finding]]) -> None:
    mapped, findings = edges
    assert _rows(findings, mapped.iri) == [
        (RATE, "paragraph/1872/percentage/3", "150.00", "150"),
        (YOY, "paragraph/1872/figure/2", "600.00", "399.99", "200.01", "50.0038"),
        (YOY, "paragraph/1872/figure/4", "100.00", "250", "-150", "-60"),
    ]
    [rate] = [f for f in findings if f.rule == RATE]
    sentence = "“公用经费安排100.00万元，较2022年预算增加60.00万元，增长150.00%。”"
    assert (rate.message_zh, rate.message) == (
        f"{sentence}：所述“增长150.00%”（增长 150.00%）变动超过上年数的 50%（同比异常，请核实）",
        f"{sentence}: the stated “增长150.00%” (increase of 150.00%) changes the previous year's amount by more than "
        "50 % (a year-on-year anomaly to review)")
    # what the text gives: 增长50.00% is the rate of the 200.01 change (its finding is the change's), the second
    # 增长50.00% (人员经费) has no figure of its own: a rate alone, exactly 50 %
    bkg = uris.vocab()
    para = f"{mapped.iri}/paragraph/1872"
    rates = {(t.subject.value.removeprefix(para + "/"), t.predicate.value.removeprefix(bkg), t.object.value)
             for t in mapped.triples if t.subject.value.startswith(f"{para}/percentage/")
             and t.predicate.value in (bkg + "rateOf", bkg + "statedPercent")}
    assert rates == {("percentage/1", "rateOf", f"{para}/figure/2"), ("percentage/1", "statedPercent", "50"),
                     ("percentage/2", "statedPercent", "50"), ("percentage/3", "statedPercent", "150")}


# -- R74 on the corpus 决算 ----------------------------------------------------------------------------------


def _final_copy(store: Store, document: str) -> Store:
    """An in-memory copy of the 决算's graphs (document, vocabularies, shared), to alter."""
    scratch = Store()
    for graph in document_graphs(document):
        scratch.ox.bulk_extend(store.ox.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
    return scratch


def _set_cell(store: Store, document: str, cell: str, printed: str | None) -> None:
    """The 收入支出决算总表 cell ``cell`` (line item) printed as ``printed`` 万元, or deleted (an empty cell)."""
    bkg = uris.vocab()
    obs = f"{uris.dataset(document, 'income-expenditure-summary')}/obs/line-item-{cell}/amount"
    graph = f"GRAPH <{document}>"
    if printed is None:
        store.ox.update(f"DELETE {{ {graph} {{ <{obs}> ?q ?o }} }} WHERE {{ {graph} {{ <{obs}> ?q ?o }} }}")
        return
    values = f"<{obs}> <{bkg}amount> ?a ; <{bkg}amountInYuan> ?y ; <{bkg}printedValue> ?p"
    store.ox.update(
        f"DELETE {{ {graph} {{ {values} }} }} INSERT {{ {graph} {{ <{obs}> <{bkg}amount> {printed} ;"
        f' <{bkg}amountInYuan> {Decimal(printed) * 10000} ; <{bkg}printedValue> "{printed}" }} }}'
        f" WHERE {{ {graph} {{ {values} }} }}")


F3_TOTAL = "table/expenditure/obs/line-item-table-total/total"


@corpus
def test_carry_over_explains_the_corpus_gap(corpus_build: tuple[Store, dict[str, DocumentReport]]) -> None:
    """决算 p.10 支出决算表 合计 9759.38 − p.12 财政拨款收入支出决算总表 本年支出合计 9746.50 = 12.88 =
    p.7 收入支出决算总表 年初结转和结余 112.88 − 年末结转和结余 100.00: compared, silent (envelope: four cells of two
    decimals, 0.02). The budgets print no 决算 cells: nothing compared."""
    store, reports = corpus_build
    document = reports[FINAL].iri or ""
    assert _run(store, document, (GAP,)) == []
    assert _rows(_run(store, document, (GAP,), final_filter=False), document) == [
        (GAP, F3_TOTAL, "9759.38", "9746.5", "112.88", "100", "12.88", "12.88", "0", "0.02")]
    budget = reports[WANLI_2023].iri or ""
    assert _run(store, budget, (GAP,), final_filter=False) == []


@pytest.fixture
def final_copy(corpus_build: tuple[Store, dict[str, DocumentReport]]) -> tuple[Store, str]:
    """A fresh copy of the corpus 决算 (each test alters its own) and the document IRI."""
    store, reports = corpus_build
    document = reports[FINAL].iri or ""
    return _final_copy(store, document), document


@corpus
def test_carry_over_gap_on_altered_figures(final_copy: tuple[Store, str]) -> None:
    """年末结转和结余 printed 90.00: the carry-over (22.88) no longer explains the gap (12.88), an Info with both sides;
    100.01: within the envelope, silent; the 年末 cell empty: 0 (112.88 against 12.88); both empty: not compared."""
    store, document = final_copy
    _set_cell(store, document, "carryover-to-next-year", "90.00")
    [finding] = [f for f in validate_graph(store, document) if f.rule in RULES]
    assert (finding.severity, _row(finding, document)) == (
        "Info", (GAP, F3_TOTAL, "9759.38", "9746.5", "112.88", "90", "12.88", "22.88", "-10", "0.02"))
    assert finding.message == (
        "支出决算表 total 9759.38 − 财政拨款收入支出决算总表 本年支出合计 9746.5 = 12.88, but 年初结转和结余 112.88 − "
        "年末结转和结余 90 = 22.88 (diff -10, rounding envelope 0.02): the carry-over does not explain the gap")
    assert finding.message_zh == (
        "支出决算表合计 9759.38 − 财政拨款收入支出决算总表本年支出合计 9746.5 = 12.88，而年初结转和结余 112.88 − "
        "年末结转和结余 90 = 22.88（差额 -10，舍入容差 0.02）：结转结余不能解释两表差额")
    _set_cell(store, document, "carryover-to-next-year", "100.01")
    assert _run(store, document, (GAP,)) == []
    _set_cell(store, document, "carryover-to-next-year", None)
    assert _rows(_run(store, document, (GAP,)), document) == [
        (GAP, F3_TOTAL, "9759.38", "9746.5", "112.88", "0", "12.88", "112.88", "-100", "0.015")]
    _set_cell(store, document, "carryover-from-previous-year", None)
    assert _run(store, document, (GAP,), final_filter=False) == []


# -- fast path == pyshacl --------------------------------------------------------------------------------------


def _shape(rule: str) -> str:
    """The IRI of the rule's (Info) shape."""
    return next(c.shape for c in validate.sparql_constraints(validate.load_shapes()) if c.rule == rule)


def _same_through_pyshacl(store: Store, document: str, foci: dict[str, list[str]]) -> set[tuple[object, ...]]:
    """pyshacl's results of the given shapes (rule -> focus nodes under ``document``), asserted equal to the fast
    path's; returned."""
    graphs = document_graphs(document)
    shapes = validate.load_shapes(["narrative.ttl", "final.ttl"])
    retargeted = _retarget(shapes, {_shape(r): [f"{document}/{k}" for k in keys] for r, keys in foci.items()},
                           tuple(f"#{r}-info" for r in foci))
    reference = _pyshacl_results(validate._to_rdflib(store, graphs), retargeted)
    assert _fast_results(store, retargeted, graphs) == reference
    return reference


def _reported(results: set[tuple[object, ...]], document: str) -> list[tuple[str, str]]:
    return sorted((str(r[0]).split("#")[1], str(r[2]).removeprefix(document + "/")) for r in results)


def test_fast_path_equals_pyshacl_on_the_edge_cases(edges: tuple[MappedDocument, list[Finding]]) -> None:
    mapped, _findings = edges
    store = Store.scratch({mapped.iri: mapped.triples, uris.shared_graph(): mapped.shared})
    figures = [f"paragraph/1872/figure/{n}" for n in range(1, 11)]
    rates = [f"paragraph/1872/percentage/{n}" for n in range(1, 4)]
    reference = _same_through_pyshacl(store, mapped.iri, {YOY: figures, RATE: rates})
    assert _reported(reference, mapped.iri) == [
        ("R51-rate-yoy-anomaly-info", "paragraph/1872/percentage/3"),
        ("R51-yoy-anomaly-info", "paragraph/1872/figure/2"),
        ("R51-yoy-anomaly-info", "paragraph/1872/figure/4"),
    ]


@corpus
def test_fast_path_equals_pyshacl_on_corpus_documents(
        corpus_build: tuple[Store, dict[str, DocumentReport]], final_copy: tuple[Store, str]) -> None:
    """2023 万里: every reported figure, and the silent ones (6.12 执行数 0, 6.5 政府性基金 0万元 增加1421.25 — a
    negative previous amount —, the 一般公共预算 16497.86 增加1421.25, 8.6%; the 三公 持平); 2018 省检察院: the rates
    (reported, one below 50 %, and the 54.9 % stated with the 机关运行经费 change: that change's finding); the 决算
    with 年末结转和结余 printed 95.00 (R74 on its 支出决算表 合计 cell, and on cells it does not start from)."""
    store, reports = corpus_build
    wanli = reports[WANLI_2023].iri or ""
    figures = [row[1] for row in EXPECTED[WANLI_2023]] + [
        "paragraph/6.12/figure/2", "paragraph/6.5/figure/4", "paragraph/6.5/figure/2", "paragraph/29.3/figure/2"]
    reference = _same_through_pyshacl(store, wanli, {YOY: figures, RATE: ["paragraph/6.10/percentage/1"]})
    assert _reported(reference, wanli) == sorted((f"{YOY}-info", row[1]) for row in EXPECTED[WANLI_2023])

    procuratorate = reports[PROCURATORATE_2018].iri or ""
    rates = ["paragraph/24.17/percentage/1", "paragraph/26.24/percentage/1", "paragraph/24.10/percentage/1",
             "paragraph/29.20/percentage/1"]
    # 24.17: “…3,660.38 万元，…。与上年相比增加 1,341.22 万元，增长 57.83 %。”: the change's finding, its rate silent
    # 26.24: “…371.92 万元，与上年相比减少 1,649.26 万元，降幅 81.6 %”: likewise, the change in the same sentence
    reference = _same_through_pyshacl(store, procuratorate, {
        YOY: ["paragraph/24.17/figure/1", "paragraph/26.24/figure/1", "paragraph/29.20/figure/2"], RATE: rates})
    assert _reported(reference, procuratorate) == [
        ("R51-yoy-anomaly-info", "paragraph/24.17/figure/1"),
        ("R51-yoy-anomaly-info", "paragraph/26.24/figure/1"),
        ("R51-yoy-anomaly-info", "paragraph/29.20/figure/2"),
    ]

    final, document = final_copy
    _set_cell(final, document, "carryover-to-next-year", "95.00")
    f1 = "table/income-expenditure-summary/obs/line-item"
    cells = [F3_TOTAL, "table/fiscal-appropriation-summary/obs/line-item-expenditure-this-year-total/total",
             f"{f1}-carryover-from-previous-year/amount", "table/expenditure/obs/line-item-table-total/basic"]
    reference = _same_through_pyshacl(final, document, {GAP: cells})
    assert _reported(reference, document) == [(f"{GAP}-info", F3_TOTAL)]
