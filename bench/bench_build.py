"""Benchmark: build the bundled sample (read → recognise → map → validate → store) repeatedly.

Run by hand: ``.venv/bin/python bench/bench_build.py [repeats]``. Prints per-stage seconds,
documents and observations per second, and peak resident memory. Not a test: nothing asserts.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from budgetkg.identity import identify
from budgetkg.map import map_document
from budgetkg.pipeline import build
from budgetkg.read import read_document
from budgetkg.recognise import recognise
from budgetkg.store import Store

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def stages(path: Path) -> dict[str, float]:
    t0 = time.perf_counter()
    doc = read_document(path)
    t1 = time.perf_counter()
    tables = [recognise(t, doc.file_name) for t in doc.tables]
    ident = identify(tables, [p.text for p in doc.paragraphs], doc.file_name)
    t2 = time.perf_counter()
    map_document(doc, tables, ident)
    t3 = time.perf_counter()
    return {"read": t1 - t0, "recognise+identify": t2 - t1, "map": t3 - t2}


def main(repeats: int) -> None:
    files = sorted(SAMPLE.glob("*.txt"))
    stages(files[0])  # warm caches (mappings, code lists, cpca)
    per_stage: dict[str, float] = {}
    for _ in range(repeats):
        for name, seconds in stages(files[0]).items():
            per_stage[name] = per_stage.get(name, 0.0) + seconds
    for name, seconds in per_stage.items():
        print(f"{name:>20}: {seconds / repeats * 1000:8.1f} ms per document")
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "store")
        start = time.perf_counter()
        observations = 0
        for _ in range(repeats):
            reports = build(store, files)
            observations += sum(r.observations for r in reports)
        elapsed = time.perf_counter() - start
    docs = repeats * len(files)
    print(f"{'full build':>20}: {elapsed / docs * 1000:8.1f} ms per document "
          f"({docs / elapsed:.2f} documents/s, {observations / elapsed:,.0f} observations/s)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak RSS':>20}: {peak:8.1f} MiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
