"""SHACL validation of a document graph: structure, RDF Data Cube well-formedness, 勾稽 arithmetic.

The shapes live in ``shapes/*.ttl`` (relative IRIs, resolved against the configured base IRI).
Two engines run them:

* **Core constraints** (``sh:minCount``, ``sh:datatype``, ``sh:class`` …) run through pyshacl
  on the document graph (plus the ontology and code-list graphs) exported to rdflib: documents
  are small, and pyshacl is the reference implementation.
* **SPARQL constraints** (``sh:sparql``) run on the *fast path*: each ``sh:select`` is executed
  once, by Oxigraph, over the whole document, instead of once per focus node. ``$this`` becomes
  the variable ``?this`` and the shape's targets are joined in as a sub-select of focus nodes
  at the start of the outer group. That is equivalent to SHACL's pre-binding as long as the
  query binds every use of ``$this`` in its own group, and sub-selects that use ``$this``
  project it; the shapes in ``shapes/`` are written that way, and ``tests/test_validate.py``
  checks the equivalence against pyshacl.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import groupby
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, XSD

from budgetkg import uris
from budgetkg.config import SHAPES_DIR, base_iri
from budgetkg.store import Store

#: Every shapes file, in reporting order.
SHAPE_FILES = ("structure.ttl", "datacube.ttl", "arithmetic.ttl", "crosstable.ttl", "narrative.ttl")
DATACUBE_FILE = "datacube.ttl"

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


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def _messages(graph: rdflib.Graph, *nodes: rdflib.term.Node) -> dict[str, str]:
    """``sh:message`` by language (``""`` for untagged) from the first node that has any."""
    for node in nodes:
        found = {m.language or "": str(m) for m in graph.objects(node, SH.message) if isinstance(m, rdflib.Literal)}
        if found:
            return found
    return {}


def _prefix_block(graph: rdflib.Graph, constraint: rdflib.term.Node) -> str:
    lines = []
    for holder in graph.objects(constraint, SH.prefixes):
        for decl in graph.objects(holder, SH.declare):
            prefix = graph.value(decl, SH.prefix)
            namespace = graph.value(decl, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


def _target_patterns(graph: rdflib.Graph, shape: rdflib.term.Node) -> tuple[str, ...]:
    """SPARQL patterns selecting the focus nodes of a shape's targets (SHACL 2.1.3)."""
    pats = [f"?this <{RDF.type}>/<{RDFS.subClassOf}>* <{c}> ." for c in graph.objects(shape, SH.targetClass)]
    if (shape, RDF.type, RDFS.Class) in graph:
        pats.append(f"?this <{RDF.type}>/<{RDFS.subClassOf}>* <{shape}> .")
    pats += [f"VALUES ?this {{ {n.n3()} }}" for n in graph.objects(shape, SH.targetNode)]
    pats += [f"?this <{p}> ?targetObject_ ." for p in graph.objects(shape, SH.targetSubjectsOf)]
    pats += [f"?targetSubject_ <{p}> ?this ." for p in graph.objects(shape, SH.targetObjectsOf)]
    return tuple(pats)


def rule_id(graph: rdflib.Graph, shape: rdflib.term.Node) -> str:
    ident = graph.value(shape, DCTERMS.identifier)
    return str(ident) if ident is not None else _local(str(shape))


def shape_severity(graph: rdflib.Graph, shape: rdflib.term.Node) -> str:
    return _local(str(graph.value(shape, SH.severity) or SH.Violation))


def sparql_constraints(graph: rdflib.Graph) -> list[SparqlConstraint]:
    """Every active ``sh:sparql`` constraint of the node shapes in ``graph``."""
    found = []
    for shape, constraint in sorted(graph.subject_objects(SH.sparql)):
        if graph.value(shape, SH.path) is not None:
            raise ValueError(f"{shape}: SPARQL constraints on property shapes are not supported by the fast path")
        if rdflib.Literal(True) in (graph.value(shape, SH.deactivated), graph.value(constraint, SH.deactivated)):
            continue
        select = str(graph.value(constraint, SH.select))
        if _OTHER_PREBOUND.search(select):
            raise ValueError(f"{shape}: only $this and $currentShape can be pre-bound by the fast path")
        found.append(
            SparqlConstraint(
                shape=str(shape),
                rule=rule_id(graph, shape),
                severity=shape_severity(graph, shape),
                targets=_target_patterns(graph, shape),
                prefixes=_prefix_block(graph, constraint),
                select=select,
                messages=_messages(graph, constraint, shape),
            )
        )
    return found


def fast_query(constraint: SparqlConstraint) -> str:
    """The constraint's SELECT with ``$this`` unbound and the targets joined in."""
    text = _THIS.sub("?this", constraint.select).replace("$currentShape", f"<{constraint.shape}>")
    union = " UNION ".join(f"{{ {p} }}" for p in constraint.targets)
    focus = f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"
    brace = text.index("{")
    return f"{constraint.prefixes}\n{text[: brace + 1]}\n  {focus}\n{text[brace + 1 :]}"


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


def run_sparql_constraint(store: Store, constraint: SparqlConstraint, graphs: Sequence[str] | None) -> list[Finding]:
    """Execute one constraint once over ``graphs`` (``None``: the union of all graphs)."""
    if not constraint.targets:
        return []
    kwargs: dict[str, object] = (
        {"use_default_graph_as_union": True} if graphs is None else {"default_graph": [ox.NamedNode(g) for g in graphs]}
    )
    solutions = store.ox.query(fast_query(constraint), **kwargs)  # type: ignore[arg-type]
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    findings: dict[tuple[str, ...], Finding] = {}
    for solution in solutions:
        bound = {n: solution[n] for n in names if solution[n] is not None}
        if "failure" in bound:
            raise RuntimeError(f"{constraint.shape}: SPARQL constraint reported a failure")
        this = bound.pop("this")
        value = bound.pop("value", None) or this
        texts = {n: _text(t) for n, t in bound.items()} | {"this": _text(this), "value": _text(value)}
        finding = Finding(
            rule=constraint.rule,
            severity=constraint.severity,
            focus=_text(this),
            message=format_message(_pick(constraint.messages, "en"), texts),
            message_zh=format_message(_pick(constraint.messages, "zh"), texts),
            values={"value": figure(value)} | {n: figure(t) for n, t in bound.items()},
            shape=constraint.shape,
            value_term=str(value),
        )
        findings.setdefault(finding.key(), finding)
    return list(findings.values())


def _to_rdflib(store: Store, graphs: Iterable[str]) -> rdflib.Graph:
    lines = [f"{q.subject} {q.predicate} {q.object} ." for g in graphs for q in store.quads(g)]
    data = rdflib.Graph()
    data.parse(data="\n".join(lines), format="nt")
    return data


def core_shapes(shapes: rdflib.Graph) -> rdflib.Graph:
    """The shapes graph without its SPARQL constraints (those run on the fast path)."""
    core = rdflib.Graph()
    for triple in shapes:
        if triple[1] != SH.sparql:
            core.add(triple)
    for shape in set(shapes.subjects(SH.sparql)):
        if not any(p.startswith(_SH) and p not in _NON_CONSTRAINT for p in core.predicates(shape)):
            for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
                core.remove((shape, p, None))
    return core


_NON_CONSTRAINT = {
    SH.severity,
    SH.message,
    SH.deactivated,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.name,
    SH.description,
}


def run_core(store: Store, graphs: Sequence[str], shapes: rdflib.Graph) -> list[Finding]:
    """Core (non-SPARQL) constraints through pyshacl on the exported graphs."""
    from pyshacl import validate as pyshacl_validate

    _conforms, results, _text_report = pyshacl_validate(
        _to_rdflib(store, graphs), shacl_graph=core_shapes(shapes), inference="none", advanced=False
    )
    return findings_from_report(results, shapes)


def findings_from_report(results: rdflib.Graph, shapes: rdflib.Graph) -> list[Finding]:
    """Findings from a SHACL validation report graph (pyshacl's output)."""
    findings = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
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
    kwargs: dict[str, object] = (
        {"use_default_graph_as_union": True} if graphs is None else {"default_graph": [ox.NamedNode(g) for g in graphs]}
    )
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


def _sorted(findings: Iterable[Finding]) -> list[Finding]:
    unique = {f.key(): f for f in findings}
    return sorted(unique.values(), key=lambda f: (f.rule, SEVERITIES.index(f.severity), f.focus, f.key()))


def validate_graph(store: Store, document_iri: str) -> list[Finding]:
    """Run every shape on a document's graph (with the ontology, code-list and shared graphs)."""
    graphs = [document_iri, uris.ontology_graph(), uris.codelists_graph(), uris.shared_graph()]
    shapes = load_shapes()
    findings = run_core(store, graphs, shapes)
    for constraint in sparql_constraints(shapes):
        findings += run_sparql_constraint(store, constraint, graphs)
    return _sorted(locate(store, findings, graphs))


def check_datacube_integrity(store: Store) -> list[Finding]:
    """IC-1 … IC-21 over the union of all graphs of the store."""
    findings: list[Finding] = []
    for constraint in sparql_constraints(load_shapes([DATACUBE_FILE])):
        findings += run_sparql_constraint(store, constraint, None)
    return _sorted(locate(store, findings, None))


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


def report_triples(findings: Sequence[Finding], document_iri: str) -> list[ox.Triple]:
    """The findings as a ``sh:ValidationReport`` (IRI ``uris.validation_graph(document_iri)``)."""
    report = ox.NamedNode(uris.validation_graph(document_iri))
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
    return out


def _figures(values: dict[str, Decimal | str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in values.items())


def render_text(findings: Sequence[Finding]) -> str:
    """Plain-text report, grouped by rule, then severity."""
    if not findings:
        return "No findings.\n"
    lines: list[str] = []
    for rule, by_rule in groupby(_sorted(findings), key=lambda f: f.rule):
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
    for f in _sorted(findings):
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


def render_csv(findings: Sequence[Finding]) -> str:
    """CSV with columns rule,severity,focus,table,row,column,values,message."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["rule", "severity", "focus", "table", "row", "column", "values", "message"])
    writer.writerows(_rows(findings))
    return buffer.getvalue()
