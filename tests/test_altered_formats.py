"""A drill of ``budgetkg validate`` on the formats departments publish, with deliberately altered figures.

The Hebei sample is rendered, from its own parsed tables and text (no figure is typed here), as

* a Word document laid out as published: the narrative as paragraphs (headings as ``Heading 1``),
  every table as a real Word table under its title paragraph, its header block (``612…``,
  ``预算年度：2023``, ``单位：万元``) as paragraphs between the title and the table, merged header
  cells, notes as paragraphs after it; and
* a workbook laid out as the official templates in ``shared/corpus/shanghai/templates`` are: one
  sheet per table, the title merged across the table on row 2, the header block on row 4
  (the unit in the last column), the merged header from row 6, a ruled grid, notes below.

Unaltered, both must give exactly the observations and findings of the text sample (the workbook
holds no narrative, so it gives the table findings only). Then figures are altered in the
rendered files themselves, as a reader would find them, and ``budgetkg validate --format csv``
must report each alteration with its numbers and nothing else new.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from openpyxl.styles import Border, Side
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

from budgetkg import uris
from budgetkg.cli import app
from budgetkg.model import SourceDocument
from budgetkg.pipeline import process
from budgetkg.read import read_document
from budgetkg.store import Store
from tests.conftest import SAMPLE
from tests.test_readers import _layout, _xlsx_value, write_docx

# -- rendering the sample -------------------------------------------------------------------------


def write_word(doc: SourceDocument, path: Path) -> None:
    """The sample as a published Word document (see the module documentation)."""
    write_docx(doc, path, header_as_paragraphs=True)


_THIN = Side(style="thin")
_RULED = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
#: Rows of the official template: the title, the header block, the first header row.
_TITLE_ROW, _META_ROW, _HEADER_ROW = 2, 4, 6
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def write_workbook(doc: SourceDocument, path: Path, *, cover: str | None = None, department: str | None = None) -> None:
    """The sample's tables as an official-template workbook: one sheet per table. As the template,
    optionally a first sheet ``封面`` printing ``cover`` (the document's title) on row 3, and the
    ``编制部门：`` cell of every header block filled with ``department`` (for a document whose tables
    print no department: a 决算 names it on its cover only)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    if cover is not None:
        ws = book.create_sheet("封面")
        ws.cell(3, 1, cover)
        ws.merge_cells("A3:M3")
    for table in doc.tables:
        # Excel's limits on a sheet name: 31 characters, none of []:*?/\
        ws = book.create_sheet(_SHEET_NAME_FORBIDDEN.sub("", table.title)[:31])
        before, grid, merges, after, width = _layout(table)
        if department is not None:
            before = [(f"编制部门：{department}", *meta) for meta in before or [()]]
        ws.cell(_TITLE_ROW, 1, table.title)
        ws.merge_cells(start_row=_TITLE_ROW, start_column=1, end_row=_TITLE_ROW, end_column=width)
        for meta in before:  # the sample prints its header block as one row, or none
            # The department on the left, the unit in the last column, what lies between in between.
            columns = [1, *range(2, len(meta)), width] if len(meta) > 1 else [1]
            for c, text in zip(columns, meta, strict=True):
                ws.cell(_META_ROW, c, text)
        for k, cells in enumerate(grid):
            for c, text in enumerate(cells, start=1):
                if text:
                    ws.cell(_HEADER_ROW + k, c, text)
        for k, c, rs, cs in merges:
            ws.merge_cells(start_row=_HEADER_ROW + k, start_column=c + 1,
                           end_row=_HEADER_ROW + k + rs - 1, end_column=c + cs)
        r = _HEADER_ROW + len(grid)
        for cells in after:
            for c, text in enumerate(cells, start=1):
                if text:
                    value, fmt = _xlsx_value(text)
                    ws.cell(r, c, value).number_format = fmt
            r += 1
        for row in ws.iter_rows(min_row=_HEADER_ROW, max_row=r - 1, min_col=1, max_col=width):
            for cell in row:
                cell.border = _RULED
        for note in table.notes:
            ws.cell(r, 1, note)
            r += 1
        for c in range(1, width + 1):
            ws.column_dimensions[get_column_letter(c)].width = 16
    book.save(path)


@pytest.fixture(scope="module")
def sample() -> SourceDocument:
    return read_document(SAMPLE)


@pytest.fixture(scope="module")
def renditions(sample: SourceDocument, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("renditions")
    paths = {"docx": folder / "nanguan-2023.docx", "xlsx": folder / "nanguan-2023.xlsx"}
    write_word(sample, paths["docx"])
    write_workbook(sample, paths["xlsx"])
    return paths


# -- what validate and the mapping say ------------------------------------------------------------

#: A finding as compared across formats: everything but the focus IRI (which carries the source
#: line of a paragraph) and the message (made of the same figures).
FindingKey = tuple[str, str, str, str, str, str]


def validate_csv(path: Path) -> Counter[FindingKey]:
    """``budgetkg validate PATH --format csv``, run through the CLI, as comparable findings."""
    result = CliRunner().invoke(app, ["validate", str(path), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["document"] for r in rows} <= {path.name}
    return Counter((r["rule"], r["severity"], r["table"], r["row"], r["column"], r["values"]) for r in rows)


_OBSERVATIONS = """
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX csvw: <http://www.w3.org/ns/csvw#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX bkg: <{vocab}>
SELECT ?title ?kind ?rownum ?class ?breakdown ?amount ?printed WHERE {{ GRAPH ?g {{
  ?obs a qb:Observation ; qb:dataSet ?ds ; bkg:sourceRow ?row ; bkg:classification ?class ;
       bkg:breakdown ?breakdown ; bkg:amount ?amount ; bkg:printedValue ?printed .
  ?ds dcterms:title ?title ; bkg:tableKind ?kind .
  ?row csvw:rownum ?rownum .
}} }}"""

Observation = tuple[str, str, int, str, str, Decimal, str]


def observations(path: Path) -> Counter[Observation]:
    """Every observation of a file mapped in memory: table, row, class, column, exact amount."""
    mapped, _ = process(path)
    store = Store.scratch({mapped.iri: mapped.triples, uris.shared_graph(): mapped.shared})
    return Counter(
        (s["title"].value, s["kind"].value, int(s["rownum"].value), s["class"].value, s["breakdown"].value,
         Decimal(s["amount"].value), s["printed"].value)
        for s in store.ox.query(_OBSERVATIONS.format(vocab=uris.vocab()))  # type: ignore[union-attr]
    )


@pytest.fixture(scope="module")
def text_findings() -> Counter[FindingKey]:
    return validate_csv(SAMPLE)


@pytest.fixture(scope="module")
def text_observations() -> Counter[Observation]:
    return observations(SAMPLE)


def _table_findings(findings: Counter[FindingKey]) -> Counter[FindingKey]:
    """The findings located in a table (a workbook holds no narrative)."""
    return Counter({k: n for k, n in findings.items() if k[2]})


# -- unaltered: the same as the text sample ---------------------------------------------------------


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_unaltered_renditions_map_the_same_observations(fmt: str, renditions: dict[str, Path],
                                                        text_observations: Counter[Observation]) -> None:
    got = observations(renditions[fmt])
    assert sum(text_observations.values()) == 292
    assert got == text_observations


def test_unaltered_word_document_gives_the_same_findings(renditions: dict[str, Path],
                                                         text_findings: Counter[FindingKey]) -> None:
    got = validate_csv(renditions["docx"])
    assert got == text_findings
    # the sample's own inconsistencies, as careful reading finds them: "三公" 1.22 in the text against
    # 1.05 in the table (the text adds 培训费 0.17), two amounts in 元 in a 万元 list, and that list
    assert Counter(k[0] for k in got if k[1] != "Info") == {
        "R43-text-three-public": 1, "R47-text-unit": 2, "R48-itemised-list": 1}


def test_unaltered_workbook_gives_the_table_findings(renditions: dict[str, Path],
                                                     text_findings: Counter[FindingKey]) -> None:
    got = validate_csv(renditions["xlsx"])
    assert got == _table_findings(text_findings)
    assert len(got) == 15 and {k[1] for k in got} == {"Info"}  # rounding differences only


# -- altered: each alteration reported with its numbers, nothing else new ---------------------------


def _row(doc: SourceDocument, title: str, key: str, column: int = 0) -> tuple[str, ...]:
    """The cells of the body row of table ``title`` whose cell ``column`` reads ``key`` (序号 or code)."""
    (table,) = [t for t in doc.tables if t.title == title]
    (cells,) = [r.cells for r in table.rows if r.cells and r.cells[column].strip() == key]
    return cells


def _cell(doc: SourceDocument, title: str, seq: str, column: int) -> Decimal:
    return Decimal(_row(doc, title, seq)[column])


def _stated(doc: SourceDocument, before: str, unit: str = "万元") -> Decimal:
    """The figure the narrative prints right after ``before`` (one place only)."""
    (hit,) = [m for p in doc.paragraphs for m in re.finditer(re.escape(before) + r"(\d+(?:\.\d+)?)" + unit, p.text)]
    return Decimal(hit.group(1))


def _class_total(doc: SourceDocument, title: str, column: int) -> Decimal:
    """Σ of a column over the 类 rows (3-digit codes) of a functional table: what R08's sum adds."""
    (table,) = [t for t in doc.tables if t.title == title]
    return sum((Decimal(r.cells[column] or "0") for r in table.rows
                if len(r.cells) > column and re.fullmatch(r"\d{3}", r.cells[1].strip())), Decimal(0))


def _figures(values: str) -> dict[str, Decimal | str]:
    """The ``values`` column of the CSV (``k=v; k=v``), numbers as exact decimals."""
    out: dict[str, Decimal | str] = {}
    for part in values.split("; "):
        key, _, text = part.partition("=")
        out[key] = Decimal(text) if re.fullmatch(r"-?\d+(\.\d+)?", text) else text
    return out


Expected = tuple[str, str, str, str, str, dict[str, Decimal | str]]


def _matches(key: FindingKey, expected: Expected) -> bool:
    figures = _figures(key[5])
    return key[:5] == expected[:5] and all(figures.get(k) == v for k, v in expected[5].items())


def _word(base: Path, out: Path, *, text: tuple[str, str] | None = None,
          cell: tuple[int, str, list[int], str] | None = None) -> None:
    """The Word rendition with one narrative span replaced (exactly one paragraph holds it), or
    cells of one body row (table index, 序号, columns, new text) rewritten."""
    document = docx.Document(str(base))
    if text is not None:
        old, new = text
        (paragraph,) = [p for p in document.paragraphs if old in p.text]
        paragraph.text = paragraph.text.replace(old, new)
    if cell is not None:
        index, seq, columns, new = cell
        (row,) = [r for r in document.tables[index].rows if r.cells[0].text == seq]
        for c in columns:
            row.cells[c].text = new
    document.save(str(out))


def _sheet(base: Path, out: Path, title: str, seq: str, column: int, value: Decimal) -> None:
    """The workbook with one number cell of sheet ``title`` (row 序号 ``seq``, 0-based column) rewritten."""
    book = openpyxl.load_workbook(base)
    (row,) = [r for r in book[title].iter_rows() if str(r[0].value) == seq]
    row[column].value = float(value)
    book.save(out)


EXPENDITURE = "部门预算支出总表"
GENERAL = "部门预算一般公共预算财政拨款支出表"
BASIC = "部门预算一般公共预算财政拨款基本支出表"
THREE_PUBLIC = "部门预算财政拨款“三公”经费支出表"
TEN = Decimal("10.00")


def _leaf_cell(d: SourceDocument, r: dict[str, Path], out: Path) -> tuple[list[Expected], list[Expected]]:
    """支出总表 行政运行 (2010301) 基本支出 +10: its row no longer adds up, nor does its 款 (20103), and it
    now spends more than 一般公共预算支出表 for the row though the 收支总表's only income is general-budget
    appropriation (R28's = form)."""
    new = _cell(d, EXPENDITURE, "4", 4) + TEN
    _sheet(r["xlsx"], out, EXPENDITURE, "4", 4, new)
    total, project, parent = _cell(d, EXPENDITURE, "4", 3), _cell(d, EXPENDITURE, "4", 5), _cell(d, EXPENDITURE, "3", 4)
    general = _cell(d, GENERAL, "4", 4)
    return [
        ("R07-expenditure-columns", "Violation", EXPENDITURE, "4", "合计 (栏次 3)",
         {"value": total, "sum": new + project, "diff": total - new - project}),
        ("R08-functional-hierarchy", "Violation", EXPENDITURE, "3", "基本支出 (栏次 4)",
         {"value": parent, "sum": new, "diff": parent - new}),
        ("R28-expenditure-vs-general-budget", "Violation", GENERAL, "4", "基本支出 (栏次 4)",
         {"value": general, "other": new, "diff": general - new, "otherTable": EXPENDITURE}),
    ], []


def _class_cell(d: SourceDocument, r: dict[str, Path], out: Path) -> tuple[list[Expected], list[Expected]]:
    """一般公共预算支出表 类 201 基本支出 +10: its row, its 款, the table total, and 支出总表 (R28) disagree."""
    old = _cell(d, GENERAL, "2", 4)
    new = old + TEN
    _sheet(r["xlsx"], out, GENERAL, "2", 4, new)
    total, project = _cell(d, GENERAL, "2", 3), _cell(d, GENERAL, "2", 5)
    child, grand, other = _cell(d, GENERAL, "3", 4), _cell(d, GENERAL, "1", 4), _cell(d, EXPENDITURE, "2", 4)
    classes = _class_total(d, GENERAL, 4)
    return [
        ("R07-expenditure-columns", "Violation", GENERAL, "2", "合计 (栏次 3)",
         {"value": total, "sum": new + project, "diff": total - new - project}),
        ("R08-functional-hierarchy", "Violation", GENERAL, "2", "基本支出 (栏次 4)",
         {"value": new, "sum": child, "diff": new - child}),
        ("R08-table-total", "Violation", GENERAL, "1", "基本支出 (栏次 4)",
         {"value": grand, "sum": classes + TEN, "diff": grand - classes - TEN}),
        ("R28-expenditure-vs-general-budget", "Violation", GENERAL, "2", "基本支出 (栏次 4)",
         {"value": new, "other": other, "diff": new - other, "otherTable": EXPENDITURE}),
    ], [  # the rounding difference of the unaltered total is now a real one
        ("R08-table-total", "Info", GENERAL, "1", "基本支出 (栏次 4)",
         {"value": grand, "sum": classes, "diff": grand - classes}),
    ]


def _item_row(d: SourceDocument, r: dict[str, Path], out: Path) -> tuple[list[Expected], list[Expected]]:
    """一般公共预算支出表 行政运行 (2010301) 基本支出 +10: more than 支出总表 prints for it, though all
    spending is general-budget appropriation (R28 holds row by row on the code rows)."""
    new = _cell(d, GENERAL, "4", 4) + TEN
    _sheet(r["xlsx"], out, GENERAL, "4", 4, new)
    total, project, parent = _cell(d, GENERAL, "4", 3), _cell(d, GENERAL, "4", 5), _cell(d, GENERAL, "3", 4)
    other = _cell(d, EXPENDITURE, "4", 4)
    return [
        ("R07-expenditure-columns", "Violation", GENERAL, "4", "合计 (栏次 3)",
         {"value": total, "sum": new + project, "diff": total - new - project}),
        ("R08-functional-hierarchy", "Violation", GENERAL, "3", "基本支出 (栏次 4)",
         {"value": parent, "sum": new, "diff": parent - new}),
        ("R28-expenditure-vs-general-budget", "Violation", GENERAL, "4", "基本支出 (栏次 4)",
         {"value": new, "other": other, "diff": new - other, "otherTable": EXPENDITURE}),
    ], []


def _three_public_sheet(d: SourceDocument, r: dict[str, Path], out: Path) -> tuple[list[Expected], list[Expected]]:
    """"三公" table 公务接待费 合计 cut to a fifth: its fund columns, the 小计, and the basic-expenditure
    table's 30217 公务接待费 (R30: it may not exceed the 三公 line) disagree."""
    old = _cell(d, THREE_PUBLIC, "6", 2)
    new = old / 5
    _sheet(r["xlsx"], out, THREE_PUBLIC, "6", 2, new)
    fund, subtotal = _cell(d, THREE_PUBLIC, "6", 3), _cell(d, THREE_PUBLIC, "1", 2)
    items = _cell(d, THREE_PUBLIC, "3", 2) + new  # 因公出国（境）费 is blank
    seq, *_, economic = _row(d, BASIC, "30217", 1)[:4]
    return [
        ("R14-fund-columns", "Violation", THREE_PUBLIC, "6", "资金性质 / 合计 (栏次 2)",
         {"value": new, "sum": fund, "diff": new - fund}),
        ("R14-three-public-items", "Violation", THREE_PUBLIC, "1", "资金性质 / 合计 (栏次 2)",
         {"value": subtotal, "sum": items, "diff": subtotal - items}),
        ("R30-three-public-vs-economic", "Violation", BASIC, seq, "一般公共预算基本支出 / 合计 (栏次 3)",
         {"value": Decimal(economic), "other": new, "diff": Decimal(economic) - new}),
    ], []


def _three_public_word(d: SourceDocument, r: dict[str, Path], out: Path) -> tuple[list[Expected], list[Expected]]:
    """"三公" table 公务接待费 tripled in both its columns: the 小计 no longer adds up, and the text's
    公务接待费 disagrees with the table."""
    old = _cell(d, THREE_PUBLIC, "6", 2)
    new = old * 3
    index = [t.title for t in d.tables].index(THREE_PUBLIC)
    _word(r["docx"], out, cell=(index, "6", [2, 3], str(new)))
    subtotal, items = _cell(d, THREE_PUBLIC, "1", 2), _cell(d, THREE_PUBLIC, "3", 2) + new
    stated = _stated(d, "；公务接待费")  # in the "三公" sentence, not the 机关运行经费 list
    return [
        ("R14-three-public-items", "Violation", THREE_PUBLIC, "1", column,
         {"value": subtotal, "sum": items, "diff": subtotal - items})
        for column in ("资金性质 / 合计 (栏次 2)", "资金性质 / 一般公共预算财政拨款 (栏次 3)")
    ] + [
        ("R43-text-three-public", "Violation", "", "", "",
         {"value": stated, "tableValue": new, "diff": stated - new, "indicator": "official-reception"}),
    ], []


def _text_total(d: SourceDocument, r: dict[str, Path], out: Path) -> tuple[list[Expected], list[Expected]]:
    """The text's 预算收入 +10: it disagrees with the 收支总表."""
    old = _stated(d, "2023年预算收入为")
    _word(r["docx"], out, text=(f"2023年预算收入为{old}万元", f"2023年预算收入为{old + TEN}万元"))
    return [("R40-text-totals", "Violation", "", "", "",
             {"value": old + TEN, "unitText": "万元", "tableValue": old, "diff": TEN, "indicator": "income-total",
              "table": "部门预算收支总表"})], []


def _unit_error(d: SourceDocument, r: dict[str, Path], out: Path) -> tuple[list[Expected], list[Expected]]:
    """The text's 一般公共预算收入 written in 元 instead of 万元: a unit error (R47) and, taken as
    written, a figure ten thousand times too small against 财政拨款收支总表 (R42)."""
    old = _stated(d, "一般公共预算收入")
    _word(r["docx"], out, text=(f"一般公共预算收入{old}万元", f"一般公共预算收入{old}元"))
    return [
        ("R42-text-fiscal", "Violation", "", "", "",
         {"value": old, "unitText": "元", "tableValue": old, "tableUnitText": "万元",
          "diff": (old / 10000 - old).quantize(Decimal("0.01"))}),
        ("R47-text-unit", "Warning", "", "", "", {"value": old, "unitText": "元", "neighbourUnit": "万元"}),
    ], []


def _change_component(d: SourceDocument, r: dict[str, Path], out: Path) -> tuple[list[Expected], list[Expected]]:
    """The text's 项目支出减少 -10: the year's change (增加84.54) is no longer 基本 + 项目 changes."""
    change, basic = _stated(d, "较2022年预算增加"), _stated(d, "基本支出增加")
    old = _stated(d, "项目支出减少")
    _word(r["docx"], out, text=(f"项目支出减少{old}万元", f"项目支出减少{old - TEN}万元"))
    return [("R50-change-components", "Violation", "", "", "",
             {"value": change, "sum": basic - old + TEN, "diff": change - basic + old - TEN})], [
        ("R50-change-components", "Info", "", "", "",
         {"value": change, "sum": basic - old, "diff": change - basic + old})]


def _restated_in_yuan(d: SourceDocument, r: dict[str, Path], out: Path) -> tuple[list[Expected], list[Expected]]:
    """The text's 预算支出 written in 元, exactly: consistent, nothing new to report."""
    old = _stated(d, "2023年预算支出安排")
    _word(r["docx"], out, text=(f"2023年预算支出安排{old}万元", f"2023年预算支出安排{old * 10000:.0f}元"))
    return [], []


def _misstated_in_yuan(d: SourceDocument, r: dict[str, Path], out: Path) -> tuple[list[Expected], list[Expected]]:
    """The text's 预算支出 written in 元, 10 万元 too much: against the table (R40), and against the
    same total stated again in the text (R52)."""
    old = _stated(d, "2023年预算支出安排")
    wrong = (old + TEN) * 10000
    _word(r["docx"], out, text=(f"2023年预算支出安排{old}万元", f"2023年预算支出安排{wrong:.0f}元"))
    return [
        ("R40-text-totals", "Violation", "", "", "",
         {"value": wrong, "unitText": "元", "tableValue": old, "diff": TEN, "indicator": "expenditure-total"}),
        ("R52-repeated", "Violation", "", "", "",
         {"value": wrong, "other": old * 10000, "diff": TEN * 10000, "indicator": "expenditure-total"}),
    ], []


@pytest.fixture(scope="module")
def baselines(renditions: dict[str, Path]) -> dict[str, Counter[FindingKey]]:
    """The findings of the unaltered renditions (equal to the text sample's: tests above)."""
    return {fmt: validate_csv(path) for fmt, path in renditions.items()}


Alteration = Callable[[SourceDocument, dict[str, Path], Path], tuple[list[Expected], list[Expected]]]

@pytest.mark.parametrize(("fmt", "alteration"), [
    ("xlsx", _leaf_cell),
    ("xlsx", _class_cell),
    ("xlsx", _item_row),
    ("xlsx", _three_public_sheet),
    ("docx", _three_public_word),
    ("docx", _text_total),
    ("docx", _unit_error),
    ("docx", _change_component),
    ("docx", _restated_in_yuan),
    ("docx", _misstated_in_yuan),
], ids=lambda a: a if isinstance(a, str) else a.__name__.strip("_"))
def test_alteration_is_reported_with_its_numbers(fmt: str, alteration: Alteration, sample: SourceDocument,
                                                 renditions: dict[str, Path], baselines: dict[str, Counter[FindingKey]],
                                                 tmp_path: Path) -> None:
    baseline = baselines[fmt]
    out = tmp_path / f"altered.{fmt}"
    added, removed = alteration(sample, renditions, out)
    got = validate_csv(out)
    for found, expected in ((got - baseline, added), (baseline - got, removed)):
        keys = sorted(found.elements())
        assert len(keys) == len(expected), keys
        for e in expected:
            assert [k for k in keys if _matches(k, e)], (e, keys)
