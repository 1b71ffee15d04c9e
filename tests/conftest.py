"""Shared fixtures: the bundled sample built once per test session into a real on-disk store."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from budgetkg import pipeline
from budgetkg.map import MappedDocument
from budgetkg.model import Paragraph, RawTable, SourceDocument, paragraph_keys
from budgetkg.pipeline import DocumentReport, build
from budgetkg.store import Store
from budgetkg.validate import Finding

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample" / "hebei-qinhuangdao-shanhaiguan-nanguan-2023-budget.txt"
CORPUS = ROOT.parent / "shared" / "corpus"
#: The corpus documents as published (PDF); the blank templates are not documents.
CORPUS_PDFS = sorted(CORPUS.glob("jiangsu/**/*.pdf")) + sorted(CORPUS.glob("shanghai/*.pdf"))


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, list[DocumentReport]]:
    """A store holding the sample document, and the build's report."""
    store = Store(tmp_path_factory.mktemp("store") / "sample")
    reports = build(store, [SAMPLE])
    return store, reports


@pytest.fixture(scope="session")
def sample_store(sample_build: tuple[Store, list[DocumentReport]]) -> Store:
    return sample_build[0]


@pytest.fixture(scope="session")
def sample_document(sample_build: tuple[Store, list[DocumentReport]]) -> str:
    """IRI of the sample document (also its named graph)."""
    iri = sample_build[1][0].iri
    assert iri is not None
    return iri


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, dict[str, DocumentReport]]:
    """Every corpus PDF built once into one store (the slow part: about 1.5 minutes)."""
    store = Store(tmp_path_factory.mktemp("corpus") / "store")
    reports = build(store, CORPUS_PDFS)
    return store, {Path(r.file).name: r for r in reports}


def process_edited(path: Path, edits: dict[str, tuple[str, str]],
                   cells: dict[tuple[str, int, int], tuple[str, str]] | None = None
                   ) -> tuple[MappedDocument, list[Finding]]:
    """``path`` read, the printed lines named in ``edits`` (paragraph key -> (text as printed, altered text))
    and the table cells named in ``cells`` ((table title, row index, cell index) -> (as printed, altered))
    replaced, each checked as printed first, then mapped and validated as ``pipeline.process`` does."""
    read = pipeline.read_document

    def edited(source: Path) -> SourceDocument:
        doc = read(source)
        keys = dict(zip(map(id, doc.paragraphs), paragraph_keys(doc.paragraphs), strict=True))
        blocks = []
        for block in doc.blocks:
            if isinstance(block, Paragraph) and keys[id(block)] in edits:
                printed, new = edits[keys[id(block)]]
                assert block.text.strip() == printed
                block = replace(block, text=new)
            elif isinstance(block, RawTable):
                rows = list(block.rows)
                for (title, r, c), (printed, new) in (cells or {}).items():
                    if title == block.title:
                        assert rows[r].cells[c] == printed
                        rows[r] = replace(rows[r], cells=(*rows[r].cells[:c], new, *rows[r].cells[c + 1:]))
                block = replace(block, rows=rows)
            blocks.append(block)
        return replace(doc, blocks=blocks)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "read_document", edited)
        return pipeline.process(path)

