"""Query evaluation shared by the endpoint's two paths, and the pool of query worker processes.

pyoxigraph cannot cancel a running query, so a query that must be stoppable runs where it can
be stopped: in a worker process, killed (SIGKILL) at its deadline. :class:`ProcessPool` keeps
``size`` such processes, each running up to ``slots`` queries at once on its own threads and
talking to the server over its own socket pair (length-prefixed pickles each way, every request
and reply tagged with its number, no executor in between). Queries share their process's open
snapshot, hence its RocksDB block cache: concurrent scans of one store in one process reuse
each other's blocks, where separate processes each read and decompress them (bench_serve's
whole-store aggregate at 16 connections: 3.2–3.5 queries/s with one query per process, ~4.6/s
with eight threads sharing one store, as `oxigraph serve`). The price of sharing: killing a
process for one query's deadline stops the queries beside it, which the server then runs again
on another worker (:class:`WorkerLost`), within their own deadlines.

The request names the published snapshot folder the server answered the request from; the
worker opens it read-only (taking the shared ``flock`` that keeps the writer from deleting it,
see :func:`budgetkg.store.open_published`), keeps it open while requests name it, lets go of it
once no request uses it and a newer one was asked for (or, idle, once it is superseded), and
answers with an :class:`Outcome` or the kind and message of the error. Workers are started
with ``multiprocessing``'s ``forkserver`` context: the server process has RocksDB and threads
open and must never be forked; the fork server is a fresh interpreter that imports this module
once, so a replacement forks from it in milliseconds instead of starting Python again.

Stores that cannot be opened from another process (in memory, or a build's read-write folder)
are evaluated on threads (:mod:`budgetkg.sparql`), with the same :func:`evaluate`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import multiprocessing.spawn
import os
import pickle
import select
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from budgetkg.store import Store, open_published

if TYPE_CHECKING:
    from budgetkg import render

#: What a worker sends once it is ready for requests.
READY = b"!"
#: Seconds a new worker may take to become ready before the pool gives up on it.
START_TIMEOUT_S = 60.0
#: Replacements in a row that may fail to start before the pool stops trying (and stays smaller).
MAX_START_FAILURES = 5
#: Seconds between an idle worker's looks for a newer snapshot (to let go of its old one).
IDLE_CHECK_S = 1.0
_HEADER = 8  # bytes of a message's length prefix (little-endian)
#: Held while a worker process starts (see _without_main; threads of every pool start them).
_STARTING = threading.Lock()


@dataclass
class Outcome:
    """A materialised query result, bounded by the row limit."""

    variables: list[str] = field(default_factory=list)
    rows: list[list[render.Term | None]] = field(default_factory=list)
    triples: list[ox.Triple] = field(default_factory=list)
    boolean: bool | None = None
    graph: bool = False
    truncated: bool = False
    #: Reported, not raised: a traceback would carry the thread-bound result iterator away.
    timed_out: bool = False
    error: str | None = None  # an evaluation error met while iterating (same reason)

    # From a worker process to the server: pyoxigraph's own pickling of terms (a constructor
    # call by reduce, one object per datatype) cost ~35 µs a term both ways, 1 s for 10,000 rows
    # of three; terms as plain strings and tuples cost ~2 µs.
    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["rows"] = [[_pack(term) for term in row] for row in self.rows]
        state["triples"] = [(_pack(t.subject), _pack(t.predicate), _pack(t.object)) for t in self.triples]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        datatypes: dict[str, ox.NamedNode] = {}
        rows: list[list[object]] = state["rows"]  # type: ignore[assignment]
        triples: list[tuple[object, object, object]] = state["triples"]  # type: ignore[assignment]
        state["rows"] = [[_unpack(term, datatypes) for term in row] for row in rows]
        state["triples"] = [ox.Triple(*(_unpack(term, datatypes) for term in t)) for t in triples]
        self.__dict__.update(state)


_TYPED, _LANGUAGE, _BLANK = 0, 1, 2


def _pack(term: object) -> object:
    """A result term as strings: an IRI as itself, a literal or blank node as a small tuple;
    anything else (an RDF 1.2 triple term, a literal with a base direction) stays a term."""
    kind = type(term)
    if kind is ox.NamedNode:
        return term.value  # type: ignore[attr-defined]
    if kind is ox.Literal and term.direction is None:  # type: ignore[attr-defined]
        if term.language is not None:  # type: ignore[attr-defined]
            return (_LANGUAGE, term.value, term.language)  # type: ignore[attr-defined]
        return (_TYPED, term.value, term.datatype.value)  # type: ignore[attr-defined]
    if kind is ox.BlankNode:
        return (_BLANK, term.value)  # type: ignore[attr-defined]
    return term


def _unpack(packed: object, datatypes: dict[str, ox.NamedNode]) -> object:
    """The term :func:`_pack` packed (``datatypes``: NamedNodes made so far, shared)."""
    if packed is None:
        return None
    if type(packed) is str:
        return ox.NamedNode(packed)
    if type(packed) is tuple:
        if packed[0] == _TYPED:
            datatype = datatypes.get(packed[2])
            if datatype is None:
                datatype = datatypes[packed[2]] = ox.NamedNode(packed[2])
            return ox.Literal(packed[1], datatype=datatype)
        if packed[0] == _LANGUAGE:
            return ox.Literal(packed[1], language=packed[2])
        return ox.BlankNode(packed[1])
    return packed


def evaluate(store: Store, text: str, kwargs: dict[str, object], base: str, deadline: float, max_results: int,
             cancel: threading.Event | None = None) -> Outcome:
    """Run ``text`` and collect at most ``max_results`` rows or triples, checking the deadline
    (``time.monotonic()``: one clock for every process of the machine) between two of them.

    pyoxigraph results are bound to the thread that made them: they are dropped here, in the
    caller's thread, and never returned."""
    if (cancel is not None and cancel.is_set()) or time.monotonic() > deadline:  # waited past the deadline
        return Outcome(timed_out=True)
    result = store.ox.query(text, base_iri=base, **kwargs)  # type: ignore[arg-type]
    if isinstance(result, ox.QueryBoolean):
        return Outcome(boolean=bool(result))
    out = Outcome(graph=isinstance(result, ox.QueryTriples))
    if isinstance(result, ox.QuerySolutions):
        out.variables = [v.value for v in result.variables]
    try:
        for item in result:
            if (cancel is not None and cancel.is_set()) or time.monotonic() > deadline:
                out.timed_out = True
                break
            if len(out.rows) + len(out.triples) >= max_results:
                out.truncated = True
                break
            if out.graph:
                out.triples.append(item)
            else:
                out.rows.append(list(item))  # variable order, None where unbound
    except (OSError, ValueError, RuntimeError) as err:
        out.error = str(err)
    return out


# -- the worker process -----------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerRequest:
    """One query for a worker: the snapshot folder and everything ``evaluate`` needs."""

    snapshot: str
    text: str
    kwargs: dict[str, object]
    base: str
    deadline: float
    max_results: int


#: An error a worker met, as (kind, message): "syntax" -> SyntaxError, "os" -> OSError,
#: anything else -> RuntimeError; the message is ``str()`` of the original, so the server's
#: answers (400/403, 500) read exactly as on the thread path.
Failure = tuple[str, str]
Reply = Outcome | Failure


def _send(sock: socket.socket, lock: threading.Lock, message: object) -> None:
    """One length-prefixed pickle, whole (request threads share the socket)."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    with lock:
        sock.sendall(len(data).to_bytes(_HEADER, "little") + data)


def _receive_exactly(sock: socket.socket, size: int) -> bytes | None:
    chunks: list[bytes] = []
    while size:
        chunk = sock.recv(min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _receive(sock: socket.socket) -> tuple[int, WorkerRequest] | None:
    """The next tagged request, or None once the server has closed its end (or died). Read
    straight off the socket, unbuffered: ``select`` on it then tells whether one is waiting."""
    header = _receive_exactly(sock, _HEADER)
    data = _receive_exactly(sock, int.from_bytes(header, "little")) if header is not None else None
    if data is None:
        return None
    message: tuple[int, WorkerRequest] = pickle.loads(data)
    return message


def _answer(snapshot: Store, request: WorkerRequest) -> Reply:
    try:
        return evaluate(snapshot, request.text, request.kwargs, request.base, request.deadline, request.max_results)
    except SyntaxError as err:
        return ("syntax", str(err))
    except OSError as err:
        return ("os", str(err))
    except Exception as err:  # reported to the server, which raises it there
        return ("error", f"{type(err).__name__}: {err}")


def _open(path: str) -> Store:
    """A snapshot folder, read-only and locked against deletion (the server holds it too while
    the request runs, so it is there)."""
    store = open_published(Path(path))
    if store is None:
        raise OSError(f"{path}: the snapshot was deleted")
    return store


def _superseded(snapshot: Store) -> bool:
    """Whether a newer snapshot has been published since ``snapshot``."""
    assert snapshot.path is not None
    try:
        return os.readlink(snapshot.path.parent / "current") != snapshot.path.name
    except OSError:
        return False


class _Snapshots:
    """The snapshots a worker process has open, shared by its request threads.

    A snapshot is opened by the first request naming it and closed once no request uses it and
    a newer one has been asked for; the newest stays open between requests (its caches warm),
    until it is superseded (:meth:`let_go_if_superseded`, while the worker is idle)."""

    def __init__(self, current: str | None) -> None:
        self._lock = threading.Lock()
        self._open: dict[str, Store] = {}
        self._users: dict[str, int] = {}
        self._newest = current
        if current is not None:
            with contextlib.suppress(OSError):  # deleted meanwhile: the first request names another
                self._open[current] = _open(current)
                self._users[current] = 0

    def acquire(self, path: str) -> Store:
        with self._lock:
            store = self._open.get(path)
            if store is None:
                store = self._open[path] = _open(path)
                self._users[path] = 0
            self._users[path] += 1
            self._newest = path
            return store

    def release(self, path: str) -> None:
        with self._lock:
            self._users[path] -= 1
            for old in [p for p, n in self._users.items() if n == 0 and p != self._newest]:
                self._close(old)

    def busy(self) -> bool:
        with self._lock:
            return any(self._users.values())

    def let_go_if_superseded(self) -> None:
        with self._lock:
            for path in [p for p, n in self._users.items() if n == 0 and _superseded(self._open[p])]:
                self._close(path)

    def _close(self, path: str) -> None:
        self._open.pop(path).close()
        del self._users[path]


def _run(snapshots: _Snapshots, sock: socket.socket, lock: threading.Lock, rid: int, request: WorkerRequest) -> None:
    """Answer one request on this thread (pyoxigraph results stay on the thread that made them)."""
    reply: Reply
    try:
        snapshot = snapshots.acquire(request.snapshot)
    except OSError as err:
        reply = ("os", str(err))
    else:
        try:
            reply = _answer(snapshot, request)
        finally:
            snapshots.release(request.snapshot)
    with contextlib.suppress(OSError):  # the server is gone: nobody to answer
        _send(sock, lock, (rid, reply))


def serve(sock: socket.socket, current: str | None, slots: int = 1) -> None:
    """A worker process: answer requests, up to ``slots`` at once, until the server closes its end.

    ``current``, the snapshot the server reads now, is opened before the worker says it is
    ready, so that its first query does not wait for that."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which then stops us
    snapshots = _Snapshots(current)
    lock = threading.Lock()
    sock.sendall(READY)
    threads = ThreadPoolExecutor(max_workers=slots, thread_name_prefix="query")
    while True:
        # Idle: let go of a snapshot that is no longer current (the writer deletes it once
        # nobody holds it), looking every IDLE_CHECK_S.
        while not snapshots.busy() and not select.select([sock], [], [], IDLE_CHECK_S)[0]:
            snapshots.let_go_if_superseded()
        message = _receive(sock)
        if message is None:
            threads.shutdown(wait=False, cancel_futures=True)
            return
        threads.submit(_run, snapshots, sock, lock, *message)


def raise_failure(failure: Failure) -> None:
    """Raise, in the server, the error a worker reported."""
    kind, message = failure
    raise {"syntax": SyntaxError, "os": OSError}.get(kind, RuntimeError)(message)


# -- the pool, in the server ------------------------------------------------------------------


class WorkerLost(Exception):
    """The worker process running a request is gone before answering it. ``killed``: the pool
    killed it (another request's deadline, or its client gone), so this request did nothing
    wrong and may run again elsewhere; otherwise the process died by itself (500)."""

    def __init__(self, killed: bool) -> None:
        super().__init__("the query worker process was stopped" if killed else "the query worker process exited")
        self.killed = killed


@dataclass(eq=False)
class Worker:
    """One worker process, the server's end of its socket pair, and the requests it is running."""

    process: BaseProcess
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    pending: dict[int, asyncio.Future[Reply]] = field(default_factory=dict)
    killed: bool = False
    _next: int = 0
    _listener: asyncio.Task[None] | None = None

    def listen(self) -> None:
        """Start reading its replies (on the running event loop), each to the request it answers."""
        self._listener = asyncio.ensure_future(self._replies())

    async def _replies(self) -> None:
        try:
            while True:
                size = int.from_bytes(await self.reader.readexactly(_HEADER), "little")
                rid, reply = pickle.loads(await self.reader.readexactly(size))
                waiting = self.pending.pop(rid, None)
                if waiting is not None and not waiting.done():
                    waiting.set_result(reply)
        except (asyncio.IncompleteReadError, ConnectionError, OSError, asyncio.CancelledError):
            self.fail()

    def fail(self) -> None:
        """Every request still running here ends with :class:`WorkerLost`."""
        for waiting in self.pending.values():
            if not waiting.done():
                waiting.set_exception(WorkerLost(self.killed))
        self.pending.clear()

    async def call(self, request: WorkerRequest) -> Reply:
        if self._listener is None or self._listener.done():
            raise WorkerLost(self.killed)
        rid, self._next = self._next, self._next + 1
        waiting: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self.pending[rid] = waiting
        data = pickle.dumps((rid, request), protocol=pickle.HIGHEST_PROTOCOL)
        self.writer.write(len(data).to_bytes(_HEADER, "little") + data)
        try:
            return await waiting
        finally:
            self.pending.pop(rid, None)

    def stop(self) -> None:
        """Kill the process (SIGKILL: it only ever reads) and end what it was running."""
        self.killed = True
        with contextlib.suppress(ProcessLookupError, TypeError):
            os.kill(self.process.pid, signal.SIGKILL)  # type: ignore[arg-type]
        self.writer.close()
        if self._listener is not None:
            self._listener.cancel()
        self.fail()


def _context() -> multiprocessing.context.BaseContext:
    """The ``forkserver`` context, its server preloading this module (pyoxigraph included)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


@contextlib.contextmanager
def _without_main() -> Iterator[None]:
    """Start processes that do not run the server's main script again.

    A spawned or forkserver child first imports the parent's ``__main__`` file (for targets
    defined there); for ``budgetkg serve`` that is the CLI and all it imports: 2 s on the busy
    2-core machine, for every replacement of a killed worker. The worker's target lives in this
    module, so the main script is left out of what the child is told to prepare (CPython 3.11's
    ``set_forkserver_preload(["__main__"])`` does not help: the fork server never receives the
    main path). Callers hold ``_STARTING``, so no other pool starts a process meanwhile."""
    prepare = multiprocessing.spawn.get_preparation_data

    def without_main(name: str) -> dict[str, object]:
        data: dict[str, object] = prepare(name)
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
        return data

    multiprocessing.spawn.get_preparation_data = without_main  # type: ignore[assignment]
    try:
        yield
    finally:
        multiprocessing.spawn.get_preparation_data = prepare


class ProcessPool:
    """``size`` worker processes of ``slots`` query threads each; a killed one is replaced in
    the background."""

    def __init__(self, size: int, current: Callable[[], Path | None], slots: int = 1) -> None:
        """``current()``: the snapshot folder the server reads now (a new worker opens it)."""
        self.size = size
        self.slots = slots
        self.current = current
        # One entry per free slot. Last in, first out: at low load one worker answers most
        # queries, and its process's caches (RocksDB blocks, CPU) stay warm; first in, first out
        # made a 7.3 ms aggregate 8.2 ms (bench_serve's store of 100,000 observations).
        self.idle: asyncio.Queue[Worker] = asyncio.LifoQueue()
        self.workers: set[Worker] = set()  # started and ready, idle or busy
        self.started = False
        self._closed = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Future[bool]] = set()
        self._failures = 0  # workers in a row that did not start

    def pids(self) -> list[int]:
        """Process ids of the workers in the pool (ready ones, idle or busy), sorted."""
        return sorted(w.process.pid for w in self.workers if w.process.pid is not None)

    async def start(self) -> None:
        """Start the workers and wait until each is ready (the server's start-up)."""
        if self.started:
            return
        self.started = True
        self._loop = asyncio.get_running_loop()
        launched = await self._loop.run_in_executor(None, lambda: [self._launch() for _ in range(self.size)])
        ready = await asyncio.gather(*(self._adopt(process, sock, retry=False) for process, sock in launched))
        if not all(ready):  # fail the server's start-up loudly rather than answer every query 503
            self.close()
            raise RuntimeError("the query worker processes did not start (see their errors above)")

    def _launch(self) -> tuple[BaseProcess, socket.socket]:
        """Start one worker process (blocking: called on a thread)."""
        ours, theirs = socket.socketpair()
        with _STARTING, _without_main():
            current = self.current()
            process = _context().Process(target=serve, name="budgetkg-query", daemon=True,
                                         args=(theirs, None if current is None else str(current), self.slots))
            process.start()
        theirs.close()
        return process, ours

    async def _adopt(self, process: BaseProcess, sock: socket.socket, *, retry: bool = True) -> bool:
        """Connect a started worker's socket to the event loop and, once it says it is
        ready, put it in the pool; one that fails is replaced (``retry``), a few times in a row
        at most."""
        writer: asyncio.StreamWriter | None = None
        try:
            reader, writer = await asyncio.open_connection(sock=sock)
            async with asyncio.timeout(START_TIMEOUT_S):
                ready = await reader.readexactly(len(READY))
        except (OSError, asyncio.IncompleteReadError, TimeoutError):
            ready = b""
        if writer is None or ready != READY or self._closed:
            if writer is not None:
                writer.close()
            else:
                sock.close()
            await asyncio.get_running_loop().run_in_executor(None, self._reap, process)
            self._failures += 1
            if retry and not self._closed and self._failures < MAX_START_FAILURES:  # try again, a little later
                await asyncio.sleep(1.0)
                self._replace_soon(None)
            return False
        self._failures = 0
        worker = Worker(process, reader, writer)
        worker.listen()
        self.workers.add(worker)
        for _ in range(self.slots):
            self.idle.put_nowait(worker)
        return True

    def release(self, worker: Worker) -> None:
        """Give back a slot whose request was answered (not if its worker is gone meanwhile)."""
        if worker in self.workers:
            self.idle.put_nowait(worker)

    def discard(self, worker: Worker) -> None:
        """Kill a worker whose state is unknown (deadline passed, request cancelled, broken
        socket) and start a replacement in the background; the requests it was running beside
        end with :class:`WorkerLost` (``killed``). Once per worker."""
        if worker not in self.workers:
            return
        self.workers.discard(worker)
        # its free slots leave the queue (the others stay in their order): ``idle`` holds live slots only
        free = [self.idle.get_nowait() for _ in range(self.idle.qsize())]
        for slot in reversed(free):  # a LifoQueue gives them back newest first
            if slot is not worker:
                self.idle.put_nowait(slot)
        worker.stop()
        self._replace_soon(worker.process)

    def _replace_soon(self, dead: BaseProcess | None) -> None:
        """On a thread: reap ``dead`` (no zombie left), start a new worker; then adopt it."""
        loop = self._loop
        if loop is None or self._closed:
            if dead is not None:
                self._reap(dead)
            return

        def replace() -> None:
            if dead is not None:
                self._reap(dead)
            if self._closed:
                return
            try:
                process, sock = self._launch()
            except (OSError, ValueError) as err:  # e.g. out of processes: the pool stays smaller
                logging.getLogger(__name__).warning("could not start a query worker process: %s", err)
                return
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(self._adopt_soon, process, sock)

        threading.Thread(target=replace, name="budgetkg-query-replace", daemon=True).start()

    def _adopt_soon(self, process: BaseProcess, sock: socket.socket) -> None:
        task = asyncio.ensure_future(self._adopt(process, sock))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    def _reap(process: BaseProcess) -> None:
        with contextlib.suppress(ProcessLookupError, TypeError, AttributeError):
            if process.pid is not None:
                os.kill(process.pid, signal.SIGKILL)
        process.join(timeout=10)

    def close(self) -> None:
        """Stop every worker (the server's shutdown): they only ever read, so SIGKILL is safe.
        Workers still starting see ``_closed`` and stop themselves."""
        self._closed = True
        workers, self.workers = list(self.workers), set()
        for worker in workers:
            worker.stop()
        for worker in workers:
            worker.process.join(timeout=10)
        for task in list(self._tasks):
            task.cancel()
