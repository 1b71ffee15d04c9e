"""Every source table is rebuilt from the graph alone, cell for cell."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox

from budgetkg import uris
from budgetkg.read import read_document
from budgetkg.recognise import recognise
from budgetkg.store import Store
from budgetkg.tables import rebuild_tables, resolve_document
from tests.conftest import SAMPLE


def test_every_table_rebuilds_cell_for_cell(sample_store: Store, sample_document: str) -> None:
    doc = read_document(SAMPLE)
    as_read = [recognise(t, doc.file_name) for t in doc.tables]
    rebuilt = rebuild_tables(sample_store, sample_document)
    assert [t.title for t in rebuilt] == [t.raw.title for t in as_read]
    for source, table in zip(as_read, rebuilt, strict=True):
        assert table.rows == [list(r.cells) for r in source.header_rows + source.body_rows], source.raw.title
        # The CSV round-trips to the same grid (quoting of commas, quotes, leading spaces).
        assert list(csv.reader(io.StringIO(table.to_csv()))) == table.rows


def test_header_block_and_notes_are_kept(sample_store: Store, sample_document: str) -> None:
    ds = uris.dataset(sample_document, "government-fund-expenditure")
    v = uris.vocab()
    def values(p: str) -> set[str]:
        return {q.object.value for q in sample_store.ox.quads_for_pattern(
            ox.NamedNode(ds), ox.NamedNode(p), None, ox.NamedNode(sample_document))}
    assert values(v + "metaText") == {"612秦皇岛市山海关区南关街道办事处", "预算年度：2023", "单位：万元"}
    assert values(v + "note") == {"注：无政府基金预算财政拨款预算，空表列示。"}
    assert values(v + "isEmpty") == {"true"}


def test_document_by_file_name(sample_store: Store, sample_document: str) -> None:
    assert resolve_document(sample_store, SAMPLE.name) == sample_document
    assert resolve_document(sample_store, sample_document) == sample_document
