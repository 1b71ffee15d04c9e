"""IRIs minted from natural keys only.

Every IRI is a function of national codes and printed keys (region code, department code,
fiscal year, budget phase, table kind, classification code, column meaning); never of row
order, file paths or random ids, so building the same document twice mints the same IRIs and
two documents that share a code share its concept.

Layout under the base IRI (``config.base_iri()``)::

    def/budget#Term                               ontology (classes, properties, DSDs)
    code/{scheme}                                 a SKOS concept scheme
    code/{scheme}/{notation}                      a concept: functional/2010301, economic/30101, ...
    id/region/{adcode}                            administrative division (GB/T 2260 code)
    id/department/{adcode}/{dept}                 a budget unit (部门), keyed by its budget code
    {department}/unit/{unit}                      a unit (单位) its budget covers, keyed by name (本级: its own organ)
    id/disclosure/{adcode}/{dept}/{year}/{phase}  one 部门预算/决算 publication
    {disclosure}/document/{part}                  one source file of it; also its named graph
    {document}/table/{kind}                       a qb:DataSet (one source table)
    {dataset}/row/{n}                             a printed row (n = its line in the table grid)
    {dataset}/obs/{item}/{column}                 a qb:Observation
    {document}/validation                         the document's SHACL report (and its graph)
    {document}/validation/year-on-year            its report against the department's previous year
    graph/ontology, graph/codelists               graphs not tied to a document
    graph/shared                                  code concepts, departments, regions met in documents
    graph/contributions                           per document, the graph/shared triples it contributes
    {document}/shared-contribution                that record's subject (one literal per triple)
"""

from __future__ import annotations

from urllib.parse import quote

from budgetkg.config import base_iri

REF_YEAR = "http://reference.data.gov.uk/id/gregorian-year/"
OBEU_PHASE = "http://data.openbudgets.eu/resource/codelist/budget-phase/"

#: Budget phase key -> OpenBudgets.eu budget-phase concept.
PHASES = {"budget": OBEU_PHASE + "approved", "final": OBEU_PHASE + "executed"}


def segment(text: str) -> str:
    """Percent-encode one path segment (Chinese names, slashes) so IRIs stay plain URIs."""
    return quote(text.strip(), safe="-._~")


def vocab(base: str | None = None) -> str:
    """Namespace of the budgetkg ontology."""
    return (base or base_iri()) + "def/budget#"


def scheme(name: str) -> str:
    return f"{base_iri()}code/{name}"


def concept(scheme_name: str, notation: str) -> str:
    return f"{scheme(scheme_name)}/{segment(notation)}"


def printed_name(concept_iri: str, name: str) -> str:
    """One name printed for a classification code (names change between years)."""
    return f"{concept_iri}/name/{segment(name)}"


def fiscal_year(year: int) -> str:
    """A calendar-year interval: the Chinese fiscal year is the calendar year."""
    return f"{REF_YEAR}{year}"


def region(adcode: str) -> str:
    return f"{base_iri()}id/region/{segment(adcode)}"


def department(adcode: str, dept_code: str) -> str:
    return f"{base_iri()}id/department/{segment(adcode)}/{segment(dept_code)}"


def unit(department_iri: str, unit_key: str) -> str:
    """A unit (单位) of a department's budget: no unit code is printed, so keyed by its name."""
    return f"{department_iri}/unit/{segment(unit_key)}"


def disclosure(adcode: str, dept_code: str, year: int, phase: str) -> str:
    return f"{base_iri()}id/disclosure/{segment(adcode)}/{segment(dept_code)}/{year}/{phase}"


def document(disclosure_iri: str, part: str = "main") -> str:
    return f"{disclosure_iri}/document/{segment(part)}"


def dataset(document_iri: str, kind: str, qualifier: str | None = None) -> str:
    iri = f"{document_iri}/table/{segment(kind)}"
    return f"{iri}/{segment(qualifier)}" if qualifier else iri


def row(dataset_iri: str, grid_row: int) -> str:
    return f"{dataset_iri}/row/{grid_row}"


def observation(dataset_iri: str, item_key: str, column_key: str) -> str:
    return f"{dataset_iri}/obs/{segment(item_key)}/{segment(column_key)}"


def paragraph(document_iri: str, key: str) -> str:
    """A prose paragraph; ``key`` from :func:`budgetkg.model.paragraph_keys`."""
    return f"{document_iri}/paragraph/{key}"


def validation_graph(document_iri: str) -> str:
    return f"{document_iri}/validation"


def year_on_year_graph(document_iri: str) -> str:
    """The report of the rules that compare the document with its department's disclosure of the year before
    (``shapes/year-on-year.ttl``): derived from both, rebuilt whenever either is loaded or dropped."""
    return f"{document_iri}/validation/year-on-year"


def ontology_graph() -> str:
    return f"{base_iri()}graph/ontology"


def codelists_graph() -> str:
    return f"{base_iri()}graph/codelists"


def shared_graph() -> str:
    """Resources shared by documents (code concepts met in them, departments, regions,
    disclosures). Kept in one graph because the union default graph keeps duplicates: the same
    triple in two document graphs would double every aggregate that joins through it."""
    return f"{base_iri()}graph/shared"


def contributions_graph() -> str:
    """Bookkeeping for :func:`shared_graph`: which shared triples each document contributed, so
    that replacing or dropping a document removes the ones no other document still contributes
    (see ``store.Store.replace_graphs``). Each triple is recorded as an N-Triples *literal*: the
    records assert nothing, so the union default graph counts every shared triple once."""
    return f"{base_iri()}graph/contributions"


def contribution(document_iri: str) -> str:
    """Subject of a document's record in :func:`contributions_graph` (not the document IRI
    itself, so that the document's page does not list every line of its record)."""
    return f"{document_iri}/shared-contribution"
