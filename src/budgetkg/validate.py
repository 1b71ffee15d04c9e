"""SHACL validation of a document graph: structure, RDF Data Cube well-formedness, 勾稽 arithmetic.

The shapes live in ``shapes/*.ttl`` (relative IRIs, resolved against the configured base IRI).
Both kinds of constraint run on Oxigraph, each as one query over the whole document (cost grows
with the data, not with data × focus nodes):

* **Core constraints** (``sh:minCount``, ``sh:maxCount``, ``sh:datatype``, ``sh:nodeKind``,
  ``sh:class``, ``sh:hasValue``, ``sh:in``, ``sh:node``) are compiled, one query per shape and
  component (:func:`core_constraints`), into a SELECT of the failing focus nodes (and value
  nodes), giving the results pyshacl gives; the catalogue runs those of one shape with targets
  in one pass over its focus nodes (:func:`core_groups`). Any other SHACL parameter raises
  ``ValueError``, so nothing passes unchecked. ``tests/test_validate_core.py`` checks compiled == pyshacl (the
  reference implementation, used only there) on deliberately broken data and on the sample.
* **SPARQL constraints** (``sh:sparql``) run on the *fast path*: each ``sh:select`` is executed
  once over the whole document instead of once per focus node. ``$this`` becomes the variable
  ``?this`` and the shape's targets are tested per solution by a ``FILTER EXISTS`` at the end of
  the outer group (a semi-join with the focus nodes). That is equivalent to SHACL's pre-binding
  as long as the query binds every use of ``$this`` in its own group and keeps SHACL's restrictions
  on pre-bound queries (sub-selects return ``$this``; no MINUS, SERVICE, VALUES: a shape that breaks
  them is refused, :func:`prebinding_problems`); the shapes in ``shapes/`` are written that way, and
  ``tests/test_validate.py`` checks the equivalence against pyshacl.

The checks (:func:`catalogue`: one query per core constraint, one per group of SPARQL
constraints) run on threads sharing the store (:func:`run_catalogue`; Oxigraph evaluates without
the GIL), the findings in catalogue order. Over a scratch store holding exactly the document's
graphs they read the union of the named graphs, one index lookup per pattern instead of one per
graph (:func:`scope`). ``bench/bench_validate.py`` measures both.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import groupby, pairwise
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, XSD

from budgetkg import uris
from budgetkg.config import SHAPES_DIR, base_iri
from budgetkg.federation import Token, tokenize
from budgetkg.store import Store

#: Every shapes file, in reporting order.
SHAPE_FILES = (
    "structure.ttl", "datacube.ttl", "arithmetic.ttl", "arithmetic-totals.ttl", "arithmetic-items.ttl",
    "crosstable.ttl",
    "narrative.ttl", "final.ttl", "targets.ttl",
)
DATACUBE_FILE = "datacube.ttl"
#: The shapes that read two disclosures (a change stated against the figure the department published for the
#: year before): not in ``SHAPE_FILES``, which run on one document; :func:`year_on_year` runs them on a store.
YEAR_ON_YEAR_FILE = "year-on-year.ttl"

SEVERITIES = ("Violation", "Warning", "Info")
_SH = str(SH)
_XSD = str(XSD)
_NUMERIC = {_XSD + t for t in ("decimal", "integer", "int", "long", "double", "float", "nonNegativeInteger")}
_PLACEHOLDER = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")
_THIS = re.compile(r"\$this\b")
_OTHER_PREBOUND = re.compile(r"\$(shapesGraph|PATH|value)\b")

_QB = "http://purl.org/linked-data/cube#"
_CSVW = "http://www.w3.org/ns/csvw#"
_PROV = "http://www.w3.org/ns/prov#"
_DCT = str(DCTERMS)


# -- findings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Location:
    """Where a finding sits in the printed document."""

    table: str | None = None
    row: str | None = None  # 序号 as printed (or the grid row number if the row has no 序号)
    column: str | None = None  # column heading / meaning, with its 栏次 number when printed
    row_iri: str | None = None


@dataclass(frozen=True)
class Finding:
    """One validation result.

    ``values`` holds the compared figures (``Decimal`` for numbers, ``str`` otherwise), keyed by
    the query's variable names (``value``, ``sum``, ``diff``, ``envelope``, ``n`` …).
    """

    rule: str
    severity: str
    focus: str
    message: str
    values: dict[str, Decimal | str] = field(default_factory=dict)
    location: Location | None = None
    message_zh: str = ""
    shape: str = ""
    #: ``sh:value`` in N-Triples syntax, if any.
    value_term: str | None = None
    #: ``sh:resultPath`` IRI, for core property constraints.
    path: str | None = None

    def key(self) -> tuple[str, ...]:
        """A stable identity: rule, severity, focus, value and compared figures."""
        figures = ";".join(f"{k}={v}" for k, v in sorted(self.values.items()))
        return (self.rule, self.severity, self.focus, self.value_term or "", self.path or "", figures)


# -- shapes --------------------------------------------------------------------------------


def load_shapes(files: Sequence[str] = SHAPE_FILES, base: str | None = None) -> rdflib.Graph:
    """Parse shapes files against the base IRI.

    ``sh:namespace`` literals written as relative ``xsd:anyURI`` values (``"def/budget#"``) are
    resolved against the base, as Turtle resolves relative IRIs, so SPARQL prefixes follow the
    deployment's base IRI.
    """
    base = base or base_iri()
    graph = rdflib.Graph()
    for name in files:
        graph.parse(Path(SHAPES_DIR) / name, format="turtle", publicID=base)
    for decl, ns in list(graph.subject_objects(SH.namespace)):
        if isinstance(ns, rdflib.Literal) and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", str(ns)):
            graph.remove((decl, SH.namespace, ns))
            graph.add((decl, SH.namespace, rdflib.Literal(base + str(ns), datatype=XSD.anyURI)))
    return graph


@dataclass(frozen=True)
class SparqlConstraint:
    """One ``sh:sparql`` constraint of a node shape, ready for the fast path."""

    shape: str
    rule: str
    severity: str
    targets: tuple[str, ...]  # SPARQL group patterns binding ?this
    prefixes: str
    select: str
    messages: dict[str, str]
    #: The shape's one SHACL-AF SPARQL-based target, if that is its only target: joined first
    #: (evaluated once), not tested per solution like the other targets.
    focus_select: str | None = None


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def _messages(graph: rdflib.Graph, *nodes: rdflib.term.Node) -> dict[str, str]:
    """``sh:message`` by language (``""`` for untagged) from the first node that has any."""
    for node in nodes:
        found = {m.language or "": str(m) for m in graph.objects(node, SH.message) if isinstance(m, rdflib.Literal)}
        if found:
            return found
    return {}


def _prefix_block(graph: rdflib.Graph, *nodes: rdflib.term.Node) -> str:
    lines = []
    for holder in (h for node in nodes for h in graph.objects(node, SH.prefixes)):
        for decl in graph.objects(holder, SH.declare):
            prefix = graph.value(decl, SH.prefix)
            namespace = graph.value(decl, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


def _instance_of(node: str, cls: str, type_var: str) -> str:
    """``node rdf:type/rdfs:subClassOf* cls`` (a SHACL instance), written so that Oxigraph
    evaluates it in constant time per node: as one path, or with ``rdfs:subClassOf*`` between two
    bound terms, it scans the class's instances or the graph for each node (quadratic)."""
    return (f"{node} <{RDF.type}> {type_var} ."
            f" FILTER (sameTerm({type_var}, {cls}) || EXISTS {{ {type_var} <{RDFS.subClassOf}>+ {cls} }})")


def _members_of(cls: str) -> str:
    """Every SHACL instance of ``cls`` as ``?this``, enumerated: its direct instances from the index,
    then those of its subclasses (0.16 s against 0.26 s for :func:`_instance_of`'s per-type test at
    100 k observations, which reads every ``rdf:type`` triple)."""
    return (f"{{ ?this <{RDF.type}> {cls} }} UNION"
            f" {{ ?targetType_ <{RDFS.subClassOf}>+ {cls} . ?this <{RDF.type}> ?targetType_ }}")


def _target_patterns(graph: rdflib.Graph, shape: rdflib.term.Node, enumerate_: bool = False) -> tuple[str, ...]:
    """SPARQL patterns selecting the focus nodes of a shape's targets (SHACL 2.1.3): written to test a
    bound ``?this``, or (``enumerate_``) to list the focus nodes."""
    def member(cls: str) -> str:
        return _members_of(cls) if enumerate_ else _instance_of("?this", cls, "?targetType_")

    pats = [member(f"<{c}>") for c in graph.objects(shape, SH.targetClass)]
    if (shape, RDF.type, RDFS.Class) in graph:
        pats.append(member(f"<{shape}>"))
    pats += [f"VALUES ?this {{ {n.n3()} }}" for n in graph.objects(shape, SH.targetNode)]
    pats += [f"?this <{p}> ?targetObject_ ." for p in graph.objects(shape, SH.targetSubjectsOf)]
    pats += [f"?targetSubject_ <{p}> ?this ." for p in graph.objects(shape, SH.targetObjectsOf)]
    pats += [f"{{ {select} }}" for select in _sparql_targets(graph, shape).values()]
    return tuple(pats)


def _sparql_targets(graph: rdflib.Graph, shape: rdflib.term.Node) -> dict[rdflib.term.Node, str]:
    """The shape's SPARQL-based targets (SHACL-AF 5.1: ``sh:target [ a sh:SPARQLTarget ; sh:select ]``),
    each a SELECT of ``?this``; any other kind of ``sh:target`` is refused."""
    found = {}
    for target in graph.objects(shape, SH.target):
        select = graph.value(target, SH.select)
        if (target, RDF.type, SH.SPARQLTarget) not in graph or select is None:
            raise ValueError(f"{shape}: only SPARQL-based targets (sh:SPARQLTarget with sh:select) are supported")
        found[target] = str(select)
    return found


def rule_id(graph: rdflib.Graph, shape: rdflib.term.Node) -> str:
    ident = graph.value(shape, DCTERMS.identifier)
    return str(ident) if ident is not None else _local(str(shape))


def shape_severity(graph: rdflib.Graph, shape: rdflib.term.Node) -> str:
    return _local(str(graph.value(shape, SH.severity) or SH.Violation))


#: SPARQL keywords a SHACL-SPARQL query must not use (SHACL 1.0, "Pre-binding of Variables"): MINUS, a federated
#: SERVICE, VALUES.
_PREBINDING_KEYWORDS = ("MINUS", "SERVICE", "VALUES")
_PREBOUND = ("this", "shapesGraph", "currentShape")


def prebinding_problems(select: str) -> list[str]:
    """What in ``select`` breaks SHACL's restrictions on queries with pre-bound variables (SHACL 1.0, appendix
    "Pre-binding of Variables in SPARQL Queries"): MINUS, SERVICE or VALUES; ``AS`` binding a pre-bound variable;
    a sub-select that does not return every pre-bound variable the query uses (``$this`` always), or that is a
    ``SELECT *`` (under pre-binding it would not return them: w3c/data-shapes issue 84; pyshacl refuses it). An
    engine that pre-binds ``$this`` may refuse such a query, and the fast path's one-query evaluation equals
    pre-binding only for queries that keep them. Empty when the query keeps them all."""
    tokens = tokenize(select)
    used = {"this"} | {t.text[1:] for t in tokens if t.kind == "var" and t.text[1:] in _PREBOUND}
    problems = [f"uses {t.text.upper()}" for t in tokens
                if t.kind == "name" and t.text.upper() in _PREBINDING_KEYWORDS]
    problems += [f"binds {b.text} (AS {b.text})" for a, b in pairwise(tokens)
                 if a.kind == "name" and a.text.upper() == "AS" and b.kind == "var" and b.text[1:] in _PREBOUND]
    selects = [i for i, t in enumerate(tokens) if t.kind == "name" and t.text.upper() == "SELECT"]
    for i in selects[1:]:
        projected: set[str] = set()
        depth = 0  # inside an expression: COUNT(*) is not SELECT *, COUNT($this) does not return it
        for before, t in pairwise(tokens[i:]):
            if t.text == "{" or (t.kind == "name" and t.text.upper() == "WHERE"):
                break
            depth += {"(": 1, ")": -1}.get(t.text, 0)
            if t.text == "*" and depth == 0:
                # pyshacl refuses a nested SELECT *: it "does not select potentially pre-bound variables"
                # (w3c/data-shapes issue 84), so it is named here rather than taken as returning them
                problems.append(f"a sub-select at offset {tokens[i].start} uses SELECT *")
                projected |= used
            elif t.kind == "var" and (depth == 0 or before.text.upper() == "AS"):
                projected.add(t.text[1:])
        if missing := sorted(used - projected):
            problems.append(f"a sub-select at offset {tokens[i].start} does not return "
                            + ", ".join(f"${v}" for v in missing))
    return problems


def sparql_constraints(graph: rdflib.Graph) -> list[SparqlConstraint]:
    """Every active ``sh:sparql`` constraint of the node shapes in ``graph``."""
    found = []
    for shape, constraint in sorted(graph.subject_objects(SH.sparql)):
        if graph.value(shape, SH.path) is not None:
            raise ValueError(f"{shape}: SPARQL constraints on property shapes are not supported by the fast path")
        if _deactivated(graph, shape) or _deactivated(graph, constraint):
            continue
        select = str(graph.value(constraint, SH.select))
        if _OTHER_PREBOUND.search(select):
            raise ValueError(f"{shape}: only $this and $currentShape can be pre-bound by the fast path")
        if problems := prebinding_problems(select):
            raise ValueError(f"{shape}: breaks SHACL's pre-binding restrictions: {'; '.join(problems)}")
        targets = _target_patterns(graph, shape)
        sparql_targets = _sparql_targets(graph, shape)
        found.append(
            SparqlConstraint(
                shape=str(shape),
                rule=rule_id(graph, shape),
                severity=shape_severity(graph, shape),
                targets=targets,
                prefixes=_prefix_block(graph, constraint, *sparql_targets),
                select=select,
                messages=_messages(graph, constraint, shape),
                focus_select=next(iter(sparql_targets.values())) if len(targets) == len(sparql_targets) == 1 else None,
            )
        )
    return found


_LOOKUP_TERMS = (("var", "iri", "pname"), ("iri", "pname", "a"), ("var", "iri", "pname"))


def _is_term(token: Token, kinds: tuple[str, ...]) -> bool:
    return token.kind in kinds or (token.kind == "name" and token.text == "a" and "a" in kinds)


def optional_lookups(select: str) -> str:
    """``select`` with each ``OPTIONAL { s p o }`` of one triple pattern (variables, IRIs, prefixed names) written
    ``LATERAL { OPTIONAL { s p o } }``: the same solutions, evaluated as one index lookup per solution so far.

    Oxigraph 0.5.13 chooses between a lookup per solution and a hash join (the pattern evaluated once over the
    whole store, then probed) from fixed cardinality estimates multiplied along the query. After enough patterns
    they overflow and every later OPTIONAL becomes a hash join: in R27-fund-columns, adding the counterpart cell's
    14th pattern turned ``OPTIONAL { ?o bkg:decimals ?oDecimals }`` into a read of every ``bkg:decimals`` triple of
    the document, for a query that joins two cells (0.30 s at 100 k observations, 7.7 s at 1 M). ``LATERAL`` (SEP-0006,
    which Oxigraph implements) fixes the lookup: substituting the solution's bindings into one triple pattern and
    matching it gives exactly the compatible extensions a left join keeps, or none (the solution then stays
    as it is). Over the whole catalogue at 100 k observations no query was slower and R27-fund-columns went 0.30 →
    0.012 s, R46-subject-amounts 0.39 → 0.014 s (``bench/bench_validate.py``). The shapes stay standard SPARQL:
    pyshacl runs them as written, and ``tests/test_validate_corpus.py`` compares both engines' reports."""
    tokens = tokenize(select)
    edits: list[tuple[int, int]] = []
    for i, token in enumerate(tokens):
        if token.kind != "name" or token.text.upper() != "OPTIONAL" or i + 5 >= len(tokens):
            continue
        body = tokens[i + 2 : i + 5]
        close = i + 6 if tokens[i + 5].text == "." else i + 5
        if (close < len(tokens) and tokens[i + 1].text == "{" and tokens[close].text == "}"
                and all(_is_term(t, kinds) for t, kinds in zip(body, _LOOKUP_TERMS, strict=True))):
            edits.append((token.start, tokens[close].end))
    for start, end in reversed(edits):
        select = f"{select[:start]}LATERAL {{ {select[start:end]} }}{select[end:]}"
    return select


def _focus_values(foci: Sequence[ox.NamedNode | ox.Literal]) -> str:
    """``foci`` as the focus nodes of a query (blank nodes cannot be written in a query)."""
    return f"VALUES ?this {{ {' '.join(str(f) for f in foci)} }}"


def fast_query(constraint: SparqlConstraint, foci: Sequence[ox.NamedNode] | None = None) -> str:
    """The constraint's SELECT with ``$this`` unbound and the targets as a semi-join.

    The focus test is a ``FILTER EXISTS`` on the target patterns, at the end of the outer group:
    a semi-join with the focus nodes, like joining a ``SELECT DISTINCT ?this`` sub-select, but
    checked per solution, so Oxigraph starts from the query's own (selective) patterns instead of
    enumerating every observation for every shape. A shape whose only target is SPARQL-based
    (IC-12's candidate duplicates) starts from its focus nodes instead: ``foci`` when given (the
    target's result, as VALUES: Oxigraph then evaluates the constraint for each of them only), else
    the target's SELECT joined in (Oxigraph may then evaluate the constraint for every node first).
    """
    text = optional_lookups(_THIS.sub("?this", constraint.select).replace("$currentShape", f"<{constraint.shape}>"))
    if constraint.focus_select is not None:
        brace = text.index("{") + 1
        focus = (f"{{ SELECT DISTINCT ?this WHERE {{ {{ {constraint.focus_select} }} }} }}" if foci is None
                 else _focus_values(foci))
        return f"{constraint.prefixes}\n{text[:brace]}\n  {focus}\n{text[brace:]}"
    union = " UNION ".join(f"{{ {p} }}" for p in constraint.targets)
    brace = text.rindex("}")
    return f"{constraint.prefixes}\n{text[:brace]}\n  FILTER EXISTS {{ {union} }}\n{text[brace:]}"


# -- core constraints, compiled to SPARQL ----------------------------------------------------

#: Core constraint parameters the compiler turns into SPARQL (SHACL 4.x).
_CORE_COMPONENTS = ("minCount", "maxCount", "datatype", "nodeKind", "class", "hasValue", "in", "node")
#: Shape predicates that are not constraints (targets, annotations, structure) or are run elsewhere.
_SHAPE_NON_CONSTRAINTS = {
    str(p)
    for p in (
        SH.path, SH.property, SH.severity, SH.message, SH.deactivated, SH.targetClass, SH.targetNode,
        SH.targetSubjectsOf, SH.targetObjectsOf, SH.name, SH.description, SH.order, SH.group, SH.sparql,
        SH.declare, SH.prefixes, SH.select, SH.target,
    )
}
_NODE_KINDS = {
    "IRI": "isIRI({v})",
    "BlankNode": "isBlank({v})",
    "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))",
    "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}
#: Datatypes whose lexical form the compiled check validates with a cast (as pyshacl flags
#: ill-typed literals such as "1.5"^^xsd:integer).
_CASTS = {_XSD + t for t in ("decimal", "integer", "double", "float", "boolean", "dateTime", "date")}


@dataclass(frozen=True)
class CoreConstraint:
    """One core constraint component of one shape, compiled to a single SPARQL query.

    The query selects every focus node that violates it (``?this``) and, for components that
    report a value node (``sh:datatype``, ``sh:class`` …), the value (``?value``), exactly the
    results pyshacl reports for that shape and component.
    """

    shape: str
    rule: str
    severity: str
    component: str
    path: str | None
    query: str
    messages: dict[str, str]
    #: the shape whose targets give the focus nodes (``shape`` itself, or the node shape it is a property of)
    target: str = ""


def _n3(term: rdflib.term.Node) -> str:
    if isinstance(term, rdflib.BNode):
        raise ValueError(f"blank node {term} as a core constraint parameter is not supported")
    return term.n3()


def _path_iri(graph: rdflib.Graph, shape: rdflib.term.Node) -> str | None:
    path = graph.value(shape, SH.path)
    if path is None:
        return None
    if not isinstance(path, rdflib.URIRef):
        raise ValueError(f"{shape}: only predicate paths (an IRI) are supported by the core compiler")
    return str(path)


def _check_supported(graph: rdflib.Graph, shape: rdflib.term.Node) -> None:
    """Refuse any SHACL parameter the compiler does not implement, so nothing passes unchecked."""
    known = _SHAPE_NON_CONSTRAINTS | {_SH + c for c in _CORE_COMPONENTS}
    for p in set(graph.predicates(shape)):
        if str(p).startswith(_SH) and str(p) not in known:
            raise ValueError(f"{shape}: SHACL parameter {p} is not supported by the core constraint compiler")


def _violation(
    graph: rdflib.Graph, shape: rdflib.term.Node, component: str, this: str, value: str, depth: int,
    focus: str | None = None,
) -> str:
    """A group pattern that matches when focus ``this`` violates ``component`` of ``shape``;
    per-value components bind the offending value node to ``value``. Variables of its own carry
    ``depth`` so that nested ``sh:node`` patterns do not capture them. ``focus`` is the focus
    sub-select, needed by the counting form of ``sh:minCount`` (top level only)."""
    path = _path_iri(graph, shape)
    param = graph.value(shape, SH[component])
    step = f"{this} <{path}> {value} ." if path else f"BIND ({this} AS {value})"
    other = f"?other_{depth}"
    if component == "minCount":
        n = int(param)
        if path is None:  # the focus node itself is its only value node
            return "FILTER (false)" if n <= 1 else "BIND (0 AS ?nothing)"
        if n == 1:
            return f"FILTER NOT EXISTS {{ {this} <{path}> {other} }}"
        if focus is None:
            raise ValueError(f"{shape}: sh:minCount > 1 inside sh:node is not supported")
        return (f"{{ SELECT {this} (COUNT(DISTINCT {other}) AS ?count_{depth}) WHERE {{ {focus} "
                f"OPTIONAL {{ {this} <{path}> {other} }} }} GROUP BY {this} }} FILTER (?count_{depth} < {n})")
    if component == "maxCount":
        n = int(param)
        if path is None:
            return "FILTER (false)" if n >= 1 else "FILTER (true)"
        if n == 0:
            return f"FILTER EXISTS {{ {this} <{path}> {other} }}"
        if n == 1:  # sameTerm, not !=: "1.0" and "1.00" are two value nodes
            return (f"{this} <{path}> {other}, ?another_{depth} ."
                    f" FILTER (!sameTerm({other}, ?another_{depth}))")
        return (f"{{ SELECT {this} (COUNT(DISTINCT {other}) AS ?count_{depth}) WHERE {{ {this} <{path}> {other} }} "
                f"GROUP BY {this} }} FILTER (?count_{depth} > {n})")
    if component == "hasValue":
        if path is None:
            return f"FILTER (!sameTerm({this}, {_n3(param)}))"
        return f"FILTER NOT EXISTS {{ {this} <{path}> {_n3(param)} }}"
    if component in _PER_VALUE:
        return f"{step} FILTER ({_value_failure(graph, shape, component, value, depth)})"
    raise ValueError(f"{shape}: unsupported core component {component}")


def _reports_value(component: str, path: str | None) -> bool:
    """Whether a result of ``component`` carries a value node (``sh:value``), as pyshacl reports it."""
    return path is None or component not in ("minCount", "maxCount", "hasValue")


def _deactivated(graph: rdflib.Graph, node: rdflib.term.Node) -> bool:
    """``sh:deactivated true`` on a shape or constraint."""
    return rdflib.Literal(True) == graph.value(node, SH.deactivated)


def _components(graph: rdflib.Graph, shape: rdflib.term.Node) -> list[str]:
    _check_supported(graph, shape)
    return [c for c in _CORE_COMPONENTS if graph.value(shape, SH[c]) is not None]


def _conformance_failure(graph: rdflib.Graph, node_shape: rdflib.term.Node, focus: str, depth: int) -> str:
    """A group pattern matching when ``focus`` does not conform to ``node_shape`` (``sh:node``)."""
    if depth > 8:
        raise ValueError(f"{node_shape}: sh:node nesting too deep (recursive shapes are not supported)")
    if graph.value(node_shape, SH.sparql) is not None:
        raise ValueError(f"{node_shape}: sh:node to a shape with SPARQL constraints is not supported")
    branches = []
    for shape in [node_shape, *graph.objects(node_shape, SH.property)]:
        if _deactivated(graph, shape):
            continue
        for component in _components(graph, shape):
            branches.append(_violation(graph, shape, component, focus, f"?v_{depth}_{len(branches)}", depth))
    return " UNION ".join(f"{{ {b} }}" for b in branches) if branches else "FILTER (false)"


def _shapes_with_targets(graph: rdflib.Graph) -> list[rdflib.term.Node]:
    shapes = set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(RDF.type, SH.PropertyShape))
    shapes |= set(graph.subjects(SH.property, None))
    return sorted(s for s in shapes if _target_patterns(graph, s))


def core_constraints(graph: rdflib.Graph) -> list[CoreConstraint]:
    """Every active core constraint component of the shapes with targets (and of their
    ``sh:property`` shapes), each compiled to one query. Raises ``ValueError`` for any SHACL
    parameter the compiler does not implement."""
    for shape in set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(RDF.type, SH.PropertyShape)):
        _check_supported(graph, shape)
    found = []
    for target_shape in _shapes_with_targets(graph):
        if _deactivated(graph, target_shape):
            continue
        union = " UNION ".join(f"{{ {p} }}" for p in _target_patterns(graph, target_shape))
        listed = " UNION ".join(f"{{ {p} }}" for p in _target_patterns(graph, target_shape, enumerate_=True))
        focus = f"{{ SELECT DISTINCT ?this WHERE {{ {listed} }} }}"
        for shape in [target_shape, *sorted(graph.objects(target_shape, SH.property))]:
            if _deactivated(graph, shape):
                continue
            if shape != target_shape and _target_patterns(graph, shape):
                raise ValueError(f"{shape}: a property shape with targets of its own is not supported")
            path = _path_iri(graph, shape)
            components = _components(graph, shape)
            if components and _sparql_targets(graph, target_shape):
                raise ValueError(f"{shape}: core constraints on a shape with a SPARQL-based target are not supported")
            for component in components:
                if path is None and component in ("minCount", "maxCount"):
                    continue  # not node-shape parameters (SHACL 4.2)
                pattern = _violation(graph, shape, component, "?this", "?value", 0, focus)
                reports_value = _reports_value(component, path)
                select = "?this ?value" if reports_value else "?this"
                # Components that need a value to fail start from the path's triples and test the
                # focus per solution (a semi-join); the others enumerate the focus nodes.
                needs_all = path is None or component in ("minCount", "hasValue")
                where = f"{focus}\n  {pattern}" if needs_all else f"{pattern}\n  FILTER EXISTS {{ {union} }}"
                found.append(
                    CoreConstraint(
                        shape=str(shape),
                        rule=rule_id(graph, shape),
                        severity=shape_severity(graph, shape),
                        component=component,
                        path=path,
                        query=f"SELECT DISTINCT {select} WHERE {{\n  {where}\n}}",
                        messages=_messages(graph, shape),
                        target=str(target_shape),
                    )
                )
    return found


def _value_failure(graph: rdflib.Graph, shape: rdflib.term.Node, component: str, value: str, depth: int) -> str:
    """A boolean expression, true when the bound value node ``value`` violates ``component`` of ``shape`` (a
    per-value component: ``sh:datatype``, ``sh:nodeKind``, ``sh:class``, ``sh:in``, ``sh:node``); the same test
    as :func:`_violation`'s, written as an expression so that several can share one pass."""
    param = graph.value(shape, SH[component])
    if component == "datatype":
        dt = str(param)
        test = f"!isLiteral({value}) || DATATYPE({value}) != <{dt}>"
        if dt in _CASTS:  # an ill-typed lexical form fails the cast: the expression is an error, COALESCE false
            test += f" || !COALESCE(isLiteral(<{dt}>({value})), false)"
        return f"({test})"
    if component == "nodeKind":
        kind = _local(str(param))
        if kind not in _NODE_KINDS:
            raise ValueError(f"{shape}: unknown sh:nodeKind {param}")
        return f"!{_NODE_KINDS[kind].format(v=value)}"
    if component == "class":
        return f"NOT EXISTS {{ {_instance_of(value, _n3(param), f'?type_{depth}')} }}"
    if component == "in":
        members = " ".join(_n3(m) for m in Collection(graph, param))
        return f"NOT EXISTS {{ VALUES ?member_{depth} {{ {members} }} FILTER (sameTerm({value}, ?member_{depth})) }}"
    if component == "node":
        return f"EXISTS {{ {_conformance_failure(graph, param, value, depth + 1)} }}"
    raise ValueError(f"{shape}: {component} is not a per-value component")


_PER_VALUE = ("datatype", "nodeKind", "class", "in", "node")


@dataclass(frozen=True)
class CoreGroup:
    """The core constraints of one shape and its property shapes, evaluated in one pass over its focus nodes.

    The query lists the focus nodes once and joins each path's values with an ``OPTIONAL`` (its value variable),
    binding one flag per constraint (``?fail_<i>``); a solution is a result of every constraint whose flag is
    true, with the value of its path if the component reports one. The 28 constraints of the qb:Observation
    shapes took 14.95 s as 28 queries, each reading every observation, and take 4.92 s as one pass (100 k
    observations, the same findings; ``bench/bench_validate.py``).
    """

    constraints: tuple[CoreConstraint, ...]
    #: per constraint, the variable (without ``?``) holding its value node, or None if it reports none
    values: tuple[str | None, ...]
    #: the query, with ``{foci}`` where its focus nodes are listed (:attr:`listing`, or a VALUES block)
    template: str
    #: the focus nodes of the group's targets, as a sub-select
    listing: str
    #: the focus nodes that may fail, in a cheaper pass (:func:`_screen_query`), or None to run :attr:`query` alone
    screen: str | None = None

    @property
    def query(self) -> str:
        """The query over every focus node."""
        return self.template.replace("{foci}", self.listing, 1)

    def query_for(self, foci: Sequence[ox.NamedNode | ox.Literal]) -> str:
        """The query over ``foci`` only (the screen's result)."""
        return self.template.replace("{foci}", _focus_values(foci), 1)


def _combinable(graph: rdflib.Graph, shape: rdflib.term.Node, component: str, path: str | None) -> bool:
    if component in _PER_VALUE or component == "hasValue":
        return True
    if path is None:
        return False
    n = int(graph.value(shape, SH[component]))  # type: ignore[arg-type]
    return (component, n) in (("minCount", 0), ("minCount", 1), ("maxCount", 0), ("maxCount", 1))


def core_groups(graph: rdflib.Graph,
                constraints: Sequence[CoreConstraint]) -> tuple[list[CoreGroup], list[CoreConstraint]]:
    """``constraints`` (from :func:`core_constraints`) as one :class:`CoreGroup` per shape with targets, and the
    rest (``sh:minCount`` / ``sh:maxCount`` above 1, which count), each still its own query."""
    groups: list[CoreGroup] = []
    used: set[int] = set()
    for target_shape in _shapes_with_targets(graph):
        listed = " UNION ".join(f"{{ {p} }}" for p in _target_patterns(graph, target_shape, enumerate_=True))
        members: list[CoreConstraint] = []
        values: list[str | None] = []
        flags: list[str] = []  # per member, the expression true where it fails
        joins: list[str] = []
        joined: set[str] = set()  # the paths of those joins
        counted: set[int] = set()  # the flags of sh:maxCount 1 (a second value), by index
        second_values: list[tuple[str, str]] = []  # (path, value variable) of each sh:maxCount 1
        shapes = [target_shape, *sorted(graph.objects(target_shape, SH.property))]
        for k, shape in enumerate(shapes):
            mine = [(i, c) for i, c in enumerate(constraints)
                    if (c.target, c.shape) == (str(target_shape), str(shape)) and i not in used]
            if not mine:
                continue
            path = _path_iri(graph, shape)
            value = f"?value_{k}" if path else "?this"
            if path:
                joins.append(f"OPTIONAL {{ ?this <{path}> {value} }}")
                joined.add(path)
            for i, c in mine:
                if not _combinable(graph, shape, c.component, path):
                    continue
                used.add(i)
                if c.component in _PER_VALUE:  # the inner variables are local to each EXISTS: one depth for all
                    test = _value_failure(graph, shape, c.component, value, 0)
                    flag = f"IF(BOUND({value}), COALESCE({test}, false), false)"
                elif c.component == "hasValue":
                    param = _n3(graph.value(shape, SH.hasValue))  # type: ignore[arg-type]
                    flag = (f"NOT EXISTS {{ ?this <{path}> {param} }}" if path else f"!sameTerm(?this, {param})")
                elif c.component == "minCount":
                    flag = "false" if int(graph.value(shape, SH.minCount)) == 0 else f"!BOUND({value})"  # type: ignore[arg-type]
                elif int(graph.value(shape, SH.maxCount)) == 0:  # type: ignore[arg-type]
                    flag = f"BOUND({value})"
                else:  # a second value of the path, in the one OPTIONAL below
                    second_values.append((path, value))
                    counted.add(len(flags))
                    flag = f"(BOUND(?secondValue_) && sameTerm(?secondPath_, <{path}>))"
                reports_value = _reports_value(c.component, path)
                members.append(c)
                values.append(value[1:] if reports_value else None)
                flags.append(flag)
        if not members:
            continue
        path_joins = list(dict.fromkeys(joins))
        second_join: list[str] = []
        if second_values:
            # One read of the focus node's triples finds a second value of any sh:maxCount 1 path (sameTerm, not
            # !=: "1.0" and "1.00" are two value nodes); one OPTIONAL per path read each path twice. A node with
            # second values on two paths gives a solution for each. 2.73 s → 2.46 s for the 28 constraints on
            # qb:Observation at 100 k observations.
            second = " || ".join(f"(sameTerm(?secondPath_, <{path}>) && !sameTerm(?secondValue_, {value}))"
                                 for path, value in second_values)
            second_join.append(f"OPTIONAL {{ ?this ?secondPath_ ?secondValue_ FILTER ({second}) }}")
        # The FILTER tests the flags' expressions themselves, so that Oxigraph drops the passing nodes before
        # binding the flags (28 BINDs for every observation: 2.46 s → 2.38 s at 100 k).
        binds = [f"BIND ({flag} AS ?fail_{n})" for n, flag in enumerate(flags)]
        listing = f"{{ SELECT DISTINCT ?this WHERE {{ {listed} }} }}"
        body = "\n  ".join(["{foci}", *path_joins, *second_join, f"FILTER ({' || '.join(flags)})", *binds])
        # a screen only where every joined path has sh:maxCount 1: a path without it may give a passing node several
        # solutions
        screen = (_screen_query(listing, path_joins, [f for n, f in enumerate(flags) if n not in counted])
                  if second_values and joined <= {path for path, _value in second_values} else None)
        groups.append(CoreGroup(tuple(members), tuple(values), f"SELECT * WHERE {{\n  {body}\n}}", listing, screen))
    rest = [c for i, c in enumerate(constraints) if i not in used]
    return groups, rest


def _screen_query(listing: str, path_joins: list[str], other_flags: list[str]) -> str:
    """A pass that lists the focus nodes of a :class:`CoreGroup` that may fail, without the read of each node's
    triples that finds second values (:func:`core_groups`), for a group whose every joined path has
    ``sh:maxCount 1``.

    A node then has a second value on one of those paths exactly when its ``OPTIONAL`` joins (``path_joins``) give
    it more than one solution: counting its solutions replaces reading all of its triples (for 100 k observations,
    15 triples each, 2.6 s → 1.6 s for the 28 constraints on qb:Observation). Nodes where one of ``other_flags`` (the
    group's other flags) is true are listed too; the group's query then runs on the listed nodes only, and gives the
    findings as before.
    """
    failing = " || ".join(other_flags) or "false"
    body = "\n  ".join([listing, *path_joins, f"BIND (IF({failing}, 1, 0) AS ?failing_)"])
    return f"SELECT ?this WHERE {{\n  {body}\n}} GROUP BY ?this HAVING (COUNT(*) > 1 || SUM(?failing_) > 0)"


#: Above this many screened nodes the group's query runs over all of them (its VALUES block would be the larger).
_MAX_SCREENED = 20_000


def run_core_group(store: Store, group: CoreGroup, graphs: Sequence[str] | None) -> list[Finding]:
    """Execute a :class:`CoreGroup` once over ``graphs``: the results of each of its constraints, as
    :func:`run_core_constraint` gives them."""
    query = group.query
    if group.screen is not None:
        nodes = [s["this"] for s in store.ox.query(group.screen, **_dataset(graphs))]  # type: ignore[arg-type,index,union-attr]
        if not nodes:
            return []
        if len(nodes) <= _MAX_SCREENED and not any(isinstance(n, ox.BlankNode) for n in nodes):
            query = group.query_for(nodes)
    solutions = store.ox.query(query, **_dataset(graphs))  # type: ignore[arg-type]
    assert isinstance(solutions, ox.QuerySolutions)
    found: dict[tuple[int, str, str], Finding] = {}
    for solution in solutions:
        for n, (constraint, value_var) in enumerate(zip(group.constraints, group.values, strict=True)):
            if solution[f"fail_{n}"] != _TRUE:
                continue
            this = solution["this"]
            value = solution[value_var] if value_var else None
            key = (n, str(this), str(value))
            if key not in found:
                found[key] = _core_finding(constraint, this, value)
    return list(found.values())


def _dataset(graphs: Sequence[str] | None) -> dict[str, object]:
    """Query options: the default graph is ``graphs`` merged, or (``None``) the union of all graphs."""
    if graphs is None:
        return {"use_default_graph_as_union": True}
    return {"default_graph": [ox.NamedNode(g) for g in graphs]}


def run_core_constraint(store: Store, constraint: CoreConstraint, graphs: Sequence[str] | None) -> list[Finding]:
    """Execute one compiled core constraint once over ``graphs`` (``None``: all graphs)."""
    kwargs = _dataset(graphs)
    solutions = store.ox.query(constraint.query, **kwargs)  # type: ignore[arg-type]
    assert isinstance(solutions, ox.QuerySolutions)
    has_value = "value" in [v.value for v in solutions.variables]
    return [_core_finding(constraint, s["this"], s["value"] if has_value else None) for s in solutions]


def _core_finding(constraint: CoreConstraint, this: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple,
                  value: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> Finding:
    default = f"{constraint.component} ({_local(constraint.path or constraint.shape)})"
    return Finding(
        rule=constraint.rule,
        severity=constraint.severity,
        focus=_text(this),
        message=_pick(constraint.messages, "en") or default,
        message_zh=_pick(constraint.messages, "zh") or default,
        values={} if value is None else {"value": figure(value)},
        shape=constraint.shape,
        value_term=None if value is None else str(value),
        path=constraint.path,
    )


# -- running -------------------------------------------------------------------------------


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode) else str(term)


def figure(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Decimal | str:
    """A bound value as a Python figure: numeric literals become ``Decimal``."""
    if isinstance(term, ox.Literal) and term.datatype.value in _NUMERIC:
        try:
            return Decimal(term.value)
        except InvalidOperation:
            return term.value
    return _text(term)


def format_message(template: str, bindings: dict[str, str]) -> str:
    """Fill ``{?var}`` / ``{$var}`` placeholders; unbound ones stay as written (as pyshacl does)."""
    return _PLACEHOLDER.sub(lambda m: bindings.get(m.group(1), m.group(0)), template)


def _pick(messages: dict[str, str], lang: str) -> str:
    return messages.get(lang) or messages.get("") or next(iter(messages.values()), "")


def run_sparql_constraint(store: Store, constraint: SparqlConstraint, graphs: Sequence[str] | None,
                          query: str | None = None) -> list[Finding]:
    """Execute one constraint once over ``graphs`` (``None``: the union of all graphs), as ``query`` when given
    (its :func:`group_query`, built once per catalogue)."""
    if not constraint.targets:
        return []
    kwargs = _dataset(graphs)
    foci = None
    if constraint.focus_select is not None:
        nodes = [s["this"] for s in store.ox.query(f"{constraint.prefixes}\n{constraint.focus_select}", **kwargs)]  # type: ignore[arg-type,index,union-attr]
        if not nodes:
            return []
        if all(isinstance(n, ox.NamedNode) for n in nodes):  # blank nodes cannot be written in VALUES
            foci = nodes
    text = query if query is not None and constraint.focus_select is None else fast_query(constraint, foci)
    solutions = store.ox.query(text, **kwargs)  # type: ignore[arg-type]
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    findings: dict[tuple[str, ...], Finding] = {}
    for solution in solutions:
        finding = _finding(constraint, {n: solution[n] for n in names if solution[n] is not None})
        findings.setdefault(finding.key(), finding)
    return list(findings.values())


def _finding(constraint: SparqlConstraint, bound: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]) -> Finding:
    """One solution of a constraint's SELECT as a finding (SHACL 5.3.2: ``?value``, or the focus)."""
    if "failure" in bound:
        raise RuntimeError(f"{constraint.shape}: SPARQL constraint reported a failure")
    this = bound.pop("this")
    value = bound.pop("value", None) or this
    texts = {n: _text(t) for n, t in bound.items()} | {"this": _text(this), "value": _text(value)}
    return Finding(
        rule=constraint.rule,
        severity=constraint.severity,
        focus=_text(this),
        message=format_message(_pick(constraint.messages, "en"), texts),
        message_zh=format_message(_pick(constraint.messages, "zh"), texts),
        values={"value": figure(value)} | {n: figure(t) for n, t in bound.items()},
        shape=constraint.shape,
        value_term=str(value),
    )


# -- constraints that differ only in their last FILTER, run as one query -------------------


def final_filter(select: str) -> tuple[str, str] | None:
    """``(select without it, its expression)`` when the last element of the WHERE group of
    ``select`` is a ``FILTER (…)`` and nothing follows the group (no GROUP BY, ORDER BY …)."""
    tokens = tokenize(select)
    if len(tokens) < 5 or tokens[0].text.upper() != "SELECT" or tokens[-1].text != "}" or tokens[-2].text != ")":
        return None
    depth, close = 0, len(tokens) - 2
    for open_ in range(close, -1, -1):
        depth += {")": 1, "(": -1}.get(tokens[open_].text, 0) if tokens[open_].kind == "other" else 0
        if depth == 0:
            break
    keyword = tokens[open_ - 1] if open_ > 0 and depth == 0 else None
    if keyword is None or keyword.kind != "name" or keyword.text.upper() != "FILTER":
        return None
    braces = sum({"{": 1, "}": -1}.get(t.text, 0) for t in tokens[: open_ - 1] if t.kind == "other")
    if braces != 1:  # the FILTER must be in the WHERE group itself, not in a nested group
        return None
    rest = select[: keyword.start] + select[tokens[-1].start :]
    return rest, select[tokens[open_].start : tokens[close].end]


def constraint_groups(constraints: Sequence[SparqlConstraint]) -> list[list[SparqlConstraint]]:
    """The constraints, those that differ only in their final FILTER grouped together (a rule's
    -info / -violation pair: the same figures, split by the rounding envelope), in order."""
    groups: dict[object, list[SparqlConstraint]] = {}
    for c in constraints:
        split = final_filter(c.select) if c.focus_select is None else None
        key = (split[0], c.targets, c.prefixes) if split else c.shape
        groups.setdefault(key, []).append(c)
    return list(groups.values())


def group_query(group: Sequence[SparqlConstraint]) -> str | None:
    """The query a group from :func:`constraint_groups` runs as (:func:`run_sparql_constraints`): its shared body
    once, each member's final FILTER as a ``BIND`` of its effective boolean value (``?keep_<k>_``: an error leaves it
    unbound, as it fails the FILTER), as the fast path writes it (:func:`fast_query`). None for a constraint whose
    focus nodes its SPARQL-based target lists first: that query is written at run time, with them. It depends on the
    shapes only, so the catalogue builds it once (``Check.query``): written for every run, tokenising the
    constraints took 0.27 s of each document's validation."""
    if len(group) == 1:
        return None if group[0].focus_select is not None else fast_query(group[0])
    splits = [final_filter(c.select) for c in group]
    body = splits[0][0]  # type: ignore[index]
    keeps = _keep_variables(len(group))
    binds = "".join(f"  BIND (IF({split[1]}, true, false) AS {keep})\n"  # type: ignore[index]
                    for split, keep in zip(splits, keeps, strict=True))
    either = " || ".join(f"COALESCE({keep}, false)" for keep in keeps)
    brace = body.rindex("}")
    select = f"{body[:brace]}{binds}  FILTER ({either})\n{body[brace:]}"
    head = tokenize(select)
    at = 2 if len(head) > 1 and head[1].kind == "name" and head[1].text.upper() in ("DISTINCT", "REDUCED") else 1
    if head[at].text != "*":
        select = f"{select[: head[at].start]}{' '.join(keeps)} {select[head[at].start :]}"
    return fast_query(SparqlConstraint(**{**group[0].__dict__, "select": select}))


def _keep_variables(members: int) -> list[str]:
    return [f"?keep_{k}_" for k in range(members)]


def run_sparql_constraints(store: Store, group: Sequence[SparqlConstraint], graphs: Sequence[str] | None,
                           query: str | None = None) -> list[Finding]:
    """Execute a group from :func:`constraint_groups` as one query (``query``, or its :func:`group_query`), each
    solution a finding of every member whose ``?keep_<k>_`` is true."""
    if len(group) == 1:
        return run_sparql_constraint(store, group[0], graphs, query)
    if not group[0].targets:
        return []
    keeps = _keep_variables(len(group))
    solutions = store.ox.query(query or group_query(group), **_dataset(graphs))  # type: ignore[arg-type]
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables if v.value not in {k[1:] for k in keeps}]
    findings: dict[tuple[str, ...], Finding] = {}
    for solution in solutions:
        for constraint, keep in zip(group, keeps, strict=True):
            if solution[keep[1:]] == _TRUE:
                finding = _finding(constraint, {n: solution[n] for n in names if solution[n] is not None})
                findings.setdefault(finding.key(), finding)
    return list(findings.values())


_TRUE = ox.Literal("true", datatype=ox.NamedNode(_XSD + "boolean"))


def _to_rdflib(store: Store, graphs: Iterable[str]) -> rdflib.Graph:
    lines = [f"{q.subject} {q.predicate} {q.object} ." for g in graphs for q in store.quads(g)]
    data = rdflib.Graph()
    data.parse(data="\n".join(lines), format="nt")
    return data


def findings_from_report(results: rdflib.Graph, shapes: rdflib.Graph) -> list[Finding]:
    """Findings from a SHACL validation report graph (pyshacl's output: the tests compare the
    compiled core constraints with pyshacl, the reference implementation, through it)."""
    findings = []
    # The report's own results only: pyshacl also types the nested sh:detail results of a failed
    # sh:node as sh:ValidationResult, but they are not results of the report (SHACL 3.6.2).
    reports = results.subjects(RDF.type, SH.ValidationReport)
    for result in (r for report in reports for r in results.objects(report, SH.result)):
        shape = results.value(result, SH.sourceShape)
        messages = _messages(results, result) or {}
        msgs = {m.language or "": str(m) for m in results.objects(result, SH.resultMessage)}
        messages = msgs or messages
        value = results.value(result, SH.value)
        path = results.value(result, SH.resultPath)
        findings.append(
            Finding(
                rule=rule_id(shapes, shape) if shape is not None else "",
                severity=_local(str(results.value(result, SH.resultSeverity))),
                focus=str(results.value(result, SH.focusNode)),
                message=_pick(messages, "en"),
                message_zh=_pick(messages, "zh"),
                values={} if value is None else {"value": _rdflib_figure(value)},
                shape=str(shape) if isinstance(shape, rdflib.URIRef) else "",
                value_term=None if value is None else value.n3(),
                path=str(path) if isinstance(path, rdflib.URIRef) else None,
            )
        )
    return findings


def _rdflib_figure(term: rdflib.term.Node) -> Decimal | str:
    if isinstance(term, rdflib.Literal) and term.datatype is not None and str(term.datatype) in _NUMERIC:
        try:
            return Decimal(str(term))
        except InvalidOperation:
            return str(term)
    return str(term)


def locate(store: Store, findings: Sequence[Finding], graphs: Sequence[str] | None) -> list[Finding]:
    """Attach table title, 序号 and column to findings whose focus is an observation or a row."""
    foci = sorted({f.focus for f in findings if f.focus.startswith(("http://", "https://"))})
    if not foci:
        return list(findings)
    bkg = uris.vocab()
    query = f"""
        SELECT ?focus ?title ?table ?row ?serial ?rownum ?heading ?colno ?breakdown WHERE {{
          VALUES ?focus {{ {" ".join(f"<{f}>" for f in foci)} }}
          {{ ?focus <{_QB}dataSet> ?table .
             OPTIONAL {{ ?focus <{bkg}sourceRow> ?row }}
             OPTIONAL {{ ?focus <{bkg}columnHeading> ?heading }}
             OPTIONAL {{ ?focus <{bkg}columnNumber> ?colno }}
             OPTIONAL {{ ?focus <{bkg}breakdown> ?breakdown }} }}
          UNION
          {{ ?focus <{bkg}table> ?table . BIND (?focus AS ?row) }}
          OPTIONAL {{ ?table <{_DCT}title> ?title }}
          OPTIONAL {{ ?row <{bkg}serialNumber> ?serial }}
          OPTIONAL {{ ?row <{_CSVW}rownum> ?rownum }}
        }}"""
    kwargs = _dataset(graphs)
    places: dict[str, Location] = {}
    for s in store.ox.query(query, **kwargs):  # type: ignore[union-attr, arg-type]
        if s["focus"].value in places:
            continue
        column = None
        if s["heading"] is not None or s["breakdown"] is not None:
            column = s["heading"].value if s["heading"] is not None else _local(s["breakdown"].value)
            if s["colno"] is not None:
                column += f" (栏次 {s['colno'].value})"
        row = s["serial"] or s["rownum"]
        places[s["focus"].value] = Location(
            table=(s["title"] or s["table"]).value,
            row=row.value if row is not None else None,
            column=column,
            row_iri=s["row"].value if s["row"] is not None else None,
        )
    return [_with_location(f, places.get(f.focus)) for f in findings]


def _with_location(finding: Finding, location: Location | None) -> Finding:
    if location is None:
        return finding
    return Finding(**{**finding.__dict__, "location": location})


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """``findings`` without repeats, in report order (rule, severity, focus)."""
    unique = {f.key(): f for f in findings}
    return sorted(unique.values(), key=lambda f: (f.rule, SEVERITIES.index(f.severity), f.focus, f.key()))


def document_graphs(document_iri: str) -> list[str]:
    """The graphs a document is validated over: its own, the ontology, the code lists and the shared graph."""
    return [document_iri, uris.ontology_graph(), uris.codelists_graph(), uris.shared_graph()]


def validation_workers() -> int:
    """How many constraints run at once: one per CPU this process may use (``BUDGETKG_VALIDATION_WORKERS``
    overrides). Oxigraph evaluates a query without holding the GIL, so threads sharing the store
    scale with the cores: 2.07× on 2 cores for four catalogue queries at 100 k observations."""
    configured = os.environ.get("BUDGETKG_VALIDATION_WORKERS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


@dataclass(frozen=True)
class Check:
    """One query of the catalogue: the core constraints of one shape (:class:`CoreGroup`), a compiled core
    constraint that counts, or a group of SHACL-SPARQL constraints run as one (:func:`constraint_groups`)."""

    rule: str
    label: str
    core: CoreConstraint | None = None
    group: tuple[SparqlConstraint, ...] = ()
    core_group: CoreGroup | None = None
    #: the group's :func:`group_query`
    query: str | None = None

    def run(self, store: Store, graphs: Sequence[str] | None) -> list[Finding]:
        if self.core_group is not None:
            return run_core_group(store, self.core_group, graphs)
        if self.core is not None:
            return run_core_constraint(store, self.core, graphs)
        return run_sparql_constraints(store, self.group, graphs, self.query)


def catalogue(shapes: rdflib.Graph) -> list[Check]:
    """Every check of ``shapes``, in reporting order: the core constraints (one query per shape with
    targets, :func:`core_groups`), then the SHACL-SPARQL constraints by group."""
    groups, rest = core_groups(shapes, core_constraints(shapes))
    return (
        [Check(g.constraints[0].rule, f"{_local(g.constraints[0].target)}: {len(g.constraints)} core constraints",
               core_group=g) for g in groups]
        + [Check(c.rule, f"{c.rule} {c.component}", core=c) for c in rest]
        + [Check(g[0].rule, " + ".join(_local(c.shape) for c in g), group=tuple(g), query=group_query(g))
           for g in constraint_groups(sparql_constraints(shapes))]
    )


def catalogue_of(files: Sequence[str] = SHAPE_FILES) -> list[Check]:
    """:func:`catalogue` of the shapes files ``files``, built once per base IRI and state of the files: every
    document's validation runs it, and building it (parsing, compiling, checking 169 queries) took 0.35–0.44 s."""
    stamps = tuple((name, (Path(SHAPES_DIR) / name).stat().st_mtime_ns) for name in files)
    return list(_catalogue_of(base_iri(), SHAPES_DIR, stamps))


@lru_cache(maxsize=8)
def _catalogue_of(base: str, folder: Path, stamps: tuple[tuple[str, int], ...]) -> tuple[Check, ...]:
    return tuple(catalogue(load_shapes([name for name, _ in stamps], base)))


def run_catalogue(store: Store, checks: Sequence[Check], graphs: Sequence[str] | None,
                  workers: int | None = None) -> list[Finding]:
    """Run ``checks`` over ``graphs`` (``None``: the union of all graphs), ``workers`` at a time
    (default :func:`validation_workers`), the findings in the order of ``checks`` whatever the
    order they finish in."""
    workers = workers or validation_workers()
    if workers == 1 or len(checks) < 2:
        return [f for check in checks for f in check.run(store, graphs)]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="validate") as pool:
        return [f for found in pool.map(lambda check: check.run(store, graphs), checks) for f in found]


def scope(store: Store, graphs: Sequence[str]) -> Sequence[str] | None:
    """``None`` (the union of all graphs) when ``store`` holds exactly ``graphs`` and nothing in its
    default graph, as a scratch store does, else ``graphs``. The same triples either way (Oxigraph
    merges both as a bag), but a pattern over the union is one index lookup, not one per graph:
    IC-19 2.95 s against 3.75 s, R08 3.06 s against 4.30 s at 100 k observations."""
    if next(iter(store.ox.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        return graphs
    named = {g.value for g in store.ox.named_graphs() if isinstance(g, ox.NamedNode)}
    return None if named == set(graphs) else graphs


def validate_graph(store: Store, document_iri: str, with_graphs: Sequence[str] = ()) -> list[Finding]:
    """Run every shape on a document's graph (with the ontology, code-list and shared graphs, and
    ``with_graphs``: the other file of a disclosure published as two, see ``pipeline.validate_pair``)."""
    graphs = scope(store, document_graphs(document_iri) + list(with_graphs))
    findings = run_catalogue(store, catalogue_of(), graphs)
    return sorted_findings(locate(store, findings, graphs))


def year_on_year_pairs(store: Store) -> dict[str, list[str]]:
    """Each document stating a change against a year whose disclosure by the same department, in the same budget
    phase, is in ``store``: document IRI -> the documents of that disclosure (what :func:`year_on_year` compares
    it with), sorted. Three small queries joined here: as one query, Oxigraph took 1.1 s on the corpus."""
    bkg = uris.vocab()
    union = _dataset(None)
    disclosures: dict[str, tuple[str, str, str]] = {}  # disclosure -> (department, year, phase)
    for s in store.ox.query(f"""SELECT ?d ?department ?year ?phase WHERE {{
            ?d a <{bkg}Disclosure> ; <{bkg}department> ?department ; <{bkg}fiscalYear> ?year ;
               <{bkg}budgetPhase> ?phase }}""", **union):  # type: ignore[union-attr,arg-type]
        disclosures[s["d"].value] = (s["department"].value, s["year"].value, s["phase"].value)  # type: ignore[index]
    parts: dict[str, list[str]] = {}  # disclosure -> its documents
    for s in store.ox.query(f"SELECT ?doc ?d WHERE {{ ?doc a <{bkg}SourceDocument> ; <{_DCT}isPartOf> ?d }}",
                            **union):  # type: ignore[union-attr,arg-type]
        parts.setdefault(s["d"].value, []).append(s["doc"].value)  # type: ignore[index]
    by_key = {key: d for d, key in disclosures.items()}
    pairs: dict[str, set[str]] = {}
    for s in store.ox.query(f"""SELECT DISTINCT ?doc ?year ?d WHERE {{
            ?change <{bkg}figureKind> <{uris.concept("figure-kind", "change")}> ; <{bkg}referenceYear> ?year ;
                    <{_DCT}isPartOf> ?doc . ?doc a <{bkg}SourceDocument> ; <{_DCT}isPartOf> ?d }}""",
                            **union):  # type: ignore[union-attr,arg-type]
        own = disclosures.get(s["d"].value)  # type: ignore[index]
        earlier = by_key.get((own[0], s["year"].value, own[2])) if own else None  # type: ignore[index]
        if earlier is not None and earlier != s["d"].value:  # type: ignore[index]
            pairs.setdefault(s["doc"].value, set()).update(parts.get(earlier, []))  # type: ignore[index]
    return {doc: sorted(earlier) for doc, earlier in sorted(pairs.items()) if earlier}


def year_on_year(store: Store, documents: Sequence[str] | None = None,
                 pairs: Mapping[str, Sequence[str]] | None = None) -> dict[str, list[Finding]]:
    """The year-on-year shapes (``YEAR_ON_YEAR_FILE``) over the union of ``store``'s graphs: for every document of
    :func:`year_on_year_pairs` (``pairs``, if already found; or of those, the ``documents`` named), its findings
    (possibly none), located and sorted. A finding's focus is a change statement of the document; its ``sh:value``,
    the figure of the earlier document it was compared with."""
    pairs = year_on_year_pairs(store) if pairs is None else pairs
    wanted = [doc for doc in pairs if documents is None or doc in documents]
    out: dict[str, list[Finding]] = {doc: [] for doc in wanted}
    if not wanted:
        return out
    findings = run_catalogue(store, catalogue_of([YEAR_ON_YEAR_FILE]), None)
    for finding in locate(store, findings, None):
        doc = next((d for d in wanted if finding.focus.startswith(d + "/")), None)
        if doc is not None:
            out[doc].append(finding)
    return {doc: sorted_findings(found) for doc, found in out.items()}


def check_datacube_integrity(store: Store) -> list[Finding]:
    """IC-1 … IC-21 over the union of all graphs of the store."""
    findings: list[Finding] = []
    for constraint in sparql_constraints(load_shapes([DATACUBE_FILE])):
        findings += run_sparql_constraint(store, constraint, None)
    return sorted_findings(locate(store, findings, None))


# -- output --------------------------------------------------------------------------------


def result_iri(report: str, finding: Finding) -> str:
    digest = hashlib.sha256("\x1f".join(finding.key()).encode()).hexdigest()[:16]
    return f"{report}/result/{digest}"


def _term(nt: str) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Parse one term written in N-Triples syntax."""
    if nt.startswith("_:"):
        return ox.BlankNode(nt[2:])
    triple = next(iter(ox.parse(f"<urn:s> <urn:p> {nt} .".encode(), format=ox.RdfFormat.N_TRIPLES)))
    return triple.object  # type: ignore[return-value]


def _focus_term(focus: str) -> ox.NamedNode | ox.BlankNode:
    """Focus nodes are IRIs, or blank nodes (kept as their label) in vocabulary graphs."""
    return ox.BlankNode(focus) if re.fullmatch(r"[A-Za-z0-9_-]+", focus) else ox.NamedNode(focus)


def report_triples(findings: Sequence[Finding], document_iri: str, report_iri: str | None = None,
                   derived_from: Sequence[str] = ()) -> list[ox.Triple]:
    """The findings as a ``sh:ValidationReport``: IRI ``report_iri``, by default ``uris.validation_graph(
    document_iri)``; derived from the document and the ``derived_from`` documents (a year-on-year report's
    earlier documents)."""
    report = ox.NamedNode(report_iri or uris.validation_graph(document_iri))
    doc = ox.NamedNode(document_iri)

    def sh(name: str) -> ox.NamedNode:
        return ox.NamedNode(_SH + name)

    out = [
        ox.Triple(report, ox.NamedNode(str(RDF.type)), sh("ValidationReport")),
        ox.Triple(
            report,
            sh("conforms"),
            ox.Literal("true" if not findings else "false", datatype=ox.NamedNode(_XSD + "boolean")),
        ),
        ox.Triple(report, ox.NamedNode(_PROV + "wasDerivedFrom"), doc),
        ox.Triple(report, ox.NamedNode(_DCT + "subject"), doc),
        *(ox.Triple(report, ox.NamedNode(_PROV + "wasDerivedFrom"), ox.NamedNode(d)) for d in derived_from),
    ]
    for finding in findings:
        node = ox.NamedNode(result_iri(report.value, finding))
        out += [
            ox.Triple(report, sh("result"), node),
            ox.Triple(node, ox.NamedNode(str(RDF.type)), sh("ValidationResult")),
            ox.Triple(node, sh("focusNode"), _focus_term(finding.focus)),
            ox.Triple(node, sh("resultSeverity"), sh(finding.severity)),
            ox.Triple(node, ox.NamedNode(_DCT + "identifier"), ox.Literal(finding.rule)),
        ]
        if finding.shape:
            out.append(ox.Triple(node, sh("sourceShape"), ox.NamedNode(finding.shape)))
        for text, lang in ((finding.message, "en"), (finding.message_zh, "zh")):
            if text:
                out.append(ox.Triple(node, sh("resultMessage"), ox.Literal(text, language=lang)))
        if finding.value_term:
            out.append(ox.Triple(node, sh("value"), _term(finding.value_term)))
        if finding.path:
            out.append(ox.Triple(node, sh("resultPath"), ox.NamedNode(finding.path)))
        if finding.location and finding.location.row_iri:
            row = ox.NamedNode(finding.location.row_iri)
            out.append(ox.Triple(node, ox.NamedNode(uris.vocab() + "sourceRow"), row))
        out += _figure_triples(node, finding.values)
    return out


def _figure_triples(result: ox.NamedNode, values: dict[str, Decimal | str]) -> list[ox.Triple]:
    """The compared figures of a result (``value``, ``sum``, ``diff``, ``envelope`` …), each a node
    with its name, position and value (an exact ``xsd:decimal`` for numbers): the report alone
    then says what was compared, and :func:`stored_findings` gives back the very findings."""
    bkg = uris.vocab()
    integer = ox.NamedNode(_XSD + "integer")
    out = []
    for position, (name, value) in enumerate(values.items()):
        node = ox.NamedNode(f"{result.value}/figure/{name}")
        literal = (ox.Literal(format(value, "f"), datatype=ox.NamedNode(_XSD + "decimal"))
                   if isinstance(value, Decimal) else ox.Literal(value))
        out += [
            ox.Triple(result, ox.NamedNode(bkg + "comparedFigure"), node),
            ox.Triple(node, ox.NamedNode(bkg + "figureName"), ox.Literal(name)),
            ox.Triple(node, ox.NamedNode(bkg + "figureOrder"), ox.Literal(str(position), datatype=integer)),
            ox.Triple(node, ox.NamedNode(str(RDF.value)), literal),
        ]
    return out


def stored_findings(store: Store, document_iri: str) -> list[Finding]:
    """A loaded document's findings as its stored report graphs hold them (no shape is run): its own report and
    its year-on-year report (:func:`year_on_year`), located in its tables like :func:`validate_graph`'s; ``[]`` if
    the document has no report."""
    reports = f"<{uris.validation_graph(document_iri)}> <{uris.year_on_year_graph(document_iri)}>"
    bkg = uris.vocab()
    results: dict[str, dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | None]] = {}
    for s in store.ox.query(f"""
        SELECT ?r ?rule ?severity ?focus ?shape ?value ?path ?en ?zh WHERE {{ VALUES ?report {{ {reports} }}
          GRAPH ?report {{
          ?report <{_SH}result> ?r .
          ?r <{_SH}focusNode> ?focus ; <{_SH}resultSeverity> ?severity ; <{_DCT}identifier> ?rule .
          OPTIONAL {{ ?r <{_SH}sourceShape> ?shape }}
          OPTIONAL {{ ?r <{_SH}value> ?value }}
          OPTIONAL {{ ?r <{_SH}resultPath> ?path }}
          OPTIONAL {{ ?r <{_SH}resultMessage> ?en FILTER (LANG(?en) = "en") }}
          OPTIONAL {{ ?r <{_SH}resultMessage> ?zh FILTER (LANG(?zh) = "zh") }} }} }}"""):  # type: ignore[union-attr]
        results[s["r"].value] = {v: s[v] for v in ("rule", "severity", "focus", "shape", "value", "path", "en", "zh")}
    figures: dict[str, dict[str, Decimal | str]] = {r: {} for r in results}
    for s in store.ox.query(f"""
        SELECT ?r ?name ?v WHERE {{ VALUES ?report {{ {reports} }} GRAPH ?report {{
          ?report <{_SH}result> ?r . ?r <{bkg}comparedFigure> ?f .
          ?f <{bkg}figureName> ?name ; <{bkg}figureOrder> ?order ; <{RDF.value}> ?v }} }} ORDER BY ?r ?order"""):  # type: ignore[union-attr]
        figures[s["r"].value][s["name"].value] = figure(s["v"])

    def text(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
        return "" if term is None else term.value

    findings = [
        Finding(
            rule=text(r["rule"]),
            severity=_local(text(r["severity"])),
            focus=text(r["focus"]),
            message=text(r["en"]),
            message_zh=text(r["zh"]),
            values=figures[iri],
            shape=text(r["shape"]),
            value_term=None if r["value"] is None else str(r["value"]),
            path=r["path"].value if r["path"] is not None else None,
        )
        for iri, r in results.items()
    ]
    graphs = document_graphs(document_iri)
    return sorted_findings(locate(store, findings, graphs))


def _figures(values: dict[str, Decimal | str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in values.items())


def render_text(findings: Sequence[Finding]) -> str:
    """Plain-text report, grouped by rule, then severity."""
    if not findings:
        return "No findings.\n"
    lines: list[str] = []
    for rule, by_rule in groupby(sorted_findings(findings), key=lambda f: f.rule):
        items = list(by_rule)
        lines.append(f"{rule} ({len(items)})")
        for severity, by_sev in groupby(items, key=lambda f: f.severity):
            lines.append(f"  {severity}")
            for f in by_sev:
                where = _where(f.location)
                lines.append(f"    - {where}{f.message}" + (f"\n      {f.message_zh}" if f.message_zh else ""))
    return "\n".join(lines) + "\n"


def _where(location: Location | None) -> str:
    if location is None:
        return ""
    parts = [p for p in (location.table, location.row and f"序号 {location.row}", location.column) if p]
    return " / ".join(parts) + ": " if parts else ""


def _rows(findings: Sequence[Finding]) -> Iterator[list[str]]:
    for f in sorted_findings(findings):
        loc = f.location or Location()
        yield [
            f.rule,
            f.severity,
            f.focus,
            loc.table or "",
            loc.row or "",
            loc.column or "",
            _figures(f.values),
            f.message,
        ]


#: The columns of ``render_csv`` (one per field of ``_rows``).
CSV_COLUMNS = ["rule", "severity", "focus", "table", "row", "column", "values", "message"]


def _csv(header: list[str], rows: Iterable[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def render_csv_by_document(groups: Sequence[tuple[str, Sequence[Finding]]]) -> str:
    """CSV of several documents' findings: ``document`` (the file name), then ``CSV_COLUMNS``."""
    return _csv(["document", *CSV_COLUMNS], ([name, *row] for name, findings in groups for row in _rows(findings)))


def render_csv(findings: Sequence[Finding]) -> str:
    """CSV with the columns ``CSV_COLUMNS``: rule,severity,focus,table,row,column,values,message."""
    return _csv(CSV_COLUMNS, _rows(findings))
