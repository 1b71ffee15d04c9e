"""Benchmark: build the whole corpus (../shared/corpus, or the folders given) into a temporary store.

Run by hand: ``.venv/bin/python bench/bench_corpus.py [PATH...]``. Prints documents per second,
seconds of reading per PDF page (the PDF reader alone, CPU time), the whole build's wall time per
document and peak resident memory. Not a test: nothing asserts.
"""

from __future__ import annotations

import contextlib
import resource
import sys
import tempfile
import time
from pathlib import Path

from budgetkg.model import ReadError
from budgetkg.pipeline import build, source_files
from budgetkg.read import read_document
from budgetkg.store import Store

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def pdf_pages(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def main(paths: list[Path]) -> None:
    files = [f for f in source_files(paths) if f.suffix.lower() != ".md"]
    pdfs = [f for f in files if f.read_bytes()[:4] == b"%PDF"]
    pages = sum(pdf_pages(f) for f in pdfs)

    cpu0 = time.process_time()
    for f in pdfs:
        with contextlib.suppress(ReadError):  # a bad file is the build's business, not the timing's
            read_document(f)
    read_cpu = time.process_time() - cpu0

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "store")
        wall0, cpu0 = time.perf_counter(), time.process_time()
        reports = build(store, files)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    loaded = sum(r.loaded for r in reports)
    observations = sum(r.observations for r in reports)
    print(f"{'files':>24}: {len(files)} ({len(pdfs)} PDF, {pages} PDF pages); loaded {loaded}")
    print(f"{'read PDFs (reader only)':>24}: {read_cpu:8.2f} s CPU = {read_cpu / max(pages, 1):.3f} s per page")
    print(f"{'full build':>24}: {wall:8.2f} s wall, {cpu:.2f} s CPU = {len(files) / wall:.2f} documents/s, "
          f"{wall / max(pages, 1):.3f} s per PDF page, {observations / wall:,.0f} observations/s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak RSS':>24}: {peak:8.1f} MiB")


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]] or [CORPUS])
