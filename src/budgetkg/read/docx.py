"""Reader for Word ``.docx`` disclosures (python-docx), and the flow-document assembly it shares
with the HTML reader.

What it produces, in document order (the children of the document body, content controls
``w:sdt`` opened):

* **Paragraphs**: every non-blank ``w:p`` is a :class:`Paragraph`; ``line`` is the 1-based index
  of the body element (paragraphs and tables counted together, blank paragraphs included), so
  it is unique and follows the document order; ``heading`` is true for a heading style
  (``Heading 1``…, ``Title``, localised ``标题 1``…), an outline level, or a ``_Toc`` bookmark (the
  mark a table of contents points at, as in the extracted-text format).
* **Tables**: every ``w:tbl`` is a :class:`RawTable`; its rows are the layout grid (``gridBefore``
  and ``gridAfter`` positions are empty cells); a merged cell (``gridSpan``, ``vMerge``) prints its
  text once, in its top-left position, and is recorded in ``RawTable.merges`` (python-docx
  repeats a merged cell in every position it spans: positions are de-duplicated by the cell's
  ``w:tc`` element). Cell text is the cell's paragraphs joined by ``"\\n"``. ``Row.line`` is the
  table's body index.
* **Title, header block, notes** (:func:`assemble`): the non-blank paragraph just before a
  table is its title (``RawTable.line`` = that paragraph's index), and not a paragraph of its
  own; header-block paragraphs between the title and the table (``单位：万元``, ``编制部门：…``)
  become the table's first row, one cell each; paragraphs starting with ``注：`` right after a
  table are its notes.

Errors (:class:`ReadError`): a damaged document (not a Word document inside the zip).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from budgetkg.model import Block, Paragraph, RawTable, ReadError, Row, SourceDocument, file_bytes
from budgetkg.read.sheet import META, NOTE, _squash

READER = "budgetkg.read.docx/1"
MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass
class Grid:
    """A table as laid out, before its title and notes are known."""

    rows: list[Row]
    merges: list[tuple[int, int, int, int]]
    line: int
    caption: str | None = None  # a title printed as part of the table (HTML <caption>)


def grid_from_owners(owners: list[list[Any]], texts: dict[Any, str], lines: list[int],
                     line: int) -> Grid:
    """Rows and merges from a layout grid of cell owners (``None``: no cell at that position).

    Each owner's text is printed in its top-left position; an owner covering more than one
    position is a merged cell."""
    width = max((len(r) for r in owners), default=0)
    boxes: dict[Any, list[int]] = {}  # owner -> [top, left, bottom, right]
    for r, row in enumerate(owners):
        for c, owner in enumerate(row):
            if owner is None:
                continue
            box = boxes.setdefault(owner, [r, c, r, c])
            box[2], box[3] = max(box[2], r), max(box[3], c)
    grid = [[""] * width for _ in owners]
    merges = []
    for owner, (top, left, bottom, right) in boxes.items():
        grid[top][left] = texts.get(owner, "")
        if bottom > top or right > left:
            merges.append((top, left, bottom - top + 1, right - left + 1))
    rows = [Row(tuple(cells), lines[i]) for i, cells in enumerate(grid)]
    return Grid(rows, sorted(merges), line)


def assemble(items: list[Paragraph | Grid]) -> list[Block]:
    """Tables with their titles, header-block rows and notes taken from the paragraphs around them."""
    blocks: list[Block] = []
    for item in items:
        if isinstance(item, Paragraph):
            last = blocks[-1] if blocks else None
            if isinstance(last, RawTable) and NOTE.match(item.text):
                last.notes.append(item.text.strip())
                continue
            blocks.append(item)
            continue
        meta: list[Paragraph] = []
        while blocks and isinstance(blocks[-1], Paragraph) and META.search(_squash(blocks[-1].text)):
            meta.insert(0, blocks.pop())  # type: ignore[arg-type]
        title, line = item.caption, item.line
        if title is None and blocks and isinstance(blocks[-1], Paragraph):
            above = blocks.pop()
            assert isinstance(above, Paragraph)
            title, line = above.text, above.line
        elif meta and title is None:
            line = meta[0].line
        rows, merges = list(item.rows), list(item.merges)
        if meta:
            rows.insert(0, Row(tuple(p.text for p in meta), meta[0].line))
            merges = [(r + 1, c, rs, cs) for r, c, rs, cs in merges]
        blocks.append(RawTable(title=title or "", line=line, rows=rows, merges=merges))
    return blocks


# -- Word ---------------------------------------------------------------------------------------


def _body_elements(parent: Any) -> Iterator[Any]:
    for child in parent.iterchildren():
        if child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _body_elements(content)
        elif child.tag in (f"{_W}p", f"{_W}tbl"):
            yield child


def _is_heading(paragraph: Any) -> bool:
    p = paragraph._p
    if p.find(f"{_W}pPr/{_W}outlineLvl") is not None:
        return True
    if any((b.get(f"{_W}name") or "").startswith("_Toc") for b in p.iter(f"{_W}bookmarkStart")):
        return True
    try:
        style = paragraph.style
    except (KeyError, ValueError):  # a style id the styles part does not define
        return False
    name = (style.name or "") if style is not None else ""
    return name.lower().startswith(("heading", "title")) or name.startswith("标题")


def _table_grid(tbl: Any, document: Any, line: int) -> Grid:
    from docx.table import _Cell

    owners: list[list[Any]] = []
    texts: dict[Any, str] = {}
    for tr in tbl.tr_lst:
        row: list[Any] = [None] * tr.grid_before
        for tc in tr.tc_lst:
            span = tc.grid_span
            if tc.vMerge == "continue" and owners:
                col = len(row)
                above = owners[-1][col] if col < len(owners[-1]) else None
                row.extend([above] * span)
                continue
            texts[tc] = _Cell(tc, document).text
            row.extend([tc] * span)
        row.extend([None] * tr.grid_after)
        owners.append(row)
    width = max([len(r) for r in owners] + [len(tbl.tblGrid.gridCol_lst) if tbl.tblGrid is not None else 0])
    for row in owners:
        row.extend([None] * (width - len(row)))
    return grid_from_owners(owners, texts, [line] * len(owners), line)


def read_docx(path: str | Path) -> SourceDocument:
    """Read a ``.docx`` disclosure (see the module documentation for what is produced)."""
    import docx
    from docx.text.paragraph import Paragraph as DocxParagraph

    path = Path(path)
    data = file_bytes(path)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises KeyError/ValueError/BadZipFile on damaged parts
        raise ReadError(path.name, f"damaged .docx document: {type(exc).__name__}: {exc}") from None
    items: list[Paragraph | Grid] = []
    for index, element in enumerate(_body_elements(document.element.body), start=1):
        if element.tag == f"{_W}tbl":
            items.append(_table_grid(element, document, index))
            continue
        paragraph = DocxParagraph(element, document)
        text = paragraph.text
        if text.strip():
            items.append(Paragraph(text.strip(), index, _is_heading(paragraph)))
    blocks = assemble(items)
    if not any(isinstance(b, RawTable) for b in blocks):
        raise ReadError(path.name, "no table found in the Word document")
    return SourceDocument.of(path, data, media_type=MEDIA_TYPE, encoding="",
                             reader=READER, blocks=blocks)
