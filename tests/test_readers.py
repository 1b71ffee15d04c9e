"""The spreadsheet, Word and HTML readers, and the choice of reader by content.

The strongest check is equivalence: the Hebei sample's tables written as an .xlsx workbook, a
.docx document and an HTML page (with real merged header cells) read back to the same tables,
recognised as the same kinds, and build the same 292 observations with the same amounts as the
extracted-text sample.
"""

from __future__ import annotations

import html
import re
import struct
from collections import Counter
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from openpyxl.styles import Border, Side

from budgetkg import narrative
from budgetkg.model import Block, Paragraph, RawTable, ReadError, Row, SourceDocument
from budgetkg.pipeline import build
from budgetkg.read import read_document
from budgetkg.read.sheet import format_number, sheet_name
from budgetkg.recognise import RecognisedTable, header_paths, merged_header_paths, recognise, squash
from budgetkg.store import Store
from tests.conftest import CORPUS, SAMPLE

TEMPLATES = CORPUS / "shanghai" / "templates"
_NUMBER = re.compile(r"^-?(?:[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*|0)(?:\.(\d+))?$")

# -- writing the sample in other formats ------------------------------------------------------


def _layout(table: RawTable) -> tuple[list[tuple[str, ...]], list[list[str]], list[tuple[int, int, int, int]],
                                      list[tuple[str, ...]], int]:
    """A sample table as laid out with real merged cells: (rows before the header, header grid,
    header merges, rows after the header, width). The extracted text collapses merged header
    cells; the recogniser's header paths say which columns each printed header cell spans. A table
    read from a format that records its merged cells (a PDF's ruling lines) keeps its rows as read
    and its merges, body ones included (a 政府采购 category merged down its items): row indexes
    of the merges then count from the first header row."""
    rec = recognise(table, SAMPLE.name)
    if table.merges:
        meta = len(rec.meta_rows)
        width = max(len(r.cells) for r in rec.header_rows + rec.body_rows)
        merged = [(r - meta, c, rs, cs) for r, c, rs, cs in table.merges if r >= meta]
        grid = [list(r.cells) + [""] * (width - len(r.cells)) for r in rec.header_rows]
        return [r.cells for r in rec.meta_rows], grid, merged, [r.cells for r in rec.body_rows], width
    width = max(len(r.cells) for r in rec.header_rows + rec.body_rows)
    lanci = bool(rec.header_rows) and squash(rec.header_rows[-1].cells[0]) == "栏次"
    heading = [list(r.cells) for r in (rec.header_rows[:-1] if lanci else rec.header_rows)]
    paths, resolved = header_paths(heading, width)
    assert resolved, table.title
    depth = len(heading)
    grid = [[""] * width for _ in range(depth)]
    merges: list[tuple[int, int, int, int]] = []
    for k in range(depth):
        c = 0
        while c < width:
            path = paths[c]
            if k >= len(path):
                c += 1
                continue
            last = k == len(path) - 1
            end = c + 1
            while end < width and len(paths[end]) > k and paths[end][: k + 1] == path[: k + 1] \
                    and (len(paths[end]) - 1 == k) == last:
                end += 1
            grid[k][c] = path[k]
            rows = depth - k if last else 1
            if rows > 1 or end - c > 1:
                merges.append((k, c, rows, end - c))
            c = end
    before = [r.cells for r in table.rows[: len(rec.meta_rows)]]
    after = ([rec.header_rows[-1].cells] if lanci else []) + [r.cells for r in rec.body_rows]
    return before, grid, merges, after, width


def _xlsx_value(text: str) -> tuple[object, str]:
    """A printed figure as a number with the number format that prints it so; other text as is."""
    hit = _NUMBER.match(text)
    if not hit:
        return text, "General"
    decimals = len(hit.group(1) or "")
    fmt = ("#,##0" if "," in text else "0") + ("." + "0" * decimals if decimals else "")
    value = Decimal(text.replace(",", ""))
    return (int(value) if not decimals else float(value)), fmt


_THIN = Side(style="thin")
_RULED = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def write_xlsx(doc: SourceDocument, path: Path, *, shift: tuple[int, int] = (0, 0)) -> None:
    """Each table on its own sheet; ``shift`` moves everything down and right by (rows, columns)."""
    dr, dc = shift
    book = openpyxl.Workbook()
    book.remove(book.active)
    for n, table in enumerate(doc.tables, start=1):
        ws = book.create_sheet(f"表{n}")
        before, grid, merges, after, width = _layout(table)
        ws.cell(1 + dr, 1 + dc, table.title)
        ws.merge_cells(start_row=1 + dr, start_column=1 + dc, end_row=1 + dr, end_column=width + dc)
        r = 2 + dr
        for cells in before:  # the header block: one sheet row, one cell per printed segment
            for c, text in enumerate(cells, start=1):
                ws.cell(r, c + dc, text)
            r += 1
        top = r
        for k, cells in enumerate(grid):
            for c, text in enumerate(cells, start=1):
                if text:
                    ws.cell(top + k, c + dc, text)
        for k, c, rs, cs in merges:
            ws.merge_cells(start_row=top + k, start_column=c + 1 + dc, end_row=top + k + rs - 1,
                           end_column=c + cs + dc)
        r = top + len(grid)
        for cells in after:
            for c, text in enumerate(cells, start=1):
                if text:
                    value, fmt = _xlsx_value(text)
                    ws.cell(r, c + dc, value).number_format = fmt
            r += 1
        for row in ws.iter_rows(min_row=top, max_row=r - 1, min_col=1 + dc, max_col=width + dc):
            for cell in row:  # a ruled table, as published
                cell.border = _RULED
        for note in table.notes:
            ws.cell(r, 1 + dc, note)
            r += 1
    book.save(path)


def printed_blocks(doc: SourceDocument) -> list[Block]:
    """The document's blocks with its prose as a flow format holds it. A PDF gives one paragraph per
    printed line, wrapped mid-sentence, and its page numbers as lines of their own; a Word document or
    a web page of the same text holds the paragraphs those lines print: the lines joined as the
    narrative reads them (``narrative._runs``: a line as long as the page's full lines runs on into
    the next), page numbers left out. Other documents' blocks as they are."""
    if not doc.reader.startswith("budgetkg.read.pdf/"):
        return list(doc.blocks)
    paragraphs = doc.paragraphs
    joined: dict[int, list[Paragraph]] = {}  # index of a run's first line -> the paragraphs it prints
    for run in narrative._runs(doc):
        at = 0
        for text in run.text.split("\n"):
            if text.strip():
                first = paragraphs[run.owners[at]]
                joined.setdefault(run.owners[0], []).append(Paragraph(text, first.line, first.heading))
            at += len(text) + 1
    blocks: list[Block] = []
    index = -1
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            index += 1
            blocks.extend(joined.get(index, []))
        else:
            blocks.append(block)
    return blocks


def write_docx(doc: SourceDocument, path: Path, header_as_paragraphs: bool = False) -> None:
    """The document as Word: paragraphs (:func:`printed_blocks`), and each table under its title, its
    header block (``612…``, ``单位：万元``) as the table's first rows, or (``header_as_paragraphs``) as
    paragraphs above it."""
    out = docx.Document()
    for block in printed_blocks(doc):
        if isinstance(block, Paragraph):
            out.add_paragraph(block.text, style="Heading 1" if block.heading else None)
            continue
        before, grid, merges, after, width = _layout(block)
        out.add_paragraph(block.title)
        if header_as_paragraphs:  # one paragraph per printed segment
            for text in (t for cells in before for t in cells):
                out.add_paragraph(text)
            before = []
        rows = [list(r) for r in before] + grid + [list(r) for r in after]
        table = out.add_table(rows=len(rows), cols=width)
        spans = [(k + len(before), c, rs, cs) for k, c, rs, cs in merges]
        # A printed row shorter than the grid (the header block) ends in a cell merged to the right edge.
        spans += [(i, len(cells) - 1, 1, width - len(cells) + 1)
                  for i, cells in enumerate(before) if len(cells) < width]
        for r, c, rs, cs in spans:
            table.cell(r, c).merge(table.cell(r + rs - 1, c + cs - 1))
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                if text:
                    table.cell(r, c).text = text
        for note in block.notes:
            out.add_paragraph(note)
    out.save(str(path))


def _html_text(text: str) -> str:
    """Cell text as HTML: a line break within a cell (a PDF cell's wrapped name) is ``<br>``."""
    return "<br>".join(html.escape(line) for line in text.split("\n"))


def write_html(doc: SourceDocument, path: Path, encoding: str = "utf-8") -> None:
    parts = [f'<!DOCTYPE html>\n<html><head><meta charset="{encoding}"><title>t</title></head><body>']
    for n, block in enumerate(printed_blocks(doc)):
        if isinstance(block, Paragraph):
            tag = "h2" if block.heading else "p"
            parts.append(f"<{tag}>{html.escape(block.text)}</{tag}>")
            continue
        before, grid, merges, after, width = _layout(block)
        caption = n % 2 == 0  # titles both as <caption> and as the paragraph before the table
        if not caption:
            parts.append(f"<p>{html.escape(block.title)}</p>")
        parts.append("<table border='1'>")
        if caption:
            parts.append(f"<caption>{html.escape(block.title)}</caption>")
        for cells in before:
            tds = [f"<td>{html.escape(t)}</td>" for t in cells[:-1]]
            tds.append(f"<td colspan='{width - len(cells) + 1}'>{html.escape(cells[-1])}</td>")
            parts.append("<tr>" + "".join(tds) + "</tr>")
        covered = {(k + dk, c + dc) for k, c, rs, cs in merges for dk in range(rs) for dc in range(cs)}
        starts = {(k, c): (rs, cs) for k, c, rs, cs in merges}
        parts.append("<thead>")
        for k, cells in enumerate([*grid, *after]):
            tag = "th" if k < len(grid) else "td"
            tds = []
            for c, text in enumerate(cells):
                if (k, c) in starts:
                    rs, cs = starts[(k, c)]
                    tds.append(f"<{tag} rowspan='{rs}' colspan='{cs}'>{_html_text(text)}</{tag}>")
                elif (k, c) not in covered:
                    tds.append(f"<{tag}>{_html_text(text)}</{tag}>")
            if k == len(grid):
                parts.append("</thead><tbody>")
            parts.append("<tr>" + "".join(tds) + "</tr>" + ("\n" if tag == "td" else ""))
        if not after:
            parts.append("</thead><tbody>")
        parts.append("</tbody></table>")
        parts.extend(f"<p>{html.escape(note)}</p>" for note in block.notes)
    parts.append("</body></html>")
    path.write_bytes("\n".join(parts).encode(encoding))


# -- equivalence with the extracted-text sample -------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> SourceDocument:
    return read_document(SAMPLE)


@pytest.fixture(scope="module")
def converted(sample: SourceDocument, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("converted")
    paths = {"xlsx": folder / "disclosure.xlsx", "docx": folder / "disclosure.docx", "html": folder / "disclosure.html"}
    write_xlsx(sample, paths["xlsx"])
    write_docx(sample, paths["docx"])
    write_html(sample, paths["html"])
    return paths


def _recognised(doc: SourceDocument) -> list[RecognisedTable]:
    return [recognise(t, doc.file_name) for t in doc.tables]


_OBSERVATIONS = """
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX bkg: <{vocab}>
SELECT ?kind ?class ?breakdown ?amount ?printed WHERE {{
  GRAPH ?g {{
    ?obs a qb:Observation ; qb:dataSet ?ds ; bkg:classification ?class ; bkg:breakdown ?breakdown ;
         bkg:amount ?amount ; bkg:printedValue ?printed .
    ?ds bkg:tableKind ?kind .
  }}
}}"""


def _observations(store: Store) -> Counter[tuple[str, str, str, Decimal, str]]:
    from budgetkg import uris

    return Counter(
        (s["kind"].value, s["class"].value, s["breakdown"].value, Decimal(s["amount"].value), s["printed"].value)
        for s in store.ox.query(_OBSERVATIONS.format(vocab=uris.vocab()))  # type: ignore[union-attr]
    )


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "html"])
def test_same_tables_as_the_text_sample(fmt: str, sample: SourceDocument, converted: dict[str, Path]) -> None:
    doc = read_document(converted[fmt])
    assert doc.reader == f"budgetkg.read.{'sheet' if fmt == 'xlsx' else fmt}/1"
    expected, got = _recognised(sample), _recognised(doc)
    assert [t.raw.title for t in got] == [t.raw.title for t in expected]
    assert [t.kind for t in got] == [t.kind for t in expected]
    assert sum(t.kind is not None for t in got) == 20
    for e, g in zip(expected, got, strict=True):
        assert g.meta_cells == e.meta_cells, e.raw.title
        assert [c.path for c in g.columns] == [c.path for c in e.columns], e.raw.title
        assert [c.number for c in g.columns] == [c.number for c in e.columns], e.raw.title
        if fmt == "html":
            # A browser collapses white space: indentation printed with spaces is not text in HTML.
            assert [tuple(c.strip() for c in r.cells) for r in g.body_rows] == \
                [tuple(c.strip() for c in r.cells) for r in e.body_rows], e.raw.title
        else:
            assert [r.cells for r in g.body_rows] == [r.cells for r in e.body_rows], e.raw.title
        notes = g.raw.notes[1:] if fmt == "xlsx" else g.raw.notes
        assert notes == e.raw.notes
        assert not [i for i in g.issues if i.code == "unresolved-header"]
    if fmt == "xlsx":
        assert [sheet_name(t) for t in doc.tables] == [f"表{n}" for n in range(1, 21)]
        assert [t.line for t in doc.tables] == list(range(1, 21))  # the sheet position
        assert doc.tables[0].rows[0].line == 2 and doc.tables[0].rows[1].line == 3
    else:
        rendered = (lambda t: re.sub(r"[ \t\n\r\f]+", " ", t)) if fmt == "html" else (lambda t: t)
        assert [(p.text, p.heading) for p in doc.paragraphs] == \
            [(rendered(p.text), p.heading) for p in sample.paragraphs]
        lines = [b.line for b in doc.blocks]
        assert lines == sorted(set(lines))  # unique, in document order
    first = doc.tables[0]
    assert first.merges, "the merged header cells are recorded"


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "html"])
def test_same_observations_as_the_text_sample(fmt: str, converted: dict[str, Path], sample_store: Store,
                                              tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    reports = build(store, [converted[fmt]])
    assert reports[0].error is None
    assert reports[0].observations == 292
    got, expected = _observations(store), _observations(sample_store)
    assert sum(expected.values()) == 292
    assert got == expected


# -- the blank official workbooks ----------------------------------------------------------------

_DEPARTMENT_TITLES = [
    "上海市普陀区2026年区级部门预算", "目  录", "XX（部门）主要职能", "XX（部门）机构设置", "名词解释",
    "2026年部门预算编制说明", "2026年部门财务收支预算总表", "2026年部门收入预算总表", "2026年部门支出预算总表",
    "2026年部门财政拨款收支预算总表", "2026年部门一般公共预算支出功能分类预算表",
    "2026年部门政府性基金预算支出功能分类预算表", "2026年部门国有资本经营预算支出功能分类预算表",
    "2026年部门一般公共预算基本支出部门预算经济分类预算表", "2026年部门“三公”经费和机关运行经费预算表",
    "其他相关情况说明", "XX项目经费情况说明",
]
_KINDS = [
    "income-expenditure-summary", "income", "expenditure", "fiscal-appropriation-summary",
    "general-public-budget-expenditure", "government-fund-expenditure", "state-capital-expenditure",
    "general-public-budget-basic-expenditure", "three-public-expenditure",
]


@pytest.mark.parametrize(("name", "sheets", "prefix"), [
    ("department_budget_template_2026_putuo_BLANK.xlsx", 17, "部门"),
    ("unit_budget_template_2026_putuo_BLANK.xlsx", 16, "单位"),
    ("budget_template_2026_putuo_unit_BLANK.xls", 16, "单位"),
])
def test_blank_template_workbooks(name: str, sheets: int, prefix: str) -> None:
    doc = read_document(TEMPLATES / name)
    assert len(doc.tables) == sheets and not doc.paragraphs
    assert doc.media_type.endswith("sheet" if name.endswith("xlsx") else "ms-excel")
    if name.startswith("department"):
        assert [t.title for t in doc.tables] == _DEPARTMENT_TITLES
    # The sheet whose name ends in a space: named exactly in the note, titled by its printed title.
    capital = next(t for t in doc.tables if "国有资本经营" in t.title)
    assert sheet_name(capital) == f"{prefix}国有资本经营预算拨款表 "
    assert capital.notes == [f"工作表：{prefix}国有资本经营预算拨款表 "]
    tables = _recognised(doc)
    assert [t.kind for t in tables if t.kind in _KINDS] == _KINDS
    for t in tables:
        assert t.meta_cells == ([f"编制{prefix}：", "单位:万元" if t.kind == "three-public-expenditure" else "单位：元"]
                                if t.kind in _KINDS else t.meta_cells)
        if t.mapping and t.mapping.cube:
            amounts = [r.cells[c.index - 1] for r in t.body_rows for c in t.columns
                       if c.spec and c.spec.role == "amount" and c.index - 1 < len(r.cells)]
            assert not any(a.strip() for a in amounts), (t.raw.title, "a blank template has no figures")


def test_xlsx_template_title_meta_grid_and_merges() -> None:
    doc = read_document(TEMPLATES / "department_budget_template_2026_putuo_BLANK.xlsx")
    three = next(t for t in doc.tables if "三公" in t.title)
    assert [(r.line, r.cells) for r in three.rows] == [
        (3, ("编制部门：", "单位:万元")),
        (4, ("“三公”经费预算数", "", "", "", "", "", "机关运行经费预算数")),
        (5, ("合计", "因公出国(境)费", "公务接待费", "公务用车购置及运行费", "", "", "")),
        (6, ("", "", "", "小计", "购置费", "运行费", "")),
        (7, ("", "", "", "", "", "", "")),  # the one blank row drawn with borders: an empty printed row
    ]
    # A5:A6, B5:B6, C5:C6, D5:F5, A4:F4, G4:G6; A17:F17 covers only blank unruled rows and is dropped.
    assert sorted(three.merges) == [(1, 0, 1, 6), (1, 6, 3, 1), (2, 0, 2, 1), (2, 1, 2, 1), (2, 2, 2, 1), (2, 3, 1, 3)]
    rec = recognise(three, doc.file_name)
    assert rec.kind == "three-public-expenditure"
    income = next(t for t in doc.tables if t.title == "2026年部门收入预算总表")
    # Codes printed as numbers (205) and as text ("02") both come out as printed.
    assert income.rows[4].cells[:4] == ("205", "", "", "教育支出")
    assert income.rows[5].cells[:4] == ("205", "02", "", "普通教育")
    assert income.rows[-1] == Row(("合计", "", "", "", "", "", "", "", ""), 20)


def test_xls_merged_header() -> None:
    doc = read_document(TEMPLATES / "budget_template_2026_putuo_unit_BLANK.xls")
    table = next(t for t in doc.tables if t.title == "2026年预算单位财务收支预算总表")
    assert [(r.line, r.cells) for r in table.rows[:5]] == [
        (4, ("编制单位：", "单位：元")),
        (6, ("本年收入", "", "本年支出", "", "", "", "")),
        (7, ("项目", "预算数", "项目", "预算数", "", "", "")),
        (8, ("", "", "", "合计", "基本支出", "", "项目支出")),
        (9, ("", "", "", "", "人员经费", "公用经费", "")),
    ]
    assert table.rows[-1].cells == ("收入总计", "", "支出总计", "", "", "", "") and table.rows[-1].line == 21
    assert sorted(table.merges) == [
        (1, 0, 1, 2), (1, 2, 1, 5), (2, 0, 3, 1), (2, 1, 3, 1), (2, 2, 3, 1), (2, 3, 1, 4),
        (3, 3, 2, 1), (3, 4, 1, 2), (3, 6, 2, 1),
    ]
    # The merges, as translated, resolve the four header rows: each merged cell heads every column it spans.
    heading = [list(r.cells) for r in table.rows[1:5]]
    spans = [(r - 1, c, rs, cs) for r, c, rs, cs in table.merges if 1 <= r <= 4]
    assert merged_header_paths(heading, 7, spans) == [
        ("本年收入", "项目"), ("本年收入", "预算数"), ("本年支出", "项目"), ("本年支出", "预算数", "合计"),
        ("本年支出", "预算数", "基本支出", "人员经费"), ("本年支出", "预算数", "基本支出", "公用经费"),
        ("本年支出", "预算数", "项目支出"),
    ]
    assert doc.tables[0].notes == ["工作表：封面"] and doc.tables[0].title == "上海市普陀区2026年区级单位预算"


# -- spreadsheet cells as shown --------------------------------------------------------------------


@pytest.mark.parametrize(("value", "fmt", "shown"), [
    (1234.56, "#,##0.00", "1,234.56"),
    (822.41, "0.00", "822.41"),
    (205.0, "General", "205"),
    (156211123, "#,##0_ ", "156,211,123"),
    (0.1 + 0.2, "General", "0.3"),  # 0.30000000000000004: beyond Excel's 15 digits
    (1234567.005, "0.00", "1234567.01"),  # the decimal 1234567.005, half up, not the binary 1234567.00499…
    (0.005, "0.00", "0.01"),
    (-1234.5, "#,##0.00;[Red]-#,##0.00", "-1,234.50"),
    (-5, "#,##0.00_);(#,##0.00)", "(5.00)"),
    (0, '#,##0;-#,##0;"-"', "-"),
    (0.125, "0.00%", "12.50%"),
    (1.5, "0.0#", "1.5"),
    (1.555, "0.0#", "1.56"),
    (0.5, "#.00", ".50"),
    (12345678, "#,##0,", "12,346"),
    (1234.5, '[$¥-804]#,##0.00', "¥1,234.50"),
    (1234.5, '#,##0.00"元"', "1,234.50元"),
    (7, "@", "7"),
])
def test_number_formats(value: float, fmt: str, shown: str) -> None:
    assert format_number(value, fmt) == shown


def test_xlsx_cells_hidden_sheets_and_sheet_titles(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = " 收入总表  "
    ws["B2"], ws["C2"] = "公开02表", "2019年部门收入预算总表"
    ws["B3"], ws["D3"] = "编制部门：某部门", "单位：万元"
    ws["B5"], ws["C5"], ws["D5"], ws["E5"] = "项目", "金额", "日期", "是否"
    ws["B6"], ws["C6"], ws["D6"], ws["E6"] = "一、财政拨款", 1234567.891, datetime(2023, 12, 31), True
    ws["C6"].number_format = "#,##0.00"
    ws["B7"], ws["C7"], ws["D7"] = "二、其他", 12.5, datetime(2023, 1, 2, 8, 30)
    ws["B8"] = "注：本表反映某部门收入。"
    ws["B9"] = "  续注内容"
    hidden = book.create_sheet("旧表")
    hidden.sheet_state = "hidden"
    hidden["A1"], hidden["B1"] = "项目", "金额"
    book.create_sheet("空白")
    path = tmp_path / "book.bin"  # the extension says nothing: the content is a workbook
    book.save(path)
    doc = read_document(path)
    assert [t.title for t in doc.tables] == ["公开02表 2019年部门收入预算总表", "旧表"]
    first, second = doc.tables
    assert [(r.line, r.cells) for r in first.rows] == [
        (3, ("编制部门：某部门", "单位：万元")),
        (5, ("项目", "金额", "日期", "是否")),
        (6, ("一、财政拨款", "1,234,567.89", "2023-12-31", "TRUE")),
        (7, ("二、其他", "12.5", "2023-01-02T08:30:00", "")),
    ]
    assert first.notes == ["工作表： 收入总表  ", "注：本表反映某部门收入。", "续注内容"]
    assert sheet_name(first) == " 收入总表  "
    assert second.notes == ["工作表：旧表（隐藏）"] and sheet_name(second) == "旧表"
    assert second.rows[0].cells == ("项目", "金额")


def test_xlsx_formula_without_a_computed_value(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "表1"
    book.active["A1"], book.active["A2"], book.active["A3"] = 1, 2, "=A1+A2"
    path = tmp_path / "formula.xlsx"
    book.save(path)  # openpyxl stores the formula and no value: nothing to show for A3
    with pytest.raises(ReadError) as info:
        read_document(path)
    assert info.value.reason == ("formula cells saved without a computed value (表1!A3): open and save the "
                                 "workbook in a spreadsheet program so that their values are stored")


# -- HTML ------------------------------------------------------------------------------------


def test_gb18030_html_page(tmp_path: Path) -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>'
        "<h1>某镕堃部门2023年部门预算</h1><div>说明文字<br>第二行</div>"
        "<p>部门预算收支总表</p><p>单位：万元</p>"
        "<table><tr><th rowspan=2>项目</th><th colspan=2>金额</th></tr><tr><td>本年</td><td>上年</td></tr>"
        "<tr><td>一、  财政\n拨款</td><td>1,234.56</td><td>0.00</td></tr></table>"
        "<p>注：无。</p><p>结尾</p></body></html>"
    )
    path = tmp_path / "page.htm"
    path.write_bytes(page.encode("gb18030"))
    doc = read_document(path)
    assert doc.encoding == "gb18030" and doc.reader == "budgetkg.read.html/1"
    assert [(p.text, p.heading, p.line) for p in doc.paragraphs] == [
        ("某镕堃部门2023年部门预算", True, 1), ("说明文字", False, 2), ("第二行", False, 3), ("结尾", False, 8),
    ]
    (table,) = doc.tables
    assert table.title == "部门预算收支总表" and table.line == 4
    assert [r.cells for r in table.rows] == [
        ("单位：万元",), ("项目", "金额", ""), ("", "本年", "上年"), ("一、 财政 拨款", "1,234.56", "0.00"),
    ]
    assert table.merges == [(1, 0, 2, 1), (1, 1, 1, 2)]
    assert table.notes == ["注：无。"]


def test_html_layout_table_and_undeclared_encoding(tmp_path: Path) -> None:
    page = ("<table><tr><td><h2>标题</h2><table><caption>表一</caption><tr><td>a</td><td>b</td></tr></table>"
            "</td></tr></table>")
    path = tmp_path / "layout.html"
    path.write_bytes(page.encode("gb18030"))  # no charset declared, not UTF-8
    doc = read_document(path)
    assert doc.encoding == "gb18030"
    assert [(b.title, [r.cells for r in b.rows]) for b in doc.tables] == [("表一", [("a", "b")])]
    assert [p.text for p in doc.paragraphs] == ["标题"]


# -- choosing the reader; bad input ----------------------------------------------------------------


def _compound_file(stream: str) -> bytes:
    """A minimal OLE2 compound file holding one empty stream (the container of .doc and .xls)."""
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\0" * 16, 0x3E, 3,
                         0xFFFE, 9, 6, b"\0" * 6, 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108
    fat = struct.pack("<II", fat_sector, end) + struct.pack("<I", free) * 126

    def entry(name: str, kind: int, child: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return struct.pack("<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1, free, free, child,
                           b"\0" * 16, 0, 0, 0, end, 0)

    empty = b"\0" * 64 + struct.pack("<HBBIII", 0, 0, 0, free, free, free) + b"\0" * 52
    directory = entry("Root Entry", 5, 1) + entry(stream, 2, free) + empty * 2
    return header + fat + directory


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "empty file"),
    (b"PK\x03\x04" + b"\0" * 40, "corrupt ZIP container: File is not a zip file"),
    (_compound_file("WordDocument"), "legacy .doc Word files are not supported: save as .docx"),
    (_compound_file("EncryptedPackage"), "password-protected (encrypted) Office document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 20, None),
])
def test_bad_input_is_a_clear_error(tmp_path: Path, content: bytes, reason: str | None) -> None:
    path = tmp_path / "bad.xls"
    path.write_bytes(content)
    with pytest.raises(ReadError) as info:
        read_document(path)
    assert info.value.file == "bad.xls"
    if reason is None:
        assert info.value.reason.startswith("corrupt OLE2 compound file: ")
    else:
        assert info.value.reason == reason


def test_zip_that_is_no_office_document(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "data.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(ReadError) as info:
        read_document(path)
    assert info.value.reason == "a ZIP archive that is neither a .docx nor an .xlsx document"


def test_reader_chosen_by_content_not_extension(converted: dict[str, Path], tmp_path: Path) -> None:
    for fmt, source in converted.items():
        disguised = tmp_path / f"{fmt}.txt"
        disguised.write_bytes(source.read_bytes())
        assert read_document(disguised).reader == f"budgetkg.read.{'sheet' if fmt == 'xlsx' else fmt}/1"
    assert read_document(SAMPLE).reader == "budgetkg.read.text/1"


def test_column_letters_of_the_converted_workbook(converted: dict[str, Path]) -> None:
    """The workbook written for the equivalence test really has merged header cells (收支总表:
    the title; 序号 over two rows; 收入 and 支出 over their 项目 and 金额 columns)."""
    book = openpyxl.load_workbook(converted["xlsx"])
    ws = book["表1"]
    assert sorted(str(m) for m in ws.merged_cells.ranges) == sorted(
        ["A1:E1", "A3:A4", "B3:C3", "D3:E3"])


def test_shifted_tables_read_the_same(sample: SourceDocument, sample_store: Store, tmp_path: Path) -> None:
    """Tables that start lower and further right on their sheets are found and mean the same."""
    path = tmp_path / "shifted.xlsx"
    write_xlsx(sample, path, shift=(3, 2))
    doc = read_document(path)
    assert [t.kind for t in _recognised(doc)] == [t.kind for t in _recognised(sample)]
    store = Store(tmp_path / "store")
    (report,) = build(store, [path])
    assert report.loaded and report.observations == 292
    assert _observations(store) == _observations(sample_store)
