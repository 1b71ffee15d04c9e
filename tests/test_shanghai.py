"""The six Shanghai Putuo PDFs of the corpus (budgets 2023–2025, one 单位预算, one 部门决算): tables
recognised, amount cells mapped, the exact validation findings, and figures read off the PDFs
by a person (pdfplumber page text) and written here — not taken from this reader.

Every finding left is a fact about the document; the comment beside it says what on the page
makes it real. No table rule (groups A, B) keeps a Violation: the ones reported before were mapping
errors (see the comments of ``FINDINGS``). The text rules (groups C, D, F) find real errors in the
prose of the two 万里 budgets (``TEXT_MESSAGES``).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from budgetkg import uris
from budgetkg.pipeline import DocumentReport, build
from budgetkg.store import Store
from budgetkg.validate import document_graphs, validate_graph
from tests.conftest import CORPUS, process_edited
from tests.test_validate import _fast_results, _pyshacl_results, _retarget

SHANGHAI = sorted(CORPUS.glob("shanghai/*.pdf"))
pytestmark = pytest.mark.skipif(not SHANGHAI, reason=f"corpus not found at {CORPUS}")

WANLI_2023 = "2023_上海市普陀区万里街道办事处_部门预算.pdf"
WANLI_2024 = "2024_上海市普陀区万里街道办事处_部门预算.pdf"
WELFARE = "2024_上海市普陀区社会福利院_单位预算.pdf"
GOV_OFFICE = "上海市普陀区人民政府办公室25年预算.pdf"
COMMERCE = "上海市普陀区商务委员会25年预算.pdf"
FINAL = "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf"

#: file -> (tables recognised, tables, observations)
TABLES = {
    WANLI_2023: (14, 14, 638),  # 9 template tables + 5 财政项目支出绩效目标填报表 (text)
    WANLI_2024: (9, 9, 875),
    WELFARE: (9, 9, 185),  # the 财务收支预算总表 expenditure side split 合计 | 人员 | 公用 | 项目
    GOV_OFFICE: (9, 9, 221),
    COMMERCE: (9, 9, 287),
    FINAL: (10, 10, 308),  # + the 部门决算单位构成 list (institutions, text)
}

#: file -> findings by (rule, severity). Before: 万里 2024 had 2 R12 Violations (301 工资福利支出
#: 88,282,511 ≠ Σ 60,211,601: the PDF prints the 款 津贴补贴 and 绩效工资 as "2" and "7" — 30102,
#: 30107 — which were read as codes 3012, 3017) plus S07/S08 on those codes; the 决算 had an R01
#: Violation (本年收入合计 9746.50 ≠ 本年支出合计 9759.38: a 决算 balances at 总计 only, it prints
#: 年初结转和结余 112.88 and 年末结转和结余 100.00), S07/S08 on codes joined across its two-block
#: 基本支出 table, and, with the cross-table rules, R20/R22 Violations from its 收入决算表 column
#: 本年收入合计 taken for the 合计 including carry-overs.
FINDINGS: dict[str, Counter[tuple[str, str]]] = {
    WANLI_2023: Counter({
        ("R46-subject-amounts", "Violation"): 1,
        ("R50-change-components", "Violation"): 1,
        ("R50-growth-rate", "Violation"): 2,
        ("R51-direction", "Violation"): 1,
        ("R51-yoy-anomaly", "Info"): 15,
        ("R52-repeated", "Violation"): 1,
    }),
    WANLI_2024: Counter({
        ("R46-subject-amounts", "Violation"): 1,
        ("R50-growth-rate", "Violation"): 1,
        ("R51-yoy-anomaly", "Info"): 4,
        ("R52-repeated", "Violation"): 1,
    }),
    WELFARE: Counter({
        ("R46-subject-amounts", "Violation"): 2,
        ("R46-subject-path", "Warning"): 1,
        ("S10-national-class", "Violation"): 1,  # the PDF's “7 | 11 | 02”: see test_linking_corpus.py
    }),
    GOV_OFFICE: Counter(),
    COMMERCE: Counter({("R51-yoy-anomaly", "Info"): 2}),
    FINAL: Counter({
        ("R07-expenditure-columns", "Info"): 4,
        ("R08-table-total", "Info"): 2,
        ("R12-economic-hierarchy", "Info"): 1,
        ("R13-block-totals", "Info"): 1,
        ("R22-class-amounts", "Info"): 2,
        ("R26-general-budget-column", "Info"): 1,
        ("R41-text-split", "Violation"): 2,  # GENERAL_BASIC, PERSONNEL below
        ("R48-itemised-list", "Info"): 1,  # PROCUREMENT below
        ("R46-subject-amounts", "Info"): 1,  # HEALTH_CLASS below
        ("R46-subject-path", "Warning"): 4,
        ("R46-undescribed-item", "Warning"): 4,
        ("R51-template-leftover", "Warning"): 1,
        ("R53-percent-sign", "Warning"): 1,
        ("R70-share", "Info"): 1,
        ("R72-completion-rate", "Info"): 1,
        ("R72-zero-budget", "Warning"): 2,
    }),
}


def _yoy(focus: str, span: str, current: str, previous: str, basis: str, change: str,
         ratio: str) -> tuple[str, str, str]:
    """An R51-yoy-anomaly finding (Info, tests/test_anomalies.py): a stated year-on-year change of more than 50 %
    of the previous amount; ``basis`` says where the previous amount comes from."""
    return ("R51-yoy-anomaly", focus, f"“{span}”: current {current} 万元, previous {previous} 万元 ({basis}), change "
            f"{change} 万元: {ratio}% of the previous amount, more than 50 % (a year-on-year anomaly to review)")


def _yoy_item(focus: str, year: int, current: str, previous: str, change: str, ratio: str) -> tuple[str, str, str]:
    """R51-yoy-anomaly on a 项 paragraph of a Shanghai budget: “{year−1}年当年预算执行数为P万元，
    {year}年预算安排A万元”."""
    return _yoy(focus, f"{year}年预算安排{current}万元", current, previous,
                f"stated: “{year - 1}年当年预算执行数为{previous}万元”", change, ratio)


#: R46 on the 决算's 类 list (p.21 “卫生健康支出（类）236.63 万元”): F5 (p.14) prints 210 卫生健康支出 合计 236.64
#: (its 项 40.35 + 196.29), the 收入支出决算总表 (p.7) and 财政拨款收入支出决算总表 (p.12) 236.63 — checked on the page:
#: one unit of the last decimal, an Info (the four other 类 equal their F5 row: tests/test_subject_totals.py)
HEALTH_CLASS = ("R46-subject-amounts", "paragraph/21.10/figure/1",
                "text “卫生健康支出（类）236.63 万元”: 卫生健康支出（类） 236.63 万元 ≠ 一般公共预算财政拨款支出决算表 "
                "(210, total) 236.64 万元 (both rounded to the coarser precision; diff -0.01 in 万元, rounding "
                "envelope 0.01)")


#: R41 on the 决算's section 六 (p.24 “一般公共预算财政拨款基本支出 5377.64 万元。其中：人员经费 4896.98 万元，…
#: 公用经费 480.66 万元”): the 一般公共预算财政拨款基本支出决算表 (p.16, two blocks) prints 人员经费合计 4884.09
#: (301 4816.14 + 303 67.96) and 公用经费合计 480.66; the text's 5377.64 is the 基本支出 of all funds (支出决算表,
#: p.10), and its 人员经费 exceeds the table's by the same 12.89 万元 as 5377.64 exceeds F5's 基本支出 5364.75 (p.15)
#: — checked on the pages
GENERAL_BASIC = ("R41-text-split", "paragraph/24.14/figure/1",
                 "text “一般公共预算财政拨款基本支出 5377.64 万元”: 5377.64 万元 ≠ 一般公共预算财政拨款支出决算表 "
                 "(table-total, basic) 5364.75 万元 (both rounded to the coarser precision; diff 12.89 in 万元, "
                 "rounding envelope 0.01)")
#: R48 on the 决算's procurement (p.27 “…政府采购金额（以合同签订为准）为 2319.21 万元，其中：货物采购金额 122.43万元、
#: 工程采购金额 1387.72 万元、服务采购金额 809.07 万元”): the categories add up to 2319.22, 0.01 over — a rounding Info
PROCUREMENT = ("R48-itemised-list", "paragraph/27.19/figure/1",
               "“上海市普陀区规划和自然资源局 2024 年度政府采购金额（以合同签订为准）为 2319.21 万元”: 2319.21 万元 ≠ "
               "sum of its 3 items in the units written 2319.22 万元 (diff -0.01, rounding envelope 0.02; the items' "
               "numbers added as if in one unit: 2319.22)")
PERSONNEL = ("R41-text-split", "paragraph/24.15/figure/1",
             "text “人员经费 4896.98 万元”: 4896.98 万元 ≠ 一般公共预算财政拨款基本支出决算表 "
             "(personnel-expenses-total, "
             "amount) 4884.09 万元 (both rounded to the coarser precision; diff 12.89 in 万元, rounding envelope 0.01)")


#: The text rules' findings (groups C, D, F), by file, with the focus under the document IRI and the
#: message; each read off the page (pdfplumber text) by hand.
TEXT_MESSAGES: dict[str, set[tuple[str, str, str]]] = {
    WANLI_2023: {
        # p.6 item 3: “群众团体事务…一般行政管理事务（项）”45.41万元 … 2022年当年预算执行数为11.67万元，2023年预算安排
        # 45.41万元，比2022年预算执行数增加314.82%: (45.41 − 11.67) ÷ 11.67 = 289.12%
        ("R50-growth-rate", "paragraph/6.14/percentage/1",
         "“增加314.82%”: 314.82% ≠ 33.74 ÷ 11.67 = 289.1174% computed from “2023年预算安排45.41万元” "
         "(289.12% at the stated decimals; diff 25.7 percentage points, envelope 0.3146)"),
        # p.7 item 16: “…机关事业单位职业年金缴费支出（项）”220.63万元, but the paragraph says 2023年预算安排441.25万元
        # (item 15's 基本养老保险 figure) and 增加60.54% (item 15's rate: (441.25 − 274.85) ÷ 274.85)
        ("R50-growth-rate", "paragraph/7.23/percentage/1",
         "“增加60.54%”: 60.54% ≠ 308.66 ÷ 132.59 = 232.7928% computed from “2023年预算安排441.25万元” "
         "(232.79% at the stated decimals; diff -172.25 percentage points, envelope 0.1213)"),
        ("R52-repeated", "paragraph/7.23/figure/2",
         "“2023年预算安排441.25万元”: classification-subject 社会保障和就业支出（类）行政事业单位养老支出（款）"
         "机关事业单位职业年金缴费支出（项） is 441.25 万元 here but 220.63 万元 elsewhere in the text "
         "(2 statements; diff 220.62, rounding envelope 0.01)"),
        # the same 441.25 against p.21 一般公共预算支出功能分类预算表 208 05 06
        # 机关事业单位职业年金缴费支出 2,206,272 元
        ("R46-subject-amounts", "paragraph/7.23/figure/2",
         "text “2023年预算安排441.25万元”: 社会保障和就业支出（类）行政事业单位养老支出（款）"
         "机关事业单位职业年金缴费支出（项） 441.25 万元 ≠ 2023年部门一般公共预算支出功能分类预算表 "
         "(2080506, total) 2,206,272 元 "
         "(both rounded to the coarser precision; diff 220.62 in 万元, rounding envelope 0.01)"),
        # p.6: 政府性基金拨款支出预算0万元，比2022年预算增加1421.25万元 (the 一般公共预算 sentence's change copied)
        ("R51-direction", "paragraph/6.5/figure/4",
         "“比2022年预算增加1421.25万元”: current 0 万元, stated increase 1421.25 万元: the previous amount would be "
         "-1421.25 (negative: the direction or the amount is wrong; rounding envelope 0.005)"),
        # the same copied change seen from the 财政拨款支出 it is part of (p.6: "财政拨款支出预算16497.86万元，比2022年
        # 预算增加1421.25万元。财政拨款支出预算中，一般公共预算…增加1421.25万元；政府性基金…增加1421.25万元；国有资本
        # 经营…持平"): its funds' changes add up to 2842.5
        ("R50-change-components", "paragraph/6.4/figure/3",
         "“比2022年预算增加1421.25万元”: total change 1421.25 ≠ sum of its 3 component changes 2842.5 "
         "(diff -1421.25, rounding envelope 0.015)"),
        # pp.6–9, the 项 paragraphs: 上年执行数 → 预算安排 changing by more than 50 % (R51-yoy-anomaly, Info); not
        # reported: p.6 items with 执行数 0 (6.12 0 → 60.13, 8.2 0 → 0.31: no ratio) and the 0万元 of 6.5 above
        # (its previous amount would be negative: R51-direction's). 7.23 is the 441.25 copied from 7.20 (R52, R46)
        _yoy_item("paragraph/6.10/figure/1", 2023, "2.63", "1.48", "1.15", "77.7027"),
        _yoy_item("paragraph/6.14/figure/2", 2023, "45.41", "11.67", "33.74", "289.1174"),
        _yoy_item("paragraph/7.11/figure/1", 2023, "20.00", "12.04", "7.96", "66.113"),
        _yoy_item("paragraph/7.13/figure/2", 2023, "21.50", "14.00", "7.5", "53.5714"),
        _yoy_item("paragraph/7.15/figure/2", 2023, "17.72", "8.61", "9.11", "105.8072"),
        _yoy_item("paragraph/7.18/figure/2", 2023, "5.21", "1.79", "3.42", "191.0615"),
        _yoy_item("paragraph/7.2/figure/2", 2023, "14.62", "4.17", "10.45", "250.5995"),
        _yoy_item("paragraph/7.20/figure/2", 2023, "441.25", "274.85", "166.4", "60.5421"),
        _yoy_item("paragraph/7.23/figure/2", 2023, "441.25", "132.59", "308.66", "232.7928"),
        _yoy_item("paragraph/8.10/figure/2", 2023, "30.00", "5.00", "25", "500"),
        _yoy_item("paragraph/8.12/figure/2", 2023, "1331.27", "692.63", "638.64", "92.2051"),
        _yoy_item("paragraph/8.17/figure/2", 2023, "144.55", "75.95", "68.6", "90.3226"),
        _yoy_item("paragraph/8.23/figure/2", 2023, "1822.95", "1096.67", "726.28", "66.2259"),
        _yoy_item("paragraph/9.13/figure/2", 2023, "1450.00", "3853.06", "-2403.06", "-62.3676"),
        _yoy_item("paragraph/9.8/figure/2", 2023, "775.00", "1576.05", "-801.05", "-50.8264"),
    },
    WANLI_2024: {
        # p.9 item 31: “…住房公积金（项）”350.35万元 … 2023年当年预算执行数为348.52万元，2024年预算安排352.67万元
        # (the 2023 budget's figure), 增加0.53% ((350.35 − 348.52) ÷ 348.52 = 0.53%: the rate fits 350.35)
        ("R50-growth-rate", "paragraph/9.19/percentage/1",
         "“增加0.53%”: 0.53% ≠ 4.15 ÷ 348.52 = 1.1907% computed from “2024年预算安排352.67万元” "
         "(1.19% at the stated decimals; diff -0.66 percentage points, envelope 0.1079)"),
        ("R52-repeated", "paragraph/9.19/figure/2",
         "“2024年预算安排352.67万元”: classification-subject 住房保障支出（类）住房改革支出（款）住房公积金（项） "
         "is 352.67 万元 here but 350.35 万元 elsewhere in the text (2 statements; diff 2.32, rounding envelope 0.01)"),
        # the same 352.67 against p.26 一般公共预算支出功能分类预算表 221 02 01 住房公积金 3,503,499 元 (350.35 万元)
        ("R46-subject-amounts", "paragraph/9.19/figure/2",
         "text “2024年预算安排352.67万元”: 住房保障支出（类）住房改革支出（款）住房公积金（项） 352.67 万元 ≠ "
         "2024年部门一般公共预算支出功能分类预算表 (2210201, total) 3,503,499 元 "
         "(both rounded to the coarser precision; diff 2.32 in 万元, rounding envelope 0.01)"),
        # p.32: 2024年“三公”经费预算数为47.91万元，比2023年预算增加25万元 (the 2023 table: 22.91),
        # （二）公务用车购置及运行费46.56万元，比2023年预算增加25万元; not reported: 公务用车购置费25万元，
        # 比2023年预算增加25万元 (previous 0)
        _yoy("paragraph/32.3/figure/2", "比2023年预算增加25万元", "47.91", "22.91", "current − change", "25",
             "109.1227"),
        _yoy("paragraph/32.5/figure/2", "比2023年预算增加25万元", "46.56", "21.56", "current − change", "25",
             "115.9555"),
        # p.6–7 项 paragraphs; not reported: 7.6 (2023年当年预算执行数为0.00万元)
        _yoy_item("paragraph/6.10/figure/2", 2024, "25.77", "60.13", "-34.36", "-57.1429"),
        _yoy_item("paragraph/7.2/figure/1", 2024, "30.00", "15.00", "15", "100"),
    },
    # p.7: 支出预算37,151.47万元，其中：财政拨款支出预算37,151.47万元，比2024年预算增加24,491.71万元 and the
    # 一般公共预算拨款 sentence after it (the same change, stated twice)
    COMMERCE: {
        _yoy("paragraph/7.4/figure/3", "比2024年预算增加24,491.71万元", "37,151.47", "12659.76", "current − change",
             "24491.71", "193.4611"),
        _yoy("paragraph/7.5/figure/2", "比2024年预算增加24,491.71万元", "37,151.47", "12659.76", "current − change",
             "24491.71", "193.4611"),
    },
    WELFARE: {
        # p.6 item 4: “社会保障和就业支出（类）社会福利（款）社会福利事业单位（项）”738.66万元 …
        # 2024年预算安排738.66万元, but p.11 一般公共预算支出功能分类预算表 prints 208 10 05 社会福利事业单位
        # 6,964,796 元 (696.48 万元; the 支出预算总表 p.9 prints 9,584,796 with 事业收入): no table has 738.66
        ("R46-subject-amounts", "paragraph/6.18/figure/1",
         "text ““社会保障和就业支出（类）社会福利（款）社会福利事业单位（项）”738.66万元”: "
         "社会保障和就业支出（类）社会福利（款）社会福利事业单位（项） 738.66 万元 ≠ "
         "2024年预算单位一般公共预算支出功能分类预算表 (2081005, total) 6,964,796 元 "
         "(both rounded to the coarser precision; diff 42.18 in 万元, rounding envelope 0.01)"),
        ("R46-subject-amounts", "paragraph/6.19/figure/2",
         "text “2024年预算安排738.66万元”: 社会保障和就业支出（类）社会福利（款）社会福利事业单位（项） 738.66 万元 ≠ "
         "2024年预算单位一般公共预算支出功能分类预算表 (2081005, total) 6,964,796 元 "
         "(both rounded to the coarser precision; diff 42.18 in 万元, rounding envelope 0.01)"),
        # p.6 item 5 names 210 by its former name 医疗卫生与计划生育支出; p.11 prints 210 卫生健康支出
        ("R46-subject-path", "paragraph/6.20/figure/1",
         "text ““医疗卫生与计划生育支出（类）行政事业单位医疗（款）事业单位医疗（项）”50.37万元”: the path "
         "“医疗卫生与计划生育支出（类）行政事业单位医疗（款）事业单位医疗（项）” matches no table row by name: "
         "2024年预算单位一般公共预算支出功能分类预算表 has no class (类) named “医疗卫生与计划生育支出”"),
    },
    FINAL: {
        HEALTH_CLASS,
        GENERAL_BASIC,
        PERSONNEL,
        PROCUREMENT,
        # p.22 item 5 …（款）机关事业单位退休人员活动费支出（项）, p.24 items 11–13
        # 其他国土资源事务支出（项） and 住房保障支出（款）住房公积金 / 购房补贴: p.14–15 一般公共预算财政拨款支出决算表
        # prints 2080599 其他行政事业单位养老支出 0.88, 2200199 其他自然资源事务支出 45.00, and 221 住房保障支出 >
        # 22102 住房改革支出 > 2210201 住房公积金 289.59, 2210203 购房补贴 171.49: the four paths name no row,
        # and those four 项 rows are described by no path
        ("R46-subject-path", "paragraph/22.17/figure/1",
         "text “年初预算为 0.88 万元”: the path “社会保障和就业支出（类）行政事业单位养老支出（款）"
         "机关事业单位退休人员活动费支出（项）” matches no table row by name: 一般公共预算财政拨款支出决算表 "
         "has no item (项) named “机关事业单位退休人员活动费支出” under 20805 行政事业单位养老支出"),
        ("R46-subject-path", "paragraph/24.10/figure/1",
         "text “年初预算为 171.49 万元”: the path “住房保障支出（类）住房保障支出（款）购房补贴（项）” "
         "matches no table row by name: 一般公共预算财政拨款支出决算表 has no section (款) named “住房保障支出” "
         "under 221 住房保障支出"),
        ("R46-subject-path", "paragraph/24.3/figure/1",
         "text “年初预算为 45.00 万元”: the path “自然资源海洋气象等支出（类）自然资源事务（款）"
         "其他国土资源事务支出（项）” matches no table row by name: 一般公共预算财政拨款支出决算表 "
         "has no item (项) named “其他国土资源事务支出” under 22001 自然资源事务"),
        ("R46-subject-path", "paragraph/24.7/figure/1",
         "text “年初预算为289.59万元”: the path “住房保障支出（类）住房保障支出（款）住房公积金（项）” "
         "matches no table row by name: 一般公共预算财政拨款支出决算表 has no section (款) named “住房保障支出” "
         "under 221 住房保障支出"),
        ("R46-undescribed-item", "table/general-public-budget-expenditure/obs/functional-2080599/total",
         "一般公共预算财政拨款支出决算表 row 9, 2080599 其他行政事业单位养老支出 0.88 万元: "
         "no paragraph of the text describes this item (项)"),
        ("R46-undescribed-item", "table/general-public-budget-expenditure/obs/functional-2200199/total",
         "一般公共预算财政拨款支出决算表 row 22, 2200199 其他自然资源事务支出 45.00 万元: "
         "no paragraph of the text describes this item (项)"),
        ("R46-undescribed-item", "table/general-public-budget-expenditure/obs/functional-2210201/total",
         "一般公共预算财政拨款支出决算表 row 25, 2210201 住房公积金 289.59 万元: "
         "no paragraph of the text describes this item (项)"),
        ("R46-undescribed-item", "table/general-public-budget-expenditure/obs/functional-2210203/total",
         "一般公共预算财政拨款支出决算表 row 26, 2210203 购房补贴 171.49 万元: "
         "no paragraph of the text describes this item (项)"),
        # p.25: …决算数比 2023 年度减少 0.15 万元，下降（增长）27.78%
        ("R51-template-leftover", "paragraph/25.12",
         "leftover template text “下降（增长）” in the paragraph: the direction is not stated"),
        # p.21: 一般公共预算财政拨款支出增加1193.20 万元，增长 13.95。
        ("R53-percent-sign", "paragraph/21.4/percentage/1", "“增长 13.95”: the percentage 13.95 has no percent sign"),
        # p.21: 一般公共预算财政拨款支出 9746.50 万元，占本年支出合计的 99.86%; p.7 收入支出决算总表 本年支出合计
        # 9759.38: 99.868… truncated (the other shares — p.20 财政拨款收入 100.00%, 基本 55.10%, 项目 44.90%, p.25 三公
        # 公务用车 0.00% and 公务接待费 100.00% of 合计决算数 0.39 — are the exact shares rounded: silent)
        ("R70-share", "paragraph/21.3/percentage/1",
         "“占本年支出合计的 99.86%”: 99.86% ≠ 9746.50 万元 (“一般公共预算财政拨款支出 9746.50 万元”) ÷ "
         "本年支出合计 (total expenditure of the year) 9759.38 万元 (收入支出决算总表) = 99.868% "
         "(99.87% at the stated decimals; diff -0.01 percentage points, envelope 0.1001; "
         "total fixed by “占本年支出合计的”)"),
        # p.21: 年初预算为 10210.34 万元，支出决算为 9746.50 万元，完成年初预算的 95.45%: 95.4572… truncated
        ("R72-completion-rate", "paragraph/21.15/percentage/1",
         "“完成年初预算的 95.45%”: 95.45% ≠ final 9746.5 ÷ initial budget 10210.34 (说明文字) = 95.4572% "
         "(95.46% at the stated decimals; diff -0.01 percentage points, envelope 0.1051)"),
        # p.25: 因公出国（境）费决算为 0.00 万元，完成预算的 0.00%；公务用车…决算为 0.00 万元，完成预算的 0.00%;
        # the 三公 决算表 (p.17) prints 预算数 0.00 for both
        ("R72-zero-budget", "paragraph/25.6/percentage/1",
         "“完成预算的 0.00%”: the initial budget is 0.00 (财政拨款“三公”经费支出决算表): "
         "no completion rate can be computed"),
        ("R72-zero-budget", "paragraph/25.7/percentage/1",
         "“完成预算的 0.00%”: the initial budget is 0.00 (财政拨款“三公”经费支出决算表): "
         "no completion rate can be computed"),
    },
}
TEXT_GROUPS = ("C", "D", "F")
TEXT_RULES = ("R4", "R5", "R7")

#: The 决算's findings, every one a rounding difference printed on the page (messages in English).
FINAL_MESSAGES = {
    # p.14 一般公共预算财政拨款支出决算表: 212 合计 3832.36, 基本 1572.70 + 项目 2259.65 = 3832.35
    "212 城乡社区支出: total 3832.36 ≠ Σ expenditure columns 3832.35 (diff 0.01, 2 terms, rounding envelope 0.015)",
    # 21201 and 2120101: 1092.80 printed, 1084.02 + 8.77 = 1092.79
    "21201 城乡社区管理事务: total 1092.80 ≠ Σ expenditure columns 1092.79 "
    "(diff 0.01, 2 terms, rounding envelope 0.015)",
    "2120101 行政运行: total 1092.80 ≠ Σ expenditure columns 1092.79 (diff 0.01, 2 terms, rounding envelope 0.015)",
    # p.15 合计 9746.50, 5364.75 + 4381.74 = 9746.49
    "table-total 合计: total 9746.50 ≠ Σ expenditure columns 9746.49 (diff 0.01, 2 terms, rounding envelope 0.015)",
    # p.12–13 财政拨款收入支出决算总表: 本年支出合计 9746.50, classes 754.75 + 236.63 + 3832.36 + 4461.67 + 461.08
    "expenditure-this-year-total [total]: 9746.50 ≠ Σ classes 9746.49 (diff 0.01, 5 terms, rounding envelope 0.03)",
    "expenditure-this-year-total [general-public-budget]: 9746.50 ≠ Σ classes 9746.49 "
    "(diff 0.01, 5 terms, rounding envelope 0.03)",
    # p.16 基本支出决算表: 302 商品和服务支出 440.90, its 27 款 add up to 440.88
    "302 商品和服务支出 [amount]: 440.90 ≠ Σ children 440.88 (diff 0.02, 27 terms, rounding envelope 0.14)",
    # p.16, its footer: 人员经费合计 4884.09, 301 工资福利支出 4816.14 + 303 对个人和家庭的补助 67.96 = 4884.10
    "personnel-expenses-total 人员经费合计 [amount]: 4884.09 ≠ the sum of its classes 4884.1 (diff -0.01, 2 terms, "
    "rounding envelope 0.015)",
}


@pytest.fixture(scope="module")
def shanghai(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, dict[str, DocumentReport]]:
    store = Store(tmp_path_factory.mktemp("shanghai") / "store")
    reports = build(store, SHANGHAI)
    return store, {Path(r.file).name: r for r in reports}


def test_every_shanghai_pdf_is_listed() -> None:
    assert {p.name for p in SHANGHAI} == set(TABLES)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_tables_and_observations(name: str, shanghai: tuple[Store, dict[str, DocumentReport]]) -> None:
    report = shanghai[1][name]
    assert report.error is None
    recognised = sum(1 for t in report.tables if t.kind)
    assert (recognised, len(report.tables), report.observations) == TABLES[name]
    # nothing left unmapped: the only issues are where the identity was found, and that the units
    # (单位) listed are linked by name (no unit code is printed)
    assert {i.code for i in report.issues} <= {"year-from-title", "department-from-cover", "reloaded", "replaced",
                                               "units-by-name", "unit-parent-not-printed", "unit-parent-by-name"}


def _findings(store: Store, document: str) -> list[tuple[str, str, str]]:
    query = f"""
        PREFIX sh: <http://www.w3.org/ns/shacl#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?rule ?severity ?message WHERE {{ GRAPH <{uris.validation_graph(document)}> {{
            ?r a sh:ValidationResult ; dcterms:identifier ?rule ; sh:resultSeverity ?severity .
            OPTIONAL {{ ?r sh:resultMessage ?message FILTER(LANG(?message) = "en") }} }} }}"""
    return [(s["rule"].value, s["severity"].value.rsplit("#", 1)[-1], s["message"].value if s["message"] else "")
            for s in store.ox.query(query)]


@pytest.mark.parametrize("name", sorted(FINDINGS))
def test_findings_by_rule_and_severity(name: str, shanghai: tuple[Store, dict[str, DocumentReport]]) -> None:
    store, reports = shanghai
    found = _findings(store, reports[name].iri or "")
    assert Counter((rule, severity) for rule, severity, _ in found) == FINDINGS[name]
    # no table rule keeps a Violation (S10: a code the PDF misprints); the text rules' findings are exactly these
    assert not [f for f in found if f[1] == "Violation" and not f[0].startswith((*TEXT_RULES, "S10-"))]
    iri = reports[name].iri or ""
    text = {(f.rule, f.focus.removeprefix(iri + "/"), f.message)
            for f in validate_graph(store, iri) if f.rule.startswith(TEXT_RULES)}
    assert text == TEXT_MESSAGES.get(name, set())


def test_final_account_findings_are_the_printed_rounding_differences(
        shanghai: tuple[Store, dict[str, DocumentReport]]) -> None:
    store, reports = shanghai
    messages = {m for r, _, m in _findings(store, reports[FINAL].iri or "") if not r.startswith(TEXT_RULES)}
    assert messages >= FINAL_MESSAGES
    # R22 (收支总表 class vs 支出决算表 class) and R26: 210 236.63 vs 236.64, 212 3845.25 vs 3845.24
    rest = sorted(m for m in messages - FINAL_MESSAGES)
    assert len(rest) == 3
    assert any("236.63" in m and "236.64" in m for m in rest)
    assert any("3845.25" in m and "3845.24" in m for m in rest)


# -- figures read off the PDFs --------------------------------------------------------------

#: (file, table kind, classification (scheme, code), breakdown, phase) -> value as printed
FIGURES = [
    # 2023 万里 p.: 三公 table (万元): 合计 22.91, 公务接待费 1.35; 机关运行经费 786.09
    (WANLI_2023, "three-public-expenditure", ("line-item", "three-public-total"), "amount", "approved", "22.91"),
    (WANLI_2023, "three-public-expenditure", ("line-item", "official-reception"), "amount", "approved", "1.35"),
    (WANLI_2023, "three-public-expenditure", ("line-item", "institution-operation-expenses"), "amount", "approved",
     "786.09"),
    (WANLI_2023, "general-public-budget-basic-expenditure", ("economic", "301"), "total", "approved", "83,847,385"),
    # 2024 万里 p.29: 款 printed "2" and "7" under 301: 30102 津贴补贴, 30107 绩效工资
    (WANLI_2024, "general-public-budget-basic-expenditure", ("economic", "30102"), "total", "approved", "16,623,810"),
    (WANLI_2024, "general-public-budget-basic-expenditure", ("economic", "30107"), "personnel", "approved",
     "11,447,100"),
    (WANLI_2024, "general-public-budget-basic-expenditure", ("economic", "301"), "total", "approved", "88,282,511"),
    (WANLI_2024, "three-public-expenditure", ("line-item", "three-public-total"), "amount", "approved", "47.91"),
    # 社会福利院 p.7 财务收支预算总表: 二、社会保障和就业支出 11,281,624 = 6,540,674 + 2,120,950 + 2,620,000;
    # p.10 三、医疗卫生与计划生育支出 (former name of 210) 503,724
    (WELFARE, "income-expenditure-summary", ("functional", "208"), "personnel", "approved", "6,540,674"),
    (WELFARE, "income-expenditure-summary", ("functional", "208"), "public", "approved", "2,120,950"),
    (WELFARE, "income-expenditure-summary", ("functional", "208"), "project", "approved", "2,620,000"),
    (WELFARE, "fiscal-appropriation-summary", ("functional", "210"), "total", "approved", "503,724"),
    (WELFARE, "three-public-expenditure", ("line-item", "three-public-total"), "amount", "approved", "6.4"),
    # 区政府办公室 p.20: 867.50 = 因公出国(境)费 839.00 + 公务接待费 28.50; 机关运行经费 213.28
    (GOV_OFFICE, "three-public-expenditure", ("line-item", "three-public-total"), "amount", "approved", "867.50"),
    (GOV_OFFICE, "three-public-expenditure", ("line-item", "outbound-travel"), "amount", "approved", "839.00"),
    (GOV_OFFICE, "three-public-expenditure", ("line-item", "institution-operation-expenses"), "amount", "approved",
     "213.28"),
    # 商务委 p.22 经济分类: 301 工资福利支出 16,671,057.00, 30102 津贴补贴 7,533,376.00; 三公 1.00, 机关运行 171.01
    (COMMERCE, "general-public-budget-basic-expenditure", ("economic", "301"), "total", "approved", "16,671,057.00"),
    (COMMERCE, "general-public-budget-basic-expenditure", ("economic", "30102"), "personnel", "approved",
     "7,533,376.00"),
    (COMMERCE, "three-public-expenditure", ("line-item", "three-public-total"), "amount", "approved", "1.00"),
    (COMMERCE, "three-public-expenditure", ("line-item", "institution-operation-expenses"), "amount", "approved",
     "171.01"),
    # 决算 p.17 三公: 合计 预算数 2.85 | 决算数 0.39; 公务接待费 预算数 2.85 | 决算数 0.39
    (FINAL, "three-public-expenditure", ("line-item", "three-public-total"), "amount", "approved", "2.85"),
    (FINAL, "three-public-expenditure", ("line-item", "three-public-total"), "amount", "executed", "0.39"),
    (FINAL, "three-public-expenditure", ("line-item", "official-reception"), "amount", "approved", "2.85"),
    (FINAL, "three-public-expenditure", ("line-item", "official-reception"), "amount", "executed", "0.39"),
    # p.7 收入支出决算总表: 年初结转和结余 112.88, 年末结转和结余 100.00, 一般公共预算财政拨款收入 9746.50
    (FINAL, "income-expenditure-summary", ("line-item", "carryover-from-previous-year"), "amount", "executed",
     "112.88"),
    (FINAL, "income-expenditure-summary", ("line-item", "carryover-to-next-year"), "amount", "executed", "100.00"),
    (FINAL, "income-expenditure-summary", ("line-item", "general-public-budget-appropriation"), "amount", "executed",
     "9746.50"),
    # p.16 基本支出决算表, two blocks: 30217 公务接待费 0.39 (right block); footer 人员经费合计 4884.09 | 公用 480.66
    (FINAL, "general-public-budget-basic-expenditure", ("economic", "30217"), "amount", "executed", "0.39"),
    (FINAL, "general-public-budget-basic-expenditure", ("economic", "30113"), "amount", "executed", "289.59"),
    (FINAL, "general-public-budget-basic-expenditure", ("line-item", "personnel-expenses-total"), "amount",
     "executed", "4884.09"),
    (FINAL, "general-public-budget-basic-expenditure", ("line-item", "public-expenses-total"), "amount", "executed",
     "480.66"),
    # p.8 收入决算表: 本年收入合计 (this year's income, no carry-over column) 合计 row 9746.50
    (FINAL, "income", ("line-item", "table-total"), "income-subtotal", "executed", "9746.50"),
]


@pytest.mark.parametrize(("name", "kind", "cls", "breakdown", "phase", "printed"), FIGURES,
                         ids=[f"{f[0][:12]}-{f[1]}-{f[2][1]}-{f[3]}-{f[4]}" for f in FIGURES])
def test_figure_read_off_the_pdf(name: str, kind: str, cls: tuple[str, str], breakdown: str, phase: str,
                                 printed: str, shanghai: tuple[Store, dict[str, DocumentReport]]) -> None:
    store, reports = shanghai
    query = f"""
        PREFIX bkg: <{uris.vocab()}>
        PREFIX qb: <http://purl.org/linked-data/cube#>
        SELECT ?value WHERE {{ GRAPH <{reports[name].iri}> {{
            ?obs qb:dataSet ?ds ; bkg:classification <{uris.concept(*cls)}> ;
                 bkg:breakdown <{uris.concept("breakdown", breakdown)}> ;
                 bkg:budgetPhase <{uris.OBEU_PHASE + phase}> ; bkg:printedValue ?value .
            ?ds bkg:tableKind <{uris.concept("table-kind", kind)}> }} }}"""
    assert [s["value"].value for s in store.ox.query(query)] == [printed]


def test_performance_target_forms_are_named_by_their_project(
        shanghai: tuple[Store, dict[str, DocumentReport]]) -> None:
    store, reports = shanghai
    iri = reports[WANLI_2023].iri
    query = f"""
        PREFIX bkg: <{uris.vocab()}>
        SELECT ?ds WHERE {{ GRAPH <{iri}> {{
            ?ds bkg:tableKind <{uris.concept("table-kind", "performance-targets")}> }} }}"""
    datasets = sorted(s["ds"].value for s in store.ox.query(query))
    assert len(datasets) == 5
    assert uris.dataset(iri or "", "performance-targets", "新建万里街道社区公共服务中心") in datasets
    assert uris.dataset(iri or "", "performance-targets", "就业援助基地补贴") in datasets


def test_performance_targets_per_document(shanghai: tuple[Store, dict[str, DocumentReport]]) -> None:
    """Only the 2023 万里 budget prints target tables (pp.31–35, five 填报表: 5 + 4 + 4 + 43 + 9 rows);
    the other files say 详见单位的项目绩效目标表 or give counts (编报绩效目标的项目50个) in prose only."""
    store, reports = shanghai
    counts: dict[str, int] = {}
    for name, report in reports.items():
        q = f"""PREFIX bkg: <{uris.vocab()}>
            SELECT (COUNT(?t) AS ?n) WHERE {{ GRAPH <{report.iri}> {{ ?t a bkg:PerformanceTarget }} }}"""
        counts[name] = int(next(iter(store.ox.query(q)))["n"].value)
    assert counts == {name: 65 if name == WANLI_2023 else 0 for name in TABLES}


# -- group F rules on an altered copy of the 决算 --------------------------------------------


def _altered_final(store: Store, updates: str) -> Store:
    scratch = Store()
    scratch.ox.bulk_extend(store.ox.quads_for_pattern(None, None, None, None))
    scratch.ox.update(updates)
    return scratch


def test_final_account_rules_on_altered_statements(shanghai: tuple[Store, dict[str, DocumentReport]]) -> None:
    """R71, R72 and R73 fire on altered statements of the 决算's text, with their numbers: the 三公 决算
    stated as 0.49 (the table's 决算数 is 0.39), its 年初预算 as 2.95 (预算数 2.85), and the comparison of
    行政运行 (年初预算 1115.48, 决算 1092.80) stated as 持平."""
    store, reports = shanghai
    iri = reports[FINAL].iri or ""
    bkg = uris.vocab()
    final_3p = "paragraph/25.5/figure/1"  # 支出决算为 0.39 万元 (“三公”经费)
    initial_3p = "paragraph/25.4/figure/1"  # “三公”经费财政拨款支出年初预算为 2.85 万元
    admin = f"{iri}/paragraph/23.8/figure/2"  # 行政运行（项）: 支出决算为 1092.80 万元

    scratch = _altered_final(store, f"""
        {_restate(iri, final_3p, "0.49")}
        {_restate(iri, initial_3p, "2.95")}
        DELETE {{ GRAPH <{iri}> {{ <{admin}> <{bkg}statedComparison> ?c }} }}
        INSERT {{ GRAPH <{iri}> {{ <{admin}> <{bkg}statedComparison> <{uris.concept("change-direction", "flat")}> }} }}
        WHERE {{ GRAPH <{iri}> {{ <{admin}> <{bkg}statedComparison> ?c }} }}""")
    got = sorted((f.rule, f.severity, f.focus.removeprefix(iri + "/"), f.message)
                 for f in validate_graph(scratch, iri) if f.rule.startswith(("R71", "R72-completion", "R73")))
    table = "财政拨款“三公”经费支出决算表"
    assert got == [
        ("R71-final-vs-budget", "Violation", "paragraph/23.8/figure/2",
         "“支出决算为 1092.80 万元”: initial budget 1115.48, final 1092.80: the text says the final is flat against "
         "the budget, the figures give decrease"),
        # 0.39 ÷ 2.85 = 13.68% as stated; with 0.49 ÷ 2.95 = 16.61%
        ("R72-completion-rate", "Info", "paragraph/21.15/percentage/1",
         "“完成年初预算的 95.45%”: 95.45% ≠ final 9746.5 ÷ initial budget 10210.34 (说明文字) = 95.4572% "
         "(95.46% at the stated decimals; diff -0.01 percentage points, envelope 0.1051)"),
        ("R72-completion-rate", "Violation", "paragraph/25.5/percentage/1",
         "“完成预算的 13.68%”: 13.68% ≠ final 0.49 ÷ initial budget 2.95 (说明文字) = 16.6102% "
         "(16.61% at the stated decimals; diff -2.93 percentage points, envelope 0.3026)"),
        # the span keeps the text as printed (2.85); the altered figure is 2.95
        ("R73-three-public-final", "Violation", "paragraph/25.4/figure/1",
         f"text ““三公”经费财政拨款支出年初预算为 2.85 万元”: 2.95 万元 ≠ {table} "
         "(three-public-total, 预算数) 2.85 万元 "
         "(both rounded to the coarser precision; diff 0.1 in 万元, rounding envelope 0.01)"),
        ("R73-three-public-final", "Violation", "paragraph/25.5/figure/1",
         f"text “支出决算为 0.39 万元”: 0.49 万元 ≠ {table} (three-public-total, 决算数) 0.39 万元 "
         "(both rounded to the coarser precision; diff 0.1 in 万元, rounding envelope 0.01)"),
    ]


#: 决算 p.20: 本年支出合计 9759.38 万元，其中：基本支出 5377.64 万元，占 55.10%；项目支出 4381.74 万元，占 44.90%;
#: p.21: 一般公共预算财政拨款支出 9746.50 万元，占本年支出合计的 99.86%; p.25: 公务接待费支出决算 0.39 万元，占100.00%
BASIC_SHARE = "paragraph/20.14/percentage/1"
FISCAL_SHARE = "paragraph/21.3/percentage/1"
RECEPTION_SHARE = "paragraph/25.21/percentage/1"


def _replace(iri: str, local: str, values: dict[str, str]) -> str:
    """A SPARQL update giving ``<iri>/local`` new values (SPARQL terms) of the given ``bkg:`` properties."""
    bkg = uris.vocab()
    node = f"<{iri}/{local}>"
    old = f"{node} " + " ; ".join(f"<{bkg}{p}> ?old{i}" for i, p in enumerate(values))
    new = f"{node} " + " ; ".join(f"<{bkg}{p}> {v}" for p, v in values.items())
    return (f"DELETE {{ GRAPH <{iri}> {{ {old} }} }} INSERT {{ GRAPH <{iri}> {{ {new} }} }}"
            f" WHERE {{ GRAPH <{iri}> {{ {old} }} }} ;")


def _restate_percent(iri: str, percentage: str, value: str) -> str:
    """A SPARQL update stating ``percentage`` (under the document IRI) as ``value`` % (its span stays as printed)."""
    return _replace(iri, percentage, {"statedPercent": value, "printedAmount": f'"{value}"'})


def test_shares_on_altered_statements(shanghai: tuple[Store, dict[str, DocumentReport]]) -> None:
    """R70 recomputes a share from its figure and the 决算 table's fixed total: 基本支出 stated as 56.10% of
    本年支出合计 (5377.64 ÷ 9759.38 = 55.10%) and 公务接待费 as 96.00% of the 三公 合计决算数 (0.39 ÷ 0.39) are
    Violations, and the 基本 / 项目 list now adds up to 101% (R70-share-list); the unaltered 99.86% stays Info.
    Without the 收入支出决算总表's 本年支出合计 row, the 支出决算表's 合计 row is the total."""
    store, reports = shanghai
    iri = reports[FINAL].iri or ""
    altered = _restate_percent(iri, BASIC_SHARE, "56.10") + _restate_percent(iri, RECEPTION_SHARE, "96.00")
    scratch = _altered_final(store, altered)
    got = sorted((f.rule, f.severity, f.focus.removeprefix(iri + "/"), f.message)
                 for f in validate_graph(scratch, iri) if f.rule.startswith("R70"))

    def basic(table: str) -> tuple[str, str, str, str]:
        return ("R70-share", "Violation", BASIC_SHARE,
                "“占 55.10%”: 56.10% ≠ 5377.64 万元 (“基本支出 5377.64 万元”) ÷ 本年支出合计 (total expenditure of the "
                f"year) 9759.38 万元 ({table}) = 55.1023% (55.1% at the stated decimals; diff 1 percentage points, "
                "envelope 0.1001; total fixed by “本年支出合计9759.38万元”)")

    def fiscal(table: str) -> tuple[str, str, str, str]:
        return ("R70-share", "Info", FISCAL_SHARE,
                "“占本年支出合计的 99.86%”: 99.86% ≠ 9746.50 万元 (“一般公共预算财政拨款支出 9746.50 万元”) ÷ "
                f"本年支出合计 (total expenditure of the year) 9759.38 万元 ({table}) = 99.868% "
                "(99.87% at the stated decimals; diff -0.01 percentage points, envelope 0.1001; "
                "total fixed by “占本年支出合计的”)")

    # 0.39 万元 ÷ 0.39 万元: each printed to ±0.005, so the share may be anywhere in 97.4–102.6% (envelope 2.66)
    reception = ("R70-share", "Violation", RECEPTION_SHARE,
                 "“占100.00%”: 96.00% ≠ 0.39 万元 (“公务接待费支出决算 0.39 万元”) ÷ “三公”经费合计决算数 "
                 "(three public expenses, total final) 0.39 万元 (财政拨款“三公”经费支出决算表) = 100% "
                 "(100% at the stated decimals; diff -4 percentage points, envelope 2.6641; "
                 "total fixed by “七、财政拨款“三公”经费支出决算情况说明 "
                 "（二）“三公”经费财政拨款支出决算具体情况说明。”)")
    listed = ("R70-share-list", "Violation", BASIC_SHARE,
              "“本年支出合计 9759.38 万元，其中：基本支出 5377.64 万元，占 55.10%；项目支出 4381.74 万元，"
              "占 44.90%。”: the 2 shares of 本年支出合计 (total expenditure of the year) listed add up to 101%, "
              "more than 100.1%")
    assert got == [fiscal("收入支出决算总表"), basic("收入支出决算总表"), reception, listed]
    # the 收入支出决算总表 without its 本年支出合计 row: the 支出决算表 (p.10) 合计 row, 合计 column 9759.38
    f1 = uris.dataset(iri, "income-expenditure-summary")
    row = uris.concept("line-item", "expenditure-this-year-total")
    scratch.ox.update(f"""DELETE {{ GRAPH <{iri}> {{ ?o ?p ?v }} }} WHERE {{ GRAPH <{iri}> {{
        ?o <http://purl.org/linked-data/cube#dataSet> <{f1}> ; <{uris.vocab()}classification> <{row}> ; ?p ?v }} }}""")
    got = sorted((f.rule, f.severity, f.focus.removeprefix(iri + "/"), f.message)
                 for f in validate_graph(scratch, iri) if f.rule.startswith("R70"))
    assert got == [fiscal("支出决算表"), basic("支出决算表"), reception, listed]
    # what R70 reads: the share's figure, its fixed total and the text fixing it, and its list
    bkg = uris.vocab()
    triples = {(s["p"].value.rsplit("#", 1)[1], s["o"].value) for s in store.ox.query(
        f"SELECT ?p ?o WHERE {{ GRAPH <{iri}> {{ <{iri}/{BASIC_SHARE}> ?p ?o . "
        f"FILTER (?p IN (<{bkg}rateOf>, <{bkg}shareDenominator>, <{bkg}shareBasis>, <{bkg}shareList>)) }} }}")}
    assert triples == {("rateOf", f"{iri}/paragraph/20.13/figure/2"),
                       ("shareDenominator", uris.concept("narrative-indicator", "expenditure-total")),
                       ("shareBasis", "本年支出合计9759.38万元"),
                       ("shareList", f"{iri}/{BASIC_SHARE}")}


def test_fast_path_equals_pyshacl_on_the_final_account(shanghai: tuple[Store, dict[str, DocumentReport]]) -> None:
    """final.ttl (and the group D shapes) give the same results through pyshacl on the 决算's statements."""

    from budgetkg import validate

    store, reports = shanghai
    iri = reports[FINAL].iri or ""
    graphs = document_graphs(iri)
    foci = [f"{iri}/paragraph/{key}" for key in (
        "21.15/percentage/1", "25.5/percentage/1", "25.6/percentage/1", "25.7/percentage/1", "21.4/percentage/1",
        "25.4/figure/1", "25.5/figure/1", "23.8/figure/2", "25.12", "20.11/percentage/1", "20.14/percentage/1",
        "21.3/percentage/1", "25.21/percentage/1")]
    shapes = validate.load_shapes(["narrative.ttl", "final.ttl"])
    retargeted = _retarget(shapes, foci, ("R51", "R53", "R70", "R71", "R72", "R73"))
    data = validate._to_rdflib(store, graphs)
    reference = _pyshacl_results(data, retargeted)
    fast = _fast_results(store, retargeted, graphs)
    assert {r[0].split("#")[1] for r in reference} == {
        "R51-template-leftover-warning", "R53-percent-sign-warning", "R70-share-info", "R72-completion-rate-info",
        "R72-zero-budget-warning"}
    assert fast == reference
    # R70 on altered shares (a Violation of each total's kind and a list adding up to 101%)
    scratch = _altered_final(store, _restate_percent(iri, BASIC_SHARE, "56.10")
                             + _restate_percent(iri, RECEPTION_SHARE, "96.00"))
    r70 = _retarget(shapes, [f"{iri}/{key}" for key in (BASIC_SHARE, FISCAL_SHARE, RECEPTION_SHARE,
                                                        "paragraph/20.11/percentage/1")], ("R70",))
    reference = _pyshacl_results(validate._to_rdflib(scratch, graphs), r70)
    assert sorted((r[0].split("#")[1], r[2].removeprefix(iri + "/")) for r in reference) == [
        ("R70-share-info", FISCAL_SHARE), ("R70-share-list-violation", BASIC_SHARE),
        ("R70-share-violation", BASIC_SHARE), ("R70-share-violation", RECEPTION_SHARE)]
    assert _fast_results(scratch, r70, graphs) == reference


# -- R70 on the 类 list of 一般公共预算财政拨款支出 ------------------------------------------------------

#: 决算 p.21 （二）一般公共预算财政拨款支出决算结构情况, as printed (pdfplumber):
#: “一般公共预算财政拨款支出 9746.50 万元，主要用于以下方面：社会保障和就业支出（类）754.75 万元，占 7.74%；
#: 卫生健康支出（类）236.63 万元，占 2.43%；城乡社区支出（类）3832.36 万元，占 39.32%；
#: 自然资源海洋气象等支出（类）4461.67 万元，占 45.78%；住房保障支出（类）461.08 万元，占 4.73%。”
#: -> (share, its 类 figure, label, amount, percent); each a share of the p.15 一般公共预算财政拨款支出决算表's
#: 合计 决算数 9746.50: 7.7438%, 2.4278%, 39.3204%, 45.7772%, 4.7307% — every one the exact share rounded (silent)
CLASS_SHARES = [
    ("paragraph/21.9/percentage/1", "paragraph/21.9/figure/1", "社会保障和就业支出（类）", "754.75", "7.74"),
    ("paragraph/21.10/percentage/1", "paragraph/21.10/figure/1", "卫生健康支出（类）", "236.63", "2.43"),
    ("paragraph/21.11/percentage/1", "paragraph/21.10/figure/2", "城乡社区支出（类）", "3832.36", "39.32"),
    ("paragraph/21.12/percentage/1", "paragraph/21.11/figure/1", "自然资源海洋气象等支出（类）", "4461.67", "45.78"),
    ("paragraph/21.12/percentage/2", "paragraph/21.12/figure/1", "住房保障支出（类）", "461.08", "4.73"),
]
CLASS_BASIS = "一般公共预算财政拨款支出9746.50万元"


def test_class_list_shares_have_the_fixed_total(shanghai: tuple[Store, dict[str, DocumentReport]]) -> None:
    """The 类 list's shares are shares of the 一般公共预算财政拨款支出 the sentence opens with (bkg:shareDenominator),
    each computed from its 类 figure (a classification-subject figure labelled with its 类, bkg:rateOf), in one list
    (bkg:shareList: the first share); R70 recomputes them against the F5 合计 决算数 9746.50: all silent."""
    store, reports = shanghai
    iri = reports[FINAL].iri or ""
    bkg = uris.vocab()
    gpb = uris.concept("narrative-indicator", "general-public-budget-expenditure")
    for share, figure, label, amount, percent in CLASS_SHARES:
        got = {(s["p"].value.rsplit("#", 1)[1], s["o"].value) for s in store.ox.query(
            f"SELECT ?p ?o WHERE {{ GRAPH <{iri}> {{ <{iri}/{share}> ?p ?o . FILTER (?p IN (<{bkg}rateOf>, "
            f"<{bkg}shareDenominator>, <{bkg}shareBasis>, <{bkg}shareList>, <{bkg}statedPercent>)) }} }}")}
        assert got == {("rateOf", f"{iri}/{figure}"), ("shareDenominator", gpb), ("shareBasis", CLASS_BASIS),
                       ("shareList", f"{iri}/{CLASS_SHARES[0][0]}"), ("statedPercent", percent)}
        got = {(s["p"].value.rsplit("#", 1)[1], s["o"].value) for s in store.ox.query(
            f"SELECT ?p ?o WHERE {{ GRAPH <{iri}> {{ <{iri}/{figure}> ?p ?o . FILTER (?p IN (<{bkg}indicator>, "
            f"<{bkg}itemLabel>, <{bkg}statedAmount>, <{bkg}figureKind>)) }} }}")}
        assert got == {("indicator", uris.concept("narrative-indicator", "classification-subject")),
                       ("itemLabel", label), ("statedAmount", amount),
                       ("figureKind", uris.concept("figure-kind", "amount"))}
    assert not [f for f in validate_graph(store, iri)
                if f.rule.startswith("R70") and f.focus.removeprefix(iri + "/").startswith("paragraph/21.")
                and f.focus != f"{iri}/{FISCAL_SHARE}"]


def _class_share(severity: str, share: str, printed: str, value: str, figure: str, exact: str, computed: str,
                 diff: str, envelope: str) -> tuple[str, str, str, str]:
    """An R70-share finding on a share of the 类 list (of the F5 合计 决算数 9746.50 万元)."""
    return ("R70-share", severity, share,
            f"“占 {printed}%”: {value}% ≠ {figure.split('（类）')[1].removesuffix('万元').strip()} 万元 (“{figure}”) ÷ "
            "一般公共预算财政拨款支出合计决算数 "
            "(general public budget appropriation expenditure, total final) 9746.50 万元 "
            "(一般公共预算财政拨款支出决算表) = "
            f"{exact}% ({computed}% at the stated decimals; diff {diff} percentage points, envelope {envelope}; "
            f"total fixed by “{CLASS_BASIS}”)")


def test_class_list_shares_on_altered_statements(shanghai: tuple[Store, dict[str, DocumentReport]]) -> None:
    """R70 on altered 类 shares: 社会保障和就业支出 754.75 stated as 8.74% (exact 7.7438%: Violation), 住房保障支出
    461.08 as 4.80% (exact 4.7307%, within 0.1001: Info); the list then adds up to 101.07% (R70-share-list). The
    store without the F5 合计 row has no total to divide by: the 类 shares are not compared."""
    store, reports = shanghai
    iri = reports[FINAL].iri or ""
    social, housing = CLASS_SHARES[0][0], CLASS_SHARES[4][0]
    scratch = _altered_final(store, _restate_percent(iri, social, "8.74") + _restate_percent(iri, housing, "4.80"))
    got = sorted((f.rule, f.severity, f.focus.removeprefix(iri + "/"), f.message)
                 for f in validate_graph(scratch, iri) if f.rule.startswith("R70"))
    sentence = ("一般公共预算财政拨款支出 9746.50 万元，主要用于以下方面："
                "社会保障和就业支出（类）754.75 万元，占 7.74%；卫生健康支出（类）236.63 万元，占 2.43%；"
                "城乡社区支出（类）3832.36万元，占 39.32%；自然资源海洋气象等支出（类）4461.67 万元，占 45.78%；"
                "住房保障支出（类）461.08 万元，占 4.73%。")
    fiscal = next(f for f in got if f[2] == FISCAL_SHARE)
    assert got == sorted([
        fiscal,
        # 754.75 ÷ 9746.50 × 100 = 7.74380…; envelope 0.1 + (100 × 0.005 + 7.7438 × 0.005) ÷ 9746.50 = 0.100055…
        _class_share("Violation", social, "7.74", "8.74", "社会保障和就业支出（类）754.75 万元", "7.7438", "7.74", "1",
                     "0.1001"),
        # 461.08 ÷ 9746.50 × 100 = 4.73072…: 4.80 is 0.069 away, within the envelope 0.100054
        _class_share("Info", housing, "4.73", "4.80", "住房保障支出（类）461.08 万元", "4.7307", "4.73", "0.07",
                     "0.1001"),
        ("R70-share-list", "Violation", social,
         f"“{sentence}”: the 5 shares of 一般公共预算财政拨款支出合计决算数 (general public budget appropriation "
         "expenditure, total final) listed add up to 101.07%, more than 100.1%"),
    ])
    # without the F5 合计 row (合计 column) the 类 shares have no total: only the list's sum is left
    f5 = uris.dataset(iri, "general-public-budget-expenditure")
    scratch.ox.update(f"DELETE WHERE {{ GRAPH <{iri}> {{ <{uris.observation(f5, 'line-item-table-total', 'total')}> "
                      "?p ?v } }")
    got = sorted((f.rule, f.severity, f.focus.removeprefix(iri + "/"))
                 for f in validate_graph(scratch, iri) if f.rule.startswith("R70"))
    assert got == [("R70-share", "Info", FISCAL_SHARE), ("R70-share-list", "Violation", social)]


def test_class_list_share_on_an_altered_pdf() -> None:
    """The printed 决算 with its 社会保障和就业支出（类） figure altered to 854.75 (its share stays 7.74%:
    854.75 ÷ 9746.50 = 8.7698%, a Violation) and 卫生健康支出's share to 3.43% (236.63 ÷ 9746.50 = 2.4278%:
    Violation; the list now adds up to 101.00%): the rule silent on the corpus fires, with the numbers; the other
    findings stay those of the corpus."""
    line_9 = "面：社会保障和就业支出（类）754.75 万元，占 7.74%；卫生健"
    line_10 = "康支出（类）236.63 万元，占 2.43%；城乡社区支出（类）3832.36"
    mapped, findings = process_edited(next(p for p in SHANGHAI if p.name == FINAL), {
        "21.9": (line_9, line_9.replace("754.75", "854.75")), "21.10": (line_10, line_10.replace("2.43%", "3.43%"))})
    iri = mapped.iri
    got = sorted((f.rule, f.severity, f.focus.removeprefix(iri + "/"), f.message)
                 for f in findings if f.rule.startswith("R70"))
    social, health = CLASS_SHARES[0][0], CLASS_SHARES[1][0]
    sentence = ("一般公共预算财政拨款支出 9746.50 万元，主要用于以下方面："
                "社会保障和就业支出（类）854.75 万元，占 7.74%；卫生健康支出（类）236.63 万元，占 3.43%；"
                "城乡社区支出（类）3832.36万元，占 39.32%；自然资源海洋气象等支出（类）4461.67 万元，占 45.78%；"
                "住房保障支出（类）461.08 万元，占 4.73%。")
    assert got == sorted([
        next(f for f in got if f[2] == FISCAL_SHARE),
        # 854.75 ÷ 9746.50 × 100 = 8.76981…
        _class_share("Violation", social, "7.74", "7.74", "社会保障和就业支出（类）854.75 万元", "8.7698", "8.77",
                     "-1.03", "0.1001"),
        # 236.63 ÷ 9746.50 × 100 = 2.42784…
        _class_share("Violation", health, "3.43", "3.43", "卫生健康支出（类）236.63 万元", "2.4278", "2.43", "1",
                     "0.1001"),
        ("R70-share-list", "Violation", social,
         f"“{sentence}”: the 5 shares of 一般公共预算财政拨款支出合计决算数 (general public budget appropriation "
         "expenditure, total final) listed add up to 101%, more than 100.1%"),
    ])
    counts = Counter((f.rule, f.severity) for f in findings)
    # 854.75 is also compared with F5's 208 合计 754.75 (R46, diff 100 万元)
    assert counts == FINDINGS[FINAL] + Counter({("R70-share", "Violation"): 2, ("R70-share-list", "Violation"): 1,
                                                ("R46-subject-amounts", "Violation"): 1})


def test_fast_path_equals_pyshacl_on_class_list_shares(shanghai: tuple[Store, dict[str, DocumentReport]]) -> None:
    """The R70 shapes give the same results through pyshacl on the 类 shares, as printed (silent) and altered
    (a Violation, an Info and the list's sum)."""
    from budgetkg import validate

    store, reports = shanghai
    iri = reports[FINAL].iri or ""
    graphs = document_graphs(iri)
    shapes = _retarget(validate.load_shapes(["final.ttl"]), [f"{iri}/{share}" for share, *_ in CLASS_SHARES],
                       ("R70",))
    reference = _pyshacl_results(validate._to_rdflib(store, graphs), shapes)
    assert reference == set()
    assert _fast_results(store, shapes, graphs) == reference
    social, housing = CLASS_SHARES[0][0], CLASS_SHARES[4][0]
    scratch = _altered_final(store, _restate_percent(iri, social, "8.74") + _restate_percent(iri, housing, "4.80"))
    reference = _pyshacl_results(validate._to_rdflib(scratch, graphs), shapes)
    assert sorted((r[0].split("#")[1], r[2].removeprefix(iri + "/")) for r in reference) == [
        ("R70-share-info", housing), ("R70-share-list-violation", social), ("R70-share-violation", social)]
    assert _fast_results(scratch, shapes, graphs) == reference


# -- R46 on an altered copy of the 决算 ------------------------------------------------------

#: 决算 p.23 item 8 行政运行（项）: 支出决算为 1092.80 万元 (F5 2120101 合计 1092.80); item 7 事业单位医疗（项）:
#: 支出决算为 196.29 万元 (F5 2101102 合计 196.29)
ADMIN_FINAL = "paragraph/23.8/figure/2"
MEDICAL_FINAL = "paragraph/23.4/figure/1"


def _restate(iri: str, figure: str, amount: str) -> str:
    """A SPARQL update stating ``figure`` (under the document IRI) as ``amount`` 万元 (its span stays as printed)."""
    return _replace(iri, figure, {"statedAmount": amount, "amountInYuan": str(Decimal(amount) * 10000),
                                  "printedAmount": f'"{amount}"'})


def test_subject_amounts_on_altered_statements(shanghai: tuple[Store, dict[str, DocumentReport]]) -> None:
    """R46 compares a 项's 决算数 in the text with the F5 row its printed names resolve to: 行政运行 stated as
    1093.80 (F5 1092.80) is a Violation, 事业单位医疗 as 196.30 (F5 196.29) is within rounding (Info)."""
    store, reports = shanghai
    iri = reports[FINAL].iri or ""
    scratch = _altered_final(store, _restate(iri, ADMIN_FINAL, "1093.80") + _restate(iri, MEDICAL_FINAL, "196.30"))
    got = sorted((f.rule, f.severity, f.focus.removeprefix(iri + "/"), f.message)
                 for f in validate_graph(scratch, iri) if f.rule == "R46-subject-amounts")
    table = "一般公共预算财政拨款支出决算表"
    assert got == [
        ("R46-subject-amounts", "Info", HEALTH_CLASS[1], HEALTH_CLASS[2]),  # as printed
        ("R46-subject-amounts", "Info", MEDICAL_FINAL,
         "text “支出决算为 196.29 万元”: 卫生健康支出（类）行政事业单位医疗（款）事业单位医疗（项） 196.30 万元 ≠ "
         f"{table} (2101102, total) 196.29 万元 (both rounded to the coarser precision; diff 0.01 in 万元, "
         "rounding envelope 0.01)"),
        ("R46-subject-amounts", "Violation", ADMIN_FINAL,
         "text “支出决算为 1092.80 万元”: 城乡社区支出（类）城乡社区管理事务（款）行政运行（项） 1093.80 万元 ≠ "
         f"{table} (2120101, total) 1092.80 万元 (both rounded to the coarser precision; diff 1 in 万元, "
         "rounding envelope 0.01)"),
    ]
    # the links the comparison reads: the figure's 项 and row, and how they were found
    bkg = uris.vocab()
    links = {(s["p"].value.rsplit("#", 1)[1], s["o"].value) for s in scratch.ox.query(
        f"SELECT ?p ?o WHERE {{ GRAPH <{iri}> {{ <{iri}/{ADMIN_FINAL}> ?p ?o . "
        f"FILTER (STRSTARTS(STR(?p), '{bkg}subject')) }} }}")}
    assert links == {
        ("subjectClassification", uris.concept("functional", "2120101")),
        ("subjectRow", uris.row(uris.dataset(iri, "general-public-budget-expenditure"), 16)),
        ("subjectMatch", "按名称逐级匹配：类“城乡社区支出”→212，款“城乡社区管理事务”→21201，项“行政运行”→2120101"
                         f"（{table}第16行）"),
        ("subjectMatch", "matched by printed name, level by level: class (类) “城乡社区支出” → 212, "
                         "section (款) “城乡社区管理事务” → 21201, item (项) “行政运行” → 2120101 "
                         f"({table}, row 16)"),
    }


def test_fast_path_equals_pyshacl_for_subjects(shanghai: tuple[Store, dict[str, DocumentReport]]) -> None:
    """The R46 shapes give the same results through pyshacl on the (altered) 决算: amounts (Info, Violation
    and a clean match), unmatched paths and undescribed 项 rows (and a described one)."""
    from budgetkg import validate

    store, reports = shanghai
    iri = reports[FINAL].iri or ""
    scratch = _altered_final(store, _restate(iri, ADMIN_FINAL, "1093.80") + _restate(iri, MEDICAL_FINAL, "196.30"))
    graphs = document_graphs(iri)
    f5 = uris.dataset(iri, "general-public-budget-expenditure")
    figures = (ADMIN_FINAL, MEDICAL_FINAL, "paragraph/23.19/figure/2", "paragraph/22.17/figure/1",
               "paragraph/24.7/figure/1", "paragraph/24.7/figure/2")
    foci = [f"{iri}/{key}" for key in figures]
    foci += [uris.observation(f5, f"functional-{code}", "total") for code in ("2080599", "2210201", "2120101")]
    retargeted = _retarget(validate.load_shapes(["narrative.ttl"]), foci, ("R46",))
    reference = _pyshacl_results(validate._to_rdflib(scratch, graphs), retargeted)
    fast = _fast_results(scratch, retargeted, graphs)
    assert sorted((r[0].split("#")[1], r[2].removeprefix(iri + "/")) for r in reference) == [
        ("R46-subject-amounts-info", MEDICAL_FINAL),
        ("R46-subject-amounts-violation", ADMIN_FINAL),
        ("R46-subject-path-warning", "paragraph/22.17/figure/1"),
        ("R46-subject-path-warning", "paragraph/24.7/figure/1"),
        ("R46-undescribed-item-warning", "table/general-public-budget-expenditure/obs/functional-2080599/total"),
        ("R46-undescribed-item-warning", "table/general-public-budget-expenditure/obs/functional-2210201/total"),
    ]
    assert fast == reference


# -- R71 "a reason is required unless 持平", on an altered text of the 决算 ----------------------------

#: 决算 p.22, items 3 and 4 (机关事业单位基本养老保险缴费支出: 年初预算 452.40, 决算 446.11; 职业年金缴费支出: 226.25,
#: 225.12), printed line -> (text as printed, altered text): item 3 loses its whole comparison sentence
#: (决算数小于预算数的主要原因：…综合导致。), item 4 its reason only (决算数小于预算数。).
_FINAL_REASON_EDITS = {
    "22.7": ("446.11 万元，完成年初预算的 98.61%。决算数小于预算数的主", "446.11 万元，完成年初预算的 98.61%。"),
    "22.8": ("要原因：机构改革人员变动，年中社会保险缴费基数变更等因素", ""),
    "22.9": ("综合导致。", ""),
    "22.13": ("万元，完成年初预算的 99.50%。决算数小于预算数的主要原因：",
              "万元，完成年初预算的 99.50%。决算数小于预算数。"),
    "22.14": ("年中社会保险缴费基数变更导致。", ""),
}


def test_final_account_reason_removed_is_reported() -> None:
    """The 决算 gives a reason for each 决算数 below its 年初预算 (``FINDINGS``: no R71-reason-missing). Without
    them, items 3 and 4 are Warnings: item 3 states no comparison any more, its figures differ (452.40 → 446.11);
    item 4 still states 决算数小于预算数. The fast path equals pyshacl on both and on item 2 (持平: none needed)."""
    from budgetkg import validate

    mapped, findings = process_edited(CORPUS / "shanghai" / FINAL, _FINAL_REASON_EDITS)
    iri = mapped.iri
    got = sorted((f.rule, f.severity, f.focus.removeprefix(iri + "/"), f.message, str(f.values["direction"]),
                  str(f.values["value"]), str(f.values["budget"]))
                 for f in findings if f.rule.startswith("R71"))
    tail = "and no reason is given in its passage, up to the next heading or item of its level"
    assert got == [
        ("R71-reason-missing", "Warning", "paragraph/22.12/figure/2",
         f"“支出决算为 225.12万元”: initial budget 226.25, final 225.12: the final is below the budget (as the text "
         f"states) {tail}", "decrease", "225.12", "226.25"),
        ("R71-reason-missing", "Warning", "paragraph/22.7/figure/1",
         f"“支出决算为446.11 万元”: initial budget 452.40, final 446.11: the final is below the budget (by the "
         f"figures stated) {tail}", "decrease", "446.11", "452.4"),
    ]
    zh = sorted(f.message_zh for f in findings if f.rule == "R71-reason-missing")
    tail_zh = "本段至下一同级标题或条目内未说明原因"
    assert zh == [
        f"“支出决算为 225.12万元”：年初预算 226.25，决算 225.12，决算数小于预算数（文中所述），{tail_zh}",
        f"“支出决算为446.11 万元”：年初预算 452.40，决算 446.11，决算数小于预算数（按所列数字），{tail_zh}",
    ]
    scratch = Store.scratch({iri: mapped.triples, uris.shared_graph(): mapped.shared})
    graphs = document_graphs(iri)
    foci = [f"{iri}/paragraph/{key}" for key in ("22.7/figure/1", "22.12/figure/2", "22.2/figure/1", "23.8/figure/2")]
    retargeted = _retarget(validate.load_shapes(["final.ttl"]), foci, ("R71",))
    reference = _pyshacl_results(validate._to_rdflib(scratch, graphs), retargeted)
    assert sorted((r[0].split("#")[1], r[2].removeprefix(iri + "/")) for r in reference) == [
        ("R71-reason-missing-warning", "paragraph/22.12/figure/2"),
        ("R71-reason-missing-warning", "paragraph/22.7/figure/1"),
    ]
    assert _fast_results(scratch, retargeted, graphs) == reference


def test_misprinted_class_code_is_reported(shanghai: tuple[Store, dict[str, DocumentReport]]) -> None:
    """社会福利院 pp.9 and 11 print 事业单位医疗 as “7 | 11 | 02” (p.8: “210 | 11 | 02”): the code 71102 is
    what the document prints, and its class 711 is no national class (S10)."""
    store, reports = shanghai
    iri = reports[WELFARE].iri or ""
    found = [f for f in validate_graph(store, iri) if f.rule == "S10-national-class"]
    assert [(f.severity, f.focus, f.values) for f in found] == [
        ("Violation", uris.concept("functional", "71102"), {"value": "71102", "class": "711"})]
    assert found[0].message_zh == ("表中科目编码 71102 的类级编码 711 不是国家政府收支分类"
                                   "（功能分类或部门经济分类）中的类")
    for name, report in reports.items():
        if name != WELFARE:
            assert not [f for f in validate_graph(store, report.iri or "") if f.rule == "S10-national-class"], name

