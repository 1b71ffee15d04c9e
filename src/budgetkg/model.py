"""Plain typed objects passed between the pipeline stages.

read → :class:`SourceDocument` (tables and paragraphs exactly as printed)
recognise → :class:`RecognisedTable` (table kind, header paths, column meanings)
map → RDF triples; validate → findings; store.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Row:
    """One printed table row: its cells as printed (empty string for an empty cell)."""

    cells: tuple[str, ...]
    line: int  # 1-based source line (or page) of the row's first cell


@dataclass
class RawTable:
    """A table as read: the title printed above it, its rows and the notes printed below."""

    title: str
    line: int
    rows: list[Row]
    notes: list[str] = field(default_factory=list)
    #: Merged cells, when the format records them (spreadsheets, Word, PDF ruling lines):
    #: ``(row, column, row_span, column_span)``, 0-based indexes into ``rows`` and their cells.
    #: The text of a merged area is printed in its top-left cell; the other cells are empty.
    #: The extracted-text format has none: its merged header cells are collapsed instead.
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Paragraph:
    """A line of prose (narrative, headings) outside any table."""

    text: str
    line: int
    heading: bool = False


Block = RawTable | Paragraph


def paragraph_keys(paragraphs: list[Paragraph]) -> list[str]:
    """A key per paragraph, unique in its document: its line, and for the second and later
    paragraphs sharing a line (a PDF page) ``{line}.{k}``."""
    seen: dict[int, int] = {}
    keys = []
    for p in paragraphs:
        seen[p.line] = seen.get(p.line, 0) + 1
        keys.append(str(p.line) if seen[p.line] == 1 else f"{p.line}.{seen[p.line]}")
    return keys


@dataclass
class SourceDocument:
    """A source file after reading: its identity and its blocks in reading order."""

    path: str
    file_name: str
    sha256: str
    byte_size: int
    media_type: str
    encoding: str
    reader: str
    blocks: list[Block]

    @classmethod
    def of(cls, path: Path, data: bytes, *, media_type: str, encoding: str, reader: str,
           blocks: list[Block]) -> SourceDocument:
        """A document read from ``data``, the bytes of the file at ``path``."""
        return cls(path=str(path), file_name=path.name, sha256=hashlib.sha256(data).hexdigest(),
                   byte_size=len(data), media_type=media_type, encoding=encoding, reader=reader, blocks=blocks)

    @property
    def tables(self) -> list[RawTable]:
        return [b for b in self.blocks if isinstance(b, RawTable)]

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]


@dataclass(frozen=True)
class Issue:
    """Something the pipeline could not map, reported with its location. Never silent."""

    severity: str  # "error" (document not loaded) | "warning" (loaded, part not mapped) | "info"
    code: str
    message: str
    file: str
    table: str = ""
    row: str = ""
    column: str = ""


class ReadError(Exception):
    """A document that cannot be read at all; nothing of it is loaded."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason


def file_bytes(path: Path) -> bytes:
    """The bytes of a source file, or a :class:`ReadError` naming it."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ReadError(path.name, f"cannot read file: {exc.strerror}") from None
