"""The cross-document researcher queries of sparql/, on the corpus, with figures read off the PDFs.

Every expected figure below was read in the PDFs' text (pdfplumber page text) and converted to
元 by hand; growth rates and shares are computed by hand from those printed figures.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from budgetkg.config import SPARQL_DIR
from budgetkg.pipeline import DocumentReport
from budgetkg.store import Store
from tests.conftest import CORPUS_PDFS

pytestmark = pytest.mark.skipif(not CORPUS_PDFS, reason="corpus not found")
APPROVED = "http://data.openbudgets.eu/resource/codelist/budget-phase/approved"
EXECUTED = "http://data.openbudgets.eu/resource/codelist/budget-phase/executed"
WANLI = "上海市普陀区人民政府万里街道办事处"
NPC = "江苏省人大常委会办公厅"
GO = "江苏省委办公厅"  # 2017 prints 中国共产党江苏省委员会办公厅, 2018-19 中共江苏省委办公厅: one department
CPPCC = "江苏省政协办公厅"


def run(store: Store, name: str, *variables: str) -> list[tuple[str | None, ...]]:
    query = next(SPARQL_DIR.glob(f"{name}*.rq")).read_text(encoding="utf-8")
    return [tuple(None if s[v] is None else s[v].value for v in variables) for s in store.query(query)]


@pytest.fixture(scope="module")
def store(corpus_build: tuple[Store, dict[str, DocumentReport]]) -> Store:
    return corpus_build[0]


def test_one_function_across_departments_regions_and_years(store: Store) -> None:
    rows = run(store, "10-", "regionName", "departmentName", "year", "phase", "amountYuan")
    assert [(r, d, y, p, Decimal(a)) for r, d, y, p, a in rows] == [
        ("上海市普陀区", WANLI, "2023", APPROVED, Decimal(2976800)),  # p.15 201 一般公共服务支出 2,976,800
        ("上海市普陀区", WANLI, "2024", APPROVED, Decimal(2932700)),  # p.16 2,932,700
        ("上海市普陀区", "上海市普陀区人民政府办公室", "2025", APPROVED, Decimal("82096797.42")),
        ("上海市普陀区", "上海市普陀区商务委员会", "2025", APPROVED, Decimal(21601733)),  # 21,601,733.00
        ("江苏省", NPC, "2017", APPROVED, Decimal(105283300)),  # 10,528.33 万元
        ("江苏省", NPC, "2018", APPROVED, Decimal(127062800)),  # 12,706.28
        ("江苏省", NPC, "2019", APPROVED, Decimal(139077800)),  # 13,907.78
        ("江苏省", GO, "2017", APPROVED, Decimal(168451700)),  # 16,845.17
        ("江苏省", GO, "2018", APPROVED, Decimal(201537500)),  # 20,153.75
        ("江苏省", GO, "2019", APPROVED, Decimal(223955000)),  # 22,395.50
        ("江苏省", CPPCC, "2017", APPROVED, Decimal(64635500)),  # 6,463.55
        ("江苏省", CPPCC, "2018", APPROVED, Decimal(77474600)),  # 7,747.46
    ]


def test_department_budget_over_the_years(store: Store) -> None:
    rows = run(store, "11-", "departmentName", "year", "totalYuan", "previousYuan", "growthPercent")
    got = [(d, int(y), Decimal(t), p and Decimal(p), g and Decimal(g)) for d, y, t, p, g in rows]
    assert got == [
        (WANLI, 2023, Decimal(164978640), None, None),
        (WANLI, 2024, Decimal(156211123), Decimal(164978640), Decimal("-5.31")),  # -8,767,517 / 164,978,640
        ("上海市普陀区人民政府办公室", 2025, Decimal("91016775.35"), None, None),
        ("上海市普陀区商务委员会", 2025, Decimal(371514655), None, None),
        ("上海市普陀区社会福利院", 2024, Decimal(12121164), None, None),
        (NPC, 2017, Decimal(136490700), None, None),  # 13,649.07 万元
        (NPC, 2018, Decimal(158974400), Decimal(136490700), Decimal("16.47")),  # 2,248.37 / 13,649.07
        (NPC, 2019, Decimal(183303700), Decimal(158974400), Decimal("15.30")),  # 2,432.93 / 15,897.44
        ("江苏省人民检察院", 2017, Decimal(179966800), None, None),  # 17,996.68
        # 2018 收入合计 21,955.35 (p.14): 3,958.67 / 17,996.68
        ("江苏省人民检察院", 2018, Decimal(219553500), Decimal(179966800), Decimal("22")),
        (GO, 2017, Decimal(208494500), None, None),  # 20,849.45
        (GO, 2018, Decimal(244584300), Decimal(208494500), Decimal("17.31")),  # 3,608.98 / 20,849.45
        (GO, 2019, Decimal(276642200), Decimal(244584300), Decimal("13.11")),  # 3,205.79 / 24,458.43
        (CPPCC, 2017, Decimal(91467900), None, None),  # 9,146.79
        (CPPCC, 2018, Decimal(101504800), Decimal(91467900), Decimal("10.97")),  # 1,003.69 / 9,146.79
    ]


def test_basic_vs_project_by_region(store: Store) -> None:
    rows = run(store, "12-", "regionName", "year", "departments", "basicYuan", "projectYuan", "projectSharePercent")
    got = [(r, y, int(n), Decimal(b), Decimal(p), Decimal(s)) for r, y, n, b, p, s in rows]
    assert got == [
        ("上海市普陀区", "2023", 1, Decimal(99406297), Decimal(65572343), Decimal("39.75")),
        # 万里 99,706,020 + 福利院 9,501,164; 56,505,103 + 2,620,000 (the 决算 is not a budget)
        ("上海市普陀区", "2024", 2, Decimal(109207184), Decimal(59125103), Decimal("35.12")),
        ("上海市普陀区", "2025", 2, Decimal("44437430.35"), Decimal(418094000), Decimal("90.39")),
        # 人大 7,666.68 + 检察院 12,323.48 + 委办公厅 9,964.07 + 政协 5,916.27 万元; projects 25,199.30
        ("江苏省", "2017", 4, Decimal(358705000), Decimal(251993000), Decimal("41.26")),
        # + 检察院 2018 (公开03表 p.15: 基本支出 13,994.31, 项目支出 5,573.00 万元)
        ("江苏省", "2018", 4, Decimal(379533500), Decimal(273031000), Decimal("41.84")),
        ("江苏省", "2019", 2, Decimal(210135300), Decimal(194849600), Decimal("48.11")),
    ]


def test_three_public_expenses_side_by_side(store: Store) -> None:
    rows = run(store, "13-", "departmentName", "year", "phase", "printed", "unit", "amountYuan")
    assert [(d, y, p, printed, u, Decimal(a)) for d, y, p, printed, u, a in rows] == [
        ("上海市普陀区人民政府办公室", "2025", APPROVED, "867.50", "wan-yuan", Decimal(8675000)),
        (NPC, "2017", APPROVED, "833.60", "wan-yuan", Decimal(8336000)),
        (NPC, "2018", APPROVED, "833.60", "wan-yuan", Decimal(8336000)),
        (NPC, "2019", APPROVED, "767.60", "wan-yuan", Decimal(7676000)),
        (CPPCC, "2017", APPROVED, "676.10", "wan-yuan", Decimal(6761000)),
        (CPPCC, "2018", APPROVED, "675.10", "wan-yuan", Decimal(6751000)),
        ("江苏省人民检察院", "2017", APPROVED, "584.35", "wan-yuan", Decimal(5843500)),
        (GO, "2017", APPROVED, "509.20", "wan-yuan", Decimal(5092000)),
        (GO, "2018", APPROVED, "508.20", "wan-yuan", Decimal(5082000)),
        (GO, "2019", APPROVED, "508.20", "wan-yuan", Decimal(5082000)),
        ("江苏省人民检察院", "2018", APPROVED, "484.30", "wan-yuan", Decimal(4843000)),
        (WANLI, "2024", APPROVED, "47.91", "wan-yuan", Decimal(479100)),
        (WANLI, "2023", APPROVED, "22.91", "wan-yuan", Decimal(229100)),
        ("上海市普陀区社会福利院", "2024", APPROVED, "6.4", "wan-yuan", Decimal(64000)),
        ("上海市普陀区规划和自然资源局", "2024", APPROVED, "2.85", "wan-yuan", Decimal(28500)),  # 决算: 年初预算
        ("上海市普陀区商务委员会", "2025", APPROVED, "1.00", "wan-yuan", Decimal(10000)),
        ("上海市普陀区规划和自然资源局", "2024", EXECUTED, "0.39", "wan-yuan", Decimal(3900)),  # 决算数
    ]


def test_codes_printed_with_different_names(store: Store) -> None:
    rows = run(store, "14-", "code", "name", "file", "year")
    names: dict[str, set[str]] = {}
    for code, name, _, _ in rows:
        names.setdefault(code, set()).add(name)
    # Renamed between the 2017-2019 and the 2023-2025 lists:
    assert names["20805"] == {"行政事业单位离退休", "行政事业单位养老支出"}
    assert {(f, y) for c, n, f, y in rows if c == "20805" and n == "行政事业单位离退休"} >= {
        ("江苏省委办公厅2017年预算公开表格.pdf", "2017"), ("江苏省委办公厅2019年度部门预算公开表格.pdf", "2019")}
    assert names["30108"] == {"机关事业单位基本养老保险缴费", "机关事业单位基本养老保险费"}
    # The 2024 社会福利院 单位预算 prints its 302 items against the codes of other items (p.14:
    # "302 02 咨询费", "302 03 水费"): a fact about that document, shown as printed.
    assert ("30203", "水费", "2024_上海市普陀区社会福利院_单位预算.pdf", "2024") in rows
    assert ("30203", "咨询费", "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf", "2024") in rows
    # 2040405: 公诉和审判监督 (检察院 2017) / 公诉、审判、侦查、执行等检察监督支出 (2018 p.17)
    assert sorted(names) == ["2040405", "20805", "30108", "30202", "30203", "30204", "30205", "30206", "30207", "30208",
                             "30211", "30212", "30213", "303", "30301", "30307", "30311", "310"]
    assert all(Path(f).suffix == ".pdf" for _, _, f, _ in rows)
