"""The example queries of ``sparql/*.rq`` on the bundled sample, row for row.

Every expected figure below was read off the sample's printed tables
(data/sample/hebei-qinhuangdao-shanhaiguan-nanguan-2023-budget.txt), and sums and differences
were worked out by hand from them; they are not copied from query output.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from budgetkg.config import DEFAULT_BASE_IRI, SPARQL_DIR, base_iri
from budgetkg.store import Store
from tests.conftest import CORPUS

D = Decimal
XSD = "http://www.w3.org/2001/XMLSchema#"
QUERIES = sorted(SPARQL_DIR.glob("*.rq"))
DEPT = "秦皇岛市山海关区南关街道办事处"
FILE = "hebei-qinhuangdao-shanhaiguan-nanguan-2023-budget.txt"
BASIC_TABLE = "部门预算一般公共预算财政拨款基本支出表"


def python_value(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> object:
    """Decimals as Decimal, integers as int, everything else as its lexical value."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype == XSD + "decimal":
            return Decimal(term.value)
        if datatype == XSD + "integer":
            return int(term.value)
    return term.value


def run(store: Store, name: str) -> list[tuple[object, ...]]:
    """Rows of ``sparql/{name}.rq`` (its IRIs moved to the configured base, if not the default)."""
    text = (SPARQL_DIR / f"{name}.rq").read_text(encoding="utf-8").replace(DEFAULT_BASE_IRI, base_iri())
    solutions = store.query(text)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [tuple(python_value(s[n]) for n in names) for s in solutions]


def header(path: Path) -> dict[str, list[str]]:
    """The leading ``# key: value`` comment lines of a query file, by key."""
    found: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if hit := re.match(r"#\s*([\w-]+):\s*(.*)$", line):
            found.setdefault(hit.group(1), []).append(hit.group(2).strip())
    return found


# -- every query file ---------------------------------------------------------------------------


def test_there_are_at_least_six_queries() -> None:
    assert len(QUERIES) >= 6


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_query_file_has_titles_and_description(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert re.match(r"# title: \S", first), "the first line must be '# title: …' (the server lists it)"
    meta = header(path)
    assert meta.get("title-zh") and re.search(r"[\u4e00-\u9fff]", meta["title-zh"][0])
    assert meta.get("description")
    assert DEFAULT_BASE_IRI in " ".join(meta["description"]), "the description names the default base IRI"


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_query_file_parses_and_is_generic(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    ox.Store().query(text)  # raises SyntaxError if the query does not parse
    assert re.search(r"PREFIX bkg:\s*<http://127\.0\.0\.1:8000/def/budget#>", text)
    prefixes = re.findall(r"PREFIX\s+[\w-]*:\s*<([^>]*)>", text)
    assert prefixes and all(re.match(r"https?://", iri) for iri in prefixes), "absolute prefix IRIs only"
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    assert "/id/disclosure/" not in body and "/document/" not in body, "never select by document IRI"


# -- results on the sample ----------------------------------------------------------------------


def test_spending_by_function(sample_store: Store) -> None:
    # 部门预算一般公共预算财政拨款支出表, 类 rows, 合计 column (万元), largest first
    assert run(sample_store, "01-spending-by-function") == [
        (DEPT, 2023, "201", "一般公共服务支出", D("333.85"), "万元", D("3338500")),
        (DEPT, 2023, "212", "城乡社区支出", D("278.10"), "万元", D("2781000")),
        (DEPT, 2023, "208", "社会保障和就业支出", D("135.80"), "万元", D("1358000")),
        (DEPT, 2023, "210", "卫生健康支出", D("40.26"), "万元", D("402600")),
        (DEPT, 2023, "221", "住房保障支出", D("32.41"), "万元", D("324100")),
        (DEPT, 2023, "203", "国防支出", D("2.00"), "万元", D("20000")),
    ]


def test_basic_vs_project(sample_store: Store) -> None:
    # 部门预算支出总表: 合计 / 基本支出 / 项目支出; share = 项目 / 合计 × 100, 2 decimals:
    # 0.40 / 333.85 = 0.11981…% → 0.12; 78.70 / 135.80 = 57.9528…% → 57.95
    assert run(sample_store, "02-basic-vs-project") == [
        (DEPT, 2023, "201", "一般公共服务支出", D("333.85"), D("333.45"), D("0.40"), D("0.12")),
        (DEPT, 2023, "203", "国防支出", D("2.00"), D("0"), D("2.00"), D("100")),
        (DEPT, 2023, "208", "社会保障和就业支出", D("135.80"), D("57.10"), D("78.70"), D("57.95")),
        (DEPT, 2023, "210", "卫生健康支出", D("40.26"), D("40.26"), D("0"), D("0")),
        (DEPT, 2023, "212", "城乡社区支出", D("278.10"), D("0"), D("278.10"), D("100")),
        (DEPT, 2023, "221", "住房保障支出", D("32.41"), D("32.41"), D("0"), D("0")),
    ]


def test_personnel_vs_public(sample_store: Store) -> None:
    # 基本支出表: 合计 463.21 = 人员经费 421.74 + 公用经费 41.47; 421.74 / 463.21 = 91.047…% → 91.05
    assert run(sample_store, "03-personnel-vs-public") == [
        (DEPT, 2023, None, "合计", D("463.21"), D("421.74"), D("41.47"), D("91.05")),
        (DEPT, 2023, "301", "工资福利支出", D("407.32"), D("407.32"), D("0"), D("100")),
        (DEPT, 2023, "302", "商品和服务支出", D("41.47"), D("0"), D("41.47"), D("0")),
        (DEPT, 2023, "303", "对个人和家庭的补助", D("14.42"), D("14.42"), D("0"), D("100")),
    ]


def test_economic_breakdown_of_basic_expenditure(sample_store: Store) -> None:
    wages, goods, households = ("301", "工资福利支出"), ("302", "商品和服务支出"), ("303", "对个人和家庭的补助")
    personnel = [  # (款, name, amount): 合计 = 人员经费, 公用经费 blank
        (wages, "30101", "基本工资", "125.21"), (wages, "30102", "津贴补贴", "57.55"),
        (wages, "30103", "奖金", "27.47"), (wages, "30107", "绩效工资", "80.30"),
        (wages, "30108", "机关事业单位基本养老保险缴费", "41.77"), (wages, "30110", "职工基本医疗保险缴费", "16.63"),
        (wages, "30111", "公务员医疗补助缴费", "23.63"), (wages, "30112", "其他社会保障缴费", "2.36"),
        (wages, "30113", "住房公积金", "32.41"),
    ]
    public = [  # 合计 = 公用经费, 人员经费 blank
        (goods, "30201", "办公费", "3.85"), (goods, "30205", "水费", "0.26"), (goods, "30206", "电费", "1.36"),
        (goods, "30207", "邮电费", "1.70"), (goods, "30208", "取暖费", "13.61"), (goods, "30211", "差旅费", "1.00"),
        (goods, "30213", "维修(护)费", "0.49"), (goods, "30216", "培训费", "0.17"),
        (goods, "30217", "公务接待费", "0.05"), (goods, "30228", "工会经费", "4.93"),
        (goods, "30229", "福利费", "3.13"), (goods, "30231", "公务用车运行维护费", "0.60"),
        (goods, "30239", "其他交通费用", "8.46"), (goods, "30299", "其他商品和服务支出", "1.88"),
    ]
    transfers = [
        (households, "30302", "退休费", "13.75"), (households, "30309", "奖励金", "0.13"),
        (households, "30399", "其他对个人和家庭的补助", "0.54"),
    ]
    expected = (
        [(DEPT, 2023, *c, code, name, D(a), D(a), None) for c, code, name, a in personnel]
        + [(DEPT, 2023, *c, code, name, D(a), None, D(a)) for c, code, name, a in public]
        + [(DEPT, 2023, *c, code, name, D(a), D(a), None) for c, code, name, a in transfers]
    )
    rows = run(sample_store, "04-economic-breakdown-of-basic-expenditure")
    assert rows == expected
    assert len(rows) == 26


def test_three_public_expenses(sample_store: Store) -> None:
    total, vehicles = "“三公”经费合计", "公务用车购置及运行维护费"
    assert run(sample_store, "05-three-public-expenses") == [
        # printed rows with amounts, in printed order (only the 一般公共预算 column is filled)
        (DEPT, 2023, "three-public-total", total, None, "“三公”经费小计", D("1.05"), D("1.05"), None, None),
        (DEPT, 2023, "official-vehicles", vehicles, total, "二、公务用车购置及运维费",
         D("1.00"), D("1.00"), None, None),
        (DEPT, 2023, "vehicle-operation", "公务用车运行维护费", vehicles, "公务用车运行维护费",
         D("1.00"), D("1.00"), None, None),
        (DEPT, 2023, "official-reception", "公务接待费", total, "三、公务接待费", D("0.05"), D("0.05"), None, None),
        # printed blank: 一、因公出国（境）费 and 其中：公务用车购置费
        (DEPT, 2023, "outbound-travel", "因公出国（境）费", total, None, None, None, None, None),
        (DEPT, 2023, "vehicle-purchase", "公务用车购置费", vehicles, None, None, None, None, None),
    ]


def test_totals_that_disagree_with_their_parts(sample_store: Store) -> None:
    # 类 rows of the three functional tables: 333.85 + 2.00 + 135.80 + 40.26 + 278.10 + 32.41 = 822.42
    # (printed 合计 822.41); 基本支出: 333.45 + 57.10 + 40.26 + 32.41 = 463.22 (printed 463.21);
    # 项目支出 0.40 + 2.00 + 78.70 + 278.10 = 359.20 agrees.
    # 基本支出表: 301 children 125.21 + 57.55 + 27.47 + 80.30 + 41.77 + 16.63 + 23.63 + 2.36 + 32.41
    # = 407.33 (printed 407.32); 302 children 3.85 + 0.26 + 1.36 + 1.70 + 13.61 + 1.00 + 0.49 + 0.17
    # + 0.05 + 4.93 + 3.13 + 0.60 + 8.46 + 1.88 = 41.49 (printed 41.47); 合计 407.32 + 41.47 + 14.42
    # = 463.21 agrees. 固定资产: 房屋 2.09 + 车辆 10.75 + 其他 118.36 = 131.20 (资产总额 131.19).
    # “三公”: 1.00 + 0.05 = 1.05 and 0 + 1.00 = 1.00 agree. Tolerance: (children + 1) × 0.005.
    total_row = ("table-total", "合计")
    tt = "部门预算一般公共预算财政拨款支出表"
    assert run(sample_store, "06-totals-that-disagree-with-their-parts") == [
        (DEPT, 2023, "部门预算收入总表", 3, "合计", *total_row, D("822.41"), D("822.42"), D("-0.01"), 6, D("0.035")),
        (DEPT, 2023, "部门预算收入总表", 4, "本年收入 / 小计", *total_row,
         D("822.41"), D("822.42"), D("-0.01"), 6, D("0.035")),
        (DEPT, 2023, "部门预算收入总表", 5, "本年收入 / 财政拨款收入", *total_row,
         D("822.41"), D("822.42"), D("-0.01"), 6, D("0.035")),
        (DEPT, 2023, "部门预算支出总表", 3, "合计", *total_row, D("822.41"), D("822.42"), D("-0.01"), 6, D("0.035")),
        (DEPT, 2023, "部门预算支出总表", 4, "基本支出", *total_row,
         D("463.21"), D("463.22"), D("-0.01"), 4, D("0.025")),
        (DEPT, 2023, tt, 3, "合计", *total_row, D("822.41"), D("822.42"), D("-0.01"), 6, D("0.035")),
        (DEPT, 2023, tt, 4, "基本支出", *total_row, D("463.21"), D("463.22"), D("-0.01"), 4, D("0.025")),
        (DEPT, 2023, BASIC_TABLE, 3, "一般公共预算基本支出 / 合计", "301", "工资福利支出",
         D("407.32"), D("407.33"), D("-0.01"), 9, D("0.05")),
        (DEPT, 2023, BASIC_TABLE, 4, "一般公共预算基本支出 / 人员经费", "301", "工资福利支出",
         D("407.32"), D("407.33"), D("-0.01"), 9, D("0.05")),
        (DEPT, 2023, BASIC_TABLE, 3, "一般公共预算基本支出 / 合计", "302", "商品和服务支出",
         D("41.47"), D("41.49"), D("-0.02"), 14, D("0.075")),
        (DEPT, 2023, BASIC_TABLE, 5, "一般公共预算基本支出 / 公用经费", "302", "商品和服务支出",
         D("41.47"), D("41.49"), D("-0.02"), 14, D("0.075")),
        (DEPT, 2023, "部门固定资产占用情况表", None, "价值（金额单位：万元）", "total-assets", "资产总额",
         D("131.19"), D("131.20"), D("-0.01"), 3, D("0.02")),
    ]


def test_total_expenditure_by_department_and_year(sample_store: Store) -> None:
    # 部门预算支出总表 合计 row × 合计 column: 822.41 万元 = 8,224,100 元
    assert run(sample_store, "07-total-expenditure-by-department-and-year") == [
        ("河北省秦皇岛市山海关区", DEPT, "612", 2023, "approved", D("822.41"), "万元", D("8224100")),
    ]


def test_where_is_a_figure_printed(sample_store: Store) -> None:
    # 41.47 is printed three times, all in the basic expenditure table (title on line 1466):
    # 序号 1 (合计, from line 1489) 栏次 5 公用经费; 序号 12 (302, from line 1566) 栏次 3 合计 and 栏次 5
    assert run(sample_store, "08-where-is-a-figure-printed") == [
        (FILE, BASIC_TABLE, 1466, "1", 1489, 5, "一般公共预算基本支出 / 公用经费", "41.47", "合计"),
        (FILE, BASIC_TABLE, 1466, "12", 1566, 3, "一般公共预算基本支出 / 合计", "41.47", "商品和服务支出"),
        (FILE, BASIC_TABLE, 1466, "12", 1566, 5, "一般公共预算基本支出 / 公用经费", "41.47", "商品和服务支出"),
    ]


def test_performance_targets(sample_store: Store) -> None:
    # the sample's eight 绩效目标表, rows with a numeric 指标值 (数量, 质量, 时效, 满意度), read off the tables;
    # each row: (project, 二级指标, 三级指标, 指标值 as printed); 一级 is 产出指标 for the first three rows
    # of a table and 满意度指标 for the last
    quality = ("质量指标", "办公设备正常运行率", "≥95%")
    timely = "按项目计划完成工作"
    staff = ("服务对象满意度指标", "单位工作人员满意度", "≥95%")
    workers = ("服务对象满意度指标", "职工满意度", "≥95%")
    tables = {
        "2022年社区党组织服务群众专项经费市级补助资金（秦财行[2022]109号）": [
            ("数量指标", "支付下辖社区数量", "7个"), quality, ("时效指标", timely, "≥95%"), staff],
        "基层武装部建设经费": [("数量指标", "支付公用经费人数", "200人"), quality, ("时效指标", timely, "≥95%"), staff],
        "服务群众专项经费": [("数量指标", "支付下辖社区数量", "7个"), quality, ("时效指标", timely, "100%"), staff],
        "涉军公益岗及续聘经费": [("数量指标", "支付工资及保险人员数量", "2人"),
                         ("质量指标", "工资及保险发放准确率", "2人"), ("时效指标", "资金支付及时率", "≥100%"), workers],
        "社区工作经费": [("数量指标", "支付公用经费人数", "33人"), quality, ("时效指标", timely, "100%"), staff],
        "社区老居委会生活补贴": [("数量指标", "支付工资及保险人员数量", "15人"),
                         ("质量指标", "工资及保险发放准确率", "15人"), ("时效指标", "资金支付及时率", "100%"), workers],
        "街道、社区综合事务经费": [("数量指标", "支付公用经费人数", "87人"), quality, ("时效指标", timely, "100%"),
                          staff],
        "车辆保险费": [("数量指标", "支付公务用车车辆", "1辆"), quality, ("时效指标", timely, "≥95%"), staff],
    }
    comparators = {"≥95%": ("ge", D("95"), "%"), "≥100%": ("ge", D("100"), "%"), "100%": ("eq", D("100"), "%"),
                   "7个": ("eq", D("7"), "个"), "200人": ("eq", D("200"), "人"), "2人": ("eq", D("2"), "人"),
                   "33人": ("eq", D("33"), "人"), "15人": ("eq", D("15"), "人"), "87人": ("eq", D("87"), "人"),
                   "1辆": ("eq", D("1"), "辆")}
    expected = [
        (DEPT, project, "满意度指标" if second == "服务对象满意度指标" else "产出指标", second, name,
         *comparators[printed], printed)
        for project in sorted(tables)  # ORDER BY compares strings by code point, as Python does
        for second, name, printed in tables[project]
    ]
    assert len(expected) == 32
    assert run(sample_store, "16-performance-targets") == expected


def test_year_on_year_changes_in_the_text(sample_store: Store) -> None:
    # the sample's p.1 sentence: 2023年预算支出安排822.41万元，较2022年预算增加84.54万元，其中：
    # 基本支出增加281.90万元…，项目支出减少197.35万元 (84.54 = 281.90 − 197.35); only the total names
    # the year it is compared with
    sentence = next(row[-1] for row in run(sample_store, "17-year-on-year-changes-in-the-text"))
    assert sentence.startswith("2023年预算支出安排822.41万元，较2022年预算增加84.54万元，其中：基本支出增加")
    assert run(sample_store, "17-year-on-year-changes-in-the-text") == [
        (DEPT, 2023, "基本支出", None, None, "increase", D("281.90"), D("281.90"), None, None, None, "万元", sentence),
        (DEPT, 2023, "支出合计", None, D("822.41"), "increase", D("84.54"), D("84.54"), 2022, None, None, "万元",
         sentence),
        (DEPT, 2023, "项目支出", None, None, "decrease", D("197.35"), D("-197.35"), None, None, None, "万元", sentence),
    ]


def test_year_on_year_changes_with_a_stated_previous_budget() -> None:
    # 江苏省政协办公厅 2017 p.6: "…与 2016 年度相比（2016 年度部门支出预算安排为8,648.07万元），
    # 增加498.72万元，增长5.77%。"
    from budgetkg import uris
    from budgetkg.pipeline import process

    path = CORPUS / "jiangsu" / "江苏省政协办公厅" / "江苏省政协办公厅2017年度部门预算.pdf"
    if not path.exists():
        pytest.skip(f"corpus not found at {CORPUS}")
    mapped, _ = process(path)
    store = Store.scratch({mapped.iri: mapped.triples, uris.shared_graph(): mapped.shared})
    rows = [row for row in run(store, "17-year-on-year-changes-in-the-text") if row[9] is not None]
    assert [row[:12] for row in rows] == [
        ("江苏省政协办公厅", 2017, "支出合计", None, None, "increase", D("498.72"), D("498.72"), 2016, D("8648.07"),
         "previous-budget", "万元")]


def test_changes_against_last_years_publication(
        sample_store: Store, corpus_build: tuple[Store, dict[str, object]]) -> None:
    """Two publications of a department joined by its IRI: on the sample (one document) nothing; on the corpus,
    95 comparisons of a stated change of a total with the figure the department published the year before (73
    before 单位预留机动经费 ×6, 其他资金收入 ×2 and 财政专户管理资金收入 were read; 82 before 省委办公厅 2017's
    "本部门无政府性基金预算" was read as its 0, the base of 2018's flat 政府性基金支出; 83 before the six later
    Jiangsu budgets' "收、支预算总计各增加 …万元" were read as the change of their 支出预算总计; 89 before
    their "与上年相比，财政拨款支出增加 …万元" were read as the change of the sentence before's 财政拨款预算支出),
    all but four computed from it (the four worked out by hand from the pages): 检察院 2018's 财政拨款支出 and
    一般公共预算拨款支出, each 21,940.96 − 17,981.68 = 3,959.28, stated 3,958.98 (0.30 万元 = 3,000 元); its
    因公出国（境）费 100 “与上年预算数相等”, 2017: 110; its 基本支出 13,994.31 − 1,670.85 = 12,323.46, which
    2017 states once as 12,323.46 (that row: difference 0) and once as 12,323.48 (this row: −200 元)."""
    assert run(sample_store, "18-changes-against-last-years-publication") == []
    if not CORPUS.exists():
        pytest.skip(f"corpus not found at {CORPUS}")
    store, _reports = corpus_build
    rows = run(store, "18-changes-against-last-years-publication")
    assert len(rows) == 95
    assert [row for row in rows if row[-1] != 0] == [
        ("江苏省人民检察院", 2018, "一般公共预算拨款支出", D("21940.96"), D("3958.98"), 2017, D("17981.68"),
         "2017年省检察院部门预算.pdf", D("3000")),
        ("江苏省人民检察院", 2018, "因公出国（境）费", D("100"), D("0"), 2017, D("110"), "2017年省检察院部门预算.pdf",
         D("-100000")),
        ("江苏省人民检察院", 2018, "基本支出", D("13994.31"), D("1670.85"), 2017, D("12323.48"),
         "2017年省检察院部门预算.pdf", D("-200")),
        ("江苏省人民检察院", 2018, "财政拨款支出", D("21940.96"), D("3958.98"), 2017, D("17981.68"),
         "2017年省检察院部门预算.pdf", D("3000")),
    ]
