"""Rebuild every source table of a document from the graph alone.

Rows come from ``csvw:Row`` (``csvw:rownum``, ``bkg:cellCount``); cells from ``bkg:TextCell``
(``bkg:printedText``) and ``qb:Observation`` (``bkg:printedValue``), placed by ``bkg:cellIndex``.
Empty cells are not stored, so they come back as empty strings.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from budgetkg import uris
from budgetkg.store import Store

_QUERY = """
PREFIX csvw: <http://www.w3.org/ns/csvw#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX bkg: <{vocab}>
SELECT ?table ?title ?line ?kind ?rownum ?count ?index ?text WHERE {{
  GRAPH <{doc}> {{
    ?table a csvw:Table ; dcterms:title ?title ; bkg:sourceLine ?line ; csvw:row ?row .
    OPTIONAL {{ ?table bkg:tableKind ?kind }}
    ?row csvw:rownum ?rownum ; bkg:cellCount ?count .
    OPTIONAL {{
      ?cell bkg:sourceRow ?row ; bkg:cellIndex ?index .
      {{ ?cell bkg:printedText ?text }} UNION {{ ?cell bkg:printedValue ?text }}
    }}
  }}
}}"""


@dataclass
class RebuiltTable:
    """A table as printed: its title, kind and grid (header rows first)."""

    iri: str
    title: str
    line: int
    kind: str | None
    rows: list[list[str]]

    def to_csv(self) -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(self.rows)
        return out.getvalue()

    @property
    def file_stem(self) -> str:
        """``{line}-{kind}[-{qualifier}]``: unique per document, readable, short enough for any file system."""
        name = unquote(self.iri.rsplit("/table/", 1)[-1]).replace("/", "-")
        slug = re.sub(r"[^\w.-]+", "_", name)[:60]
        return f"{self.line:05d}-{slug}"


def resolve_document(store: Store, document: str) -> str:
    """A document IRI from its IRI or its source file name."""
    for doc in store.documents():
        if document in (doc.iri, doc.file_name) or Path(document).name == doc.file_name:
            return doc.iri
    raise LookupError(f"no document {document!r} in the store")


def rebuild_tables(store: Store, document_iri: str) -> list[RebuiltTable]:
    """Every table of the document, in document order."""
    tables: dict[str, RebuiltTable] = {}
    grids: dict[str, dict[int, list[str]]] = {}
    for s in store.ox.query(_QUERY.format(vocab=uris.vocab(), doc=document_iri)):  # type: ignore[union-attr]
        iri = s["table"].value
        if iri not in tables:
            kind = s["kind"].value if s["kind"] else None
            tables[iri] = RebuiltTable(iri, s["title"].value, int(s["line"].value), kind, [])
            grids[iri] = {}
        rownum = int(s["rownum"].value)
        row = grids[iri].setdefault(rownum, [""] * int(s["count"].value))
        if s["index"] is not None:
            row[int(s["index"].value) - 1] = s["text"].value
    for iri, table in tables.items():
        table.rows = [grids[iri][n] for n in sorted(grids[iri])]
    return sorted(tables.values(), key=lambda t: (t.line, t.iri))


def write_tables(tables: list[RebuiltTable], directory: Path) -> list[Path]:
    """Write one UTF-8 CSV per table; return the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for t in tables:
        path = directory / f"{t.file_stem}.csv"
        path.write_text(t.to_csv(), encoding="utf-8")
        paths.append(path)
    return paths
