"""Rebuild a source table, as printed, from the graph alone.

Rows come from ``csvw:Row`` (``bkg:table``, ``csvw:rownum``, ``bkg:cellCount``); cells from
``bkg:TextCell`` (``bkg:printedText``) and ``qb:Observation`` (``bkg:printedValue``), placed
by ``bkg:cellIndex``. Empty cells are not stored, so they come back as empty strings.

One rebuilt grid serves both readers: ``budgetkg tables`` writes its texts as CSV, and the
web page of a table links every amount to its observation.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import pyoxigraph as ox

from budgetkg import uris
from budgetkg.store import Store

_PREFIXES = """PREFIX csvw: <http://www.w3.org/ns/csvw#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX bkg: <{vocab}>
"""

#: The tables of one document (its named graph): title, source line and kind.
_TABLES = """SELECT ?table ?title ?line ?kind WHERE {{ GRAPH <{doc}> {{
  ?table a csvw:Table ; dcterms:title ?title ; bkg:sourceLine ?line .
  OPTIONAL {{ ?table bkg:tableKind ?kind }} }} }}"""

#: The rows of one table; a row without ``bkg:cellCount`` keeps only its stored cells.
_ROWS = """SELECT ?row ?n ?count ?header WHERE {{
  ?row bkg:table <{table}> ; csvw:rownum ?n .
  OPTIONAL {{ ?row bkg:cellCount ?count }}
  OPTIONAL {{ ?row a ?header FILTER(?header = bkg:HeaderRow) }} }}"""

#: Printed text cells of the rows of one table, with the extent of a merged cell.
_TEXTS = """SELECT ?cell ?row ?i ?text ?rows ?columns WHERE {{
  ?row bkg:table <{table}> .
  ?cell bkg:sourceRow ?row ; bkg:cellIndex ?i ; bkg:printedText ?text .
  OPTIONAL {{ ?cell bkg:rowSpan ?rows }} OPTIONAL {{ ?cell bkg:columnSpan ?columns }} }}"""

#: Amount cells: the printed value, or the amount itself where no printed form was kept.
_AMOUNTS = """SELECT ?obs ?row ?i ?text WHERE {{
  ?obs qb:dataSet <{table}> ; bkg:sourceRow ?row ; bkg:cellIndex ?i .
  OPTIONAL {{ ?obs bkg:printedValue ?pv }} OPTIONAL {{ ?obs bkg:amount ?a }}
  BIND(COALESCE(?pv, STR(?a)) AS ?text) }}"""


@dataclass
class GridCell:
    """One printed cell: its text and the resource that holds it (None for an empty cell)."""

    text: str = ""
    iri: str | None = None  # the bkg:TextCell, or the qb:Observation of an amount cell
    amount: bool = False  # whether ``iri`` is a qb:Observation
    row_span: int = 1  # a merged cell: the rows and columns it covers (bkg:rowSpan, bkg:columnSpan)
    column_span: int = 1
    covered: bool = False  # an empty cell inside another cell's merged area (not printed on its own)

    @property
    def observation(self) -> str | None:
        """The IRI of the qb:Observation of an amount cell, else None."""
        return self.iri if self.amount else None


@dataclass
class GridRow:
    """One printed row (``csvw:Row``): header rows come first in a table."""

    iri: str
    rownum: int
    header: bool
    cells: list[GridCell] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


def _select(store: Store, template: str, **values: str) -> ox.QuerySolutions:
    """Run one of the SELECTs above over the union of all graphs (Store.query's default)."""
    result = store.query(_PREFIXES.format(vocab=uris.vocab()) + template.format(**values))
    assert isinstance(result, ox.QuerySolutions)
    return result


def rebuild_grid(store: Store, table_iri: str) -> list[GridRow]:
    """The printed grid of a table (``csvw:Table``/``qb:DataSet``), rows in ``csvw:rownum`` order."""
    grid = {
        s["row"].value: GridRow(
            s["row"].value,
            int(s["n"].value),
            s["header"] is not None,
            [GridCell() for _ in range(int(s["count"].value) if s["count"] else 0)],
        )
        for s in _select(store, _ROWS, table=table_iri)
    }
    # Text cells first, amounts last: an amount wins a position both claim.
    for s in _select(store, _TEXTS, table=table_iri):
        spans = (int(s["rows"].value) if s["rows"] else 1, int(s["columns"].value) if s["columns"] else 1)
        _put(grid, s["row"].value, int(s["i"].value), GridCell(s["text"].value, s["cell"].value, False, *spans))
    for s in _select(store, _AMOUNTS, table=table_iri):
        _put(grid, s["row"].value, int(s["i"].value), GridCell(s["text"].value, s["obs"].value, amount=True))
    rows = sorted(grid.values(), key=lambda r: r.rownum)
    _cover_merged_areas(rows)
    return rows


def _cover_merged_areas(rows: list[GridRow]) -> None:
    """Mark the empty cells a merged cell covers; a merged area is cut short where it would cover
    a printed cell or run past the table, so no printed text is ever hidden."""
    for r, row in enumerate(rows):
        for c, cell in enumerate(row.cells):
            if cell.covered or (cell.row_span == 1 and cell.column_span == 1):
                continue
            cell.column_span = _free_run(row.cells, c + 1, cell.column_span - 1) + 1
            height = 1
            while height < cell.row_span and r + height < len(rows) \
                    and _free_run(rows[r + height].cells, c, cell.column_span) == cell.column_span:
                height += 1
            cell.row_span = height
            for rr in range(r, r + height):
                for cc in range(c, c + cell.column_span):
                    if (rr, cc) != (r, c):
                        rows[rr].cells[cc].covered = True


def _free_run(cells: list[GridCell], start: int, length: int) -> int:
    """How many of ``cells[start:start + length]`` exist, are empty and uncovered, counted from ``start``."""
    n = 0
    while n < length and start + n < len(cells) and not cells[start + n].text and not cells[start + n].iri \
            and not cells[start + n].covered:
        n += 1
    return n


def _put(grid: dict[str, GridRow], row: str, index: int, cell: GridCell) -> None:
    """Place ``cell`` at ``index`` (1-based) of ``row``; cells of unknown rows are dropped."""
    target = grid.get(row)
    if target is None or index < 1:
        return
    while len(target.cells) < index:  # a cell beyond cellCount: show it rather than drop it
        target.cells.append(GridCell())
    target.cells[index - 1] = cell


@dataclass
class RebuiltTable:
    """A table as printed: its title, kind and grid (header rows first)."""

    iri: str
    title: str
    line: int
    kind: str | None
    grid: list[GridRow]

    @property
    def rows(self) -> list[list[str]]:
        """The printed texts, row by row."""
        return [r.texts for r in self.grid]

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
    """Every table of the document that has rows, in document order."""
    tables: dict[str, RebuiltTable] = {}
    for s in _select(store, _TABLES, doc=document_iri):
        iri = s["table"].value
        if iri not in tables:
            kind = s["kind"].value if s["kind"] else None
            tables[iri] = RebuiltTable(iri, s["title"].value, int(s["line"].value), kind, [])
    for table in tables.values():
        table.grid = rebuild_grid(store, table.iri)
    return sorted((t for t in tables.values() if t.grid), key=lambda t: (t.line, t.iri))


def write_tables(tables: list[RebuiltTable], directory: Path) -> list[Path]:
    """Write one UTF-8 CSV per table; return the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for t in tables:
        path = directory / f"{t.file_stem}.csv"
        path.write_text(t.to_csv(), encoding="utf-8")
        paths.append(path)
    return paths
