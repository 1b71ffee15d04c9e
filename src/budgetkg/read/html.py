"""Reader for disclosures published as web pages (lxml's HTML parser).

What it produces, in page order:

* **Decoding**: a byte-order mark, else the charset the page declares (``<meta charset>`` or
  ``<meta http-equiv="Content-Type" content="…; charset=…">`` in its first 4 KB), else UTF-8,
  else GB18030. GB2312, GBK and their aliases are decoded as GB18030, their superset (pages
  labelled GB2312 routinely use GBK characters). ``SourceDocument.encoding`` names the codec used.
* **Tables**: every ``<table>`` that holds no other table is a :class:`RawTable`; its rows are
  the HTML table model's grid (``rowspan``/``colspan``, ``rowspan="0"`` to the end of the row
  group), a spanning cell printed once in its top-left position and recorded in
  ``RawTable.merges``. A table that holds tables is page layout: its cells are read as page
  content. Cell text as rendered: runs of ASCII white space collapse to one space and are
  trimmed, ``<br>`` is a line break; non-breaking and ideographic spaces are text.
* **Title**: the table's ``<caption>``, else the nearest text block before it (a heading or
  paragraph), which is then not a paragraph of its own. Header-block lines before the table
  (``单位：万元``) become its first row; ``注：`` lines right after it are its notes (see
  :func:`budgetkg.read.docx.assemble`).
* **Paragraphs**: text outside tables, one :class:`Paragraph` per block element or ``<br>``-
  separated line; ``heading`` for text inside ``<h1>``…``<h6>``. ``<head>``, scripts and styles
  are not page text.
* **Where**: ``Paragraph.line`` and ``RawTable.line`` are the 1-based ordinal of the text block
  or table in the page (unique, in page order); ``Row.line`` is the source line of the ``<tr>``
  in the decoded page.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

from budgetkg.model import Paragraph, RawTable, ReadError, SourceDocument, file_bytes
from budgetkg.read.docx import Grid, assemble, grid_from_owners
from budgetkg.read.text import decode

READER = "budgetkg.read.html/1"
MEDIA_TYPE = "text/html"

_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "ms936", "euc-cn", "hz-gb-2312", "csgb2312", "gb_2312-80"}
_ASCII_SPACE = re.compile(r"[ \t\n\r\f]+")
_BLOCKS = {
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "ul",
    # the parts of a layout table
    "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption",
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_NOT_TEXT = {"head", "script", "style", "noscript", "template", "title", "meta", "link"}


def decode_html(data: bytes, file: str) -> tuple[str, str]:
    """Page bytes → text and the codec used (see the module documentation)."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or not data.strip():
        return decode(data, file)
    hit = _CHARSET.search(data[:4096])
    if hit:
        label = hit.group(1).decode("ascii").lower()
        codec = "gb18030" if label in _GB else label
        try:
            codec = codecs.lookup(codec).name
        except LookupError:
            codec = ""
        if codec:
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError as exc:
                raise ReadError(file, f"the page declares charset {label} but byte {exc.start} is not "
                                      f"{codec}") from None
    return decode(data, file)


def _rendered(element: Any) -> str:
    """The text of a cell or caption as a browser renders it: ``<br>`` breaks lines; within a
    line, runs of ASCII white space (line breaks of the source included) are one space."""
    lines: list[list[str]] = [[]]

    def walk(el: Any) -> None:
        if isinstance(el.tag, str) and el.tag not in _NOT_TEXT:
            if el.tag == "br":
                lines.append([])
            elif el.text:
                lines[-1].append(el.text)
            for child in el:
                walk(child)
        if el.tail:
            lines[-1].append(el.tail)

    if element.text:
        lines[-1].append(element.text)
    for child in element:
        walk(child)
    texts = [_ASCII_SPACE.sub(" ", "".join(parts)).strip(" \t\n\r\f") for parts in lines]
    return "\n".join(t for t in texts if t)


def _has_table(element: Any) -> bool:
    return any(True for _ in element.iterdescendants("table"))


def _table_grid(table: Any, number: int) -> Grid:
    """The HTML table model: the rows of the row groups in order, cells placed around row spans."""
    rows: list[tuple[Any, int]] = []  # (tr, row group)
    group = 0
    for child in table:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in ("thead", "tbody", "tfoot"):
            group += 1
            rows.extend((tr, group) for tr in child if tr.tag == "tr")
            group += 1
        elif tag == "tr":
            rows.append((child, group))
    group_end = {g: r for r, (_, g) in enumerate(rows)}  # last row of each group
    owners: list[list[Any]] = [[] for _ in rows]
    texts: dict[Any, str] = {}
    for r, (tr, g) in enumerate(rows):
        col = 0
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                continue
            while col < len(owners[r]) and owners[r][col] is not None:
                col += 1
            colspan = _span(cell.get("colspan"), 1000) or 1
            rowspan = _span(cell.get("rowspan"), 65534)
            bottom = group_end[g] if rowspan == 0 else min(r + rowspan - 1, group_end[g])
            for rr in range(r, bottom + 1):
                row = owners[rr]
                row.extend([None] * (col + colspan - len(row)))
                for cc in range(col, col + colspan):
                    row[cc] = cell
            texts[cell] = _rendered(cell)
            col += colspan
    width = max((len(r) for r in owners), default=0)
    for row in owners:
        row.extend([None] * (width - len(row)))
    grid = grid_from_owners(owners, texts, [tr.sourceline or 0 for tr, _ in rows], number)
    caption = table.find("caption")
    if caption is not None and _rendered(caption):
        grid.caption = _rendered(caption).replace("\n", " ")
    return grid


def _span(value: str | None, limit: int) -> int:
    """A rowspan/colspan attribute as the HTML standard parses it: leading digits, capped; 1 when
    absent or not a number; 0 kept (a rowspan of 0 reaches the end of the row group)."""
    hit = re.match(r"\s*(\d+)", value or "")
    return min(int(hit.group(1)), limit) if hit else 1


class _Flow:
    """Text blocks and tables of a page in order."""

    def __init__(self) -> None:
        self.items: list[Paragraph | Grid] = []
        self.buffer: list[str] = []
        self.heading = 0  # depth inside <h1>…<h6>
        self.heading_text = False  # the text in the buffer started inside a heading
        self.count = 0

    def next_number(self) -> int:
        self.count += 1
        return self.count

    def flush(self) -> None:
        text = _ASCII_SPACE.sub(" ", "".join(self.buffer)).strip(" \t\n\r\f")
        if text:
            self.items.append(Paragraph(text, self.next_number(), self.heading_text))
        self.buffer.clear()
        self.heading_text = False

    def text(self, value: str | None) -> None:
        if value:
            if value.strip() and not "".join(self.buffer).strip():
                self.heading_text = self.heading > 0
            self.buffer.append(value)

    def walk(self, el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None or tag in _NOT_TEXT:
            pass  # comments, processing instructions and non-page text
        elif tag == "table" and not _has_table(el):
            self.flush()
            self.items.append(_table_grid(el, self.next_number()))
        elif tag == "br":
            self.flush()
        else:
            block = tag in _BLOCKS
            if block:
                self.flush()
            if tag in _HEADINGS:
                self.heading += 1
            self.text(el.text)
            for child in el:
                self.walk(child)
            if block:
                self.flush()
            if tag in _HEADINGS:
                self.heading -= 1
                self.flush()
        if el.tail:
            self.text(el.tail)


def read_html(path: str | Path) -> SourceDocument:
    """Read a disclosure web page (see the module documentation for what is produced)."""
    import lxml.html
    from lxml import etree

    path = Path(path)
    data = file_bytes(path)
    text, encoding = decode_html(data, path.name)
    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", text))
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(path.name, f"not an HTML page: {exc}") from None
    flow = _Flow()
    flow.walk(root)
    flow.flush()
    blocks = assemble(flow.items)
    if not any(isinstance(b, RawTable) for b in blocks):
        raise ReadError(path.name, "no table found in the HTML page")
    return SourceDocument.of(path, data, media_type=MEDIA_TYPE, encoding=encoding,
                             reader=READER, blocks=blocks)
