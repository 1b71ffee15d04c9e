"""Helpers for tests that talk to the real app over real HTTP.

``LiveServer`` runs uvicorn on a background thread, listening on a socket bound to
127.0.0.1 port 0 *before* the server starts, so the port is free and known without races.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from types import TracebackType

import pyoxigraph as ox
import uvicorn
from fastapi import FastAPI

from budgetkg.config import base_iri
from budgetkg.store import Store

FIXTURES = Path(__file__).parent / "fixtures"


class LiveServer:
    """``with LiveServer(app) as url:`` serves ``app`` at ``url`` (e.g. http://127.0.0.1:41234)."""

    def __init__(self, app: FastAPI) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=2)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self.url

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


def store_from_trig(path: Path) -> Store:
    """An in-memory Store holding a TriG file whose relative IRIs resolve against the base IRI."""
    store = Store()
    store.ox.extend(ox.parse(path=str(path), format=ox.RdfFormat.TRIG, base_iri=base_iri()))
    return store


def generated_store(triples: int) -> Store:
    """A store of ``triples`` generated triples in one graph: cross joins over it are slow."""
    store = Store()
    graph = ox.NamedNode(base_iri() + "graph/generated")
    p = ox.NamedNode(base_iri() + "def/budget#generated")
    store.ox.extend(
        ox.Quad(ox.NamedNode(f"{base_iri()}id/generated/{i}"), p, ox.Literal(str(i)), graph) for i in range(triples)
    )
    return store
