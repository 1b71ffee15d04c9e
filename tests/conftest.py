"""Shared fixtures: the bundled sample built once per test session into a real on-disk store."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetkg.pipeline import DocumentReport, build
from budgetkg.store import Store

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
