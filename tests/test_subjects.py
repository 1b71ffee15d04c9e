"""Resolving a 类/款/项 path of the text to a table row by name (``budgetkg.subjects``, rule R46), on rows
written here: the walk goes level by level under the parent, compares normalised names exactly, and
says where it stops."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from budgetkg.model import Paragraph, SourceDocument
from budgetkg.narrative import extract
from budgetkg.subjects import TableRow, _notes, normalise_name, resolve, split_levels, split_path, walk

B5 = "一般公共预算财政拨款支出表"


def _rows(title: str, *rows: tuple[str, str]) -> list[TableRow]:
    return [TableRow(f"ds/{title}", title, f"row/{n}", n, f"code/functional/{code}", code, normalise_name(name))
            for n, (code, name) in enumerate(rows, start=4)]


ROWS = _rows(B5, ("201", "一般公共服务支出"), ("20101", "人大事务"), ("2010101", "行政运行"),
             ("212", "城乡社区支出"), ("21201", "城乡社区管理事务"), ("2120101", "行政运行"),
             ("221", "住房保障支出"), ("22102", "住房改革支出"), ("2210201", "住房公积金"),
             ("208", "社会保障和就\n业支出"), ("20805", "行政事业单位\n养老支出"),
             ("2080599", "其他行政事业单位养老支出"))


def test_normalise_name_removes_spacing_and_widens_brackets() -> None:
    assert normalise_name(" 社会保障和就\n业支出 ") == "社会保障和就业支出"
    assert normalise_name("其他（项)") == "其他（项）"
    assert normalise_name("(款)") == "（款）"


def test_split_path_needs_the_three_levels() -> None:
    printed = "资源勘探工业信息等支出（类）支持中小企业发展和管理支出（款)其他支持中小企业发展和管理支出（项）"
    assert split_path(printed) == (
        "资源勘探工业信息等支出", "支持中小企业发展和管理支出", "其他支持中小企业发展和管理支出")
    # Jiangsu 2018 prints a 款 labelled as a 类 and no 款: not a three-level path (split_levels takes it)
    assert split_path("住房改革支出（类）住房公积金（项）") is None


def test_walk_takes_each_level_under_its_parent() -> None:
    # 行政运行 is a 项 of 20101 and of 21201: the 款 decides
    match = walk(("城乡社区支出", "城乡社区管理事务", "行政运行"), ROWS)
    assert match.resolved and [r.code for r in match.rows] == ["212", "21201", "2120101"]
    assert match.rows[-1].row == "row/9"
    # names wrapped over lines in the table cell
    match = walk(("社会保障和就业支出", "行政事业单位养老支出", "其他行政事业单位养老支出"), ROWS)
    assert [r.code for r in match.rows] == ["208", "20805", "2080599"]


def test_walk_reports_where_it_stops() -> None:
    # 住房保障支出 is the 类, not a 款 under it (the 决算 text's “住房保障支出（类）住房保障支出（款）…”)
    match = walk(("住房保障支出", "住房保障支出", "住房公积金"), ROWS)
    assert (match.resolved, [r.code for r in match.rows], match.missing, match.name) == (
        False, ["221"], "款", "住房保障支出")
    # a 项 name the table does not print under its 款
    match = walk(("社会保障和就业支出", "行政事业单位养老支出", "机关事业单位退休人员活动费支出"), ROWS)
    assert ([r.code for r in match.rows], match.missing, match.name) == (
        ["208", "20805"], "项", "机关事业单位退休人员活动费支出")
    # a former 类 name is not the name printed (no loose matching)
    match = walk(("医疗卫生与计划生育支出", "行政事业单位医疗", "事业单位医疗"), ROWS)
    assert (match.rows, match.missing, match.name, match.title) == ((), "类", "医疗卫生与计划生育支出", B5)
    # a 项 found under another 款 of the same 类 is not a match
    match = walk(("一般公共服务支出", "人大事务", "住房公积金"), ROWS)
    assert (match.missing, match.name) == ("项", "住房公积金")


def test_resolve_tries_the_fund_tables_after_b5() -> None:
    fund = _rows("政府性基金预算支出表", ("212", "城乡社区支出"), ("21208", "国有土地使用权出让收入安排的支出"),
                 ("2120801", "征地和拆迁补偿支出"))
    path = ("城乡社区支出", "国有土地使用权出让收入安排的支出", "征地和拆迁补偿支出")
    match = resolve(path, {"general-public-budget-expenditure": ROWS, "government-fund-expenditure": fund})
    assert match is not None and match.resolved and match.rows[-1].code == "2120801"
    assert match.title == "政府性基金预算支出表"
    # found nowhere: B5's failed walk is the one reported
    missing = resolve(("城乡社区支出", "城乡社区公共设施", "其他城乡社区公共设施支出"),
                      {"general-public-budget-expenditure": ROWS, "government-fund-expenditure": fund})
    assert missing is not None and (missing.title, missing.missing, missing.name) == (B5, "款", "城乡社区公共设施")
    assert resolve(path, {}) is None


# -- two-level paths (Jiangsu budgets) ------------------------------------------------------------------

#: 201 with 行政运行 under two 款 (人大事务, 政协事务), and 208 / 221 as the Jiangsu B5 tables print them
TWO_KUAN = _rows(B5, ("201", "一般公共服务支出"), ("20101", "人大事务"), ("2010101", "行政运行"),
                 ("2010104", "人大会议"), ("20102", "政协事务"), ("2010201", "行政运行"),
                 ("208", "社会保障和就业支出"), ("20805", "行政事业单位离退休"),
                 ("2080504", "未归口管理的行政单位离退休"),
                 ("2080505", "机关事业单位基本养老保险缴费支\n出"),
                 ("221", "住房保障支出"), ("22102", "住房改革支出"), ("2210201", "住房公积金"))


def test_split_levels_reads_three_and_two_level_paths() -> None:
    assert split_levels("一般公共服务支出（类）人大事务（款）行政运行（项）") == (
        ("类", "一般公共服务支出"), ("款", "人大事务"), ("项", "行政运行"))
    assert split_levels("住房改革支出（类）住房公积金(项)") == (("类", "住房改革支出"), ("项", "住房公积金"))
    # a 支出 right after the 项 mark: a second reading of the 项's name
    assert split_levels("社会保障和就业支出（类）行政事业单位离退休（款）机关事业单位基本养老保险缴费（项）支出") == (
        ("类", "社会保障和就业支出"), ("款", "行政事业单位离退休"), ("项", "机关事业单位基本养老保险缴费"),
        ("项支出", "机关事业单位基本养老保险缴费支出"))
    # a 款 and 项 without a 类 (the label carries the heading's 类 once extracted), a 项 alone: not paths
    assert split_levels("人大事务（款）行政运行（项）") is None
    assert split_levels("人大事务行政运行（项）") is None


def test_class_and_item_path_resolves_when_the_item_is_unique_under_the_class() -> None:
    match = walk((("类", "一般公共服务支出"), ("项", "人大会议")), TWO_KUAN)
    assert match.resolved and [r.code for r in match.rows] == ["201", "2010104"] and match.rows[-1].row == "row/7"
    assert _notes(match) == (
        "按名称逐级匹配：类“一般公共服务支出”→201，项“人大会议”→2010104（该类下唯一同名的项）（一般公共预算财政拨款支出表第7行）",
        "matched by printed name, level by level: class (类) “一般公共服务支出” → 201, item (项) “人大会议” → 2010104 "
        "(the only item of that name under the class) (一般公共预算财政拨款支出表, row 7)")
    # 行政运行 is a 项 of 20101 and of 20102: the text does not say which — unresolved, and no mismatch
    match = walk((("类", "一般公共服务支出"), ("项", "行政运行")), TWO_KUAN)
    assert (match.resolved, match.ambiguous, match.missing, [r.code for r in match.rows]) == (False, 2, "", ["201"])
    assert resolve((("类", "一般公共服务支出"), ("项", "行政运行")), {"general-public-budget-expenditure": TWO_KUAN}) \
        == match
    # Jiangsu 2018 “住房改革支出（类）住房公积金（项）”: 住房改革支出 is the 款 22102, no 类 has that name
    match = walk((("类", "住房改革支出"), ("项", "住房公积金")), TWO_KUAN)
    assert (match.resolved, match.missing, match.name, [r.code for r in match.elsewhere]) == (
        False, "类", "住房改革支出", ["22102"])
    assert _notes(match) == (
        "一般公共预算财政拨款支出表中无名为“住房改革支出”的类（“住房改革支出”是款 22102的名称）",
        "一般公共预算财政拨款支出表 has no class (类) named “住房改革支出” "
        "(“住房改革支出” is the name of section (款) 22102)")


def test_item_name_ending_in_zhichu_is_read_both_ways() -> None:
    # “…缴费（项）支出 1,045.93 万元”: the 项 is 机关事业单位基本养老保险缴费支出 (the cell wraps 支\n出)
    levels = split_levels("社会保障和就业支出（类）行政事业单位离退休（款）机关事业单位基本养老保险缴费（项）支出")
    assert levels is not None
    match = walk(levels, TWO_KUAN)
    assert match.resolved and match.rows[-1].code == "2080505"
    # “行政运行（项）支出”: the 项 is 行政运行
    levels = split_levels("一般公共服务支出（类）政协事务（款）行政运行（项）支出")
    assert levels is not None and walk(levels, TWO_KUAN).rows[-1].code == "2010201"
    # neither reading is printed by the table: both named in the note
    levels = split_levels("社会保障和就业支出（类）行政事业单位离退休（款）未归口管理行政单位离退休费（项）支出")
    assert levels is not None
    match = walk(levels, TWO_KUAN)
    heading = ("（二）社会保障和就业支出（类）", "行政事业单位离退休（款）")
    assert _notes(match, heading) == (
        "一般公共预算财政拨款支出表中 20805 行政事业单位离退休 之下无名为“未归口管理行政单位离退休费”的项"
        "（亦无名为“未归口管理行政单位离退休费支出”的项）；类、款取自标题“（二）社会保障和就业支出（类）”“行政事业单位离退休（款）”",
        "一般公共预算财政拨款支出表 has no item (项) named “未归口管理行政单位离退休费” under 20805 行政事业单位离退休 "
        "(nor one named “未归口管理行政单位离退休费支出”); the class (类) and section (款) taken from the heading "
        "“（二）社会保障和就业支出（类）”, “行政事业单位离退休（款）”")


def _jiangsu_text(*lines: str) -> SourceDocument:
    """A document of printed lines (one paragraph each), as the extracted-text reader gives them."""
    blocks = [Paragraph(text, n) for n, text in enumerate(lines, start=1)]
    return SourceDocument("t.txt", "t.txt", "", 0, "text/plain", "utf-8", "text", list(blocks))


def _subjects(doc: SourceDocument) -> list[tuple[str, str, Decimal, str, tuple[str, ...]]]:
    return [(s.paragraph, s.kind, s.amount, s.label, s.headings) for s in extract(doc)
            if s.indicator == "classification-subject"]


def test_extraction_takes_the_missing_levels_from_the_headings() -> None:
    """The Jiangsu forms (省人大 2018 p.24–25, 省检察院 2017 p.20 and 2018 p.26–27): 款 + 项 under a 类 heading,
    项 alone under a 款 line, 类 + 项; the 项 mark followed by 支出 or by “:支出”. The 款 line's own total
    (“检察（款）: 2018 年预算支出合计 16,444.36 万元”) is the path 类 + 款, its 类 from the heading. A change stated
    after an item's amount in its sentence (“…6372.32万元，与上年相比增加1826.38 万元”) is that item's."""
    doc = _jiangsu_text(
        "五、财政拨款支出预算表情况说明",
        "（一）一般公共服务（类）",
        "1.人大事务（款）行政运行（项）支出6372.32万元，与上年相比增加1826.38 万元，增长40.18%。",
        "3.人大事务（款）人大会议（项）支出1305.25万元，与上年相比持平。",
        "（三）住房保障支出（类）",
        "1．住房改革支出（类）住房公积金（项）572.56万元，与上年相比增加78.34 万元，增加15.85 %。",
        "（一）公共安全支出（类）",
        "检察（款）: 2018 年预算支出合计 16,444.36 万元。其中：",
        "3．公诉、审判、侦查、执行等检察监督支出（项） 1,895 万元，与上年相比减少 134 万元，降幅 0.66 %。",
        "（二）社会保障和就业支出（类）",
        "行政事业单位离退休（款）：2018 年预算支出合计 1,836.22 万元。其中:",
        "2．机关事业单位基本养老保险缴费（项）支出 1,045.93 万元。",
        "（三）住房保障支出（类）",
        "住房改革支出(款): 2018 年预算支出合计 3,660.38 万元。其中:",
        "1.住房公积金(项):支出 1,073.77 万元。",
    )
    kuan = ("（三）住房保障支出（类）", "住房改革支出(款)")
    lei = ("（一）一般公共服务（类）",)
    assert _subjects(doc) == [
        ("3", "amount", Decimal("6372.32"), "一般公共服务（类）人大事务（款）行政运行（项）支出", lei),
        ("3", "change", Decimal("1826.38"), "一般公共服务（类）人大事务（款）行政运行（项）支出", lei),
        ("4", "amount", Decimal("1305.25"), "一般公共服务（类）人大事务（款）人大会议（项）支出", lei),
        ("4", "change", Decimal("0"), "一般公共服务（类）人大事务（款）人大会议（项）支出", lei),
        ("6", "amount", Decimal("572.56"), "住房改革支出（类）住房公积金（项）", ()),
        ("6", "change", Decimal("78.34"), "住房改革支出（类）住房公积金（项）", ()),
        ("8", "amount", Decimal("16444.36"), "公共安全支出（类）检察（款）", ("（一）公共安全支出（类）",)),
        ("9", "amount", Decimal("1895"), "公共安全支出（类）检察（款）公诉、审判、侦查、执行等检察监督支出（项）",
         ("（一）公共安全支出（类）", "检察（款）")),
        ("9", "change", Decimal("134"), "公共安全支出（类）检察（款）公诉、审判、侦查、执行等检察监督支出（项）",
         ("（一）公共安全支出（类）", "检察（款）")),
        ("11", "amount", Decimal("1836.22"), "社会保障和就业支出（类）行政事业单位离退休（款）",
         ("（二）社会保障和就业支出（类）",)),
        ("12", "amount", Decimal("1045.93"),
         "社会保障和就业支出（类）行政事业单位离退休（款）机关事业单位基本养老保险缴费（项）支出",
         ("（二）社会保障和就业支出（类）", "行政事业单位离退休（款）")),
        ("14", "amount", Decimal("3660.38"), "住房保障支出（类）住房改革支出（款）", ("（三）住房保障支出（类）",)),
        ("15", "amount", Decimal("1073.77"), "住房保障支出（类）住房改革支出（款）住房公积金(项)", kuan),
    ]


def test_extraction_needs_a_heading_for_an_incomplete_path() -> None:
    """No path without its 类: a 款 + 项 or a 项 with no 类 heading above (a bare line naming a 款, “人大事务”, is
    no heading: only a line that is exactly a 类 name is, as 省人大 2017 p.26's “一般公共服务”,
    tests/test_subject_totals.py), after another heading (六、) closes the 类's section, or the 经济分类 lines of
    政协 2017 (“（1）基本工资（款）支出”: no 项)."""
    doc = _jiangsu_text(
        "人大事务",
        "1. 人大事务行政运行（项）支出 10528.33 万元，与上年相比减少 17.89 万元，减少 0.17%。",
        "2. 人大事务（款）人大会议（项）支出1305.25万元。",
        "（一）公共安全（类）",
        "1．检察（款）行政运行（项）支出 7968.14 万元，与上年相比增加 300.38 万元。",
        "六、财政拨款基本支出预算表情况说明",
        "1．行政运行（项）支出 10,883.36 万元。",
        "2．检察（款）一般行政管理事务（项）支出 3,644.20 万元。",
        "1、工资福利支出（类）2,097.51 万元",
        "（1）基本工资（款）支出 737.94 万元。用于发放机关公务员基本工资。",
    )
    assert _subjects(doc) == [
        ("5", "amount", Decimal("7968.14"), "公共安全（类）检察（款）行政运行（项）支出", ("（一）公共安全（类）",)),
        ("5", "change", Decimal("300.38"), "公共安全（类）检察（款）行政运行（项）支出", ("（一）公共安全（类）",))]


def test_class_name_printed_without_zhichu() -> None:
    """Jiangsu headings name 201 一般公共服务支出 “一般公共服务（类）”: the 类 matches as name + 支出, and the
    note says so; a name that is neither (人大事务 is a 款) still stops the walk."""
    match = walk(("一般公共服务", "人大事务", "行政运行"), ROWS)
    assert match.resolved and match.class_tail and [r.code for r in match.rows] == ["201", "20101", "2010101"]
    assert _notes(match) == (
        "按名称逐级匹配：类“一般公共服务支出”→201，款“人大事务”→20101，项“行政运行”→2010101"
        f"（文中类名省略“支出”）（{B5}第6行）",
        "matched by printed name, level by level: class (类) “一般公共服务支出” → 201, "
        "section (款) “人大事务” → 20101, item (项) “行政运行” → 2010101"
        f" (the text drops 支出 from the class name) ({B5}, row 6)")
    exact = walk(("一般公共服务支出", "人大事务", "行政运行"), ROWS)
    assert exact.resolved and not exact.class_tail
    stopped = walk(("人大事务", "人大事务", "行政运行"), ROWS)
    assert (stopped.resolved, stopped.missing, stopped.name) == (False, "类", "人大事务")


def test_a_page_number_between_two_printed_lines_is_left_out() -> None:
    """省人大 2018 pp.24–25: “6.人大事务（款）人大代表履职能力提升（项）支出403.75” | “24” |
    “万元，与上年相比持平。”: the page number is not part of the sentence (joined into “403.7524万元”, the figure
    was lost); a heading after a full line ending in “其中：” (政协 2018 p.10, “- 10 -” between them) still
    starts a line of its own."""
    full = "其他人大事务支出主要用于保障人大机关各项工作的正常运转。"
    doc = replace(_jiangsu_text(
        "（一）一般公共服务（类）", full, "6.人大事务（款）人大代表履职能力提升（项）支出403.75", "24",
        "万元，与上年相比持平。", full + "其中：", "- 10 -", "（二）社会保障和就业支出（类）",
        "1.行政事业单位离退休（款）机关事业单位职业年金缴费支出（项）232.01万元。"), media_type="application/pdf")
    assert _subjects(doc) == [
        ("3", "amount", Decimal("403.75"), "一般公共服务（类）人大事务（款）人大代表履职能力提升（项）支出",
         ("（一）一般公共服务（类）",)),
        ("5", "change", Decimal("0"), "一般公共服务（类）人大事务（款）人大代表履职能力提升（项）支出",
         ("（一）一般公共服务（类）",)),
        ("9", "amount", Decimal("232.01"),
         "社会保障和就业支出（类）行政事业单位离退休（款）机关事业单位职业年金缴费支出（项）",
         ("（二）社会保障和就业支出（类）",)),
    ]
