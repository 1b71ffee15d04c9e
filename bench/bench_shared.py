"""Cost of keeping graph/shared exact (the contribution records of ``Store._shared_updates``).

    .venv/bin/python bench/bench_shared.py [N] [--scaling-only]

1. **Real build**: the sample and four Shanghai PDFs loaded into an on-disk store (as
   ``budgetkg build``), then loaded again (each a replacement of itself), then one dropped:
   per load, the document's shared triples, the time spent computing the graph/shared and
   record changes (reading the old record, one index lookup per withdrawn triple) and the
   whole transaction (update + flush + publication).
2. **Scaling**: N synthetic documents (default 2,000) each contributing the sample's 673
   shared triples, 52 of them its own (``bkg:printedIn`` the document), with a two-triple
   document graph, loaded one by one into an in-memory store; the mean time of a load over
   the first and the last 100, then a replacement that withdraws 60 triples and a drop, at N
   documents. A cost linear in the number of documents per load (quadratic over a build)
   would show as a growing ratio. ``--scaling-only`` skips part 1.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from tempfile import TemporaryDirectory

import pyoxigraph as ox

from budgetkg import uris
from budgetkg.pipeline import build, process
from budgetkg.store import Store

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample" / "hebei-qinhuangdao-shanhaiguan-nanguan-2023-budget.txt"
SHANGHAI = ROOT.parent / "shared" / "corpus" / "shanghai"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PDFS = ["2023_上海市普陀区万里街道办事处_部门预算.pdf", "2024_上海市普陀区万里街道办事处_部门预算.pdf",
        "2024_上海市普陀区社会福利院_单位预算.pdf", "上海市普陀区商务委员会25年预算.pdf"]


class TimedStore(Store):
    """A Store that records how long each load's graph/shared bookkeeping and transaction take."""

    def __init__(self, path: Path | None) -> None:
        super().__init__(path)
        self.bookkeeping: list[float] = []
        self.transactions: list[float] = []

    def _shared_updates(self, changes: dict[str, set[str] | None]) -> list[str]:
        start = time.perf_counter()
        parts = super()._shared_updates(changes)
        self.bookkeeping.append(time.perf_counter() - start)
        return parts

    def replace_graphs(self, graphs: dict, shared: dict | None = None) -> None:  # type: ignore[type-arg]
        start = time.perf_counter()
        super().replace_graphs(graphs, shared)
        if shared:
            self.transactions.append(time.perf_counter() - start)


def real_build() -> None:
    files = [SAMPLE] + [SHANGHAI / name for name in PDFS if (SHANGHAI / name).exists()]
    with TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        store = TimedStore(Path(folder) / "store")
        for round_name in ("first load", "reload (replaces itself)"):
            store.bookkeeping.clear()
            store.transactions.clear()
            reports = build(store, files)
            for report, book, whole in zip(reports, store.bookkeeping, store.transactions, strict=True):
                record = store.shared_contribution(report.iri or "") or set()
                print(f"{round_name:25} {Path(report.file).name[:28]:28} shared {len(record):5}  "
                      f"bookkeeping {book * 1000:6.1f} ms  transaction {whole * 1000:7.1f} ms")
        shared = sum(1 for _ in store.quads(uris.shared_graph()))
        records = sum(1 for _ in store.quads(uris.contributions_graph()))
        total = len(store)
        print(f"graph/shared {shared} triples; graph/contributions {records} quads ({records / total:.1%} of {total})")
        doc = store.documents()[0].iri
        start = time.perf_counter()
        store.drop_documents([doc])
        print(f"drop {doc.rsplit('/', 6)[-6]}…: {(time.perf_counter() - start) * 1000:.1f} ms")
        store.close()


def scaling(n: int) -> None:
    mapped, _ = process(SAMPLE)
    printed_in = ox.NamedNode(uris.vocab() + "printedIn")

    def contribution(doc: str, drop: int = 0) -> list[ox.Triple]:
        own = [ox.Triple(t.subject, t.predicate, ox.NamedNode(doc)) if t.predicate == printed_in else t
               for t in mapped.shared]
        return own[drop:]

    def document(doc: str) -> list[ox.Triple]:
        """A minimal document graph: what makes it a loaded document (see ``Store.documents``)."""
        return [ox.Triple(ox.NamedNode(doc), ox.NamedNode(RDF_TYPE), ox.NamedNode(uris.vocab() + "SourceDocument")),
                ox.Triple(ox.NamedNode(doc), ox.NamedNode(uris.vocab() + "fileName"), ox.Literal(doc))]

    store = TimedStore(None)
    times: list[float] = []
    for i in range(n):
        doc = f"{uris.base_iri()}bench/doc/{i}"
        start = time.perf_counter()
        store.replace_graphs({doc: document(doc)}, shared={doc: contribution(doc)})
        times.append(time.perf_counter() - start)
    first, last = statistics.mean(times[:100]), statistics.mean(times[-100:])
    book_first, book_last = statistics.mean(store.bookkeeping[:100]), statistics.mean(store.bookkeeping[-100:])
    print(f"{n} documents: load mean {first * 1000:.1f} ms (first 100), {last * 1000:.1f} ms (last 100), "
          f"ratio {last / first:.2f}; of which bookkeeping {book_first * 1000:.1f} ms, {book_last * 1000:.1f} ms")
    doc = f"{uris.base_iri()}bench/doc/0"
    start = time.perf_counter()
    store.replace_graphs({doc: document(doc)}, shared={doc: contribution(doc, drop=60)})
    print(f"replacement withdrawing 60 triples at {n} documents: {(time.perf_counter() - start) * 1000:.1f} ms")
    start = time.perf_counter()
    store.drop_graphs([f"{uris.base_iri()}bench/doc/1"])
    print(f"drop at {n} documents: {(time.perf_counter() - start) * 1000:.1f} ms; "
          f"store {len(store)} quads, graph/shared {sum(1 for _ in store.quads(uris.shared_graph()))}")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--scaling-only" not in sys.argv:
        real_build()
    scaling(int(args[0]) if args else 2000)
