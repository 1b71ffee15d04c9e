"""Streamed, gzipped dumps: the whole store and one per source document.

``all.{nq,trig,ttl}.gz`` hold every graph (Turtle: their union as triples);
``{document}.nq.gz`` a document graph with its validation graphs, ``{document}.ttl.gz`` the
document graph alone. Memory stays flat whatever the store size: quads are serialised in
batches on one producer thread and gzipped chunks cross a bounded queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import threading
import zlib
from collections.abc import AsyncIterator, Iterator
from itertools import islice
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from budgetkg import render, uris
from budgetkg.config import base_iri
from budgetkg.store import Store

DUMP_BATCH = 20_000  # quads serialised per chunk: bounds dump memory

#: Dump file extension -> (format, name shown in listings).
DUMP_FORMATS: dict[str, tuple[ox.RdfFormat, str]] = {
    "nq.gz": (ox.RdfFormat.N_QUADS, "N-Quads"),
    "trig.gz": (ox.RdfFormat.TRIG, "TriG"),
    "ttl.gz": (ox.RdfFormat.TURTLE, "Turtle"),
}
#: The dumps of one document (TriG would add nothing to N-Quads for a single document).
DOCUMENT_DUMPS = ("nq.gz", "ttl.gz")


def document_slug(doc_iri: str) -> str:
    """Dump file stem of a document: its path under the base, '/' -> '-', '/document/' dropped."""
    rel = doc_iri[len(base_iri()) :] if doc_iri.startswith(base_iri()) else doc_iri
    rel = rel.removeprefix("id/disclosure/").replace("/document/", "/")
    return rel.replace("/", "-")


def document_dumps(root: str, doc_iri: str) -> dict[str, str]:
    """Extension -> URL of each dump of a document (``root``: the server's URL, or '/')."""
    return {ext: f"{root}dumps/{quote(document_slug(doc_iri))}.{ext}" for ext in DOCUMENT_DUMPS}


def dump_files(store: Store, root: str) -> list[dict[str, str]]:
    """Every dump file: name, URL, format, content (and the document it holds)."""
    files: list[dict[str, str]] = []
    for ext, (_, label) in DUMP_FORMATS.items():
        content = "every named graph" if ext != "ttl.gz" else "union of all graphs as triples"
        files.append({"name": f"all.{ext}", "url": f"{root}dumps/all.{ext}", "format": label, "content": content})
    for doc in store.documents():
        slug = document_slug(doc.iri)
        for ext, url in document_dumps(root, doc.iri).items():
            content = "document graph + its validation graphs" if ext == "nq.gz" else "document graph"
            label = DUMP_FORMATS[ext][1]
            files.append({"name": f"{slug}.{ext}", "url": url, "format": label, "content": content})
            files[-1]["document"] = doc.iri
    return files


def dump_target(store: Store, name: str) -> tuple[list[str] | None, ox.RdfFormat] | None:
    """The graphs (None: all) and format of the dump file ``name``; None if there is no such dump."""
    stem, ext = None, None
    for candidate in DUMP_FORMATS:
        if name.endswith("." + candidate):
            stem, ext = name[: -len(candidate) - 1], candidate
    if stem is None or ext is None:
        return None
    fmt = DUMP_FORMATS[ext][0]
    if stem == "all":
        return None, fmt
    if ext not in DOCUMENT_DUMPS:
        return None
    for doc in store.documents():
        if document_slug(doc.iri) == stem:
            graphs = [doc.iri]
            if ext == "nq.gz":  # with its reports: its own, and against its department's previous year
                graphs += [g for g in (uris.validation_graph(doc.iri), uris.year_on_year_graph(doc.iri))
                           if g in store.graph_names()]
            return graphs, fmt
    return None


def _batches(items: Iterator[ox.Quad], size: int) -> Iterator[list[ox.Quad]]:
    while batch := list(islice(items, size)):
        yield batch


def _dump_chunks(store: Store, graphs: list[str] | None, fmt: ox.RdfFormat) -> Iterator[bytes]:
    """Serialise quads (or, for triple formats, their triples) batch by batch.

    Each batch is a complete document; concatenated they stay valid N-Quads/N-Triples, and
    valid TriG/Turtle too (repeated @prefix lines and graph blocks are allowed).
    """
    triples_only = fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES)
    prefixes = render.prefixes_for(fmt)
    for graph in graphs or [None]:
        quads = iter(store.ox.quads_for_pattern(None, None, None, ox.NamedNode(graph) if graph else None))
        for batch in _batches(quads, DUMP_BATCH):
            items: list[ox.Quad] | list[ox.Triple] = [q.triple for q in batch] if triples_only else batch
            yield ox.serialize(items, format=fmt, prefixes=prefixes)


CACHE_DIR = "budgetkg-dumps"


def cached_dump(store: Store, name: str) -> Path | None:
    """Where the dump ``name`` of an immutable (published) store is kept once made, or None
    for a store that can change. The file lives in the snapshot's folder and goes with it."""
    if not store.immutable or store.path is None:
        return None
    return store.path / CACHE_DIR / name


def gzip_stream(store: Store, graphs: list[str] | None, fmt: ox.RdfFormat,
                keep: Path | None = None) -> AsyncIterator[bytes]:
    """Gzip a dump on one producer thread (pyoxigraph iterators are bound to their thread),
    handing chunks over a bounded queue so memory stays flat whatever the store size.
    With ``keep``, the complete dump is also written there (atomically) for later requests."""
    chunks: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=8)
    stop = threading.Event()

    def put(item: bytes | BaseException | None) -> bool:
        while not stop.is_set():
            with contextlib.suppress(queue.Full):
                chunks.put(item, timeout=0.5)
                return True
        return False

    def produce() -> None:
        partial = keep.with_name(f".{keep.name}.{os.getpid()}.{threading.get_ident()}") if keep else None
        try:
            sink = None
            if partial is not None:
                partial.parent.mkdir(exist_ok=True)
                sink = partial.open("wb")
            z = zlib.compressobj(6, zlib.DEFLATED, 31)  # 31: gzip container, mtime 0 (stable ETag)
            for raw in _dump_chunks(store, graphs, fmt):
                if out := z.compress(raw):
                    if sink:
                        sink.write(out)
                    if not put(out):
                        return
            out = z.flush()
            if sink and keep and partial:
                sink.write(out)
                sink.close()
                sink = None
                os.replace(partial, keep)  # complete, or not there at all
            put(out)
            put(None)
        except BaseException as err:
            put(err)
        finally:
            if sink:
                sink.close()
            if partial is not None:
                partial.unlink(missing_ok=True)

    async def consume() -> AsyncIterator[bytes]:
        thread = threading.Thread(target=produce, name="dump", daemon=True)
        thread.start()
        try:
            while True:
                item = await asyncio.to_thread(chunks.get)
                if item is None:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()  # the client went away or we are done: let the producer exit

    return consume()
