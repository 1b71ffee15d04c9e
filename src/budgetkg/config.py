"""Settings shared by every stage: the base IRI and where the store lives.

Both come from the environment so that the CLI, the server and the tests agree without
passing flags around: ``BUDGETKG_BASE_IRI`` and ``BUDGETKG_STORE``.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Default base IRI. It matches ``budgetkg serve``'s default address so that every IRI of a
#: local build dereferences out of the box; a public deployment sets ``BUDGETKG_BASE_IRI``
#: to its own domain *before* building (IRIs are minted at build time).
DEFAULT_BASE_IRI = "http://127.0.0.1:8000/"

#: Default store folder, relative to the current directory.
DEFAULT_STORE_DIR = "budgetkg-store"


def base_iri() -> str:
    """The configured base IRI, always ending with ``/``."""
    base = os.environ.get("BUDGETKG_BASE_IRI", DEFAULT_BASE_IRI)
    return base if base.endswith("/") else base + "/"


def store_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The store folder: ``explicit`` if given, else ``BUDGETKG_STORE``, else the default."""
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("BUDGETKG_STORE", DEFAULT_STORE_DIR))


#: Default SERVICE allow-list: Wikidata's endpoint (the federated example query joins it).
DEFAULT_SERVICE_ALLOW = "https://query.wikidata.org/sparql"


def service_allow_list() -> frozenset[str]:
    """SPARQL endpoints ``SERVICE`` may call: ``BUDGETKG_SERVICE_ALLOW`` (endpoint IRIs separated
    by spaces; set but empty: none), else the default. Matched exactly, IRI against IRI."""
    return frozenset(os.environ.get("BUDGETKG_SERVICE_ALLOW", DEFAULT_SERVICE_ALLOW).split())


#: Project folders holding the declarative parts (ontology, mappings, shapes, queries).
PROJECT_ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY_DIR = PROJECT_ROOT / "ontology"
MAPPINGS_DIR = PROJECT_ROOT / "mappings"
SHAPES_DIR = PROJECT_ROOT / "shapes"
SPARQL_DIR = PROJECT_ROOT / "sparql"
