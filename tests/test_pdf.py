"""The PDF reader on the real corpus (../shared/corpus): every PDF loads, its template tables are
recognised, its 收支总表 totals are the figures printed, every table rebuilds from the graph cell
for cell; damaged, encrypted and image-only PDFs are refused with their reason.

The totals below were read off the PDFs' text (the page of the 收支总表), not from this reader.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetkg import uris
from budgetkg.model import RawTable, ReadError, Row
from budgetkg.pipeline import DocumentReport
from budgetkg.read import read_document
from budgetkg.read.pdf import read_pdf
from budgetkg.recognise import recognise
from budgetkg.store import Store
from budgetkg.tables import rebuild_tables
from tests.conftest import CORPUS, CORPUS_PDFS

PDFS = CORPUS_PDFS
pytestmark = pytest.mark.skipif(not PDFS, reason=f"corpus not found at {CORPUS}")

SHANGHAI_BUDGET = {
    "income-expenditure-summary", "income", "expenditure", "fiscal-appropriation-summary",
    "general-public-budget-expenditure", "government-fund-expenditure", "state-capital-expenditure",
    "general-public-budget-basic-expenditure", "three-public-expenditure",
}
#: The Jiangsu 12-table set (公开01表…公开12表), every one recognised.
JIANGSU = {"income-expenditure-summary", "income", "expenditure", "fiscal-appropriation-summary",
           "fiscal-appropriation-expenditure", "fiscal-appropriation-basic-expenditure",
           "general-public-budget-expenditure", "general-public-budget-basic-expenditure",
           "three-public-meeting-training-expenditure", "government-fund-expenditure",
           "institution-operation-expenses", "procurement"}

#: file name -> (table kinds that must be recognised, (收入总计, 支出总计) as printed, or None)
EXPECTED: dict[str, tuple[set[str], tuple[str, str] | None]] = {
    # narrative-only files: no table, loaded as the "narrative" part of the disclosure
    "江苏省人大常委会2019年度部门预算公开.pdf": (set(), None),
    "江苏省委办公厅2017年部门预算.pdf": (set(), None),
    "江苏省委办公厅2018年度部门预算公开文件.pdf": (set(), None),
    "江苏省委办公厅2019年度部门预算公开文件.pdf": (set(), None),
    "江苏省政协办公厅2017年度部门预算.pdf": (set(), None),
    "江苏省政协办公厅2018年度部门预算.pdf": (set(), None),
    # Jiangsu 公开表 (page 1 or the 收支预算总表 page: 收入合计 / 支出合计)
    "江苏省人大常委会办公厅2019年部门预算公开表.pdf": (JIANGSU, ("18,330.37", "18,330.37")),
    "省人大办公厅2018预算公开.pdf": (JIANGSU, ("15897.44", "15897.44")),
    "2017年省检察院部门预算.pdf": (JIANGSU, ("17,996.68", "17,996.68")),
    "江苏省委办公厅2017年预算公开表格.pdf": (JIANGSU, ("20,849.45", "20,849.45")),
    "江苏省委办公厅2018年度部门预算公开表.pdf": (JIANGSU, ("24,458.43", "24,458.43")),
    "江苏省委办公厅2019年度部门预算公开表格.pdf": (JIANGSU, ("27,664.22", "27,664.22")),
    "2017年度部门预算公开表.pdf": (JIANGSU, ("9,146.79", "9,146.79")),
    "江苏省政协办公厅2018度部门预算公开表.pdf": (JIANGSU, ("10,150.48", "10,150.48")),
    # tables printed one under the other in one ruled grid (split at the inner title row); its
    # 收支总表 ends on page 9 (收入合计 13,649.07 | 支出合计 13,649.07)
    "江苏省人大办公厅2017年度预算公开.pdf": (JIANGSU, ("13,649.07", "13,649.07")),
    # cell backgrounds painted as white rectangles (not rules: ignored); 收支总表 ends on page 14
    "2018年省检察院部门预算公开.pdf": (JIANGSU, ("21,955.35", "21,955.35")),
    # Shanghai (元; 决算 in 万元)
    "2023_上海市普陀区万里街道办事处_部门预算.pdf": (SHANGHAI_BUDGET, ("164,978,640", "164,978,640")),
    "2024_上海市普陀区万里街道办事处_部门预算.pdf": (SHANGHAI_BUDGET, ("156,211,123", "156,211,123")),
    "2024_上海市普陀区社会福利院_单位预算.pdf": (SHANGHAI_BUDGET, ("12,121,164", "12,121,164")),
    "上海市普陀区人民政府办公室25年预算.pdf": (SHANGHAI_BUDGET, ("91,016,775.35", "91,016,775.35")),
    "上海市普陀区商务委员会25年预算.pdf": (SHANGHAI_BUDGET, ("371,514,655.00", "371,514,655.00")),
    # 决算: the 三公 table prints 预算数/决算数 pairs (see tests/test_shanghai.py)
    "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf": (SHANGHAI_BUDGET | {"institutions"}, ("9859.38", "9859.38")),
}
#: Files loaded but not checked against their printed figures (none at present).
UNCHECKED: set[str] = set()


def test_every_corpus_pdf_is_expected() -> None:
    assert {p.name for p in PDFS} == set(EXPECTED) | UNCHECKED


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_loads_with_its_tables(path: Path, corpus_build: tuple[Store, dict[str, DocumentReport]]) -> None:
    report = corpus_build[1][path.name]
    assert report.error is None, report.error
    if path.name in UNCHECKED:
        return
    kinds, _ = EXPECTED[path.name]
    assert kinds <= {t.kind for t in report.tables}
    if not kinds:
        assert report.iri is not None and report.iri.endswith("/document/narrative")
    # nothing unrecognised goes unreported
    unrecognised = [t for t in report.tables if t.kind is None]
    reported = [i for i in report.issues if i.code == "unrecognised-table"]
    assert len(reported) == len(unrecognised)


@pytest.mark.parametrize("name", sorted(n for n, (_, totals) in EXPECTED.items() if totals))
def test_income_expenditure_summary_totals(name: str, corpus_build: tuple[Store, dict[str, DocumentReport]]) -> None:
    store, reports = corpus_build
    iri = reports[name].iri
    query = f"""
        PREFIX bkg: <{uris.vocab()}>
        PREFIX qb: <http://purl.org/linked-data/cube#>
        SELECT ?item ?value WHERE {{ GRAPH <{iri}> {{
            ?obs qb:dataSet ?ds ; bkg:classification ?item ; bkg:printedValue ?value ;
                 bkg:breakdown <{uris.concept("breakdown", "amount")}> .  # not the 单位预算 split columns
            FILTER(STRENDS(STR(?ds), "/table/income-expenditure-summary"))
            VALUES ?item {{ <{uris.concept("line-item", "income-grand-total")}>
                           <{uris.concept("line-item", "expenditure-grand-total")}> }}
        }} }}"""
    found = {s["item"].value.rsplit("/", 1)[-1]: s["value"].value for s in store.ox.query(query)}
    income, expenditure = EXPECTED[name][1]  # type: ignore[misc]
    assert found == {"income-grand-total": income, "expenditure-grand-total": expenditure}


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_tables_rebuild_cell_for_cell(path: Path, corpus_build: tuple[Store, dict[str, DocumentReport]]) -> None:
    store, reports = corpus_build
    doc = read_document(path)
    expected = []
    for raw in doc.tables:
        table = recognise(raw, doc.file_name)
        expected.append((raw.line, [list(r.cells) for r in table.header_rows + table.body_rows]))
    iri = reports[path.name].iri
    assert iri is not None
    rebuilt = [(t.line, t.rows) for t in rebuild_tables(store, iri)]
    assert sorted(rebuilt, key=repr) == sorted(expected, key=repr)


# -- Jiangsu: every table maps its figures ------------------------------------------------

#: Observations (amount cells mapped) per Jiangsu 公开表 document. The cells not mapped are the
#: procurement rows below a 品目大类 (project × economic item × goods: no code list), reported. The
#: procurement table's 合计 row is data, though the national layout's two header rows would reach it.
JIANGSU_OBSERVATIONS = {
    "江苏省人大常委会办公厅2019年部门预算公开表.pdf": 140,
    "省人大办公厅2018预算公开.pdf": 137,
    "2017年省检察院部门预算.pdf": 144,
    "江苏省委办公厅2017年预算公开表格.pdf": 143,
    "江苏省委办公厅2018年度部门预算公开表.pdf": 142,
    "江苏省委办公厅2019年度部门预算公开表格.pdf": 145,
    "2017年度部门预算公开表.pdf": 138,
    "江苏省政协办公厅2018度部门预算公开表.pdf": 144,
}

#: Figures read off the PDFs' page text (pdfplumber ``page.extract_text()``), not from this
#: reader: (table kind, classification, breakdown, printed value).
JIANGSU_FIGURES: dict[str, list[tuple[str, str, str, str]]] = {
    "江苏省人大常委会办公厅2019年部门预算公开表.pdf": [
        ("income", "line-item/public-finance-grant", "amount", "18,330.37"),
        ("expenditure", "line-item/table-total", "reserve-fund", "2,557.89"),
        ("three-public-meeting-training-expenditure", "line-item/meeting-expenses", "amount", "1,469.73"),
        ("institution-operation-expenses", "economic/30201", "amount", "570.00"),
    ],
    "省人大办公厅2018预算公开.pdf": [
        ("income", "line-item/income-grand-total", "amount", "15897.44"),
        ("fiscal-appropriation-summary", "line-item/reserve-fund-expenditure", "amount", "1685.72"),
        ("three-public-meeting-training-expenditure", "line-item/three-public-meeting-training-total", "amount",
         "2542.60"),
        ("institution-operation-expenses", "economic/30206", "amount", "350.00"),
    ],
    "2017年省检察院部门预算.pdf": [
        ("income", "line-item/other-funds", "amount", "15.00"),
        ("income", "line-item/other-income", "amount", "15.00"),
        ("expenditure", "line-item/table-total", "basic", "12,323.48"),
        ("fiscal-appropriation-expenditure", "functional/2040404", "amount", "480.00"),
        ("three-public-meeting-training-expenditure", "line-item/vehicle-purchase", "amount", "50.00"),
        ("procurement", "line-item/procurement-goods", "total", "334.00"),
    ],
    "江苏省委办公厅2017年预算公开表格.pdf": [
        ("income", "line-item/special-account-other-non-tax", "amount", "147.20"),
        ("fiscal-appropriation-summary", "line-item/basic-expenditure", "amount", "9,964.07"),
        ("fiscal-appropriation-expenditure", "functional/201", "amount", "16,845.17"),
        ("three-public-meeting-training-expenditure", "line-item/official-reception", "amount", "28.00"),
    ],
    "江苏省委办公厅2018年度部门预算公开表.pdf": [
        ("income", "line-item/general-public-budget-appropriation", "amount", "24,458.43"),
        ("expenditure", "line-item/table-total", "project", "12,081.46"),
        ("institution-operation-expenses", "line-item/table-total", "amount", "2,094.58"),
        ("three-public-meeting-training-expenditure", "line-item/training-expenses", "amount", "30.00"),
    ],
    "江苏省委办公厅2019年度部门预算公开表格.pdf": [
        ("expenditure", "line-item/table-total", "total", "27,664.22"),
        ("three-public-meeting-training-expenditure", "line-item/outbound-travel", "amount", "70.00"),
        ("institution-operation-expenses", "economic/302", "amount", "2,232.91"),
        ("income", "line-item/income-grand-total", "amount", "27,664.22"),
    ],
    "2017年度部门预算公开表.pdf": [
        ("income", "line-item/general-public-budget-appropriation", "amount", "9,066.79"),
        ("expenditure", "line-item/table-total", "reserve-fund", "106.84"),
        ("fiscal-appropriation-basic-expenditure", "economic/303", "amount", "2,606.84"),
        ("three-public-meeting-training-expenditure", "line-item/meeting-expenses", "amount", "1,094.62"),
    ],
    "江苏省政协办公厅2018度部门预算公开表.pdf": [
        ("income", "line-item/other-funds", "amount", "80.00"),
        ("fiscal-appropriation-basic-expenditure", "line-item/table-total", "amount", "5,598.17"),
        ("fiscal-appropriation-basic-expenditure", "economic/301", "amount", "3,806.26"),
        ("three-public-meeting-training-expenditure", "line-item/three-public-total", "amount", "675.10"),
    ],
    # tables ruled as one grid (split at the inner title row); a title alone at a page's foot
    "江苏省人大办公厅2017年度预算公开.pdf": [
        ("income", "line-item/income-grand-total", "amount", "13,649.07"),  # page 9, below the 收支总表
        ("expenditure", "line-item/table-total", "project", "5,853.96"),
        ("fiscal-appropriation-expenditure", "functional/2010101", "amount", "4,545.94"),  # page 11
        ("fiscal-appropriation-basic-expenditure", "economic/301", "amount", "2,928.98"),  # page 12
        ("institution-operation-expenses", "line-item/table-total", "amount", "5,619.31"),  # title on page 18
    ],
    # cell backgrounds painted as white rectangles inside the rules
    "2018年省检察院部门预算公开.pdf": [
        ("income", "line-item/other-funds", "amount", "14.39"),
        ("expenditure", "line-item/table-total", "reserve-fund", "2,388.04"),
        ("general-public-budget-expenditure", "functional/2040401", "amount", "10,883.36"),
        ("fiscal-appropriation-basic-expenditure", "line-item/table-total", "amount", "13,979.92"),
        ("institution-operation-expenses", "line-item/table-total", "amount", "2,722.57"),
        # p.20: 公开 12 表 合计 3,096.24 (一、货物A 268.00, 三、服务C 2,828.24)
        ("procurement", "line-item/procurement-total", "total", "3,096.24"),
    ],
}


@pytest.mark.parametrize("name", sorted(JIANGSU_OBSERVATIONS))
def test_jiangsu_observations(name: str, corpus_build: tuple[Store, dict[str, DocumentReport]]) -> None:
    report = corpus_build[1][name]
    assert report.observations == JIANGSU_OBSERVATIONS[name]
    assert {t.kind for t in report.tables} == JIANGSU
    # whatever is not mapped is a procurement row below a 品目大类, and it is reported
    unmapped = [i for i in report.issues if i.code == "unmapped-cell"]
    assert unmapped and all("政府采购" in i.table for i in unmapped)


@pytest.mark.parametrize("name", sorted(JIANGSU_FIGURES))
def test_jiangsu_figures(name: str, corpus_build: tuple[Store, dict[str, DocumentReport]]) -> None:
    store, reports = corpus_build
    iri = reports[name].iri
    for kind, classification, breakdown, printed in JIANGSU_FIGURES[name]:
        query = f"""
            PREFIX bkg: <{uris.vocab()}>
            PREFIX qb: <http://purl.org/linked-data/cube#>
            SELECT ?value WHERE {{ GRAPH <{iri}> {{
                ?obs qb:dataSet ?ds ; bkg:classification <{uris.base_iri()}code/{classification}> ;
                     bkg:breakdown <{uris.concept("breakdown", breakdown)}> ; bkg:printedValue ?value .
                FILTER(STRENDS(STR(?ds), "/table/{kind}"))
            }} }}"""
        found = [s["value"].value for s in store.ox.query(query)]
        assert found == [printed], (kind, classification, breakdown)


def test_jiangsu_department_is_one_across_years_and_files(
        corpus_build: tuple[Store, dict[str, DocumentReport]]) -> None:
    """中国共产党江苏省委员会办公厅 (2017), 中共江苏省委办公厅 (2018, 2019) and 江苏省委办公厅 (the covers
    of the narrative files) are one department; each year's narrative and 公开表 file are the two
    parts of one disclosure."""
    reports = corpus_build[1]
    files = {2017: ("江苏省委办公厅2017年部门预算.pdf", "江苏省委办公厅2017年预算公开表格.pdf"),
             2018: ("江苏省委办公厅2018年度部门预算公开文件.pdf", "江苏省委办公厅2018年度部门预算公开表.pdf"),
             2019: ("江苏省委办公厅2019年度部门预算公开文件.pdf", "江苏省委办公厅2019年度部门预算公开表格.pdf")}
    department = uris.department("320000", "江苏省委办公厅")
    for year, (narrative, tables) in files.items():
        disclosure = uris.disclosure("320000", "江苏省委办公厅", year, "budget")
        assert reports[narrative].iri == uris.document(disclosure, "narrative")
        assert reports[tables].iri == uris.document(disclosure, "tables")
    store = corpus_build[0]
    labels = {(s["p"].value.rsplit("#", 1)[-1], s["l"].value) for s in store.ox.query(
        f"SELECT DISTINCT ?p ?l WHERE {{ GRAPH ?g {{ <{department}> ?p ?l . FILTER(ISLITERAL(?l)) }} }}")}
    assert labels == {("prefLabel", "江苏省委办公厅"), ("altLabel", "中国共产党江苏省委员会办公厅"),
                      ("altLabel", "中共江苏省委办公厅")}


# -- bad input ------------------------------------------------------------------------------


def _reason(path: Path) -> str:
    with pytest.raises(ReadError) as info:
        read_document(path)
    assert info.value.file == path.name
    return info.value.reason


def test_truncated_pdf(tmp_path: Path) -> None:
    data = PDFS[0].read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 2])
    assert _reason(cut) == "corrupt PDF: truncated (no %%EOF marker at the end of the file)"


def test_damaged_pdf(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\n" + b"\x00garbage\n" * 20 + b"%%EOF\n")
    assert _reason(bad).startswith("corrupt PDF: ")


def test_empty_pdf_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(ReadError) as info:
        read_pdf(empty)
    assert info.value.reason == "empty file"


def test_encrypted_pdf(tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf", reason="pypdf (test extra) makes the encrypted PDF")
    writer = pypdf.PdfWriter(clone_from=str(PDFS[0]))
    writer.encrypt("secret")
    locked = tmp_path / "locked.pdf"
    writer.write(locked)
    assert _reason(locked) == "password-protected PDF"


def test_image_only_pdf(tmp_path: Path) -> None:
    image = pytest.importorskip("PIL.Image", reason="Pillow (a pdfplumber dependency) makes the image PDF")
    scan = tmp_path / "scan.pdf"
    image.new("RGB", (600, 400), "white").save(scan)
    assert scan.read_bytes().startswith(b"%PDF")
    assert _reason(scan) == "scanned PDF without a text layer: not supported"


def test_a_total_row_is_never_a_heading() -> None:
    """The procurement mapping expects two header rows (the national 政府采购预算表); Jiangsu's 政府采购支出预算表
    heads its columns in one row, so its 合计 row (省检察院 2018 p.20: 合计 3,096.24) was read as a second heading
    ("总计 / 3,096.24") and its figure was lost. A 合计 / 总计 row printing a figure ends the header block."""
    raw = RawTable("公开 12 表：政府采购支出预算表", 1, [
        Row(("部门：", "江苏省人民检察院", "单位：万元"), 2),
        Row(("采购品目大类", "专项名称", "经济科目", "采购物品名称", "采购组织形式", "总计"), 3),
        Row(("合计", "", "", "", "", "3,096.24"), 4),
        Row(("一、货物A", "", "", "", "", "268.00"), 5),
        Row(("三、服务C", "", "", "", "", "2,828.24"), 6)])
    table = recognise(raw, "公开表.pdf")
    assert [r.line for r in table.header_rows] == [3]
    assert [r.cells[0] for r in table.body_rows] == ["合计", "一、货物A", "三、服务C"]
    assert [c.path for c in table.columns][-1] == ("总计",)
    assert table.columns[-1].spec is not None and table.columns[-1].spec.breakdown == "total"


def test_a_row_printing_a_figure_is_never_a_heading() -> None:
    """The same for any row printing a figure: the procurement table of 政协办公厅 2017 continues on its next page
    under the repeated column headings, its first row a project (省政协全委会 会议费 714.80), which the two header
    rows of the national layout took as a heading. A 合计 row in whole 元 (Shanghai's tables) is data as well."""
    continued = RawTable("2017年政府采购预算表", 1, [
        Row(("部门：江苏省政协办公厅", "单位：万元"), 2),
        Row(("采购品目大类", "专项名称", "经济科目", "采购物品名称", "采购组织形式", "总计"), 3),
        Row(("", "省政协全委会", "会议费", "", "", "714.80"), 4),
        Row(("", "", "", "会议服务", "分散自行组织", "65.00"), 5)])
    table = recognise(continued, "公开表.pdf")
    assert [r.line for r in table.header_rows] == [3]
    assert [r.line for r in table.body_rows] == [4, 5]
    in_yuan = RawTable("政府采购预算表", 1, [
        Row(("采购品目大类", "专项名称", "经济科目", "采购物品名称", "采购组织形式", "总计"), 2),
        Row(("合计", "", "", "", "", "3096240"), 3),
        Row(("一、货物A", "", "", "", "", "268000"), 4)])
    assert [r.line for r in recognise(in_yuan, "预算.pdf").body_rows] == [3, 4]
