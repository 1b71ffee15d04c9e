"""Other publishers' RDF Data Cube datasets, loaded beside ours.

A Turtle, TriG, N-Triples, N-Quads or JSON-LD file is recognised by its content (the extension
only chooses between syntaxes that look alike), loaded as its own named graph with its
provenance, and checked with the generic Data Cube well-formedness shapes (IC-1 … IC-21) only:
the budget arithmetic of ``shapes/`` assumes our own vocabulary.

The graph IRI is ``{base}id/external/sha256-{first 16 hex digits of the file's sha256}``: a
natural key of the content (no file path, no random id), so loading the same file twice gives
the same graph and the same triples, and a corrected file is a new document.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pyoxigraph as ox

from budgetkg import uris
from budgetkg.config import base_iri
from budgetkg.map import DCT, PROV, RDF, MappedDocument, S, typed
from budgetkg.model import ReadError, file_bytes
from budgetkg.store import Store

READER = "budgetkg.read.rdf/1"

_EXTENSIONS = {
    ".ttl": ox.RdfFormat.TURTLE, ".trig": ox.RdfFormat.TRIG, ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS, ".jsonld": ox.RdfFormat.JSON_LD, ".json": ox.RdfFormat.JSON_LD,
}
_TURTLE_START = re.compile(rb"^\s*(@prefix|@base|PREFIX\s|BASE\s)", re.IGNORECASE)
_NTRIPLES_START = re.compile(rb"^\s*(<[^>\s]*>|_:\S+)\s+<[^>\s]*>")


def rdf_format(path: Path, head: bytes) -> ox.RdfFormat | None:
    """The RDF syntax of a file from its first bytes, or None if it is not RDF."""
    text = head.lstrip(b"\xef\xbb\xbf")
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith(b"#")]
    first = lines[0] if lines else b""
    hinted = _EXTENSIONS.get(path.suffix.lower())
    if first.lstrip().startswith((b"{", b"[")) and b'"@context"' in text:
        return ox.RdfFormat.JSON_LD
    if _TURTLE_START.match(first):
        return hinted if hinted in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else ox.RdfFormat.TURTLE
    if _NTRIPLES_START.match(first):
        if hinted in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG, ox.RdfFormat.TURTLE):
            return hinted
        return ox.RdfFormat.N_TRIPLES
    return None


def document_iri(sha256: str) -> str:
    return f"{base_iri()}id/external/sha256-{sha256[:16]}"


def process_rdf(path: Path) -> tuple[MappedDocument, list] | None:
    """Load an RDF file as a document with its Data Cube findings; None if it is not RDF."""
    from budgetkg.validate import DATACUBE_FILE, load_shapes, run_sparql_constraint, sparql_constraints

    data = file_bytes(path)
    fmt = rdf_format(path, data[:4096])
    if fmt is None:
        return None
    sha256 = hashlib.sha256(data).hexdigest()
    iri = document_iri(sha256)
    try:
        # Named graphs of a dataset file are merged into the document's graph: one graph per
        # source document, as for every other format.
        quads = list(ox.parse(data, format=fmt, base_iri=iri))
    except SyntaxError as exc:
        raise ReadError(path.name, f"invalid {fmt.name}: {exc}") from None
    if not quads:
        raise ReadError(path.name, f"no triples in this {fmt.name} file")
    triples = list(dict.fromkeys(q.triple for q in quads))
    v = uris.vocab()
    provenance = [
        (RDF + "type", ox.NamedNode(v + "SourceDocument")), (RDF + "type", ox.NamedNode(PROV + "Entity")),
        (v + "fileName", S(path.name)), (v + "sha256", S(sha256)), (v + "byteSize", typed(len(data), "integer")),
        (DCT + "format", S(fmt.media_type)), (v + "reader", S(READER)), (DCT + "title", S(path.name)),
    ]
    triples += [ox.Triple(ox.NamedNode(iri), ox.NamedNode(p), o) for p, o in provenance]
    datasets = {t.subject for t in triples
                if t.predicate == ox.NamedNode(RDF + "type")
                and t.object == ox.NamedNode("http://purl.org/linked-data/cube#DataSet")}
    triples += [ox.Triple(ds, ox.NamedNode(PROV + "wasDerivedFrom"), ox.NamedNode(iri)) for ds in sorted(
        datasets, key=str)]
    scratch = Store.scratch({iri: triples})
    findings = [f for c in sparql_constraints(load_shapes([DATACUBE_FILE]))
                for f in run_sparql_constraint(scratch, c, [iri, uris.ontology_graph(), uris.codelists_graph()])]
    return MappedDocument(iri, triples, [], [], [], sha256), findings
