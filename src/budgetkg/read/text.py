"""Reader for disclosures extracted to text (the ``.docx`` → text format of the Hebei sample).

The format, as produced by the extraction:

* a table cell is a line starting with a tab (``"\\t822.41"``; an empty cell is a lone tab);
* the cells of one row are consecutive tab lines; rows are separated by blank lines;
* any other non-blank line is prose: a heading, a paragraph, a table title or a table note;
* titles may follow a Word bookmark mark: ``[bookmark: _Toc_2_2_0000000001]部门预算收支总表``.

A table is the run of rows after the prose line that titles it; "注：…" lines right after a
table are its notes. Every line ends up in a table, a note or a paragraph: nothing is skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

from budgetkg.model import Block, Paragraph, RawTable, ReadError, Row, SourceDocument, file_bytes

READER = "budgetkg.read.text/1"
BOOKMARK = re.compile(r"^\s*\[bookmark:[^\]]*\]\s*")
NOTE = re.compile(r"^\s*注\s*[:：]")


def decode(data: bytes, file: str) -> tuple[str, str]:
    """Decode text bytes: UTF-8 (with or without BOM), else GB18030 (a superset of GBK/GB2312)."""
    if not data.strip():
        raise ReadError(file, "empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ReadError(file, f"invalid UTF-16 text (byte {exc.start})") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ReadError(file, f"not UTF-8 nor GB18030 text (byte {exc.start})") from None
    return text, "gb18030"


def parse_text(text: str) -> list[Block]:
    """Split extracted text into tables and paragraphs, in reading order."""
    blocks: list[Block] = []
    pending: list[Paragraph] = []  # prose lines seen since the last table
    table: RawTable | None = None
    cells: list[str] = []
    row_line = 0
    in_notes = False

    def end_row() -> None:
        nonlocal cells, table
        if not cells:
            return
        if table is None:
            # A row with no prose line before it: a table without a title.
            title = pending.pop() if pending else Paragraph("", row_line)
            blocks.extend(pending)
            pending.clear()
            table = RawTable(title=title.text, line=title.line, rows=[])
            blocks.append(table)
        table.rows.append(Row(tuple(cells), row_line))
        cells = []

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if line.startswith("\t"):
            if table is not None and in_notes:
                table, in_notes = None, False
            if not cells:
                row_line = number
            cells.append(line[1:])
            continue
        end_row()
        if not line.strip():
            continue
        heading = bool(BOOKMARK.match(line))
        content = BOOKMARK.sub("", line).strip()
        if table is not None and NOTE.match(content):
            table.notes.append(content)
            in_notes = True
            continue
        table, in_notes = None, False
        pending.append(Paragraph(content, number, heading))
        # Prose lines stay pending until we know whether the next thing is a table (then the
        # last of them is its title) or more prose.
        if len(pending) > 1:
            blocks.extend(pending[:-1])
            del pending[:-1]
    end_row()
    blocks.extend(pending)
    return blocks


def read_text(path: str | Path) -> SourceDocument:
    """Read an extracted-text disclosure file."""
    path = Path(path)
    data = file_bytes(path)
    text, encoding = decode(data, path.name)
    if "\x00" in text:
        raise ReadError(path.name, "binary content in a text file")
    blocks = parse_text(text)
    if not any(isinstance(b, RawTable) for b in blocks):
        raise ReadError(path.name, "no table found: not a disclosure in the extracted-text format")
    return SourceDocument.of(path, data, media_type="text/plain", encoding=encoding,
                             reader=READER, blocks=blocks)
