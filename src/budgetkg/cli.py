"""The ``budgetkg`` command: build, drop, validate, dump, query, tables, serve.

The store is ``--store DIR``, else ``$BUDGETKG_STORE``, else ``./budgetkg-store``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from budgetkg import config
from budgetkg.store import Store

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Chinese departmental budget disclosures as Linked Open Data.")
console = Console(stderr=True)

StoreOption = Annotated[
    Path | None,
    typer.Option("--store", help="Store folder (default: $BUDGETKG_STORE or ./budgetkg-store)."),
]

DUMP_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}


def open_store(path: Path | None, *, must_exist: bool = True, read_only: bool = False) -> Store:
    """The store folder; commands that only read open it read-only: that takes no RocksDB lock,
    so they work while a `budgetkg build` (or another reader) has the store open."""
    folder = config.store_dir(path)
    if must_exist and not folder.exists():
        console.print(f"[red]no store at {folder}[/red]: run `budgetkg build` first")
        raise typer.Exit(2)
    return Store(folder, read_only=read_only)


@app.command()
def build(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to load.")],
    store: StoreOption = None,
) -> None:
    """Read, map, validate and load documents; print a summary per document."""
    from budgetkg.pipeline import build as run_build
    from budgetkg.pipeline import source_files

    st = open_store(store, must_exist=False)
    files = source_files(paths)
    missing = [p for p in paths if not p.exists()]
    for p in missing:
        console.print(f"[red]{p}: no such file or folder[/red]")
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task("building", total=len(files))

        def step(path: Path) -> None:
            progress.update(task, description=f"building {path.name}")
            progress.advance(task)

        reports = run_build(st, paths, progress=step)
    summary = Table(title="budgetkg build")
    for col in ("document", "tables", "empty", "observations", "violations", "info", "issues", "status"):
        summary.add_column(col)
    for r in reports:
        if r.loaded:
            recognised = sum(1 for t in r.tables if t.kind)
            summary.add_row(Path(r.file).name, f"{recognised}/{len(r.tables)}", str(sum(t.empty for t in r.tables)),
                            str(r.observations), str(r.findings.get("Violation", 0)), str(r.findings.get("Info", 0)),
                            str(len(r.issues)), "loaded")
        else:
            summary.add_row(Path(r.file).name, "", "", "", "", "", "", f"[red]not loaded: {r.error}[/red]")
    Console().print(summary)
    for r in reports:
        if r.year_on_year is not None:
            counts = ", ".join(f"{r.year_on_year.get(s, 0)} {s}" for s in ("Violation", "Info"))
            console.print(f"{Path(r.file).name}: changes checked against the department's previous year: {counts}")
    for r in reports:
        for i in r.issues:
            where = " · ".join(x for x in (i.table, i.row, i.column) if x)
            console.print(f"[yellow]{i.severity}[/yellow] {Path(r.file).name}: {where}: {i.message} [{i.code}]")
    if missing or any(not r.loaded for r in reports) or not reports:
        raise typer.Exit(1)


@app.command()
def drop(
    documents: Annotated[list[str], typer.Argument(help="Document IRIs or source file names.")],
    store: StoreOption = None,
) -> None:
    """Remove documents: their graphs, validation reports and what only they contributed to graph/shared.

    A narrative whose tables file (the other file of its disclosure) is dropped is validated alone again."""
    from budgetkg.pipeline import drop_documents
    from budgetkg.tables import resolve_document

    st = open_store(store)
    try:
        iris = list(dict.fromkeys(resolve_document(st, d) for d in documents))
    except LookupError as exc:  # nothing is removed unless every document named is in the store
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    drop_documents(st, iris)  # one transaction
    for iri in iris:
        console.print(f"dropped {iri}")


@app.command()
def validate(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Files or folders to validate without loading them (default: the documents in the store).")] = None,
    store: StoreOption = None,
    fmt: Annotated[str, typer.Option("--format", help="text, csv or turtle")] = "text",
    rerun: Annotated[bool, typer.Option(
        "--rerun", help="Run the shapes again instead of reading the stored reports.")] = False,
) -> None:
    """Print the validation findings of documents, grouped by document, rule and severity.

    Without PATHS: the documents loaded in the store, as their stored validation reports hold
    them (with the figures compared), or with --rerun as the current shapes find them. With PATHS: each file
    is read, mapped and validated in memory (nothing is written); a file that cannot be read is
    reported and makes the exit status 1.
    """
    from budgetkg import validate as v

    if fmt not in ("text", "csv", "turtle"):
        raise typer.BadParameter(f"unknown format {fmt!r}", param_hint="--format")
    failed = False
    groups: list[tuple[str, str, list[v.Finding]]] = []  # (file name, document IRI, findings)
    if paths:
        from budgetkg.map import MappedDocument
        from budgetkg.model import ReadError
        from budgetkg.pipeline import pair_findings, process, process_rdf, scratch_store, source_files

        names: list[str] = []
        documents: list[MappedDocument] = []
        alone: list[list[v.Finding]] = []
        for path in source_files(paths):
            try:
                mapped, findings = process_rdf(path) or process(path)
            except ReadError as exc:
                console.print(f"[red]{path.name}: not validated: {exc.reason}[/red]")
                failed = True
                continue
            names.append(path.name)
            documents.append(mapped)
            alone.append(findings)
        # the two files of a disclosure named together: the text is read against the tables
        paired = pair_findings(documents, alone)
        # a department's documents of consecutive years named together: the changes against the earlier figures
        yearly = v.year_on_year(scratch_store(documents)) if len(documents) > 1 else {}
        groups = [(name, m.iri, v.sorted_findings(found + yearly.get(m.iri, [])))
                  for name, m, found in zip(names, documents, paired, strict=True)]
        failed = failed or any(not p.exists() for p in paths)
    else:
        from budgetkg.pipeline import validate_stored

        st = open_store(store, read_only=True)
        if rerun:  # the year-on-year shapes run once over the store, not once per document
            yearly = v.year_on_year(st)
            groups = [(doc.file_name or doc.iri, doc.iri, validate_stored(st, doc.iri, yearly))
                      for doc in st.documents()]
        else:
            groups = [(doc.file_name or doc.iri, doc.iri, v.stored_findings(st, doc.iri)) for doc in st.documents()]
    if fmt == "turtle":
        triples = [t for _, iri, findings in groups for t in v.report_triples(findings, iri)]
        ox.serialize(triples, sys.stdout.buffer, format=ox.RdfFormat.TURTLE)
    elif fmt == "csv":
        sys.stdout.write(v.render_csv_by_document([(name, findings) for name, _, findings in groups]))
    else:
        for name, iri, findings in groups:
            counts = ", ".join(f"{sum(f.severity == s for f in findings)} {s}" for s in v.SEVERITIES)
            sys.stdout.write(f"== {name} ({counts})\n   {iri}\n{v.render_text(findings)}\n")
    if failed:
        raise typer.Exit(1)


@app.command()
def dump(
    store: StoreOption = None,
    fmt: Annotated[str, typer.Option("--format", help="turtle, ntriples, nquads or trig")] = "nquads",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Output file (default: stdout).")] = None,
) -> None:
    """Write the whole store. Turtle and N-Triples hold the union of all graphs."""
    st = open_store(store, read_only=True)
    if fmt not in DUMP_FORMATS:
        raise typer.BadParameter(f"unknown format {fmt!r}", param_hint="--format")
    rdf_format = DUMP_FORMATS[fmt]
    target = output.open("wb") if output else sys.stdout.buffer
    try:
        if rdf_format.supports_datasets:
            st.ox.dump(target, format=rdf_format)
        else:
            ox.serialize((q.triple for q in st.quads()), target, format=rdf_format)
    finally:
        if output:
            target.close()


@app.command()
def query(
    text: Annotated[str, typer.Argument(help="A SPARQL query, or a file containing one.")],
    store: StoreOption = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table",
    service_allow: Annotated[list[str] | None, typer.Option(
        "--service-allow", metavar="IRI",
        help="A SPARQL endpoint SERVICE may call (repeatable; replaces $BUDGETKG_SERVICE_ALLOW, "
             f"default {config.DEFAULT_SERVICE_ALLOW}).")] = None,
    timeout: Annotated[float, typer.Option(
        "--timeout", min=0.001, help="Seconds the SERVICE calls may take, all together.")] = 30.0,
) -> None:
    """Run a SPARQL query over the union of all graphs.

    SERVICE clauses are evaluated as by the endpoint (budgetkg.federation): only endpoints on
    the allow-list, within --timeout; any other is refused (exit code 2) before any connection.
    """
    st = open_store(store, read_only=True)
    path = Path(text)
    sparql = path.read_text(encoding="utf-8") if len(text) < 4096 and path.is_file() else text
    sparql = _resolve_services(sparql, frozenset(service_allow) if service_allow else config.service_allow_list(),
                               timeout)
    try:
        result = st.query(sparql)
    except SyntaxError as exc:
        console.print(f"[red]invalid query:[/red] {exc}")
        raise typer.Exit(2) from None
    if isinstance(result, ox.QueryBoolean):
        print("true" if bool(result) else "false")
        return
    if isinstance(result, ox.QueryTriples):
        sys.stdout.buffer.write(result.serialize(format=ox.RdfFormat.TURTLE) or b"")
        return
    if fmt in ("csv", "json"):
        results_format = ox.QueryResultsFormat.CSV if fmt == "csv" else ox.QueryResultsFormat.JSON
        sys.stdout.buffer.write(result.serialize(format=results_format) or b"")
        return
    names = [v.value for v in result.variables]
    out = Table(*names)
    rows = 0
    for solution in result:
        out.add_row(*("" if solution[n] is None else solution[n].value for n in names))
        rows += 1
    Console().print(out)
    console.print(f"{rows} rows")


#: Rows a SERVICE may contribute to a command-line query (the endpoint uses its row limit).
CLI_SERVICE_ROWS = 1_000_000


def _resolve_services(text: str, allowed: frozenset[str], timeout_s: float) -> str:
    """``text`` with its SERVICE clauses replaced by their endpoints' rows (budgetkg.federation),
    so that pyoxigraph — whose own SERVICE client has neither an allow-list nor a time limit —
    never sees one. Refused or malformed: exit code 2; the endpoint failed or was too slow: 1."""
    import asyncio
    import time

    from budgetkg import federation
    from budgetkg.sparql import uses_service

    if "service" not in text.lower():
        return text
    try:
        fetched = asyncio.run(federation.resolve(text, allowed, config.base_iri(), time.monotonic() + timeout_s,
                                                 CLI_SERVICE_ROWS))
    except federation.FederationError as err:
        console.print(f"[red]{'refused' if err.status == 400 else 'failed'}:[/red] {err.message}", highlight=False)
        raise typer.Exit(2 if err.status == 400 else 1) from None
    if uses_service(fetched.text):  # a second, independent look, as the endpoint takes
        console.print("[red]refused:[/red] SERVICE could not be resolved safely; it is not evaluated.")
        raise typer.Exit(2)
    if fetched.truncated:
        console.print(f"[yellow]a SERVICE returned more than {CLI_SERVICE_ROWS:,} rows: the rest is left out[/yellow]")
    return fetched.text


@app.command()
def tables(
    document: Annotated[str, typer.Argument(help="Document IRI or source file name.")],
    store: StoreOption = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Folder for one CSV per table.")] = None,
) -> None:
    """Rebuild every source table of a document from the graph, as CSV."""
    from budgetkg.tables import rebuild_tables, resolve_document, write_tables

    st = open_store(store, read_only=True)
    try:
        iri = resolve_document(st, document)
    except LookupError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    rebuilt = rebuild_tables(st, iri)
    if output:
        for path in write_tables(rebuilt, output):
            console.print(str(path))
        return
    for t in rebuilt:
        print(f"# {t.title}")
        sys.stdout.write(t.to_csv())
        print()


@app.command()
def serve(
    store: StoreOption = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    access_log: Annotated[bool, typer.Option("--access-log/--no-access-log",
                                             help="Log every request (costs ~20% of lookup throughput).")] = False,
    service_allow: Annotated[list[str] | None, typer.Option(
        "--service-allow", metavar="IRI",
        help="A SPARQL endpoint SERVICE may call (repeatable; replaces $BUDGETKG_SERVICE_ALLOW, "
             f"default {config.DEFAULT_SERVICE_ALLOW}).")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Server processes (each reads the published snapshots; "
                                                   "on N cores, N of them answer ~N times the lookups).")] = 1,
) -> None:
    """Serve the store: SPARQL endpoint, Linked Data pages, dumps.

    The server reads the store's published snapshots, never the build folder itself: a
    `budgetkg build` into the same store can run meanwhile, and each document it loads shows
    up at the next request, whole (see store.Published).
    """
    import os

    import uvicorn

    from budgetkg.app import HTTP_PROTOCOL, create_app
    from budgetkg.store import Published

    folder = config.store_dir(store)
    if not folder.exists():
        console.print(f"[red]no store at {folder}[/red]: run `budgetkg build` first")
        raise typer.Exit(2)
    st = Published(folder)  # publishes a never-published folder once, before any worker starts
    console.print(f"serving {folder} at http://{host}:{port}/ (base IRI {config.base_iri()})")
    # httptools and uvloop (uvicorn's "standard" extras, dependencies of budgetkg) are named
    # explicitly so the server does not change with whatever else is installed; the pure-Python
    # h11 parser costs ~40% of point-lookup throughput. HTTP_PROTOCOL is uvicorn's httptools
    # protocol writing each response in one piece (see budgetkg.app.OneWriteHttpTools).
    # The "44 ms per request on a kept-alive connection" seen with `uvicorn --workers 2` is not
    # the server's: uvloop (like asyncio) sets TCP_NODELAY on every accepted socket, so responses
    # leave at once. It appears only when a client writes a POST's headers and body separately
    # with Nagle's algorithm on: its body waits for our ACK of the headers, which Linux delays
    # by ~40 ms. `bench/bench_serve.py --keepalive` measured budgetkg serve at p50 0.34 ms (GET),
    # 0.46 ms (POST in one or two writes) and 44 ms only for that client, as for any uvicorn.
    options: dict[str, object] = {
        "host": host, "port": port, "log_level": "info", "access_log": access_log,
        "http": HTTP_PROTOCOL or "h11", "loop": _installed("uvloop", "asyncio"),
    }
    if workers == 1:
        allow = service_allow if service_allow else None  # None: the configuration's allow-list
        uvicorn.run(create_app(st, service_allow=allow), **options)  # type: ignore[arg-type]
        return
    # Several processes: each builds the app from the environment (budgetkg.app:from_environment)
    # and opens the published snapshot read-only itself (read-only RocksDB takes no lock).
    st.current().close()
    os.environ["BUDGETKG_STORE"] = str(folder)
    if service_allow:
        os.environ["BUDGETKG_SERVICE_ALLOW"] = " ".join(service_allow)
    uvicorn.run("budgetkg.app:from_environment", factory=True, workers=workers, **options)  # type: ignore[arg-type]


def _installed(module: str, fallback: str) -> str:
    import importlib.util

    return module if importlib.util.find_spec(module) else fallback


if __name__ == "__main__":  # pragma: no cover
    app()
