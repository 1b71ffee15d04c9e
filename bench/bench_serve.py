"""Benchmark: `budgetkg serve` against `oxigraph serve-read-only` and rdflib-endpoint, same data.

Run by hand (needs the ``bench`` extra: ``.venv/bin/pip install -e '.[test,bench]'``)::

    .venv/bin/python bench/bench_serve.py [--observations 100000] [--servers budgetkg,oxigraph,rdflib]
                                          [--scenarios lookup,aggregate,dump] [--quick] [--cache DIR]

It writes a synthetic store of N observations shaped as ontology/README.md describes (one
named graph per document, 1,000 observations per data set, nine triples per observation, code
concepts with labels in the shared graph) as N-Quads text, bulk-loads it into an on-disk
store and publishes it; the store is kept in ``--cache`` (default
``$TMPDIR/budgetkg-bench-serve/{N}-observations``) and reused by later runs: 1,000,000
observations (9,001,205 quads, 2.7 GB) took 371 s to build once on the loaded 2-core machine.
The N-Quads copy rdflib-endpoint loads is written only when that server runs. Servers:
``budgetkg``, ``budgetkg-wN`` (``budgetkg serve --workers N``), ``oxigraph``, ``rdflib``.
Each server is started on a free loopback port and driven by a bounded load generator (every
run stops at a request count or a time limit, whichever comes first): a point lookup (one
observation's amount by IRI), a GROUP BY aggregate (sum of amount by breakdown over one data
set, and over the whole store) and the whole-store N-Quads dump (budgetkg: gzip, made once per
snapshot and kept; Oxigraph: uncompressed), with 1 and 16 concurrent keep-alive connections.
It prints throughput, p50/p99 latency and the ratios budgetkg/oxigraph and
budgetkg/rdflib-endpoint.

The load generator is a minimal HTTP/1.1 client on asyncio (one write per request, no
per-request parsing beyond status, Content-Length and chunking) so that it, not the client
library, sets the ceiling; it shares the machine with the server, which the figures include.

``--keepalive`` instead probes the "44 ms per request on a kept-alive connection" effect:
sequential requests on one connection against `budgetkg serve` and `uvicorn --workers 2`,
GET and POST, with a client that sends a POST in one write or in two (headers, then body).
Nothing asserts: this prints figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import pyoxigraph as ox

from budgetkg import uris
from budgetkg.config import base_iri
from budgetkg.store import PUBLISHED, Store

BIN = Path(sys.executable).parent
QB = "http://purl.org/linked-data/cube#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SDMX_UNIT = "http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure"
XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
BREAKDOWNS = ("total", "basic", "project", "personnel", "public")
CODES_PER_DATASET = 200  # x 5 breakdowns = 1,000 observations per data set
DATASETS_PER_DOCUMENT = 5
JSON_RESULTS = "application/sparql-results+json"


# -- the synthetic store -------------------------------------------------------------------------


def observation_iri(i: int) -> str:
    """IRI of observation number ``i`` (0-based), as the generator mints it."""
    per_doc = CODES_PER_DATASET * len(BREAKDOWNS) * DATASETS_PER_DOCUMENT
    doc, rest = divmod(i, per_doc)
    table, rest = divmod(rest, CODES_PER_DATASET * len(BREAKDOWNS))
    code, breakdown = divmod(rest, len(BREAKDOWNS))
    return f"{dataset_iri(doc, table)}/obs/functional-{2010000 + code}/{BREAKDOWNS[breakdown]}"


def document_iri(doc: int) -> str:
    return f"{base_iri()}id/disclosure/130303/{100 + doc}/2023/budget/document/main"


def dataset_iri(doc: int, table: int) -> str:
    return f"{document_iri(doc)}/table/general-public-budget-expenditure-{table}"


def _iri(value: str) -> str:
    return f"<{value}>"


def generate(observations: int) -> Iterator[str]:
    """The synthetic store as N-Quads lines, in chunks (text, not ox.Quad objects: 1 million
    observations, 9 million quads, are written in seconds and bulk-loaded by Oxigraph)."""
    vocab, base = uris.vocab(), base_iri()
    a, amount = _iri(RDF_TYPE), _iri(vocab + "amount")
    dims = {name: _iri(vocab + name) for name in ("department", "fiscalYear", "budgetPhase", "classification",
                                                  "breakdown")}
    year = _iri("http://reference.data.gov.uk/id/gregorian-year/2023")
    phase = _iri("http://data.openbudgets.eu/resource/codelist/budget-phase/approved")
    unit, label = _iri(base + "code/unit/wan-yuan"), _iri(RDFS_LABEL)
    shared = _iri(uris.shared_graph())
    codes = [_iri(f"{base}code/functional/{2010000 + c}") for c in range(CODES_PER_DATASET)]
    breakdowns = [_iri(f"{base}code/breakdown/{b}") for b in BREAKDOWNS]
    yield "".join(f'{code} {label} "功能分类 {2010000 + c}"@zh {shared} .\n' for c, code in enumerate(codes))
    yield "".join(f'{b} {label} "{name}"@en {shared} .\n' for name, b in zip(BREAKDOWNS, breakdowns, strict=True))
    rng = random.Random(1)
    per_dataset = CODES_PER_DATASET * len(BREAKDOWNS)
    fixed = f"{dims['fiscalYear']} {year}", f"{dims['budgetPhase']} {phase}", f"{_iri(SDMX_UNIT)} {unit}"
    qb_observation, qb_dataset = f"{a} {_iri(QB + 'Observation')}", _iri(QB + "dataSet")
    chunk: list[str] = []
    for i in range(observations):
        doc, rest = divmod(i, per_dataset * DATASETS_PER_DOCUMENT)
        table, rest = divmod(rest, per_dataset)
        code, b = divmod(rest, len(BREAKDOWNS))
        graph = _iri(document_iri(doc))
        dataset = _iri(dataset_iri(doc, table))
        if rest == 0:
            chunk.append(f"{dataset} {a} {_iri(QB + 'DataSet')} {graph} .\n")
            department = _iri(f"{base}id/department/130303/{100 + doc}")
        value = f'"{rng.randrange(0, 10**6)}.{rng.randrange(100):02d}"^^<{XSD_DECIMAL}>'
        obs = _iri(observation_iri(i))
        for po in (qb_observation, f"{qb_dataset} {dataset}", f"{dims['department']} {department}", *fixed,
                   f"{dims['classification']} {codes[code]}", f"{dims['breakdown']} {breakdowns[b]}",
                   f"{amount} {value}"):
            chunk.append(f"{obs} {po} {graph} .\n")
        if len(chunk) > 100_000:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)


CACHE = Path(tempfile.gettempdir()) / "budgetkg-bench-serve"


def build_store(folder: Path, observations: int) -> tuple[Path, int]:
    """Write the store and its published snapshot: N-Quads to a file, then Oxigraph's bulk loader."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder.parent / "generated.nq"
    with source.open("w", encoding="utf-8") as out:
        for chunk in generate(observations):
            out.write(chunk)
    store = Store(folder)
    store.ox.bulk_load(path=str(source), format=ox.RdfFormat.N_QUADS)
    store.ox.optimize()
    store.publish()
    quads = len(store)
    store.close()
    source.unlink()
    snapshot = folder / PUBLISHED / os.readlink(folder / PUBLISHED / "current")
    return snapshot, quads


def cached_store(observations: int, cache: Path = CACHE) -> tuple[Path, Path, int, float]:
    """(store folder, published snapshot, quads, seconds spent building) for ``observations``,
    built once into ``cache`` and reused by later runs (servers only read it)."""
    home = cache / f"{observations}-observations"
    marker = home / "quads"
    if marker.is_file():
        folder = home / "store"
        return folder, folder / PUBLISHED / os.readlink(folder / PUBLISHED / "current"), int(marker.read_text()), 0.0
    shutil.rmtree(home, ignore_errors=True)
    t0 = time.perf_counter()
    snapshot, quads = build_store(home / "store", observations)
    marker.write_text(str(quads))
    return home / "store", snapshot, quads, time.perf_counter() - t0


def nquads_copy(snapshot: Path, target: Path) -> Path:
    """The store as one N-Quads file (what rdflib-endpoint loads), written once next to it."""
    if not target.is_file():
        store = ox.Store.read_only(str(snapshot))
        store.dump(str(target) + ".tmp", format=ox.RdfFormat.N_QUADS)
        os.replace(str(target) + ".tmp", target)
    return target


# -- servers ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    name: str
    port: int
    endpoint: str  # path of the SPARQL endpoint
    dump: tuple[str, dict[str, str]] | None  # path and headers of the whole-store N-Quads dump
    proc: subprocess.Popen[bytes]


RDFLIB_SCRIPT = """
import sys, uvicorn
from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint
g = Dataset(default_union=True)
g.parse(sys.argv[1], format="nquads")
uvicorn.run(SparqlEndpoint(graph=g, path="/sparql"), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def start(name: str, folder: Path, snapshot: Path, log: Path) -> Server:
    """Start server ``name``: budgetkg (``budgetkg-wN``: with ``--workers N``), oxigraph, rdflib."""
    port = free_port()
    if name == "budgetkg" or name.startswith("budgetkg-w"):
        workers = name.removeprefix("budgetkg-w") if name != "budgetkg" else "1"
        cmd = [str(BIN / "budgetkg"), "serve", "--store", str(folder), "--port", str(port), "--workers", workers]
        server = ("/sparql", ("/dumps/all.nq.gz", {}))
    elif name == "oxigraph":
        exe = shutil.which("oxigraph", path=str(BIN)) or "oxigraph"
        cmd = [exe, "serve-read-only", "--location", str(snapshot), "--bind", f"127.0.0.1:{port}",
               "--union-default-graph"]
        server = ("/query", ("/store", {"Accept": "application/n-quads"}))
    elif name == "rdflib":
        nquads = nquads_copy(snapshot, folder.parent / "data.nq")
        cmd = [sys.executable, "-c", RDFLIB_SCRIPT, str(nquads), str(port)]
        server = ("/sparql", None)
    else:
        raise SystemExit(f"unknown server {name}")
    proc = subprocess.Popen(cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    s = Server(name, port, server[0], server[1], proc)
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{name} exited:\n{log.read_text(errors='replace')[-2000:]}")
        with contextlib.suppress(OSError):
            status, _ = asyncio.run(one_request(port, get(s, "ASK {}")))
            if status == 200:
                return s
        time.sleep(0.2)
    raise SystemExit(f"{name} did not start")


def stop(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.proc.kill()


# -- the load generator ----------------------------------------------------------------------


def get(server: Server, query: str, accept: str = JSON_RESULTS) -> bytes:
    path = f"{server.endpoint}?{urlencode({'query': query})}"
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nAccept: {accept}\r\n\r\n".encode()


def raw_get(server: Server, path: str, headers: dict[str, str]) -> bytes:
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    return f"GET {quote(path)} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n{extra}\r\n".encode()


async def read_response(reader: asyncio.StreamReader) -> tuple[int, int]:
    """(status, body bytes) of one response; the body is read and dropped."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length, chunked = None, False
    for line in head.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        key = key.strip().lower()
        if key == b"content-length":
            length = int(value)
        elif key == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    size = 0
    if chunked:
        while True:
            n = int((await reader.readline()).split(b";")[0], 16)
            if n == 0:
                await reader.readline()
                break
            size += len(await reader.readexactly(n))
            await reader.readexactly(2)
    elif length is not None:
        while size < length:
            size += len(await reader.read(min(length - size, 1 << 20)))
    return status, size


async def one_request(port: int, request: bytes) -> tuple[int, int]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        return await read_response(reader)
    finally:
        writer.close()


@dataclass
class Result:
    done: int
    errors: int
    seconds: float
    latencies: list[float]
    body_bytes: int

    @property
    def throughput(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def load(port: int, requests: list[bytes], concurrency: int, count: int, seconds: float) -> Result:
    """``count`` requests (cycling through ``requests``) on ``concurrency`` kept-alive
    connections, stopping early at ``seconds``."""
    issued = 0
    latencies: list[float] = []
    errors = 0
    body = 0
    start = time.perf_counter()
    deadline = start + seconds

    async def worker() -> None:
        nonlocal issued, errors, body
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while issued < count and time.perf_counter() < deadline:
                request = requests[issued % len(requests)]
                issued += 1
                t0 = time.perf_counter()
                writer.write(request)
                status, size = await read_response(reader)
                latencies.append(time.perf_counter() - t0)
                body += size
                if status != 200:
                    errors += 1
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Result(len(latencies), errors, time.perf_counter() - start, latencies, body)


# -- scenarios -------------------------------------------------------------------------------


def scenarios(server: Server, observations: int, quick: bool) -> dict[str, tuple[list[bytes], int, float]]:
    """name -> (requests, count, seconds) for this server."""
    rng = random.Random(7)
    amount = uris.vocab() + "amount"
    lookups = [get(server, f"SELECT ?a WHERE {{ <{observation_iri(rng.randrange(observations))}> <{amount}> ?a }}")
               for _ in range(2000)]
    datasets = max(1, observations // (CODES_PER_DATASET * len(BREAKDOWNS)))
    per_ds = DATASETS_PER_DOCUMENT
    by_ds = [get(server, f"SELECT ?b (SUM(?a) AS ?s) WHERE {{ ?o <{QB}dataSet> <{dataset_iri(*divmod(d, per_ds))}> ;"
                         f" <{uris.vocab()}breakdown> ?b ; <{amount}> ?a }} GROUP BY ?b")
             for d in rng.sample(range(datasets), min(datasets, 50))]
    all_store = [get(server, f"SELECT ?b (SUM(?a) AS ?s) WHERE {{ ?o <{uris.vocab()}breakdown> ?b ; <{amount}> ?a }}"
                             " GROUP BY ?b")]
    scale = 0.2 if quick else 1.0
    out = {
        "lookup": (lookups, int(20000 * scale), 10.0 * scale),
        "aggregate (1 data set)": (by_ds, int(2000 * scale), 10.0 * scale),
        "aggregate (whole store)": (all_store, int(100 * scale) or 1, 20.0 * scale),
    }
    if server.dump:
        path, headers = server.dump
        out["dump (all N-Quads)"] = ([raw_get(server, path, headers)], 3 if quick else 8, 60.0)
    return out


def run_all(args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    try:
        folder, snapshot, quads, took = cached_store(args.observations, args.cache)
        made = f"written in {took:.1f} s" if took else f"reused from {folder.parent}"
        print(f"store: {args.observations:,} observations, {quads:,} quads, {made}; load average "
              + " ".join(f"{x:.1f}" for x in os.getloadavg()))
        table: dict[tuple[str, str, int], Result] = {}
        for name in args.servers.split(","):
            t0 = time.perf_counter()
            server = start(name, folder, snapshot, tmp / f"{name}.log")
            print(f"\n{name}: ready in {time.perf_counter() - t0:.1f} s (port {server.port})")
            try:
                for scenario, (requests, count, seconds) in scenarios(server, args.observations, args.quick).items():
                    if args.scenarios and not scenario.startswith(tuple(args.scenarios)):
                        continue
                    for c in args.concurrency:
                        warm = asyncio.run(load(server.port, requests[:1], 1, 1, 120))  # warm up
                        if scenario.startswith("dump") and c == args.concurrency[0]:
                            # budgetkg makes a snapshot's dump once and then sends the file: show both
                            print(f"  {scenario:24} first request {warm.seconds:6.2f} s "
                                  f"({warm.body_bytes / 1e6:.1f} MB)")
                        r = asyncio.run(load(server.port, requests, c, max(count, c), seconds))
                        table[(name, scenario, c)] = r
                        extra = f"  {r.body_bytes / r.seconds / 1e6:7.1f} MB/s" if scenario.startswith("dump") else ""
                        print(f"  {scenario:24} c={c:<3} {r.done:6} req in {r.seconds:6.2f} s  {r.throughput:9.1f}/s  "
                              f"p50 {r.pct(0.5):8.2f} ms  p99 {r.pct(0.99):8.2f} ms  errors {r.errors}{extra}")
            finally:
                stop(server)
        print("\nratios (throughput, budgetkg / other):")
        for (name, scenario, c), r in table.items():
            if not name.startswith("budgetkg"):
                continue
            cells = []
            for other in ("oxigraph", "rdflib"):
                o = table.get((other, scenario, c))
                if o and o.throughput:
                    cells.append(f"/{other} {r.throughput / o.throughput:6.2f}x")
            print(f"  {name:12} {scenario:24} c={c:<3} " + "  ".join(cells))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# -- the keep-alive probe ----------------------------------------------------------------------


async def sequential(port: int, requests: list[list[bytes]], n: int, nagle: bool = False) -> list[float]:
    """Latencies of ``n`` sequential requests on one connection; each request is a list of
    writes (one write, or headers then body); ``nagle``: leave Nagle's algorithm on in the
    client (asyncio turns it off), as a client that does not set TCP_NODELAY has it."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    if nagle:
        writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 0)
    out = []
    try:
        for i in range(n):
            t0 = time.perf_counter()
            for part in requests[i % len(requests)]:
                writer.write(part)
                await writer.drain()
                await asyncio.sleep(0)  # let each write go out as its own segment
            status, _ = await read_response(reader)
            assert status == 200, status
            out.append(time.perf_counter() - t0)
    finally:
        writer.close()
    return out


def keepalive_probe(args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-keepalive-"))
    try:
        folder, *_ = cached_store(min(args.observations, 10000), args.cache)
        env = {**os.environ, "BUDGETKG_STORE": str(folder)}
        configs = {
            "budgetkg serve": lambda port: [str(BIN / "budgetkg"), "serve", "--store", str(folder),
                                            "--port", str(port)],
        }
        for http in ("h11", "httptools"):
            configs[f"uvicorn --workers 2 --http {http}"] = lambda port, http=http: [
                sys.executable, "-m", "uvicorn", "--factory", "budgetkg.app:from_environment", "--workers", "2",
                "--http", http, "--port", str(port), "--log-level", "warning"]
        query = f"SELECT ?a WHERE {{ <{observation_iri(1)}> <{uris.vocab()}amount> ?a }}"
        form = urlencode({"query": query}).encode()
        for label, command in configs.items():
            port = free_port()
            proc = subprocess.Popen(command(port), stdout=(tmp / "log").open("ab"), stderr=subprocess.STDOUT, env=env)
            s = Server(label, port, "/sparql", None, proc)
            try:
                for _ in range(300):
                    with contextlib.suppress(OSError):
                        if asyncio.run(one_request(port, get(s, "ASK {}")))[0] == 200:
                            break
                    time.sleep(0.1)
                head = (f"POST /sparql HTTP/1.1\r\nHost: x\r\nAccept: {JSON_RESULTS}\r\n"
                        "Content-Type: application/x-www-form-urlencoded\r\n"
                        f"Content-Length: {len(form)}\r\n\r\n").encode()
                cases = {"GET (one write)": ([[get(s, query)]], False), "POST (one write)": ([[head + form]], False),
                         "POST (headers, then body)": ([[head, form]], False),
                         "POST (2 writes, client Nagle)": ([[head, form]], True)}
                for case, (reqs, nagle) in cases.items():
                    lat = asyncio.run(sequential(port, reqs, 100, nagle))[1:]
                    print(f"  {label:36} {case:30} p50 {statistics.median(lat) * 1000:7.2f} ms  "
                          f"max {max(lat) * 1000:7.2f} ms")
            finally:
                stop(s)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--observations", type=int, default=100_000)
    parser.add_argument("--servers", default="budgetkg,oxigraph,rdflib")
    parser.add_argument("--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1, 16])
    parser.add_argument("--quick", action="store_true", help="a fifth of the requests and time")
    parser.add_argument("--scenarios", type=lambda s: s.split(","), default=[],
                        help="only these scenarios (name prefixes: lookup,aggregate,dump)")
    parser.add_argument("--keepalive", action="store_true", help="only the kept-alive connection latency probe")
    parser.add_argument("--cache", type=Path, default=CACHE,
                        help="where generated stores are kept between runs (one per size)")
    args = parser.parse_args()
    with contextlib.suppress(ImportError):
        import uvloop

        uvloop.install()
    if args.keepalive:
        keepalive_probe(args)
    else:
        run_all(args)


if __name__ == "__main__":
    main()
