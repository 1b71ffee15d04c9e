"""Readers: a source file in, a :class:`~budgetkg.model.SourceDocument` out.

The reader is chosen by content (magic bytes), not by file extension.
"""

from __future__ import annotations

from pathlib import Path

from budgetkg.model import ReadError, SourceDocument
from budgetkg.read.text import read_text

#: Leading bytes of formats that are published but not readable yet, with their names.
_KNOWN_BINARY = {
    b"%PDF": "PDF",
    b"PK\x03\x04": "ZIP container (.docx/.xlsx)",
    b"\xd0\xcf\x11\xe0": "OLE2 container (.doc/.xls)",
}


def read_document(path: str | Path) -> SourceDocument:
    """Read one source file; raise :class:`ReadError` naming the file and the reason."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise ReadError(path.name, f"cannot open: {exc.strerror}") from None
    for magic, name in _KNOWN_BINARY.items():
        if head.startswith(magic):
            raise ReadError(path.name, f"{name} documents are not supported by this version")
    return read_text(path)


__all__ = ["ReadError", "read_document"]
