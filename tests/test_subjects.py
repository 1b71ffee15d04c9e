"""Resolving a 类/款/项 path of the text to a table row by name (``budgetkg.subjects``, rule R46), on rows
written here: the walk goes level by level under the parent, compares normalised names exactly, and
says where it stops."""

from __future__ import annotations

from budgetkg.subjects import TableRow, normalise_name, resolve, split_path, walk

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
    # Jiangsu 2018 prints a 款 labelled as a 类 and no 款: not a 类/款/项 path, not resolved
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
