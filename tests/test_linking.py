"""Alignments to shared vocabularies: the COFOG linkset, and a cross-vocabulary query on the sample."""

from __future__ import annotations

from decimal import Decimal

import rdflib

from budgetkg.config import ONTOLOGY_DIR, SPARQL_DIR
from budgetkg.store import Store

BASE = "http://127.0.0.1:8000/"
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
MATCHES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)


def _linkset() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY_DIR / "codelists-cofog.ttl", publicID=BASE)


def test_linkset_is_described_and_counted() -> None:
    g = _linkset()
    links = [(s, p, o) for p in MATCHES for s, o in g.subject_objects(p)]
    assert len(links) == 26
    linkset = rdflib.URIRef(BASE + "id/linkset/functional-cofog")
    assert int(g.value(linkset, VOID.triples)) == len(links)
    assert set(g.objects(linkset, VOID.linkPredicate)) == {p for _, p, _ in links}
    # Every link goes from a functional 类 of codelists.ttl to a COFOG concept defined here.
    classes = rdflib.Graph().parse(ONTOLOGY_DIR / "codelists.ttl", publicID=BASE)
    for s, _, o in links:
        assert (s, SKOS.inScheme, rdflib.URIRef(BASE + "code/functional")) in classes
        assert (o, SKOS.inScheme, rdflib.URIRef(BASE + "code/cofog")) in g
    # At most one link per class: sums by COFOG division never count a class twice.
    subjects = [s for s, _, _ in links]
    assert len(subjects) == len(set(subjects))
    # The four classes without a functional meaning in COFOG stay unlinked.
    functional = rdflib.URIRef(BASE + "code/functional")
    unlinked = {str(s).rsplit("/", 1)[-1] for s in classes.subjects(SKOS.inScheme, functional)}
    unlinked -= {str(s).rsplit("/", 1)[-1] for s in subjects}
    assert unlinked == {"223", "227", "229", "234"}


def test_spending_by_cofog_on_the_sample(sample_store: Store) -> None:
    query = (SPARQL_DIR / "09-spending-by-cofog.rq").read_text(encoding="utf-8")
    rows = [(s["cofog"].value, s["cofogName"].value, Decimal(s["amountYuan"].value), int(s["classes"].value))
            for s in sample_store.query(query)]
    # 201 → 01; 203 → 02; 212 (closeMatch 06) and 221 (closeMatch 06.1 ⊂ 06) → 06; 210 → 07;
    # 208 → 10 — from the sample's 一般公共预算财政拨款支出表 类 rows, in 万元 × 10000.
    assert rows == [
        ("01", "General public services", Decimal(3338500), 1),
        ("02", "Defence", Decimal(20000), 1),
        ("06", "Housing and community amenities", Decimal(2781000 + 324100), 2),
        ("07", "Health", Decimal(402600), 1),
        ("10", "Social protection", Decimal(1358000), 1),
    ]


def test_void_and_dcat_describe_coverage_distributions_and_linksets(sample_store: Store) -> None:
    from budgetkg.metadata import void_triples

    root = "http://127.0.0.1:8000/"
    g = {(t.subject.value, t.predicate.value, t.object.value) for t in void_triples(sample_store, root)}
    ds = root + ".well-known/void#dataset"
    dcat, dct = "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/"
    assert (root + ".well-known/void#catalog", dcat + "dataset", ds) in g
    assert (ds, "http://rdfs.org/ns/void#subset", root + "id/linkset/functional-cofog") in g
    # the departments' own regions (the divisions above them are linked from those by dcterms:isPartOf)
    assert {o for s, p, o in g if s == ds and p == dct + "spatial"} == {root + "id/region/130303"}
    period = root + ".well-known/void#temporal"
    assert {(p, o) for s, p, o in g if s == period and p != "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"} == {
        (dcat + "startDate", "2023"), (dcat + "endDate", "2023")}
    downloads = {o for s, p, o in g if p == dcat + "downloadURL"}
    assert downloads == {root + "dumps/all.nq.gz", root + "dumps/all.trig.gz", root + "dumps/all.ttl.gz"}
    assert not any(p == dct + "license" for _, p, _ in g)  # none configured: none claimed
