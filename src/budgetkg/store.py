"""The on-disk quad store: one named graph per source document, replaced whole.

A thin, typed layer over :class:`pyoxigraph.Store`. Loading a document is one SPARQL
update (``DROP GRAPH`` + ``INSERT DATA``), which Oxigraph runs as one transaction: readers
see the old graph or the new one, never half of either, and a failure leaves the store as it
was.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from budgetkg import uris
from budgetkg.config import ONTOLOGY_DIR, base_iri

BKG_DOCUMENT_CLASS = "def/budget#SourceDocument"


@dataclass(frozen=True)
class DocumentGraph:
    """A loaded source document: its IRI (also its graph name) and its file name."""

    iri: str
    file_name: str
    title: str


def _insert(graph: str, triples: Iterable[ox.Triple]) -> list[str]:
    body = " .\n".join(f"{t.subject} {t.predicate} {t.object}" for t in triples)
    return [f"INSERT DATA {{ GRAPH <{graph}> {{\n{body} .\n}} }}"] if body else []


class Store:
    """A budgetkg store folder (an Oxigraph RocksDB store)."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        """Open the store at ``path``; ``None`` opens a throw-away in-memory store."""
        if path is None:
            self.path = None
            self.ox = ox.Store()
        else:
            self.path = Path(path)
            if read_only:
                self.ox = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self.ox = ox.Store(str(self.path))

    # -- writing -------------------------------------------------------------------------

    def replace_graphs(self, graphs: dict[str, Iterable[ox.Triple]],
                       additions: dict[str, Iterable[ox.Triple]] | None = None) -> None:
        """Replace each named graph of ``graphs`` by the given triples and add ``additions`` to
        (shared) graphs, all in one transaction."""
        parts: list[str] = []
        for graph, triples in graphs.items():
            parts.append(f"DROP SILENT GRAPH <{graph}>")
            parts.extend(_insert(graph, triples))
        for graph, triples in (additions or {}).items():
            parts.extend(_insert(graph, triples))
        if parts:
            self.ox.update(" ;\n".join(parts))
        self.ox.flush()

    def drop_graphs(self, graphs: Iterable[str]) -> None:
        """Remove named graphs (one transaction)."""
        update = " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs)
        if update:
            self.ox.update(update)

    def load_vocabularies(self) -> None:
        """(Re)load ``ontology/*.ttl``: ``codelists*.ttl`` into the code-list graph, every other
        file (vocabulary, alignments) into the ontology graph."""
        graphs: dict[str, list[ox.Triple]] = {uris.ontology_graph(): [], uris.codelists_graph(): []}
        for path in sorted(ONTOLOGY_DIR.glob("*.ttl")):
            graph = uris.codelists_graph() if path.name.startswith("codelists") else uris.ontology_graph()
            graphs[graph] += ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base_iri())
        self.replace_graphs(graphs)

    # -- reading -------------------------------------------------------------------------

    def query(self, sparql: str, **kwargs: object) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a SPARQL query; the default graph is the union of all graphs."""
        kwargs.setdefault("use_default_graph_as_union", True)
        return self.ox.query(sparql, **kwargs)  # type: ignore[arg-type]

    def documents(self) -> list[DocumentGraph]:
        """Every loaded source document, sorted by IRI."""
        q = f"""
            SELECT ?doc ?file ?title WHERE {{
              GRAPH ?doc {{ ?doc a <{base_iri()}{BKG_DOCUMENT_CLASS}> ;
                                 <{uris.vocab()}fileName> ?file .
                            OPTIONAL {{ ?doc <http://purl.org/dc/terms/title> ?title }} }}
            }} ORDER BY ?doc"""
        return [
            DocumentGraph(s["doc"].value, s["file"].value, s["title"].value if s["title"] else s["file"].value)
            for s in self.ox.query(q)  # type: ignore[union-attr]
        ]

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.ox.named_graphs() if isinstance(g, ox.NamedNode))

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """All quads, or those of one named graph."""
        g = ox.NamedNode(graph) if graph else None
        return iter(self.ox.quads_for_pattern(None, None, None, g))

    def __len__(self) -> int:
        return len(self.ox)
