"""Reader for PDF disclosures with a text layer, on pdfplumber (pdfminer.six).

What it produces, page by page (``Row.line``, ``RawTable.line`` and ``Paragraph.line`` are
**page numbers**, 1-based):

* **Tables** are found from their ruling lines (pdfplumber's ``lines`` strategy: both the
  Jiangsu PDFs, drawn with lines and rectangles, and the Shanghai ones, drawn with filled
  rectangles, are ruled). The grid is rebuilt from pdfplumber's cell rectangles: a rectangle
  that encloses other cells is a frame drawn around the table (Jiangsu frames title and grid
  together), not a cell, and is left out; the remaining cell edges give the columns and rows,
  and a cell spanning several of them is recorded in ``RawTable.merges`` with its text in its
  top-left position (the covered positions are ``""``). White unstroked rectangles overlapping a
  table of drawn rules are cell backgrounds (painted in strips inside the rules), not edges; a
  table laid out only with white boxes is kept. A grid drawn off the page (past the page's box:
  not printed) is no table; its text is prose.
* **Tables ruled as one**: an inner grid row holding only a table title (``…表``) followed by a
  header-block row (``部门：…``) starts the next table: the grid is split there, and the title
  and header block of the lower table are read as text lines like any other.
* **Cell text** is the text of the characters inside the cell as pdfplumber extracts it: the
  printed text, thousands separators kept (``"1,234.56"``), a cell printed on several lines
  keeps its line breaks (``"事业单位\\n经营收入"``); nothing else is changed.
* **Title and header block**: the text lines printed above a grid (and below the previous
  grid of the page) that are not in any cell. Lines that are header-block metadata
  (``编制部门：…``, ``部门：…``, ``单位：万元``, ``预算年度``…) become the table's FIRST row, one
  cell per printed segment (segments are separated by wide gaps), so the recogniser treats them
  as metadata; a line continuing a wrapped metadata segment is kept as its own cell. The
  non-metadata line just above them is the title, preceded by a table-number line
  (``公开01表``, ``表1``, ``附表2``) when one is printed on a line of its own. Earlier lines are
  prose. A grid with no title at the top of a page takes as its title the title line (``…表``)
  printed alone at the foot of the previous page, below its last grid.
* **Continuation**: a grid printed with no title above it, on a page whose previous block is a
  table with the same number of columns, continues that table (rows appended, their ``line``
  the new page). Leading rows identical to the first rows of the table (a repeated header) are
  dropped; nothing else is.
* **Notes**: lines starting with ``注：`` right after a table are its notes.
* **Prose**: every other text line is a :class:`Paragraph` (``line`` = page). A "grid" of one
  column (a ruled box around a table of contents or a text block) is prose too.

Errors (:class:`ReadError`): empty file; ``corrupt PDF: …``; ``password-protected PDF``;
``scanned PDF without a text layer: not supported``.
"""

from __future__ import annotations

import hashlib
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from budgetkg.model import Block, Paragraph, RawTable, ReadError, Row, SourceDocument

READER = "budgetkg.read.pdf/1"

#: pdfplumber table finder settings: ruling lines in both directions (the disclosures' tables
#: are ruled; text-alignment strategies would also turn aligned prose into "tables").
TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
}
#: Distance (points) under which two cell edges are the same grid line.
_EDGE_TOLERANCE = 2.0
#: Header-block lines printed between a title and its grid.
_META_LINE = re.compile(
    r"(编制|预算主管|填报|报送)?(部门|单位)(名称)?[:：]|预算年度|^(金额)?单位[:：]|截[止至](时间|日期)|金额单位"
    r"|^\d{3,}(?![\d年])\D"
)
_TABLE_NUMBER = re.compile(r"^(公开|附)?\s*表?\s*[\d一二三四五六七八九十]+(-\d+)?\s*表?$|^(公开|附)\s*\d+\s*表")
_PAGE_NUMBER = re.compile(r"^[-—－\s]*(第\s*)?\d+\s*(页)?[-—－\s]*$|^\d+\s*/\s*\d+$")
_BRACKETED = re.compile(r"^[（(][^）)]*[)）]$")  # "（2023年度）" printed under the table name
_TITLE_CELL = re.compile(r"表$|表[（(][^）)]*[)）]$")
_EOF_WINDOW = 1024  # bytes: a PDF ends with "%%EOF" (ISO 32000-1 §7.5.5), give or take trailing junk
_NOTE = re.compile(r"^\s*(备)?注\s*\d*\s*[:：]")


@dataclass
class _Grid:
    """One ruled table of a page, as a grid of cell texts."""

    top: float
    bottom: float
    rows: list[list[str]]
    merges: list[tuple[int, int, int, int]]
    cells: list[tuple[float, float, float, float]]
    columns: list[float]
    ys: list[float] = field(default_factory=list)  # the row edges
    source: Any = None  # the cell rectangles the grid was built from


@dataclass
class _Line:
    top: float
    bottom: float
    text: str
    size: float
    segments: list[str] = field(default_factory=list)


def _cluster(values: list[float]) -> list[float]:
    """Distinct coordinates, values closer than the tolerance merged."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _EDGE_TOLERANCE:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def _inside(char: dict[str, Any], bbox: tuple[float, float, float, float]) -> bool:
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    return bbox[0] <= x < bbox[2] and bbox[1] <= y < bbox[3]


def _contains(outer: tuple[float, ...], inner: tuple[float, ...]) -> bool:
    t = _EDGE_TOLERANCE
    return (outer != inner and outer[0] - t <= inner[0] and outer[1] - t <= inner[1]
            and inner[2] <= outer[2] + t and inner[3] <= outer[3] + t)


def _grids(raw: list[tuple[float, ...]], chars: list[dict[str, Any]]) -> list[_Grid]:
    """The grids of a pdfplumber table's cell rectangles: one, or several when tables printed
    one under the other are ruled as one (an inner row holding only a table title, followed by a
    header-block row, starts the next table: the rows from it on are their own grid, whose
    title and header block are left to the title block)."""
    grid = _grid(raw, chars)
    if grid is None:
        return []
    cells = [c for c in raw if not any(_contains(c, other) for other in raw)]
    for r in range(1, len(grid.rows) - 1):
        texts = [t.replace(" ", "") for t in grid.rows[r] if t.strip()]
        if not (len(texts) == 1 and _TITLE_CELL.search(texts[0]) and "\n" not in texts[0]):
            continue
        meta = [t.replace(" ", "") for t in grid.rows[r + 1] if t.strip()]
        if not any(_META_LINE.search(t) for t in meta):
            continue
        cut = grid.ys[r]
        if any(c[1] < cut - _EDGE_TOLERANCE and c[3] > cut + _EDGE_TOLERANCE for c in cells):
            continue  # a cell across the title row: not two tables
        upper = [c for c in cells if c[3] <= cut + _EDGE_TOLERANCE]
        lower = [c for c in cells if c[1] >= cut - _EDGE_TOLERANCE]
        return _grids(upper, chars) + _grids(lower, chars)
    return [grid]


def _grid(raw: list[tuple[float, ...]], chars: list[dict[str, Any]],
          columns: list[float] | None = None) -> _Grid | None:
    """The grid of a pdfplumber table's cell rectangles: frames dropped, spans recorded as merges.

    A first row that is one cell across the whole grid (a title box drawn inside the frame)
    is not part of the grid: its text is left to the title block. ``columns`` imposes the
    column edges (a continuation grid laid on the columns of the table it continues).
    """
    from pdfplumber.utils import extract_text

    cells = [c for c in raw if not any(_contains(c, other) for other in raw)]
    while cells:
        xs = columns or _cluster([c[0] for c in cells] + [c[2] for c in cells])
        top = min(c[1] for c in cells)
        first = [c for c in cells if abs(c[1] - top) <= _EDGE_TOLERANCE]
        if len(first) == 1 and len(cells) > 1 and abs(first[0][0] - xs[0]) <= _EDGE_TOLERANCE \
                and abs(first[0][2] - xs[-1]) <= _EDGE_TOLERANCE:
            cells.remove(first[0])
            continue
        break
    if not cells:
        return None
    xs = columns or _cluster([c[0] for c in cells] + [c[2] for c in cells])
    ys = _cluster([c[1] for c in cells] + [c[3] for c in cells])
    if len(xs) < 3 or len(ys) < 2:  # one column: a ruled box, not a table
        return None
    rows = [[""] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    merges: list[tuple[int, int, int, int]] = []
    for bbox in sorted(cells, key=lambda c: (c[1], c[0])):
        r0, r1 = _index(ys, bbox[1]), _index(ys, bbox[3])
        c0, c1 = _index(xs, bbox[0]), _index(xs, bbox[2])
        if r1 <= r0 or c1 <= c0:
            continue
        inside = [ch for ch in chars if _inside(ch, bbox)]
        rows[r0][c0] = extract_text(inside).strip() if inside else ""
        if r1 - r0 > 1 or c1 - c0 > 1:
            merges.append((r0, c0, r1 - r0, c1 - c0))
    # ruled rows above the column headers that hold the title or the header block (or nothing:
    # an empty band under the title) are not the grid: their text is left to the title block
    while len(rows) > 1 and _banner(rows[0]):
        rows.pop(0)
        ys.pop(0)
        merges = [(r - 1, c, rs, cs) if r > 0 else (0, c, rs - 1, cs) for r, c, rs, cs in merges
                  if r > 0 or rs > 1]
        cells = [c for c in cells if c[3] > ys[0] + _EDGE_TOLERANCE]
    merges = [m for m in merges if m[2] > 1 or m[3] > 1]
    return _Grid(ys[0], ys[-1], rows, merges, cells, xs, ys, raw)


def _banner(row: list[str]) -> bool:
    """A grid row that is a title or a header-block line drawn inside the table's rules."""
    texts = [t.replace(" ", "") for t in row if t.strip()]
    if not texts:
        return True
    if len(texts) == 1 and _TITLE_CELL.search(texts[0]) and "\n" not in texts[0]:
        return True
    return all(_META_LINE.search(t) for t in texts)


def _white(color: Any) -> bool:
    """A fill colour that is white: gray 1, RGB (1, 1, 1) or CMYK (0, 0, 0, 0)."""
    if isinstance(color, int | float):
        color = (color,)
    if not isinstance(color, tuple | list) or not color or not all(isinstance(v, int | float) for v in color):
        return False  # a pattern or an unknown colour space: taken as drawn
    return all(v >= 0.99 for v in color) if len(color) in (1, 3) else len(color) == 4 and not any(color)


def _drawn(obj: dict[str, Any]) -> bool:
    """Not a white, unstroked rectangle (a cell's background painted over the white page: it
    draws no rule, but its four sides would be taken as cell edges)."""
    return not (obj.get("object_type") == "rect" and obj.get("fill") and not obj.get("stroke")
                and _white(obj.get("non_stroking_color")))


def _tables(page: Any) -> list[list[tuple[float, ...]]]:
    """The cell rectangles of each table of the page, found from its drawn rules.

    White unstroked rectangles are left out when they overlap a table of drawn rules: there they
    are cell backgrounds (painted in strips inside the black rules, their sides would be taken
    for cell edges and misalign the grid). A table made only of white rectangles (boxes laid out
    without visible rules) is kept as it is found.
    """
    drawn = page.filter(_drawn).find_tables(TABLE_SETTINGS)
    out = [[tuple(c) for c in t.cells] for t in drawn]
    for t in page.find_tables(TABLE_SETTINGS):
        if not any(_overlap(t.bbox, d.bbox) for d in drawn):
            out.append([tuple(c) for c in t.cells])
    return out


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _fits(edges: list[float], columns: list[float]) -> bool:
    """Every column edge of a grid is a column edge of ``columns``."""
    return all(any(abs(e - c) <= _EDGE_TOLERANCE * 2 for c in columns) for e in edges)


def _segments(chars: list[dict[str, Any]]) -> list[str]:
    """A text line split where the gap between characters is wide (separate printed fields)."""
    from pdfplumber.utils import extract_text

    chars = sorted(chars, key=lambda c: c["x0"])
    if not chars:
        return []
    size = statistics.median(c["size"] for c in chars)
    groups: list[list[dict[str, Any]]] = [[chars[0]]]
    for ch in chars[1:]:
        if ch["x0"] - groups[-1][-1]["x1"] > 2 * size:
            groups.append([])
        groups[-1].append(ch)
    return [t for g in groups if (t := extract_text(g).strip())]


def _page_lines(page: Any, grids: list[_Grid]) -> list[_Line]:
    """Text lines of the page outside every grid cell."""
    cells = [c for g in grids for c in g.cells]

    def outside(obj: dict[str, Any]) -> bool:
        return obj.get("object_type") != "char" or not any(_inside(obj, c) for c in cells)

    free = page.filter(outside) if cells else page
    lines = []
    for ln in free.extract_text_lines(return_chars=True):
        text = ln["text"].strip()
        if text:
            size = statistics.median(c["size"] for c in ln["chars"]) if ln["chars"] else 0.0
            lines.append(_Line(ln["top"], ln["bottom"], text, size, _segments(ln["chars"])))
    return lines


def _split_pre(lines: list[_Line]) -> tuple[list[_Line], list[_Line], list[_Line]]:
    """Lines above a grid → (prose, title lines, header-block lines)."""
    meta_at = next((i for i, ln in enumerate(lines)
                    if any(_META_LINE.search(s.replace(" ", "")) for s in ln.segments)), None)
    if meta_at is None:
        head, meta = lines, []
    else:
        head, meta = lines[:meta_at], lines[meta_at:]
    if not head:
        return [], [], meta
    title = [head[-1]]
    for prev in reversed(head[:-1]):
        if len(title) >= 3:
            break
        gap = title[0].top - prev.bottom
        wrapped = abs(prev.size - title[0].size) <= 0.5 and gap < title[0].bottom - title[0].top
        numbered = any(_TABLE_NUMBER.match(ln.text.replace(" ", "")) for ln in (prev, title[0]))
        if numbered or wrapped or _BRACKETED.match(title[0].text.replace(" ", "")):
            title.insert(0, prev)  # "公开01表" on its own line, or a title wrapped over two lines
        else:
            break
    return head[: len(head) - len(title)], title, meta


def _same_width(table: RawTable, first_meta: bool, width: int) -> bool:
    body = table.rows[1:] if first_meta else table.rows
    return bool(body) and max(len(r.cells) for r in body) == width


def read_pdf(path: str | Path) -> SourceDocument:
    """Read a PDF disclosure (see the module documentation for what is produced)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(path.name, f"cannot read file: {exc.strerror}") from None
    if not data.strip():
        raise ReadError(path.name, "empty file")
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        # pdfminer silently reconstructs a cut file from what is left: refuse it instead
        raise ReadError(path.name, "corrupt PDF: truncated (no %%EOF marker at the end of the file)")
    blocks = _read_blocks(path, data)
    return SourceDocument(
        path=str(path),
        file_name=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        byte_size=len(data),
        media_type="application/pdf",
        encoding="",
        reader=READER,
        blocks=blocks,
    )


def _open(path: Path, data: bytes) -> Any:
    import io

    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psexceptions import PSException

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pdf.pages  # noqa: B018 - parses the page tree: a damaged file fails here
    except Exception as exc:  # pdfplumber wraps pdfminer's errors in PdfminerException
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc.__cause__ or exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError) or isinstance(exc, PDFPasswordIncorrect):
            raise ReadError(path.name, "password-protected PDF") from None
        if isinstance(cause, PDFSyntaxError | PSException):
            raise ReadError(path.name, f"corrupt PDF: {cause}") from None
        raise ReadError(path.name, f"corrupt PDF: {cause or type(cause).__name__}") from None
    return pdf


def _read_blocks(path: Path, data: bytes) -> list[Block]:
    pdf = _open(path, data)
    blocks: list[Block] = []
    has_meta: dict[int, bool] = {}  # id(RawTable) -> its first row is the header block
    last_table: RawTable | None = None  # the table a grid at the top of the next page may continue
    last_columns: list[float] = []
    orphan: Paragraph | None = None  # a title printed at the foot of the previous page
    any_text = False
    try:
        for number, page in enumerate(pdf.pages, start=1):
            try:
                chars = page.chars
                any_text = any_text or any(c["text"].strip() for c in chars)
                grids = []
                for cells in _tables(page):
                    grids.extend(_grids(cells, chars))
                # a grid drawn off the page (content past the page's box, not printed) is not a
                # table of the page: its text is kept as prose
                grids = [g for g in grids if g.top < page.bbox[3] and g.bottom > page.bbox[1]]
                lines = _page_lines(page, grids)
            except ReadError:
                raise
            except Exception as exc:
                raise ReadError(path.name, f"corrupt PDF: page {number}: {type(exc).__name__}: {exc}") from None
            grids.sort(key=lambda g: g.top)
            cursor = 0
            for gi, grid in enumerate(grids):
                pre: list[_Line] = []
                while cursor < len(lines) and lines[cursor].bottom <= grid.top + 1:
                    pre.append(lines[cursor])
                    cursor += 1
                numbers = [ln for ln in pre if _PAGE_NUMBER.match(ln.text)]
                prose, title, meta = _split_pre([ln for ln in pre if ln not in numbers])
                blocks.extend(Paragraph(ln.text, number) for ln in numbers + prose)
                width = len(grid.rows[0])
                follows = gi == 0 and not title and not meta and last_table is not None
                if (follows and last_table is not None and width != len(last_columns) - 1
                        and _fits(grid.columns, last_columns)):
                    # a continuation whose grid lacks some column rules (a lone 合计 row): lay it
                    # on the columns of the table it continues
                    grid = _grid(grid.source, chars, last_columns) or grid
                    width = len(grid.rows[0])
                if follows and last_table is not None and _same_width(last_table, has_meta[id(last_table)], width):
                    table = last_table
                    _append(table, grid, has_meta[id(table)], number)
                else:
                    if gi == 0 and not title and not prose and orphan is not None:
                        # the title printed alone at the foot of the previous page, its header
                        # block and grid on this one
                        del blocks[next(i for i, b in enumerate(blocks) if b is orphan)]
                        title = [_Line(0, 0, orphan.text, 0)]
                    rows = [Row(tuple(seg for ln in meta for seg in ln.segments), number)] if meta else []
                    offset = len(rows)
                    rows += [Row(tuple(r), number) for r in grid.rows]
                    table = RawTable(title=" ".join(ln.text for ln in title), line=number, rows=rows,
                                     merges=[(r + offset, c, rs, cs) for r, c, rs, cs in grid.merges])
                    has_meta[id(table)] = bool(meta)
                    blocks.append(table)
                    last_table = table
                    last_columns = grid.columns
                # text overlapping the grid but in no cell: prose
                while cursor < len(lines) and lines[cursor].top < grid.bottom - 1:
                    blocks.append(Paragraph(lines[cursor].text, number))
                    cursor += 1
                # "注：…" lines right below the grid: its notes
                while cursor < len(lines) and _NOTE.match(lines[cursor].text):
                    table.notes.append(lines[cursor].text)
                    cursor += 1
            rest = lines[cursor:]
            blocks.extend(Paragraph(ln.text, number) for ln in rest)
            texts = [b for b in blocks[len(blocks) - len(rest):] if not _PAGE_NUMBER.match(b.text)]
            orphan = texts[-1] if texts and grids and _TITLE_CELL.search(texts[-1].text.replace(" ", "")) \
                and rest[0].top > grids[-1].bottom else None
            if any(not _PAGE_NUMBER.match(ln.text) for ln in rest):
                last_table = None  # prose after it: a grid on the next page is not its continuation
            page.flush_cache()
    finally:
        pdf.close()
    if not any_text:
        raise ReadError(path.name, "scanned PDF without a text layer: not supported")
    return blocks


def _append(table: RawTable, grid: _Grid, first_meta: bool, page: int) -> None:
    """Append a continuation grid to ``table``, dropping a repeated header (identical rows)."""
    start = 1 if first_meta else 0
    skip = 0
    while (skip < len(grid.rows) and start + skip < len(table.rows)
           and tuple(grid.rows[skip]) == table.rows[start + skip].cells
           and any(c.strip() for c in grid.rows[skip])):
        skip += 1
    offset = len(table.rows) - skip
    table.rows.extend(Row(tuple(r), page) for r in grid.rows[skip:])
    table.merges.extend((r + offset, c, rs, cs) for r, c, rs, cs in grid.merges if r >= skip)
