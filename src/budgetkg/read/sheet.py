"""Reader for spreadsheet disclosures: ``.xlsx`` (openpyxl) and legacy ``.xls`` (xlrd), one table per sheet.

What it produces, sheet by sheet (every sheet with at least one non-blank cell is one
:class:`~budgetkg.model.RawTable`, in workbook order):

* **Title**: the sheet's first non-blank row when it holds a single short line of text (the
  merged title row of the template, ``2026年部门财务收支预算总表``); a table-number cell printed
  before it or beside it (``公开01表``, ``表1``) is kept in front, joined by a space. Without
  such a row the title is the sheet name stripped of stray spaces (``"部门国有资本经营预算拨款表 "``
  → ``"部门国有资本经营预算拨款表"``).
* **Header block**: the rows after the title whose cells are header-block metadata
  (``编制部门：…``, ``单位：元``, ``预算年度：2023``, ``612某单位``) become ONE first row, its cells
  the non-blank cells of those rows in reading order, so the recogniser reads them as metadata.
* **Grid**: every other row that has a non-blank cell, from the leftmost to the rightmost
  column used by the grid (a blank row drawn with borders between the first grid row and the
  notes is a printed, empty row and is kept; other blank rows are not emitted), each cell as
  the sheet shows it: text as stored; numbers formatted
  with the cell's number format (``#,##0.00`` → ``1,234.56``; ``0.00%`` → ``12.50%``; General →
  the shortest exact decimal, integers without ``.0``), always from the exact decimal of the
  stored value (``Decimal(repr(float))``), never by float arithmetic; Excel keeps 15
  significant digits, so binary noise beyond that (``0.30000000000000004``) is what Excel
  also does not show; dates and times in ISO 8601.
* **Merged cells**: ``RawTable.merges`` from the sheet's merged ranges, as indexes into the
  emitted rows and their cells (a range over blank, unemitted rows spans only the emitted
  ones); the text stays in the top-left cell, the covered cells are ``""``.
* **Notes**: rows of one cell at the bottom of the grid starting with ``注：`` (and the
  one-cell rows after them) are the table's notes.
* **Where**: ``Row.line`` is the 1-based sheet row number; ``RawTable.line`` is 1 (the top of
  the sheet); the sheet is named in the table's FIRST note, ``工作表：<name>`` (the name exactly
  as stored, stray spaces included), and a hidden sheet (hidden or very hidden: read, but not
  shown nor printed by the publisher) is marked ``工作表：<name>（隐藏）``. See :func:`sheet_name`.

Errors (:class:`ReadError`): a damaged workbook, a password-protected workbook, formula cells
saved without their computed value (nothing to show for them), and a workbook whose sheets
are all blank.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal
from pathlib import Path
from typing import Any

from budgetkg.model import RawTable, ReadError, Row, SourceDocument, file_bytes
from budgetkg.recognise import _META_CELL

READER = "budgetkg.read.sheet/1"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLS_MEDIA_TYPE = "application/vnd.ms-excel"

#: The first note of every sheet's table names the sheet.
SHEET_NOTE = "工作表："
HIDDEN_MARK = "（隐藏）"

#: Header-block cells printed between a title and its grid: exactly what the recogniser takes for
#: metadata (a wider pattern would move header rows such as "价值（金额单位：万元）" out of the grid).
META = _META_CELL
TABLE_NUMBER = re.compile(r"^(公开|附)?\s*表?\s*[\d一二三四五六七八九十]+([-.]\d+)?\s*表?$|^(公开|附)\s*\d+\s*表")
NOTE = re.compile(r"^\s*(备)?注\s*\d*\s*[:：]")
_SPACES = re.compile(r"[\s\u3000]+")
#: A title is one line of text; longer single cells are prose (the text sheets of a workbook).
_TITLE_MAX = 100

#: Excel stores and shows at most 15 significant digits.
_EXCEL_PRECISION = Context(prec=15, rounding=ROUND_HALF_UP)


def sheet_name(table: RawTable) -> str | None:
    """The name of the sheet a table was read from (``None`` for tables of other readers)."""
    if table.notes and table.notes[0].startswith(SHEET_NOTE):
        name = table.notes[0][len(SHEET_NOTE):]
        return name[: -len(HIDDEN_MARK)] if name.endswith(HIDDEN_MARK) else name
    return None


# -- numbers as Excel shows them ------------------------------------------------------------


def exact_decimal(value: int | float) -> Decimal:
    """The decimal a stored number stands for: the shortest decimal that round-trips the
    binary double (what Excel wrote), limited to Excel's 15 significant digits."""
    if isinstance(value, int):
        return Decimal(value)
    number = Decimal(repr(value))
    if len(number.as_tuple().digits) > 15:
        number = _EXCEL_PRECISION.plus(number)
    return number


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _sections(fmt: str) -> list[str]:
    """A number format's sections (positive;negative;zero;text), split outside quotes and brackets."""
    sections, current, quoted, bracket = [], [], False, False
    escaped = False
    for ch in fmt:
        if escaped:
            current.append(ch)
            escaped = False
            continue
        if ch == "\\" and not quoted:
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == "[" and not quoted:
            bracket = True
        elif ch == "]" and not quoted:
            bracket = False
        elif ch == ";" and not quoted and not bracket:
            sections.append("".join(current))
            current = []
            continue
        current.append(ch)
    sections.append("".join(current))
    return sections


@dataclass
class _Section:
    prefix: str
    pattern: str  # digit placeholders, "," and "." only
    suffix: str
    percent: int
    general: bool


def _parse_section(section: str) -> _Section:
    prefix: list[str] = []
    suffix: list[str] = []
    pattern: list[str] = []
    percent, general = 0, False
    i, n = 0, len(section)

    def literal(text: str) -> None:
        (suffix if pattern else prefix).append(text)

    while i < n:
        ch = section[i]
        if ch == '"':
            end = section.find('"', i + 1)
            end = n if end < 0 else end
            literal(section[i + 1:end])
            i = end + 1
            continue
        if ch == "\\" and i + 1 < n:
            literal(section[i + 1])
            i += 2
            continue
        if ch in "_*":  # "_x": padding the width of x; "*x": fill with x — neither is text
            i += 2
            continue
        if ch == "[":
            end = section.find("]", i)
            end = n if end < 0 else end
            if hit := re.match(r"\$([^-\]]*)", section[i + 1:end]):  # [$¥-804]: a currency symbol
                literal(hit.group(1))
            i = end + 1  # colours, conditions and locales print nothing
            continue
        if section[i:i + 7].lower() == "general":
            general = True
            pattern.append("0")
            i += 7
            continue
        if ch in "0#?" or (ch in ",." and (pattern or (i + 1 < n and section[i + 1] in "0#?"))):
            if suffix and pattern:  # placeholders after a literal: keep them in one pattern
                pattern.extend(suffix)
                suffix.clear()
            pattern.append(ch)
            i += 1
            continue
        if ch == "%":
            percent += 1
        literal(ch)
        i += 1
    return _Section("".join(prefix), "".join(pattern), "".join(suffix), percent, general)


def format_number(value: int | float | Decimal, fmt: str) -> str:
    """A number as Excel shows it with the number format ``fmt``."""
    number = value if isinstance(value, Decimal) else exact_decimal(value)
    if not fmt or fmt.strip().lower() in ("general", "@") or re.search(r"[eE][+-]", fmt):
        return _plain(number)  # General and text formats; scientific formats shown in full
    sections = _sections(fmt)
    sign = ""
    if number < 0 and len(sections) >= 2:
        section, number = sections[1], -number
    elif number == 0 and len(sections) >= 3:
        section = sections[2]
    else:
        section = sections[0]
        if number < 0:
            sign, number = "-", -number
    parsed = _parse_section(section)
    if parsed.general:
        return sign + parsed.prefix + _plain(number) + parsed.suffix
    if not parsed.pattern:
        return parsed.prefix + parsed.suffix  # a literal section, such as "-" for zero
    number = number.scaleb(2 * parsed.percent)
    pattern = parsed.pattern
    while pattern.endswith(","):  # trailing commas scale by a thousand each
        number = number.scaleb(-3)
        pattern = pattern[:-1]
    int_part, dot, frac_part = pattern.partition(".")
    decimals = sum(ch in "0#?" for ch in frac_part)
    shown = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    digits, _, fraction = format(shown, "f").partition(".")
    keep = frac_part.count("0") + frac_part.count("?")
    while len(fraction) > keep and fraction.endswith("0"):
        fraction = fraction[:-1]
    min_int = int_part.count("0")
    if digits == "0" and min_int == 0:
        digits = ""
    digits = digits.zfill(min_int)
    if "," in int_part and digits:
        digits = f"{int(digits):,}"
    if shown == 0 and not fraction.strip("0"):
        sign = ""
    return sign + parsed.prefix + digits + (dot + fraction if dot else "") + parsed.suffix


def _iso(value: datetime | date | time) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    return value.isoformat()


# -- workbook backends ----------------------------------------------------------------------


@dataclass
class _Sheet:
    name: str
    hidden: bool
    cells: dict[tuple[int, int], str]  # (row, column), 1-based -> text shown; non-blank only
    merges: list[tuple[int, int, int, int]]  # (first row, first column, last row, last column), 1-based
    ruled: set[int]  # rows with a cell that has a border: a blank ruled row is a printed (empty) row


def _openpyxl_text(cell: Any) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return format_number(value, cell.number_format or "General")
    if isinstance(value, datetime | date | time):
        return _iso(value)
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _uncomputed_formulas(data: bytes) -> list[str]:
    """``sheet!cell`` of formula cells saved without a computed value (a workbook written by a
    program that does not calculate): openpyxl's data_only view shows them as blank."""
    from lxml import etree

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    found: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
            return found
        targets = {r.get("Id"): r.get("Target", "") for r in
                   etree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))}
        for sheet in etree.fromstring(zf.read("xl/workbook.xml")).iter(f"{main}sheet"):
            target = targets.get(sheet.get(f"{rel}id"), "")
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            if part not in names:
                continue
            with zf.open(part) as fh:
                for _, c in etree.iterparse(fh, tag=f"{main}c"):
                    value = c.find(f"{main}v")
                    if c.find(f"{main}f") is not None and (value is None or not value.text):
                        found.append(f"{sheet.get('name')}!{c.get('r')}")
                    c.clear()
    return found


def _xlsx_sheets(data: bytes, file: str) -> list[_Sheet]:
    import openpyxl
    from openpyxl.worksheet.worksheet import Worksheet

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=False, data_only=True)
        missing = _uncomputed_formulas(data)
    except Exception as exc:  # openpyxl raises plain KeyError/ValueError/… on damaged parts
        raise ReadError(file, f"damaged .xlsx workbook: {type(exc).__name__}: {exc}") from None
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise ReadError(file, f"formula cells saved without a computed value ({shown}): open and save the "
                              "workbook in a spreadsheet program so that their values are stored")
    sheets = []
    for ws in book.worksheets:
        if not isinstance(ws, Worksheet):
            continue  # chart sheets hold no cells
        cells: dict[tuple[int, int], str] = {}
        # ws._cells holds the cells present in the file; ws.iter_rows() would create every cell of
        # the sheet's declared dimension, which is the whole sheet when formatting covers whole columns.
        ruled: set[int] = set()
        for (r, c), cell in sorted(ws._cells.items()):
            text = _openpyxl_text(cell)
            if text.strip():
                cells[(r, c)] = text
            elif cell.has_style and r not in ruled:
                b = cell.border
                if any(side is not None and side.style for side in (b.left, b.right, b.top, b.bottom)):
                    ruled.add(r)
        merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
        sheets.append(_Sheet(ws.title, ws.sheet_state != "visible", cells, merges, ruled))
    return sheets


def _xls_sheets(data: bytes, file: str) -> list[_Sheet]:
    import xlrd
    from xlrd.biffh import XLRDError

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, logfile=io.StringIO())
    except XLRDError as exc:
        if "encrypted" in str(exc).lower():
            raise ReadError(file, "password-protected workbook") from None
        raise ReadError(file, f"damaged .xls workbook: {exc}") from None
    except Exception as exc:  # xlrd raises struct/assertion errors on truncated files
        raise ReadError(file, f"damaged .xls workbook: {type(exc).__name__}: {exc}") from None
    sheets = []
    for sh in book.sheets():
        cells: dict[tuple[int, int], str] = {}
        ruled: set[int] = set()
        for r in range(sh.nrows):
            for c in range(sh.row_len(r)):
                cell = sh.cell(r, c)
                text = _xlrd_text(book, sh, r, c, cell)
                if text.strip():
                    cells[(r + 1, c + 1)] = text
                elif r + 1 not in ruled:
                    b = book.xf_list[sh.cell_xf_index(r, c)].border
                    if b.left_line_style or b.right_line_style or b.top_line_style or b.bottom_line_style:
                        ruled.add(r + 1)
        merges = [(rlo + 1, clo + 1, rhi, chi) for rlo, rhi, clo, chi in sh.merged_cells]
        sheets.append(_Sheet(sh.name, sh.visibility != 0, cells, merges, ruled))
    return sheets


def _xlrd_text(book: Any, sh: Any, r: int, c: int, cell: Any) -> str:
    import xlrd

    kind = cell.ctype
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if kind == xlrd.XL_CELL_TEXT:
        return str(cell.value)
    if kind == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERROR")
    if kind == xlrd.XL_CELL_DATE:
        moment = xlrd.xldate_as_datetime(cell.value, book.datemode)
        return moment.time().isoformat() if cell.value < 1 else _iso(moment)
    fmt = book.format_map.get(book.xf_list[sh.cell_xf_index(r, c)].format_key)
    return format_number(cell.value, fmt.format_str if fmt else "General")


# -- a sheet as a table ----------------------------------------------------------------------


def _squash(text: str) -> str:
    return _SPACES.sub("", text)


def _is_meta(texts: Iterable[str]) -> bool:
    return any(META.search(_squash(t)) for t in texts)


def _titleish(text: str) -> bool:
    return "\n" not in text.strip() and len(text.strip()) <= _TITLE_MAX and not _is_meta([text])


def sheet_table(sheet: _Sheet) -> RawTable | None:
    """The table printed on one sheet (see the module documentation); ``None`` for a blank sheet."""
    rows: dict[int, dict[int, str]] = {}
    for (r, c), text in sheet.cells.items():
        rows.setdefault(r, {})[c] = text
    numbers = sorted(rows)
    if not numbers:
        return None

    def texts(r: int) -> list[str]:
        return [rows[r][c] for c in sorted(rows[r])]

    # Title: one line of text on the first row, a table number before it or beside it.
    title, start = "", 0
    first = texts(numbers[0])
    second = texts(numbers[1]) if len(numbers) > 1 else []
    if len(first) == 1 and TABLE_NUMBER.match(_squash(first[0])) and len(second) == 1 and _titleish(second[0]):
        title, start = f"{first[0].strip()} {second[0].strip()}", 2
    elif len(first) == 1 and _titleish(first[0]):
        title, start = first[0].strip(), 1
    elif len(first) == 2 and sum(bool(TABLE_NUMBER.match(_squash(t))) for t in first) == 1:
        number = next(t for t in first if TABLE_NUMBER.match(_squash(t)))
        other = next(t for t in first if t is not number)
        if _titleish(other):
            title, start = f"{number.strip()} {other.strip()}", 1
    if not title:
        title = _SPACES.sub(" ", sheet.name).strip()

    # Header block: the metadata rows right after the title, as one row.
    meta_end = start
    while meta_end < len(numbers) and _is_meta(texts(numbers[meta_end])):
        meta_end += 1
    out: list[Row] = []
    if meta_end > start:
        out.append(Row(tuple(t for r in numbers[start:meta_end] for t in texts(r)), numbers[start]))
    grid = numbers[meta_end:]

    # Notes: one-cell rows at the bottom, from the first of them that starts with 注：.
    notes: list[str] = []
    tail = len(grid)
    while tail > 0 and len(rows[grid[tail - 1]]) == 1:
        tail -= 1
    note_at = next((i for i in range(tail, len(grid)) if NOTE.match(texts(grid[i])[0])), None)
    if note_at is not None:
        notes = [texts(r)[0].strip() for r in grid[note_at:]]
        end = grid[note_at]
        grid = grid[:note_at]
    else:
        end = max(sheet.ruled, default=0) + 1
    if grid:  # blank rows drawn with borders inside the table are printed rows
        grid = sorted(set(grid) | {r for r in sheet.ruled if grid[0] < r < end})

    merges: list[tuple[int, int, int, int]] = []
    if grid:
        lo = min(c for r in grid for c in rows.get(r, {}))
        hi = max(c for r in grid for c in rows.get(r, {}))
        top, bottom = grid[0], grid[-1]
        for r1, c1, _r2, c2 in sheet.merges:  # a merged cell whose text widens the grid
            if top <= r1 <= bottom and c1 in rows.get(r1, {}):
                lo, hi = min(lo, c1), max(hi, c2)
        index = {r: len(out) + i for i, r in enumerate(grid)}
        for r in grid:
            out.append(Row(tuple(rows.get(r, {}).get(c, "") for c in range(lo, hi + 1)), r))
        for r1, c1, r2, c2 in sorted(sheet.merges):
            if not top <= r1 <= bottom:
                continue
            inside = [index[r] for r in grid if r1 <= r <= r2]
            first_col, last_col = max(c1, lo), min(c2, hi)
            if not inside or last_col < first_col or (len(inside) == 1 and first_col == last_col):
                continue
            merges.append((inside[0], first_col - lo, len(inside), last_col - first_col + 1))
    where = f"{SHEET_NOTE}{sheet.name}{HIDDEN_MARK if sheet.hidden else ''}"
    # line is set by read_workbook to the sheet's position: tables sort and are located by it.
    return RawTable(title=title, line=0, rows=out, notes=[where, *notes], merges=merges)


def read_workbook(path: str | Path) -> SourceDocument:
    """Read an ``.xlsx`` or ``.xls`` workbook (chosen by content): one table per non-blank sheet."""
    path = Path(path)
    data = file_bytes(path)
    if data.startswith(b"PK\x03\x04"):
        sheets, media_type = _xlsx_sheets(data, path.name), XLSX_MEDIA_TYPE
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        sheets, media_type = _xls_sheets(data, path.name), XLS_MEDIA_TYPE
    else:
        raise ReadError(path.name, "not a spreadsheet workbook (.xlsx or .xls)")
    tables = []
    for position, sheet in enumerate(sheets, start=1):
        table = sheet_table(sheet)
        if table is not None:
            table.line = position
            tables.append(table)
    if not tables:
        raise ReadError(path.name, "no table found: every sheet of the workbook is blank")
    return SourceDocument.of(path, data, media_type=media_type, encoding="",
                             reader=READER, blocks=list(tables))
