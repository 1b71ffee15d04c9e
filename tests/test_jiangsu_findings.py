"""The Jiangsu PDFs of the corpus (provincial departments, budgets 2017–2019, narrative and tables
often in two files): the exact findings per document, rule by rule, with the numbers.

The table rules (groups A, B) find nothing in these documents: every finding below comes from the
text rules (groups C, D, F) and was read off the paragraph text (pdfplumber) by hand:

* R50-growth-rate: 江苏省检察院 2017 writes 机关运行经费预算支出6032.55 万元，比 2016 年增加 3401.59 万元，
  增长129.97 %, but 3401.59 ÷ (6032.55 − 3401.59) = 129.29 % (Violation); 江苏省人大办公厅 2017 writes
  增加 254.23% for 4032.99 ÷ 1586.32 = 254.2356 % (truncated, not rounded: Info). Changes written as the sentence
  after their amount (“…1,836.22 万元，主要用于…。与上年相比减少 184.96 万元，降幅 9.1 %。”) are checked too:
  江苏省委办公厅 2019 增长30% for 878.93 ÷ 3015.16 = 29.15 % (Violation), 省检察院 2017 增长 2.31 % (2.3153 %) and
  2018 降幅 9.1 % (9.1511 %), truncated (Info); 省人大办公厅 2018 writes 单位预留机动经费 增加1557.29万元，
  增长1312.56 % for 1557.29 ÷ 128.43 = 1212.56 % (Violation).
* R41-text-split, R52-repeated (Violation): 省检察院 2017 p.19 “基本支出预算数为 12323.46 万元” against its
  支出预算总表 and its own section 三 (“基本支出 12323.48 万元”).
* R51-template-leftover: the template's alternatives kept in the text ("与上年相比增加（减少）0万元，
  增长（减少）0%"): 江苏省人大常委会 2019 and 省人大办公厅 2018, once per printed line that keeps one.
* R51-rate-reason-missing (Warning): 江苏省人大办公厅 2017 states the increase of 844.15 万元 (增长 6.59%) in
  sections 四 and 八 and the decrease of 人大事务行政运行 (减少 0.17%) as item 1 of section 五 without a reason
  before the next heading or item (the same sections of the other Jiangsu files give one: 主要原因是…; this file
  gives it for these changes in section 一 only, and in section 五 for items 2 and 3). Every other stated change
  of the Jiangsu files has a reason in its passage.
* R53-percent-decimals (Info): rates not written with two decimals ("增长 8.8 %", "增长 22 %", "占0%",
  "减少10%"); each is the number as printed.
* R46-subject-path (Warning): the 类/款/项 paths of section 五 (财政拨款支出预算) against the 一般公共预算支出预算表
  of the same file (公开07表 / 八、), names compared exactly (``budgetkg.subjects``; the Jiangsu paths print their
  款 and 项 under a “（一）…（类）” heading, or their 项 under a “检察（款）: …” line, or a 类 and a 项):
  省人大办公厅 2018 p.25 “行政事业单位离退休（类）…（项）” ×3 and “住房改革支出（类）…（项）” ×2,
  款 names (20805, 22102) marked as 类; 省检察院 2018 p.26 “未归口管理行政单位离退休费（项）”
  where 公开07表 p.17 prints 2080504 未归口管理的行政单位离退休. A 类 heading printed without its
  支出 names that class (省人大 2018 p.24 “（一）一般公共服务（类）”, 201 一般公共服务支出;
  省检察院 2017 p.20 “（一）公共安全（类）”, 204 公共安全支出): its nine 人大事务（款）… items
  and 检察（款）行政运行（项） 7968.14 resolve and equal their rows, as do the other paths of
  省检察院 2018 (行政运行 10,883.36, 一般行政管理事务 3,666, 公诉、审判、侦查、执行等检察监督支出
  1,895, 机关事业单位基本养老保险缴费（项）支出 1,045.93 and 职业年金 418.37, 住房公积金
  1,073.77, 提租补贴 2,586.61): no R46-subject-amounts finding; the
  text-only files have no table to resolve against. The 类 of the “（二）支出预算总计…包括：” lists (31, against the
  收支预算总表 of the same or the other file; 7 printed without their （类） mark) and 省检察院 2018's three 款 totals
  equal their rows too: no finding (tests/test_subject_totals.py).
* R70-share: a share recomputed from the total it is stated of, in the document's own phase (预算数: the 收支预算总表's
  本年收入合计 / 本年支出合计, the 09 table's 三公 合计). 省人大办公厅 2017 p.28 writes the 三公 items' shares
  “占“三公”经费的 8.75% / 7.22% / 16.81%”, which are of the 09 table's whole 合计 2,542.60 (with 会议费 1,305.25 and
  培训费 403.75), not of the 三公 合计预算数 833.60 (26.69 / 22.02 / 51.28%: Violations; the 2018 text states
  26.69 / 22.03 / 51.28). Within 0.1 point (Info): 省检察院 2017's three 三公 shares (0.03–0.07 off); 省检察院
  2018's 99.94% of 本年支出合计 and of 本年收入预算合计 (99.9345%), 63.75% (63.7399%) and 10.87% (10.8768%) of
  本年支出预算合计, whose three shares were made to add up to 100; 省人大 2018's 22.03% (22.0250%) and 10.61%
  (10.6037%); 省委办公厅 2018 / 2019's 80.92% (80.913%). Every other share a Jiangsu text states of a fixed total
  agrees with the exact share rounded.
* R46-subject-amounts (Violation): 省人大办公厅 2017 p.26 states “1. 人大事务行政运行（项）支出 10528.33 万元” under the
  bare line “一般公共服务” (its 类), 款 and 项 names written as one: B5 (p.16) prints 2010101 行政运行 4,545.94,
  10528.33 being 20101 人大事务's total; its 类 items 2–3 (社会保障和就业支出 1608.51, 住房保障支出 1512.23) agree.

The documents not listed (the tables-only 公开表 files, 江苏省政协办公厅 2017, 江苏省委办公厅 2017 公开表 …)
give no finding.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from budgetkg import uris
from budgetkg.map import MappedDocument
from budgetkg.pipeline import DocumentReport, build, validate_stored
from budgetkg.store import Store
from budgetkg.validate import Finding, document_graphs, stored_findings
from tests.conftest import CORPUS, process_edited

JIANGSU = sorted(CORPUS.glob("jiangsu/**/*.pdf"))
pytestmark = pytest.mark.skipif(not JIANGSU, reason=f"corpus not found at {CORPUS}")

REASON_MISSING = "has no reason (主要原因是…) in its passage, up to the next heading or item of its level"

#: 省人大办公厅 2018's 一般公共预算支出预算表 (p.13), the table its text's paths are walked down
RD_2018 = "公开 07表 一般公共预算支出预算表（功能科目）"


def _unmatched(span: str, path: str, note: str) -> str:
    """The R46-subject-path message of a figure (as printed) whose path matches no row."""
    return f"text “{span}”: the path “{path}” matches no table row by name: {note}"


def _marked(name: str, code: str, table: str = RD_2018) -> str:
    """省人大办公厅 2018 (省人大常委会 2019: ``table`` in its 公开表 file): a 款 marked （类） in the text."""
    return f"{table} has no class (类) named “{name}” (“{name}” is the name of section (款) {code})"


#: 江苏省人大常委会办公厅2019年部门预算公开表.pdf's 一般公共预算支出预算表, which the 2019 text is read against
RD_2019 = "一般公共预算支出预算表（功能科目） 公开表七"


#: file -> sorted (rule, severity, focus under the document IRI, detail): the percentage as printed
#: (R53), the leftover text (R51), or the whole message (R50, R46).
EXPECTED: dict[str, list[tuple[str, str, str, str]]] = {
    '2017年省检察院部门预算.pdf': [
        # p.19 section 一 states 基本支出预算数为 12323.46 万元 (read since …预算数为 names 基本支出),
        # section 三 “基本支出 12323.48 万元” and 三、支出预算总表 12,323.48 (= 17996.68 − 5533 − 140.2):
        # the 12323.46 is the text's slip
        ('R41-text-split', 'Violation', 'paragraph/19.7/figure/1',
         'text “基本支出预算数为 12323.46 万元”: 12323.46 万元 ≠ 三、支出预算总表 (table-total, basic) '
         '12,323.48 万元 (both rounded to the coarser precision; diff -0.02 in 万元, rounding envelope 0.01)'),
        # p.19 “1．公共安全（类）支出 13656.34 万元，…。与上年相比增加 309.03 万元，增长 2.31 %。”: the change
        # written as the next sentence, read since; 309.03 ÷ 13347.31 = 2.3153 % (truncated to 2.31: Info)
        ('R50-growth-rate', 'Info', 'paragraph/19.5/percentage/1',
         '“增长2.31 %”: 2.31% ≠ 309.03 ÷ 13347.31 = 2.3153% computed from “与上年相比增加 309.03 万元” '
         '(2.32% at the stated decimals; diff -0.01 percentage points, envelope 0.105)'),
        ('R50-growth-rate', 'Violation', 'paragraph/22.8/percentage/1',
         '“增长129.97 %”: 129.97% ≠ 3401.59 ÷ 2630.96 = 129.2908% computed from “比 2016 年增加 '
         '3401.59 万元” (129.29% at the stated decimals; diff 0.68 percentage points, '
         'envelope 0.1057)'),
        ('R52-repeated', 'Violation', 'paragraph/19.23/figure/1',
         '“基本支出 12323.48 万元”: basic-expenditure  is 12323.48 万元 here but 12323.46 万元 elsewhere in the text '
         '(2 statements; diff 0.02, rounding envelope 0.01)'),
        ('R53-percent-decimals', 'Info', 'paragraph/18.10/percentage/1', '8.8'),
        ('R53-percent-decimals', 'Info', 'paragraph/20.4/percentage/1', '8.8'),
        ('R53-percent-decimals', 'Info', 'paragraph/20.9/percentage/1', '8.8'),
        ('R53-percent-decimals', 'Info', 'paragraph/21.14/percentage/1', '8.8'),
        # p.22: the 三公 shares are 0.03–0.07 points off the exact shares of 584.35 (they add up to 100.00%)
        ('R70-share', 'Info', 'paragraph/22.17/percentage/1',
         '“占“三公”经费的18.85 %”: 18.85% ≠ 110 万元 (“因公出国（境）费支出 110 万元”) ÷ “三公”经费合计预算数 '
         '(three public expenses, total budget) 584.35 万元 (十一、一般公共预算 三公 经费、会议费、培训费支出预 “ '
         '” 算表) = 18.8243% (18.82% at the stated decimals; diff 0.03 percentage points, envelope 0.1857; total '
         'fixed by “占“三公”经费的”)'),
        ('R70-share', 'Info', 'paragraph/22.18/percentage/1',
         '“占“三公”经费的 54.43%”: 54.43% ≠ 317.8 万元 (“公务用车购置及运行费支出 317.8 万元”) ÷ '
         '“三公”经费合计预算数 (three public expenses, total budget) 584.35 万元 (十一、一般公共预算 三公 '
         '经费、会议费、培训费支出预 “ ” 算表) = 54.3852% (54.39% at the stated decimals; diff 0.04 percentage '
         'points, envelope 0.109; total fixed by “占“三公”经费的”)'),
        ('R70-share', 'Info', 'paragraph/22.19/percentage/1',
         '“占“三公”经费的 26.72%”: 26.72% ≠ 156.55 万元 (“公务接待费支出 156.55 万元”) ÷ “三公”经费合计预算数 '
         '(three public expenses, total budget) 584.35 万元 (十一、一般公共预算 三公 经费、会议费、培训费支出预 “ '
         '” 算表) = 26.7905% (26.79% at the stated decimals; diff -0.07 percentage points, envelope 0.1011; total '
         'fixed by “占“三公”经费的”)'),
    ],
    '2018年省检察院部门预算公开.pdf': [
        # p.26 items under 检察（款）, read since “…万元，与上年相比增加 X 万元” is: 行政运行 2,915.22 ÷ 7,968.14 =
        # 36.586 % (36.58 truncated: Info); 一般行政管理事务 21.8 ÷ 3,644.2 = 0.598 % printed “0.06 %” and 检察监督
        # 134 ÷ 2,029 = 6.60 % printed “0.66 %”: the decimal point one place off (Violations)
        ('R50-growth-rate', 'Info', 'paragraph/26.11/percentage/1',
         '“增长 36.58 %”: 36.58% ≠ 2915.22 ÷ 7968.14 = 36.586% computed from “与上年相比增加 2,915.22 万元” '
         '(36.59% at the stated decimals; diff -0.01 percentage points, envelope 0.1051)'),
        ('R50-growth-rate', 'Violation', 'paragraph/26.15/percentage/1',
         '“增长 0.06 %”: 0.06% ≠ 21.8 ÷ 3644.2 = 0.5982% computed from “与上年相比增加 21.8 万元” '
         '(0.6% at the stated decimals; diff -0.54 percentage points, envelope 0.1065)'),
        ('R50-growth-rate', 'Violation', 'paragraph/26.18/percentage/1',
         '“降幅 0.66 %”: 0.66% ≠ 134 ÷ 2029 = 6.6042% computed from “与上年相比减少 134 万元” '
         '(6.6% at the stated decimals; diff -5.94 percentage points, envelope 0.1329)'),
        # p.26 item 1 of （二）: 未归口管理行政单位离退休费（项）支出 371.92; p.17 2080504
        # 未归口管理的行政单位离退休 371.92
        ('R46-subject-path', 'Warning', 'paragraph/26.23/figure/1', _unmatched(
            "未归口管理行政单位离退休费（项）支出 371.92 万元",
            "社会保障和就业支出（类）行政事业单位离退休（款）未归口管理行政单位离退休费（项）支出",
            "公开 07 表：一般公共预算支出预算表 has no item (项) named “未归口管理行政单位离退休费” under 20805 "
            "行政事业单位离退休 (nor one named “未归口管理行政单位离退休费支出”); the class (类) and section (款) "
            "taken from the heading “（二）社会保障和就业支出（类）”, “行政事业单位离退休（款）”")),
        # p.24 “2．社会保障和就业支出 1,836.22 万元，…。与上年相比减少 184.96 万元，降幅 9.1 %。” (the change as
        # the next sentence): 184.96 ÷ 2021.18 = 9.1511 %, 9.2 at one decimal; 9.1 is truncated (Info)
        ('R50-growth-rate', 'Info', 'paragraph/24.10/percentage/1',
         '“降幅 9.1 %”: 9.1% ≠ 184.96 ÷ 2021.18 = 9.1511% computed from “与上年相比减少 184.96 万元” '
         '(9.2% at the stated decimals; diff -0.1 percentage points, envelope 0.1503)'),
        # p.23 “收入、支出预算总计21,955.35 万元，与上年相比收、支预算总计各增加3,958.67 万元，增长 21.95 %”: one change
        # of both totals, 3958.67 ÷ 17996.68 = 21.9967 % (22.00 at two decimals; within 0.1 point: Info)
        ('R50-growth-rate', 'Info', 'paragraph/23.5/percentage/1',
         '“增长 21.95 %”: 21.95% ≠ 3958.67 ÷ 17996.68 = 21.9967% computed from “与上年相比收、支预算总计各增加3,958.67 '
         '万元” (22% at the stated decimals; diff -0.05 percentage points, envelope 0.105)'),
        ('R53-percent-decimals', 'Info', 'paragraph/23.15/percentage/1', '22'),
        ('R53-percent-decimals', 'Info', 'paragraph/24.10/percentage/1', '9.1'),
        ('R53-percent-decimals', 'Info', 'paragraph/25.21/percentage/1', '22'),
        ('R53-percent-decimals', 'Info', 'paragraph/26.24/percentage/1', '81.6'),
        ('R53-percent-decimals', 'Info', 'paragraph/26.3/percentage/1', '22'),
        ('R53-percent-decimals', 'Info', 'paragraph/28.23/percentage/1', '55.3'),
        ('R53-percent-decimals', 'Info', 'paragraph/28.24/percentage/1', '24'),
        ('R53-percent-decimals', 'Info', 'paragraph/28.3/percentage/1', '22'),
        ('R53-percent-decimals', 'Info', 'paragraph/29.21/percentage/1', '54.9'),
        ('R70-share', 'Info', 'paragraph/25.11/percentage/1',
         '“占99.94 %”: 99.94% ≠ 21,940.96 万元 (“一 般 公 共 预 算 收 入 21,940.96 万 元”) ÷ 本年收入合计 (total '
         'income of the year) 21,955.35 万元 (第二部分 2018 年度部门预算表 公开 01 表：收支预算总表) = 99.9345% '
         '(99.93% at the stated decimals; diff 0.01 percentage points, envelope 0.1; total fixed by '
         '“省检察院本年收入预算合计21,955.35万元”)'),
        ('R70-share', 'Info', 'paragraph/25.15/percentage/1',
         '“占 63.75%”: 63.75% ≠ 13,994.31 万元 (“基本支出 13,994.31 万元”) ÷ 本年支出合计 (total expenditure of '
         'the year) 21,955.35 万元 (第二部分 2018 年度部门预算表 公开 01 表：收支预算总表) = 63.7399% (63.74% at '
         'the stated decimals; diff 0.01 percentage points, envelope 0.1; total fixed by '
         '“省检察院本年支出预算合计21,955.35万元”)'),
        ('R70-share', 'Info', 'paragraph/25.17/percentage/1',
         '“占 10.87 %”: 10.87% ≠ 2,388.04 万元 (“单位预留机动经费 2,388.04 万元”) ÷ 本年支出合计 (total '
         'expenditure of the year) 21,955.35 万元 (第二部分 2018 年度部门预算表 公开 01 表：收支预算总表) = '
         '10.8768% (10.88% at the stated decimals; diff -0.01 percentage points, envelope 0.1; total fixed by '
         '“省检察院本年支出预算合计21,955.35万元”)'),
        ('R70-share', 'Info', 'paragraph/26.2/percentage/1',
         '“占本年支出合计的 99.94 %”: 99.94% ≠ 21,940.96 万元 (“省检察院 2018 年财政拨款预算支出 21,940.96 万元”) '
         '÷ 本年支出合计 (total expenditure of the year) 21,955.35 万元 (第二部分 2018 年度部门预算表 公开 01 '
         '表：收支预算总表) = 99.9345% (99.93% at the stated decimals; diff 0.01 percentage points, envelope 0.1; '
         'total fixed by “占本年支出合计的”)'),
    ],
    '江苏省人大办公厅2017年度预算公开.pdf': [
        # p.26: “1. 人大事务行政运行（项）支出 10528.33 万元” under the bare line “一般公共服务” (its 类), the 款 name
        # and the 项 name written as one: 2010101 行政运行, which the 一般公共预算支出预算表 (p.16) and the 财政拨款支出
        # 预算表 (p.11) print 4,545.94; 10528.33 is 20101 人大事务's (and 201's) total (tests/test_subject_totals.py)
        ('R46-subject-amounts', 'Violation', 'paragraph/26.5/figure/1',
         'text “人大事务行政运行（项）支出 10528.33 万元”: '
         '一般公共服务（类）人大事务行政运行（项）支出 10528.33 万元 ≠ '
         '一般公共预算支出预算表 (2010101, amount) 4,545.94 万元 (both rounded to the coarser precision; diff 5982.39 '
         'in 万元, rounding envelope 0.01)'),
        ('R50-growth-rate', 'Info', 'paragraph/28.6/percentage/1',
         '“增加 254.23%”: 254.23% ≠ 4032.99 ÷ 1586.32 = 254.2356% computed from “比 2016 年增加 '
         '4032.99 万元” (254.24% at the stated decimals; diff -0.01 percentage points, '
         'envelope 0.1069)'),
        # pp. 25-27: three sections state a change and give no reason before the next heading or item
        # (四、 财政拨款收支预算总表; 五、 item 1, where items 2 and 3 give theirs; 八、 一般公共预算支出预算表), each
        # read as a money change (the Warning is the change's, not its rate's): p.25's “财政拨款收、支总计各增加” since
        # “财政拨款收、支总预算 13649.07 万元” is read as the 财政拨款支出 (2026-11-29), the two others since
        # “…万元，与上年相比减少 17.89 万元” is read (the 与 of 与上年 is no longer taken as a conjunction)
        ('R51-reason-missing', 'Warning', 'paragraph/25.8/figure/1',
         '“与上年相比，财政拨款收、支总计各增加 844.15 万元”: the stated increase of 844.15 万元 '
         f'(fiscal-appropriation-expenditure) {REASON_MISSING}'),
        ('R51-reason-missing', 'Warning', 'paragraph/26.6/figure/1',
         f'“与上年相比减少 17.89 万元”: the stated decrease of 17.89 万元 (classification-subject) {REASON_MISSING}'),
        ('R51-reason-missing', 'Warning', 'paragraph/27.8/figure/2',
         f'“与上年相比增加 844.15 万元”: the stated increase of 844.15 万元 (general-public-budget-expenditure) '
         f'{REASON_MISSING}'),
        ('R53-percent-decimals', 'Info', 'paragraph/26.2/percentage/1', '100'),
        # p.28: the 三公 items' shares “占“三公”经费的 8.75% / 7.22% / 16.81%” are of the 09 table's whole
        # 合计 2,542.60 (三公 833.60 + 会议费 1,305.25 + 培训费 403.75: 222.5 ÷ 2542.6 = 8.7509%), not of the
        # 三公 合计预算数 833.60 the sentence names (26.69%, 22.02%, 51.28%; the 2018 text states 22.03%)
        ('R70-share', 'Violation', 'paragraph/28.15/percentage/1',
         '“占“三公”经费的 8.75%”: 8.75% ≠ 222.5 万元 (“因公出国（境）费支出 222.5万元”) ÷ “三公”经费合计预算数 '
         '(three public expenses, total budget) 833.60 万元 (“三公”经费、会议费、培训费支出预算 表) = 26.6915% '
         '(26.69% at the stated decimals; diff -17.94 percentage points, envelope 0.1062; total fixed by '
         '“占“三公”经费的”)'),
        ('R70-share', 'Violation', 'paragraph/28.16/percentage/1',
         '“占“三公”经费的 7.22%”: 7.22% ≠ 183.6 万元 (“公务用车购置及运行费支出 183.6 万元”) ÷ '
         '“三公”经费合计预算数 (three public expenses, total budget) 833.60 万元 '
         '(“三公”经费、会议费、培训费支出预算 表) = 22.025% (22.02% at the stated decimals; diff -14.8 percentage '
         'points, envelope 0.1061; total fixed by “占“三公”经费的”)'),
        ('R70-share', 'Violation', 'paragraph/28.17/percentage/1',
         '“占“三公”经费的 16.81%”: 16.81% ≠ 427.5 万元 (“公务接待费支出427.5 万元”) ÷ “三公”经费合计预算数 (three '
         'public expenses, total budget) 833.60 万元 (“三公”经费、会议费、培训费支出预算 表) = 51.2836% (51.28% '
         'at the stated decimals; diff -34.47 percentage points, envelope 0.1063; total fixed by “占“三公”经费的”)'),
    ],
    '江苏省人大常委会2019年度部门预算公开.pdf': [
        ('R46-subject-path', 'Warning', 'paragraph/14.10/figure/1', _unmatched(
            "住房改革支出（类）住房公积金（项）752.9万元", "住房改革支出（类）住房公积金（项）",
            _marked("住房改革支出", "22102", RD_2019))),
        ('R46-subject-path', 'Warning', 'paragraph/14.13/figure/1', _unmatched(
            "住房改革支出（类）提租补贴（项）2548.3万元", "住房改革支出（类）提租补贴（项）",
            _marked("住房改革支出", "22102", RD_2019))),
        ('R46-subject-path', 'Warning', 'paragraph/14.4/figure/1', _unmatched(
            "行政事业单位离退休（类）机关事业单位基本养老保险缴费支出（项）607.1万元",
            "行政事业单位离退休（类）机关事业单位基本养老保险缴费支出（项）",
            _marked("行政事业单位离退休", "20805", RD_2019))),
        ('R46-subject-path', 'Warning', 'paragraph/14.7/figure/1', _unmatched(
            "行政事业单位离退休（类）机关事业单位职业年金缴费支出（项）242.84万元",
            "行政事业单位离退休（类）机关事业单位职业年金缴费支出（项）",
            _marked("行政事业单位离退休", "20805", RD_2019))),
        ('R51-template-leftover', 'Warning', 'paragraph/10', '增长（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/16.20', '增加（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/16.5', '增加（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/16.8', '增加（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/9.14', '增加（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/9.15', '增长（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/9.17', '增长（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/9.18', '增加（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/9.19', '增长（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/9.20', '增加（减少）'),
        ('R53-percent-decimals', 'Info', 'paragraph/11.10/percentage/1', '100'),
        ('R53-percent-decimals', 'Info', 'paragraph/11.11/percentage/1', '0'),
        ('R53-percent-decimals', 'Info', 'paragraph/11.12/percentage/1', '0'),
        ('R53-percent-decimals', 'Info', 'paragraph/11.13/percentage/1', '0'),
        ('R53-percent-decimals', 'Info', 'paragraph/11.14/percentage/1', '0'),
        ('R53-percent-decimals', 'Info', 'paragraph/11.21/percentage/1', '0'),
        ('R53-percent-decimals', 'Info', 'paragraph/12.21/percentage/1', '12.6'),
        ('R53-percent-decimals', 'Info', 'paragraph/12.3/percentage/1', '15.3'),
        ('R53-percent-decimals', 'Info', 'paragraph/12.7/percentage/1', '100'),
        ('R53-percent-decimals', 'Info', 'paragraph/12.8/percentage/1', '15.3'),
        ('R53-percent-decimals', 'Info', 'paragraph/13.12/percentage/1', '10'),
        ('R53-percent-decimals', 'Info', 'paragraph/13.15/percentage/1', '10'),
        ('R53-percent-decimals', 'Info', 'paragraph/13.3/percentage/1', '10'),
        ('R53-percent-decimals', 'Info', 'paragraph/13.6/percentage/1', '10'),
        ('R53-percent-decimals', 'Info', 'paragraph/13.9/percentage/1', '10'),
        ('R53-percent-decimals', 'Info', 'paragraph/14.11/percentage/1', '31.5'),
        ('R53-percent-decimals', 'Info', 'paragraph/15.5/percentage/1', '15.3'),
        ('R53-percent-decimals', 'Info', 'paragraph/9.11/percentage/1', '15.3'),
        ('R53-percent-decimals', 'Info', 'paragraph/9.7/percentage/1', '15.3'),
    ],
    '江苏省委办公厅2017年部门预算.pdf': [
        # p.8, read since “…万元，与上年相比增加 101.48 万元” is: 101.48 ÷ 6005.51 = 1.6898 %, printed 1.66 (Info)
        ('R50-growth-rate', 'Info', 'paragraph/8.17/percentage/1',
         '“增长 1.66%”: 1.66% ≠ 101.48 ÷ 6005.51 = 1.6898% computed from “与上年相比增加 101.48 万元” '
         '(1.69% at the stated decimals; diff -0.03 percentage points, envelope 0.1051)'),
        ('R53-percent-decimals', 'Info', 'paragraph/6.17/percentage/1', '3.4'),
        ('R53-percent-decimals', 'Info', 'paragraph/9/percentage/1', '3.4'),
    ],
    '江苏省委办公厅2018年度部门预算公开文件.pdf': [
        ('R53-percent-decimals', 'Info', 'paragraph/6.10/percentage/1', '100'),
        ('R53-percent-decimals', 'Info', 'paragraph/7.16/percentage/1', '100'),
        ('R53-percent-decimals', 'Info', 'paragraph/8.7/percentage/1', '100'),
        ('R70-share', 'Info', 'paragraph/11.3/percentage/1',
         '“占“三公”经费的80.92%”: 80.92% ≠ 411.20 万元 (“公务用车购置及运行费支出411.20万元”) ÷ '
         '“三公”经费合计预算数 (three public expenses, total budget) 508.20 万元 '
         '(“三公”经费、会议费、培训费支出预算表) = 80.913% (80.91% at the stated decimals; diff 0.01 percentage '
         'points, envelope 0.1018; total fixed by “占“三公”经费的”)'),
    ],
    '江苏省委办公厅2019年度部门预算公开文件.pdf': [
        # read since “…万元，与上年相比增加 X 万元” is: three rates truncated, not rounded (Infos)
        ('R50-growth-rate', 'Info', 'paragraph/10.10/percentage/1',
         '“增长5.60%”: 5.60% ≠ 16.67 ÷ 297.36 = 5.606% computed from “与上年相比增加16.67万元” '
         '(5.61% at the stated decimals; diff -0.01 percentage points, envelope 0.1069)'),
        ('R50-growth-rate', 'Info', 'paragraph/10.7/percentage/1',
         '“增长5.60%”: 5.60% ≠ 41.67 ÷ 743.39 = 5.6054% computed from “与上年相比增加41.67万元” '
         '(5.61% at the stated decimals; diff -0.01 percentage points, envelope 0.1057)'),
        ('R50-growth-rate', 'Info', 'paragraph/9.16/percentage/1',
         '“增长16.07%”: 16.07% ≠ 1297.83 ÷ 8072.29 = 16.0776% computed from “与上年相比增加1297.83万元” '
         '(16.08% at the stated decimals; diff -0.01 percentage points, envelope 0.1051)'),
        # p.8 “3．住房保障（类）支出3894.09万元，…。与上年相比增加878.93万元，增长30%。” (the change as the next
        # sentence): 878.93 ÷ (3894.09 − 878.93) = 29.1504 %, 29 % at no decimal, not 30 %
        ('R50-growth-rate', 'Violation', 'paragraph/8.3/percentage/1',
         '“增长30%”: 30% ≠ 878.93 ÷ 3015.16 = 29.1504% computed from “与上年相比增加878.93万元” '
         '(29% at the stated decimals; diff 1 percentage points, envelope 0.6003)'),
        ('R53-percent-decimals', 'Info', 'paragraph/8.18/percentage/1', '100'),
        ('R53-percent-decimals', 'Info', 'paragraph/8.3/percentage/1', '30'),
        ('R53-percent-decimals', 'Info', 'paragraph/9.9/percentage/1', '100'),
        ('R70-share', 'Info', 'paragraph/12.9/percentage/1',
         '“占“三公”经费的80.92%”: 80.92% ≠ 411.20 万元 (“公务用车购置及运行费支出411.20万元”) ÷ '
         '“三公”经费合计预算数 (three public expenses, total budget) 508.20 万元 '
         '(“三公”经费、会议费、培训费支出预算表) = 80.913% (80.91% at the stated decimals; diff 0.01 percentage '
         'points, envelope 0.1018; total fixed by “占“三公”经费的”)'),
    ],
    '江苏省政协办公厅2018年度部门预算.pdf': [
        # read since “…万元，与上年相比减少 2,233.13 万元” is: 2233.13 ÷ 3348.98 = 66.6809 %, printed 66.69 (Info)
        ('R50-growth-rate', 'Info', 'paragraph/15.8/percentage/1',
         '“下降66.69%”: 66.69% ≠ 2233.13 ÷ 3348.98 = 66.6809% computed from “与上年相比减少 2,233.13 万元” '
         '(66.68% at the stated decimals; diff 0.01 percentage points, envelope 0.1053)'),
        ('R53-percent-decimals', 'Info', 'paragraph/10.7/percentage/1', '0'),
        ('R53-percent-decimals', 'Info', 'paragraph/9.18/percentage/1', '0'),
        ('R53-percent-decimals', 'Info', 'paragraph/9.19/percentage/1', '0'),
        ('R53-percent-decimals', 'Info', 'paragraph/9.21/percentage/1', '0'),
    ],
    '省人大办公厅2018预算公开.pdf': [
        # p.25: the 款 20805 行政事业单位离退休 and 22102 住房改革支出 marked （类）, no 款 printed
        ('R46-subject-path', 'Warning', 'paragraph/25.12/figure/1', _unmatched(
            "行政事业单位离退休（类）未归口管理的行政单位离退休支出（项） 256.76万元",
            "行政事业单位离退休（类）未归口管理的行政单位离退休支出（项）", _marked("行政事业单位离退休", "20805"))),
        ('R46-subject-path', 'Warning', 'paragraph/25.16/figure/1', _unmatched(
            "行政事业单位离退休（类）机关事业单位基本养老保险缴费支出（项） 580.01万元",
            "行政事业单位离退休（类）机关事业单位基本养老保险缴费支出（项）", _marked("行政事业单位离退休", "20805"))),
        ('R46-subject-path', 'Warning', 'paragraph/25.18/figure/1', _unmatched(
            "行政事业单位离退休（类）机关事业单位职业年金缴费支出（项） 232.01万元",
            "行政事业单位离退休（类）机关事业单位职业年金缴费支出（项）", _marked("行政事业单位离退休", "20805"))),
        ('R46-subject-path', 'Warning', 'paragraph/25.20/figure/1', _unmatched(
            "住房改革支出（类）住房公积金（项）572.56万元", "住房改革支出（类）住房公积金（项）",
            _marked("住房改革支出", "22102"))),
        ('R46-subject-path', 'Warning', 'paragraph/26.2/figure/1', _unmatched(
            "住房改革支出（类）提租补贴（项）1549.82万元", "住房改革支出（类）提租补贴（项）",
            _marked("住房改革支出", "22102"))),
        # p.21: “单位预留机动经费预算数为 1685.72 万元。与上年相比增加1557.29万元，增长1312.56 %。”: 1557.29 ÷ 128.43
        # (the 2017 text's 单位预留机动经费) = 1212.56 %; read since 单位预留机动经费 is an indicator
        ('R50-growth-rate', 'Violation', 'paragraph/21.9/percentage/1',
         '“增长1312.56 %”: 1312.56% ≠ 1557.29 ÷ 128.43 = 1212.5594% computed from “与上年相比增加1557.29万元” '
         '(1212.56% at the stated decimals; diff 100 percentage points, envelope 0.2033)'),
        ('R51-template-leftover', 'Warning', 'paragraph/19.16', '增加（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/19.17', '增长（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/19.19', '增长（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/20', '增加（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/20.2', '增长（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/20.3', '增加（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/20.4', '增长（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/28.21', '增加（减少）'),
        ('R51-template-leftover', 'Warning', 'paragraph/29.20', '增加（减少）'),
        ('R53-percent-decimals', 'Info', 'paragraph/21.16/percentage/1', '100'),
        ('R53-percent-decimals', 'Info', 'paragraph/21.17/percentage/1', '0'),
        ('R53-percent-decimals', 'Info', 'paragraph/21.18/percentage/1', '0'),
        ('R53-percent-decimals', 'Info', 'paragraph/21.19/percentage/1', '0'),
        ('R53-percent-decimals', 'Info', 'paragraph/21.20/percentage/1', '0'),
        ('R53-percent-decimals', 'Info', 'paragraph/21.5/percentage/1', '8.2'),
        ('R53-percent-decimals', 'Info', 'paragraph/22.9/percentage/1', '0'),
        ('R53-percent-decimals', 'Info', 'paragraph/24.3/percentage/1', '100'),
        ('R53-percent-decimals', 'Info', 'paragraph/25.7/percentage/1', '480'),
        ('R70-share', 'Info', 'paragraph/22.8/percentage/1',
         '“占10.61%”: 10.61% ≠ 1685.72 万元 (“单位预留机动经费1685.72 万元”) ÷ 本年支出合计 (total expenditure of '
         'the year) 15897.44 万元 (第二部分 2018年度部门预算表 公开 01表 收支预算总表) = 10.6037% (10.6% at the '
         'stated decimals; diff 0.01 percentage points, envelope 0.1; total fixed by '
         '“江苏省人大常委会办公厅部门本年支出预算合计15897.44万元”)'),
        ('R70-share', 'Info', 'paragraph/28.2/percentage/1',
         '“占“三公”经费的22.03%”: 22.03% ≠ 183.6 万元 (“公务用车购置及运行费支出183.6万元”) ÷ '
         '“三公”经费合计预算数 (three public expenses, total budget) 833.60 万元 (公开09表 '
         '“三公”经费、会议费、培训费支出预算表) = 22.025% (22.02% at the stated decimals; diff 0.01 percentage '
         'points, envelope 0.1061; total fixed by “占“三公”经费的”)'),
    ],
}


#: Rules whose Jiangsu findings tests/test_anomalies.py asserts (R51's year-on-year anomalies, R74): left out here.
ASSERTED_ELSEWHERE = frozenset({"R51-yoy-anomaly", "R51-rate-yoy-anomaly", "R74-carry-over-gap",
                                "R50-previous-document"})  # tests/test_year_on_year.py


@pytest.fixture(scope="module")
def jiangsu(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, dict[str, DocumentReport]]:
    store = Store(tmp_path_factory.mktemp("jiangsu") / "store")
    reports = build(store, JIANGSU)
    return store, {Path(r.file).name: r for r in reports}


def _detail(rule: str, values: dict[str, object], message: str) -> str:
    if rule.startswith("R53"):
        return str(values["printed"])
    if rule.startswith("R51-template"):
        return str(values["leftover"])
    return message


@pytest.mark.parametrize("name", [p.name for p in JIANGSU])
def test_exact_findings_per_document(name: str, jiangsu: tuple[Store, dict[str, DocumentReport]]) -> None:
    store, reports = jiangsu
    report = reports[name]
    assert report.error is None and report.iri is not None
    # a text whose tables are in the other file of its disclosure is read against them, whichever was loaded first
    # (the 委办 texts sort before their 公开表 files, the 政协 2017 one after)
    rerun = validate_stored(store, report.iri)
    found = sorted((f.rule, f.severity, f.focus.removeprefix(report.iri + "/"), _detail(f.rule, f.values, f.message))
                   for f in rerun if f.rule not in ASSERTED_ELSEWHERE)
    assert found == sorted(EXPECTED.get(name, []))
    # the report the build stored is that one
    assert sorted((f.rule, f.severity, f.focus) for f in stored_findings(store, report.iri)) == sorted(
        (f.rule, f.severity, f.focus) for f in rerun)


def test_every_listed_document_exists() -> None:
    assert set(EXPECTED) <= {p.name for p in JIANGSU}


# -- R46 on altered texts: two-level paths resolved through their headings -------------------------------

#: printed line -> (text as printed, altered text). 省检察院 2018 p.26: 行政运行（项） under “（一）公共安全支出
#: （类）” and “检察（款）: …” stated as 10,893.36 (公开07表 p.17 2040401 10,883.36). 省检察院 2017 p.20:
#: 检察（款）行政运行（项） under “（一）公共安全（类）” stated as 7968.41 (八、p.14 2040401 7,968.14).
ALTERED = {
    "2018年省检察院部门预算公开.pdf": {
        "26.10": ("1．行政运行（项）支出 10,883.36 万元，与上年相", "1．行政运行（项）支出 10,893.36 万元，与上年相")},
    "2017年省检察院部门预算.pdf": {
        "20.14": ("1．检察（款）行政运行（项）支出 7968.14 万元，", "1．检察（款）行政运行（项）支出 7968.41 万元，")},
}


def _process_altered(name: str) -> tuple[MappedDocument, list[Finding]]:
    """The file read, its ``ALTERED`` lines replaced (each checked as printed), mapped and validated."""
    return process_edited(next(p for p in JIANGSU if p.name == name), ALTERED[name])


@pytest.fixture(scope="module")
def procuratorate_2018() -> tuple[MappedDocument, list[Finding]]:
    return _process_altered("2018年省检察院部门预算公开.pdf")


def _r46(mapped: MappedDocument, findings: list[Finding]) -> list[tuple[str, str, str, str, str, str]]:
    """(rule, severity, focus, message, stated value, table value) of the R46 findings; the values of an amount's."""
    return sorted((f.rule, f.severity, f.focus.removeprefix(mapped.iri + "/"), f.message,
                   *((str(f.values["value"]), str(f.values["tableValue"])) if f.rule == "R46-subject-amounts"
                     else ("", "")))
                  for f in findings if f.rule.startswith("R46"))


def test_item_under_section_line_altered_is_a_violation(
        procuratorate_2018: tuple[MappedDocument, list[Finding]]) -> None:
    """行政运行（项） printed under the 类 heading and the 款 line, its amount altered: a Violation with the numbers
    (10,893.36 − 10,883.36 = 10 万元); the unaltered mismatch of p.26 (item 1 of （二）) is reported as before."""
    mapped, findings = procuratorate_2018
    assert _r46(mapped, findings) == [
        ("R46-subject-amounts", "Violation", "paragraph/26.10/figure/1",
         "text “行政运行（项）支出 10,893.36 万元”: 公共安全支出（类）检察（款）行政运行（项）支出 10,893.36 万元 ≠ "
         "公开 07 表：一般公共预算支出预算表 (2040401, amount) 10,883.36 万元 (both rounded to the coarser precision; "
         "diff 10 in 万元, rounding envelope 0.01)", "10893.36", "10883.36"),
        ("R46-subject-path", "Warning", "paragraph/26.23/figure/1",
         next(e[3] for e in EXPECTED["2018年省检察院部门预算公开.pdf"] if e[0] == "R46-subject-path"), "", ""),
    ]


def test_section_and_item_path_under_class_heading_altered_is_a_violation() -> None:
    """检察（款）行政运行（项） under “（一）公共安全（类）” (the table's 类 is 公共安全支出): the path resolves
    through the heading (the link says so, and that the text drops 支出) and its altered amount is a Violation
    (7968.41 − 7,968.14 = 0.27 万元)."""
    mapped, findings = _process_altered("2017年省检察院部门预算.pdf")
    assert _r46(mapped, findings) == [
        ("R46-subject-amounts", "Violation", "paragraph/20.14/figure/1",
         "text “检察（款）行政运行（项）支出 7968.41 万元”: "
         "公共安全（类）检察（款）行政运行（项）支出 7968.41 万元 ≠ "
         "八、一般公共预算支出预算表 (2040401, amount) 7,968.14 万元 (both rounded to the coarser precision; "
         "diff 0.27 in 万元, rounding envelope 0.01)", "7968.41", "7968.14"),
    ]
    figure = ox.NamedNode(f"{mapped.iri}/paragraph/20.14/figure/1")
    subject = uris.vocab() + "subject"
    links = {(t.predicate.value.removeprefix(uris.vocab()), t.object.value) for t in mapped.triples
             if t.subject == figure and t.predicate.value.startswith(subject)}
    table = "八、一般公共预算支出预算表"
    assert links == {
        ("subjectHeading", "（一）公共安全（类）"),
        ("subjectClassification", uris.concept("functional", "2040401")),
        ("subjectRow", uris.row(uris.dataset(mapped.iri, "general-public-budget-expenditure"), 5)),
        ("subjectMatch", "按名称逐级匹配：类“公共安全支出”→204，款“检察”→20404，项“行政运行”→2040401"
                         f"（文中类名省略“支出”）（{table}第5行）；类取自标题“（一）公共安全（类）”"),
        ("subjectMatch", "matched by printed name, level by level: class (类) “公共安全支出” → 204, "
                         "section (款) “检察” → 20404, item (项) “行政运行” → 2040401 (the text drops 支出 from the "
                         f"class name) ({table}, row 5); the class (类) taken from the heading “（一）公共安全（类）”"),
    }


def test_fast_path_equals_pyshacl_for_subjects(procuratorate_2018: tuple[MappedDocument, list[Finding]]) -> None:
    """The R46 shapes give the same results through pyshacl on the altered 省检察院 2018: the altered amount
    (Violation), the unmatched 项 (Warning), and resolved paths whose amounts equal their rows (行政运行's
    neighbour 一般行政管理事务 3,666 = 3,666.00; 机关事业单位基本养老保险缴费（项）支出 1,045.93, its 项 read as
    …缴费支出; 住房公积金(项):支出 1,073.77)."""
    from budgetkg import validate
    from tests.test_validate import _retarget, engines_on

    mapped, _findings = procuratorate_2018
    iri = mapped.iri
    scratch = Store.scratch({iri: mapped.triples, uris.shared_graph(): mapped.shared})
    graphs = document_graphs(iri)
    foci = [f"{iri}/paragraph/{key}/figure/1" for key in ("26.10", "26.14", "26.23", "27.2", "27.12")]
    retargeted = _retarget(validate.load_shapes(["narrative.ttl"]), foci, ("R46",))
    reference = engines_on(scratch, graphs, retargeted)
    assert sorted((r[0].split("#")[1], r[2].removeprefix(iri + "/")) for r in reference) == [
        ("R46-subject-amounts-violation", "paragraph/26.10/figure/1"),
        ("R46-subject-path-warning", "paragraph/26.23/figure/1"),
    ]


# -- a disclosure published as two files: the text read against the other file's tables ---------------------------

RD_2019_TEXT = "江苏省人大常委会2019年度部门预算公开.pdf"
RD_2019_TABLES = "江苏省人大常委会办公厅2019年部门预算公开表.pdf"


def _r46_and_rows(store: Store, narrative: str) -> tuple[list[str], int]:
    """The narrative's stored R46 findings (focus under it) and the number of its figures linked to a table row."""
    found = sorted(f.focus.removeprefix(narrative + "/") for f in stored_findings(store, narrative)
                   if f.rule.startswith("R46"))
    rows = sum(1 for _ in store.ox.quads_for_pattern(None, ox.NamedNode(uris.vocab() + "subjectRow"), None,
                                                      ox.NamedNode(narrative)))
    return found, rows


def test_dropping_the_tables_file_reads_the_text_alone_again(tmp_path) -> None:
    from budgetkg.pipeline import drop_documents, partner_of

    files = {p.name: p for p in JIANGSU}
    store = Store(tmp_path / "store")
    text, tables = (r.iri for r in build(store, [files[RD_2019_TEXT], files[RD_2019_TABLES]]))
    assert text is not None and tables is not None and partner_of(text) == tables and partner_of(tables) == text
    # 12 figures linked: the nine 人大事务 items (公开表七) and the three 类 of p.10's 支出预算总计 list (公开表一, the
    # 收支预算总表: 13907.78, 1121.39, 3301.2 = its 201, 208, 221 rows; tests/test_subject_totals.py), and 3 more:
    # the changes of those 类 stated as the sentence after each (“与上年相比增加1201.5万元…”, 10.6, 10.10, 10.14), of
    # the same rows, and 9 more: the nine items' changes stated after them in their sentence (“…支出7448.2万元，与上年
    # 相比增加…”), of their rows
    paired = (["paragraph/14.10/figure/1", "paragraph/14.13/figure/1", "paragraph/14.4/figure/1",
               "paragraph/14.7/figure/1"], 24)
    assert _r46_and_rows(store, text) == paired
    drop_documents(store, [tables])  # one transaction: the tables go, the text is validated alone
    assert not store.ox.contains_named_graph(ox.NamedNode(tables))
    assert _r46_and_rows(store, text) == ([], 0)
    build(store, [files[RD_2019_TABLES]])  # loaded again: the text is read against them again
    assert _r46_and_rows(store, text) == paired


def test_validating_the_two_files_together_pairs_them() -> None:
    # `budgetkg validate FILE…` (nothing stored): named together, the text is read against the tables
    from budgetkg.pipeline import pair_findings, process

    files = {p.name: p for p in JIANGSU}
    processed = [process(files[name]) for name in (RD_2019_TABLES, RD_2019_TEXT)]
    alone = [findings for _, findings in processed]
    paired = pair_findings([mapped for mapped, _ in processed], alone)
    assert paired[0] == alone[0]  # the tables' own report does not change
    assert sum(f.rule == "R46-subject-path" for f in alone[1]) == 0
    assert sum(f.rule == "R46-subject-path" for f in paired[1]) == 4

# -- R70 on a budget's shares ---------------------------------------------------------------------------------

#: 省检察院 2018: the share of 本年支出合计 (p.26) and the first 三公 share (p.28), altered by 10 points.
SHARES_ALTERED = {
    "26.2": ("占本年支出合计的 99.94 %。与上年相比，财政拨款支出",
             "占本年支出合计的 89.94 %。与上年相比，财政拨款支出"),
    "28.22": ("公”经费的 20.65 %；公务用车购置及运行费支出 267.8", "公”经费的 30.65 %；公务用车购置及运行费支出 267.8"),
}


@pytest.fixture(scope="module")
def shares_altered() -> tuple[MappedDocument, list[Finding]]:
    return process_edited(next(p for p in JIANGSU if p.name == "2018年省检察院部门预算公开.pdf"), SHARES_ALTERED)


def test_budget_shares_altered_are_violations(shares_altered: tuple[MappedDocument, list[Finding]]) -> None:
    """A budget's shares are recomputed from its own tables (预算数): 89.94% of 本年支出合计 21,955.35 万元
    (21,940.96 ÷ 21,955.35 = 99.9345%) and 30.65% of the 三公 合计预算数 484.30 万元 (100 ÷ 484.3 = 20.6484%) are
    Violations, and the three 三公 shares then add up to 109.95% (R70-share-list); 55.3% (55.2963%) and 24%
    (24.0553%) are the exact shares rounded to their decimals: silent. The unaltered document's R70 Infos (in
    ``EXPECTED``) are all there is besides."""
    mapped, findings = shares_altered
    unaltered = [e[:3] for e in EXPECTED["2018年省检察院部门预算公开.pdf"] if e[0].startswith("R70")]
    found = sorted((f.rule, f.severity, f.focus.removeprefix(mapped.iri + "/"), f.message)
                   for f in findings if f.rule.startswith("R70"))
    # (the unaltered 99.94% of p.26 was an Info: altered, it is a Violation)
    assert sorted(f[:3] for f in found if f[1] == "Info") == sorted(
        e for e in unaltered if e[2] != "paragraph/26.2/percentage/1")
    assert [f for f in found if f[1] != "Info"] == [
        ("R70-share", "Violation", "paragraph/26.2/percentage/1",
         "“占本年支出合计的 89.94 %”: 89.94% ≠ 21,940.96 万元 (“省检察院 2018 年财政拨款预算支出 21,940.96 万元”) ÷ "
         "本年支出合计 (total expenditure of the year) 21,955.35 万元 (第二部分 2018 年度部门预算表 公开 01 表："
         "收支预算总表) = 99.9345% (99.93% at the stated decimals; diff -9.99 percentage points, envelope 0.1; "
         "total fixed by “占本年支出合计的”)"),
        ("R70-share", "Violation", "paragraph/28.22/percentage/1",
         "“占“三公”经费的 30.65 %”: 30.65% ≠ 100 万元 (“因公出国（境）费支出 100 万元”) ÷ “三公”经费合计预算数 "
         "(three public expenses, total budget) 484.30 万元 (公开 09 表：一般公共预算“三公”经费、会议费、培训费 "
         "支出预算表) = 20.6484% (20.65% at the stated decimals; diff 10 percentage points, envelope 0.2035; "
         "total fixed by “占“三公”经费的”)"),
        ("R70-share-list", "Violation", "paragraph/28.22/percentage/1",
         "“省检察院 2018 年度一般公共预算拨款安排的“三公”经费预算支出中，因公出国（境）费支出 100 万元，"
         "占“三公”经费的 30.65 %；公务用车购置及运行费支出 267.8万元，占“三公”经费的 55.3 %；公务接待费支出 "
         "116.5万元，占“三公”经费的 24 %。”: the 3 shares of “三公”经费合计预算数 (three public expenses, total "
         "budget) listed add up to 109.95%, more than 100.1%"),
    ]


def test_fast_path_equals_pyshacl_on_budget_shares(shares_altered: tuple[MappedDocument, list[Finding]]) -> None:
    """The R70 shapes give the same results through pyshacl on the altered budget: the two Violations, the list,
    and the two silent shares."""
    from budgetkg import validate
    from tests.test_validate import _retarget, engines_on

    mapped, _findings = shares_altered
    iri = mapped.iri
    scratch = Store.scratch({iri: mapped.triples, uris.shared_graph(): mapped.shared})
    foci = [f"{iri}/paragraph/{key}/percentage/1" for key in ("26.2", "28.22", "28.23", "28.24")]
    retargeted = _retarget(validate.load_shapes(["final.ttl"]), foci, ("R70",))
    reference = engines_on(scratch, document_graphs(iri), retargeted)
    assert sorted((r[0].split("#")[1], r[2].removeprefix(iri + "/")) for r in reference) == [
        ("R70-share-list-violation", "paragraph/28.22/percentage/1"),
        ("R70-share-violation", "paragraph/26.2/percentage/1"),
        ("R70-share-violation", "paragraph/28.22/percentage/1"),
    ]
