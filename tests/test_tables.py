"""Every source table is rebuilt from the graph alone, cell for cell."""

from __future__ import annotations

import csv
import io

import httpx
import pyoxigraph as ox

from budgetkg import uris
from budgetkg.app import create_app
from budgetkg.config import base_iri
from budgetkg.read import read_document
from budgetkg.recognise import recognise
from budgetkg.store import Store
from budgetkg.tables import rebuild_grid, rebuild_tables, resolve_document
from tests._server import LiveServer
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


SHANGHAI_OFFICE = "上海市普陀区人民政府办公室25年预算.pdf"


def test_merged_header_cells_keep_their_extent(corpus_build: tuple[Store, dict]) -> None:
    """A PDF's merged header cells come back with their row and column spans, and the page prints
    them as one cell (colspan/rowspan), not as a label followed by blank cells."""
    store, reports = corpus_build
    table = uris.dataset(reports[SHANGHAI_OFFICE].iri or "", "income")
    grid = rebuild_grid(store, table)
    spans = [[(c.text, c.row_span, c.column_span) for c in row.cells if not c.covered] for row in grid[:3]]
    assert spans == [
        [("项目", 1, 4), ("收入预算", 1, 5)],
        [("功能分类科目编码", 1, 3), ("功能分类科目名称", 2, 1), ("合计", 2, 1), ("财政拨款收入", 2, 1),
         ("事业收入", 2, 1), ("事业单位\n经营收入", 2, 1), ("其他收入", 2, 1)],
        [("类", 1, 1), ("款", 1, 1), ("项", 1, 1)],
    ]
    # the CSV keeps the printed grid: the covered cells are empty strings
    assert [r.texts for r in grid[:1]] == [["项目", "", "", "", "收入预算", "", "", "", ""]]
    with LiveServer(create_app(store)) as url:
        page = httpx.get(url + "/" + table.removeprefix(base_iri()), headers={"Accept": "text/html"}).text
    assert '<th colspan="4">项目</th>' in page
    assert '<th rowspan="2">功能分类科目名称</th>' in page
