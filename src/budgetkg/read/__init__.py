"""Readers: a source file in, a :class:`~budgetkg.model.SourceDocument` out.

The reader is chosen by content (magic bytes), not by file extension:

* ``%PDF`` → :mod:`budgetkg.read.pdf`;
* ``PK\\x03\\x04`` (a zip) → by the parts inside: ``word/document.xml`` → :mod:`budgetkg.read.docx`,
  ``xl/workbook.xml`` → :mod:`budgetkg.read.sheet`; any other zip is refused;
* ``D0 CF 11 E0`` (an OLE2 compound file) → by its streams: ``Workbook``/``Book`` → an ``.xls``
  workbook (:mod:`budgetkg.read.sheet`); ``WordDocument`` (a legacy ``.doc``) and
  ``EncryptedPackage`` (a password-protected Office file) are refused with the reason;
* ``<html``, ``<!DOCTYPE html`` or ``<table`` in the first kilobyte → :mod:`budgetkg.read.html`;
* anything else → the extracted-text reader (:mod:`budgetkg.read.text`).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from budgetkg.model import ReadError, SourceDocument
from budgetkg.read.pdf import read_pdf
from budgetkg.read.text import read_text

_HTML = re.compile(r"<html|<!doctype\s+html|<table", re.IGNORECASE)


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReadError(path.name, f"corrupt ZIP container: {exc}") from None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        raise ReadError(path.name, "binary .xlsb workbooks are not supported: save as .xlsx")
    if "content.xml" in names and "mimetype" in names:
        raise ReadError(path.name, "OpenDocument files are not supported: save as .xlsx or .docx")
    raise ReadError(path.name, "a ZIP archive that is neither a .docx nor an .xlsx document")


def _ole2_kind(path: Path, data: bytes) -> str:
    from xlrd.compdoc import CompDoc, CompDocError

    try:
        doc = CompDoc(data, logfile=io.StringIO())
        streams = {d.name for d in doc.dirlist}
    except (CompDocError, AssertionError, IndexError, ValueError) as exc:  # xlrd asserts on damaged files
        raise ReadError(path.name, f"corrupt OLE2 compound file: {exc or type(exc).__name__}") from None
    if "EncryptedPackage" in streams:
        raise ReadError(path.name, "password-protected (encrypted) Office document")
    if streams & {"Workbook", "Book"}:
        return "xls"
    if "WordDocument" in streams:
        raise ReadError(path.name, "legacy .doc Word files are not supported: save as .docx")
    raise ReadError(path.name, "an OLE2 compound file that is neither an .xls workbook nor a Word document")


def read_document(path: str | Path) -> SourceDocument:
    """Read one source file; raise :class:`ReadError` naming the file and the reason."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise ReadError(path.name, f"cannot open: {exc.strerror}") from None
    if head.startswith(b"%PDF"):
        return read_pdf(path)
    if head.startswith(b"PK\x03\x04"):
        if _zip_kind(path) == "docx":
            from budgetkg.read.docx import read_docx

            return read_docx(path)
        from budgetkg.read.sheet import read_workbook

        return read_workbook(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        _ole2_kind(path, path.read_bytes())
        from budgetkg.read.sheet import read_workbook

        return read_workbook(path)
    if _HTML.search(_sniff(head)):
        from budgetkg.read.html import read_html

        return read_html(path)
    return read_text(path)


def _sniff(head: bytes) -> str:
    """The first kilobyte as text, enough to look for markup (UTF-16 pages included)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    return head.decode("latin-1")


__all__ = ["ReadError", "read_document"]
