"""Figures stated in the explanatory text (情况说明) of a disclosure, as RDF statements.

The national template's narrative repeats the tables in standard sentences: the year's income
and expenditure (收入预算…万元 / 支出预算…万元), the 基本支出 / 项目支出 split and the
人员经费 / 公用经费 split, each project and its amount (…项目，安排10.00万元), the itemised
机关运行经费, the "三公" total and its items, year-on-year changes (比2022年预算增加…万元,
与上年持平) and asset figures (上年末固定资产金额为…万元). The extractors below are regexes
over those sentences, not over one document: a figure is a money amount (a number followed by
万元 / 元 / 千元 / 亿元), its *label* is the text of its clause before it, and the label decides
the indicator (a concept of ``code:narrative-indicator``, ``ontology/narrative.ttl``). A figure
whose label matches no indicator is not emitted: nothing is guessed.

Each statement is ``{paragraph}/figure/{n}`` (``n``: 1-based position of the figure among the
statements of its paragraph, in reading order) with the indicator, the figure kind (amount in
the budget year, change against a reference year), the amount as an exact ``xsd:decimal``, the
unit **as written** (a "0.30元" in a 万元 list stays 元 — rule R47 flags it), the amount in 元,
the exact text span, the sentence, and a link to its paragraph. Structure the text states is
kept too: ``bkg:partOf`` links the items of an exhaustive list to its total (the "三公" items,
人员经费 + 公用经费 of 基本支出, 基本 + 项目 of the year's expenditure, a 机关运行经费 list
that declares 明细相加 = 合计, the projects of 项目支出) so that rules R45, R48 and R50 can add
them up; ``bkg:changeOf`` links a change to the figure it changes.

Paged formats (PDF) give one Paragraph per printed line, wrapped mid-sentence: consecutive
paragraphs are joined into one running text (lines of a PDF without a separator, other formats
with a line break) until a table interrupts the prose, and sentences are cut at 。！？ and line
breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox

from budgetkg import uris
from budgetkg.model import Paragraph, SourceDocument, paragraph_keys

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
SDMX_ATTR = "http://purl.org/linked-data/sdmx/2009/attribute#"

UNITS = {"万元": "wan-yuan", "万": "wan-yuan", "元": "yuan", "千元": "qian-yuan", "亿元": "yi-yuan"}
FACTOR = {"wan-yuan": Decimal(10000), "yuan": Decimal(1), "qian-yuan": Decimal(1000), "yi-yuan": Decimal(10**8)}

#: A money amount: a number (thousands separators allowed) and a money unit. "万" alone (a
#: truncated "万元") only when no Chinese character follows (not 万人, 万平方米).
_MONEY = re.compile(
    r"(?<![\d.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
    r"(?P<unit>万元|亿元|千元|元|万(?![\u4e00-\u9fff]))"
)
#: A threshold, not a figure: 单价100万元（含）以上, 50万元以上.
_THRESHOLD_BEFORE = re.compile(r"(单价|价值|金额在|超过|低于|不足)\s*$")
_THRESHOLD_AFTER = re.compile(r"^\s*(（含）|\(含\))?\s*(以上|以下|及以上|及以下)")
_FLAT = re.compile(
    r"(?:与|比|较)\s*(?P<ref>上年|上一年度?|\d{4}\s*年度?)(?:同期)?(?:预算|预算数|决算|决算数)?(?:相比)?(?:基本)?持平"
)
_CHANGE = re.compile(
    r"(?:(?:与|比|较)\s*(?P<ref>上年|上一年度?|\d{4}\s*年度?)(?:（[^）]*）|\([^)]*\))?"
    r"(?:同期)?(?:预算|预算数|决算|决算数)?(?:相比)?)?(?P<dir>增加|减少|增长|下降)了?$"
)
_SENTENCE_END = "。！？\n"
_CLAUSE_DELIMS = "，,；;：:、。！？\n"
_OPEN, _CLOSE = "（(【[“", "）)】]”"
_LEADING = re.compile(
    r"^(?:[（(][一二三四五六七八九十]+[)）]、?|[一二三四五六七八九十]+、|\d+[、.．](?!\d)"
    r"|其中|主要是|主要为|主要用于|主要包括|包括|分别是|分别为|以及|及|和|与|共计|合计|为|是|：|:|\s)+"
)
_LEADING_AT = re.compile(_LEADING.pattern[1:])  # the same, anchored at a match position
_YEAR_PREFIX = re.compile(r"^(?:\d{4}年度?|本年度?|上年末?|当年)[，,]?")


@dataclass(frozen=True)
class Statement:
    """One figure stated in the text."""

    paragraph: str  # the paragraph's key (budgetkg.model.paragraph_keys)
    ordinal: int  # 1-based position among the statements of its paragraph
    indicator: str  # notation of a code:narrative-indicator concept
    kind: str  # "amount" | "change"
    amount: Decimal  # as written (a change: its magnitude)
    printed: str  # the number as written ("0.30", "1,212.12"); "" for a change stated in words (持平)
    unit: str | None  # unit concept notation as written (wan-yuan, yuan…); None for 持平
    unit_text: str  # the unit as written ("万元", "元"); "" for 持平
    decimals: int
    span: str  # the exact text of the statement
    sentence: str
    label: str  # the label as printed (project or item name), "" when the indicator says it all
    direction: str = ""  # change: increase | decrease | flat
    reference_year: int | None = None  # change: the year compared with
    part_of: int | None = None  # index (in the returned list) of the total this is an item of
    change_of: int | None = None  # index of the figure this change is a change of

    @property
    def amount_in_yuan(self) -> Decimal | None:
        return None if self.unit is None else self.amount * FACTOR[self.unit]

    @property
    def signed(self) -> Decimal:
        return -self.amount if self.direction == "decrease" else self.amount


# -- indicators --------------------------------------------------------------------------------

#: (indicator, pattern over the label's end). First match wins; order matters (specific first).
_INDICATORS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("three-public-total",
         r"[“\"]?三公[”\"]?经费(?:财政拨款)?(?:支出)?(?:预算|预算数)?(?:安排|合计|共计)?(?:为|是)?$"),
        ("outbound-travel", r"因公出国[（(]境[)）](?:费|经费)(?:预算)?(?:支出)?(?:预算)?(?:为)?$"),
        ("official-vehicles", r"公务(?:用)?车(?:辆)?购置及运(?:行维护|行|维)费?(?:预算)?(?:支出)?(?:预算)?(?:为)?$"),
        ("vehicle-purchase", r"公务(?:用)?车(?:辆)?购置(?:费)?(?:预算)?(?:支出)?(?:预算)?(?:为)?$"),
        ("vehicle-operation", r"公务(?:用)?车(?:用车)?运行(?:维护)?(?:费(?:预算)?(?:支出)?|支出)(?:预算)?(?:为)?$"),
        ("official-reception", r"公务接待(?:费(?:预算)?(?:支出)?|支出)(?:预算)?(?:为)?$"),
        ("institution-operation-expenses", r"机关运行(?:经)?费(?:预算)?(?:共计)?(?:安排|支出)?(?:预算)?(?:为|是)?$"),
        ("fixed-assets", r"(?<!拟购置)(?<!购置)(?<!其他)固定资产(?:金额|总额|原值|账面价值)?(?:为|是)?$"),
        ("government-procurement", r"(?<![类物程务])政府采购(?:支出)?(?:预算|金额)(?:总额)?(?:为|是)?$"),
        ("basic-expenditure", r"基本支出(?:预算)?(?:安排)?(?:为|是)?$"),
        ("project-expenditure", r"项目支出(?:预算)?(?:安排)?(?:为|是)?$"),
        ("personnel-expenditure", r"人员经费(?:支出)?(?:为|是)?$"),
        ("public-expenditure", r"(?:日常)?公用经费(?:支出)?(?:为|是)?$"),
        ("general-public-budget-income", r"一般公共预算(?:拨款)?收入(?:预算)?(?:为|是)?$"),
        ("government-fund-income", r"(?:政府性)?基金(?:预算)?(?:拨款)?收入(?:预算)?(?:为|是)?$"),
        ("state-capital-income", r"国有资本经营预算(?:拨款)?收入(?:预算)?(?:为|是)?$"),
        ("special-account-income", r"财政专户(?:核拨|管理资金)?收入(?:预算)?(?:为|是)?$"),
        ("fiscal-appropriation-income", r"财政拨款收入(?:预算)?(?:为|是)?$"),
        ("operating-income", r"事业单位经营收入(?:预算)?(?:为|是)?$"),
        ("business-income", r"(?<!经营)事业收入(?:预算)?(?:为|是)?$"),
        ("other-income", r"其他(?:来源)?收入(?:预算)?(?:为|是)?$"),
        ("carry-over", r"(?:财政拨款)?(?:上年)?结转(?:结余|和结余)?(?:收入)?(?:为|是)?$"),
        ("general-public-budget-expenditure", r"一般公共预算(?:财政)?拨款(?:预算)?支出(?:预算)?(?:为|是)?$"),
        ("government-fund-expenditure", r"政府性基金(?:预算)?(?:财政)?(?:拨款)?支出(?:预算)?(?:支出)?(?:为|是)?$"),
        ("state-capital-expenditure", r"国有资本经营预算(?:财政)?拨款支出(?:预算)?(?:为|是)?$"),
        ("fiscal-appropriation-expenditure", r"财政拨款(?:预算)?支出(?:预算)?(?:为|是)?$"),
        ("income-total", r"(?:预算收入|收入预算|本年收入合计|收入合计|(?<!支出)收入总计|全部收入)(?:安排)?(?:为|是)?$"),
        ("expenditure-total",
         # not after an item or a fund (…费预算支出, 财政拨款预算支出): those name a part, not the total
         r"(?<!收入)(?<!费)(?<!拨款)(?<!购置)(?<!采购)(?<!基金)(?<!支出)"
         r"(?:预算支出|支出预算|本年支出合计|支出合计|支出总计|全部支出)(?:安排)?(?:为|是)?$"),
    )
)
_PROJECT = re.compile(r"项目$")
_SPLITS = {"basic-expenditure", "project-expenditure", "personnel-expenditure", "public-expenditure"}
_QUALIFIED = re.compile(r"财政拨款|一般公共预算|政府性基金|国有资本经营")
_CHANGE_VERB = re.compile(r"^(?:增加|减少|增长|下降|降低|提高)")
#: A sentence about one classification subject: "住房改革支出(款)：…", "（类）".
_SUBJECT_LEVEL = re.compile(r"[（(][类款项][)）]")
_ARRANGED = re.compile(r"^(?:预算)?安排(?:资金)?(?:为)?$")
#: Items of a 三公 list: the indicators that are parts of the 三公 total or of its vehicle item.
_THREE_PUBLIC_ITEMS = {"outbound-travel", "official-vehicles", "vehicle-purchase", "vehicle-operation",
                       "official-reception"}
_SELF_DECLARED_SUM = re.compile(r"明细相加|各项相加|合计数?[=＝]|相加[=＝]")


def classify(label: str) -> str | None:
    """The indicator a label names, or None."""
    text = _YEAR_PREFIX.sub("", _LEADING.sub("", label)).strip()
    for name, pattern in _INDICATORS:
        if pattern.search(text):
            return name
    return None


# -- running text ------------------------------------------------------------------------------


@dataclass
class _Text:
    """The prose between two tables, joined, with each character's paragraph."""

    text: str
    owners: list[int]  # per character: index into the paragraph list


def _runs(doc: SourceDocument) -> list[_Text]:
    runs: list[_Text] = []
    current: _Text | None = None
    paged = doc.media_type == "application/pdf" or "pdf" in doc.reader.lower()
    # A printed line wraps when it is about as long as the page's full lines; a shorter line
    # (a heading, a list item's last line) ends where it ends.
    lengths = sorted(len(p.text.strip()) for p in doc.paragraphs)
    full = lengths[int(len(lengths) * 0.9)] if lengths else 0
    index = -1
    previous = ""
    for block in doc.blocks:
        if not isinstance(block, Paragraph):
            current = None
            continue
        index += 1
        text = block.text.strip()
        if current is None:
            current = _Text("", [])
            runs.append(current)
        elif current.text:
            wraps = paged and current.text[-1] not in _SENTENCE_END and len(previous) >= 0.75 * full
            sep = "" if wraps else "\n"
            current.text += sep
            current.owners += [index] * len(sep)
        current.text += text
        current.owners += [index] * len(text)
        previous = text
    return runs


def _sentences(run: _Text) -> list[tuple[int, int]]:
    spans, start = [], 0
    for i, ch in enumerate(run.text):
        if ch in _SENTENCE_END:
            if ch == "。" and run.text[i + 1 : i + 2] in ("（", "("):
                continue  # "…支出。（明细相加=…）": the note belongs to the sentence
            if i + 1 > start and run.text[start : i + 1].strip():
                spans.append((start, i + 1))
            start = i + 1
    if run.text[start:].strip():
        spans.append((start, len(run.text)))
    return spans


def _clause_start(text: str, end: int, floor: int) -> int:
    """Start of the clause ending at ``end``: after the last delimiter outside brackets."""
    depth = 0
    for i in range(end - 1, floor - 1, -1):
        ch = text[i]
        if ch in _CLOSE:
            depth += 1
        elif ch in _OPEN:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in _CLAUSE_DELIMS:
            return i + 1
    return floor


# -- extraction --------------------------------------------------------------------------------


@dataclass
class _Raw:
    start: int  # offset of the label (span start) in the run
    num_start: int
    end: int
    indicator: str
    kind: str
    amount: Decimal
    printed: str
    unit: str | None
    unit_text: str
    decimals: int
    label: str
    direction: str = ""
    ref: str = ""
    subject: int | None = None  # index into the sentence's raws of the changed figure


def _year(ref: str, year: int | None) -> int | None:
    if m := re.match(r"(\d{4})", ref):
        return int(m.group(1))
    return year - 1 if year and ref else None


def _sentence_figures(text: str, lo: int, hi: int, three_public_open: bool) -> list[_Raw]:
    """The figures of one sentence. ``three_public_open``: a "三公" total was stated earlier in
    the same passage, so unnamed items ("培训费0.17万元") are items of its list."""
    raws: list[_Raw] = []
    last_end = lo
    events: list[tuple[int, str, re.Match[str]]] = [(m.start(), "money", m) for m in _MONEY.finditer(text, lo, hi)]
    events += [(m.start(), "flat", m) for m in _FLAT.finditer(text, lo, hi)]
    for _pos, what, m in sorted(events, key=lambda e: e[0]):
        if m.start() < last_end:
            continue
        if what == "flat":
            subject = _last_amount(raws)
            if subject is not None:
                raws.append(_Raw(m.start(), m.start(), m.end(), raws[subject].indicator, "change", Decimal(0), "",
                                 None, "", 0, raws[subject].label, "flat", m.group("ref"), subject))
            last_end = m.end()
            continue
        if _THRESHOLD_BEFORE.search(text[lo : m.start()]) or _THRESHOLD_AFTER.match(text[m.end() : hi]):
            last_end = m.end()
            continue
        start = max(_clause_start(text, m.start(), lo), last_end)
        if lead := _LEADING_AT.match(text, start, m.start()):
            start = lead.end()
        label = text[start : m.start()]
        printed = m.group("num")
        amount = Decimal(printed.replace(",", ""))
        decimals = len(printed.split(".")[1]) if "." in printed else 0
        unit_text = m.group("unit")
        common = dict(num_start=m.start(), end=m.end(), amount=amount, printed=printed,
                      unit=UNITS[unit_text], unit_text=unit_text, decimals=decimals)
        stripped = label.strip()
        if change := _CHANGE.search(stripped):
            subject_text = stripped[: change.start()]
            direction = "decrease" if change.group("dir") in ("减少", "下降") else "increase"
            ref = change.group("ref") or ""
            own = classify(subject_text) if subject_text and not change.group("ref") else None
            if own is not None:
                raws.append(_Raw(start, indicator=own, kind="change", label="", direction=direction, ref=ref,
                                 **common))  # type: ignore[arg-type]
            elif (subject := _last_amount(raws)) is not None and change.group("ref"):
                raws.append(_Raw(start, indicator=raws[subject].indicator, kind="change", label=raws[subject].label,
                                 direction=direction, ref=ref, subject=subject, **common))  # type: ignore[arg-type]
            last_end = m.end()
            continue
        owner = _list_owner(raws)
        if owner is not None and raws[owner].indicator == "institution-operation-expenses":
            # every figure after a 机关运行经费 total in its sentence is an item of its list
            raws.append(_Raw(start, indicator="itemised-entry", kind="amount", label=_LEADING.sub("", stripped),
                             **common))  # type: ignore[arg-type]
            last_end = m.end()
            continue
        indicator = classify(stripped)
        if indicator == "expenditure-total" and _SUBJECT_LEVEL.search(text[lo:start]):
            # "住房改革支出(款)：2018 年预算支出合计…": the total of one 类/款/项, not of the budget
            indicator = None
        if indicator in _SPLITS and _QUALIFIED.search(stripped):
            # "财政拨款基本支出预算…": the split of one fund, not of the budget (tables compare totals)
            indicator = None
        if indicator is not None and _CHANGE_VERB.match(_LEADING.sub("", stripped)):
            # "增加基本支出 844.15 万元": a change stated before its subject, not an amount
            indicator = None
        item_label = ""
        if indicator is None and _ARRANGED.match(_LEADING.sub("", stripped)):
            # "…项目，安排10.00万元": the project is named in the clause before.
            prev_start = _clause_start(text, start - 1, max(lo, last_end)) if start - 1 > lo else start
            previous = text[prev_start : start - 1].strip()
            if _PROJECT.search(previous):
                indicator, item_label, start = "project", _project_name(previous), prev_start
        elif indicator is None and _PROJECT.search(stripped.rstrip("，,：: ")):
            indicator, item_label = "project", _project_name(stripped)
        if indicator is None and (owner is not None or three_public_open) and stripped.endswith("费"):
            indicator, item_label = "itemised-entry", _LEADING.sub("", stripped)
        if indicator is None:
            last_end = m.end()
            continue
        raws.append(_Raw(start, indicator=indicator, kind="amount", label=item_label, **common))  # type: ignore[arg-type]
        last_end = m.end()
    return raws


def _project_name(text: str) -> str:
    text = _LEADING.sub("", text.strip().rstrip("，,：: "))
    return re.sub(r"^[^:：]*(?:拨款|资金)[:：]", "", text).strip()


def _last_amount(raws: list[_Raw]) -> int | None:
    return next((i for i in range(len(raws) - 1, -1, -1) if raws[i].kind == "amount"), None)


def _list_owner(raws: list[_Raw]) -> int | None:
    """The total an unnamed item belongs to: a 机关运行经费 or "三公" total earlier in the sentence."""
    for i in range(len(raws) - 1, -1, -1):
        if raws[i].kind == "amount" and raws[i].indicator in ("institution-operation-expenses", "three-public-total"):
            return i
    return None


def extract(doc: SourceDocument, year: int | None = None) -> list[Statement]:
    """Every figure of the document's narrative that names a known indicator, in reading order."""
    keys = paragraph_keys(doc.paragraphs)
    out: list[Statement] = []
    counters: dict[str, int] = {}
    for run in _runs(doc):
        three_public: int | None = None  # the section's "三公" total (its items follow in later sentences)
        vehicles: int | None = None
        for lo, hi in _sentences(run):
            sentence = run.text[lo:hi].strip()
            raws = _sentence_figures(run.text, lo, hi, three_public is not None)
            base = len(out)
            declared = bool(_SELF_DECLARED_SUM.search(sentence))
            for raw in raws:
                key = keys[run.owners[raw.num_start]]
                counters[key] = counters.get(key, 0) + 1
                out.append(Statement(
                    paragraph=key, ordinal=counters[key], indicator=raw.indicator, kind=raw.kind,
                    amount=raw.amount, printed=raw.printed, unit=raw.unit, unit_text=raw.unit_text,
                    decimals=raw.decimals, span=run.text[raw.start : raw.end].strip().replace("\n", ""),
                    sentence=sentence, label=raw.label, direction=raw.direction,
                    reference_year=_year(raw.ref, year) if raw.kind == "change" else None,
                    change_of=base + raw.subject if raw.subject is not None else None,
                ))
            # structure the text states (exhaustive lists only)
            for k, raw in enumerate(raws):
                me = base + k
                if raw.kind == "amount" and raw.indicator == "three-public-total":
                    three_public, vehicles = me, None
                    continue
                if raw.kind == "amount" and raw.indicator == "official-vehicles" and three_public is not None:
                    vehicles = me
                parent = _parent(raws, k, base, declared, three_public, vehicles)
                if parent is not None:
                    out[me] = _with(out[me], part_of=parent)
            if any(r.kind == "amount" and r.indicator in ("institution-operation-expenses", "government-procurement",
                                                          "fixed-assets") for r in raws):
                three_public, vehicles = None, None
    return out


def _parent(raws: list[_Raw], k: int, base: int, declared: bool, three_public: int | None,
            vehicles: int | None) -> int | None:
    raw = raws[k]
    before = raws[:k]

    def last(indicator: str, kind: str = "amount") -> int | None:
        i = next((j for j in range(len(before) - 1, -1, -1)
                  if before[j].indicator == indicator and before[j].kind == kind), None)
        return None if i is None else base + i

    if raw.kind == "change":
        if raw.subject is None and raw.indicator in ("basic-expenditure", "project-expenditure"):
            return last("expenditure-total", "change")
        return None
    # A split is a complete list only when the sentence states both parts.
    stated = {r.indicator for r in raws if r.kind == "amount"}
    if raw.indicator in ("personnel-expenditure", "public-expenditure"):
        both = {"personnel-expenditure", "public-expenditure"} <= stated
        return last("basic-expenditure") if both else None
    if raw.indicator in ("basic-expenditure", "project-expenditure"):
        both = {"basic-expenditure", "project-expenditure"} <= stated
        return last("expenditure-total") if both else None
    if raw.indicator == "project":
        return last("project-expenditure")
    if raw.indicator == "itemised-entry":
        owner = _list_owner(before)
        if owner is None:
            return three_public
        if before[owner].indicator == "three-public-total" or declared:
            return base + owner
        return None
    if raw.indicator in _THREE_PUBLIC_ITEMS and three_public is not None:
        if raw.indicator in ("vehicle-purchase", "vehicle-operation") and vehicles is not None:
            return vehicles
        return three_public
    return None


def _with(s: Statement, **changes: object) -> Statement:
    return Statement(**{**s.__dict__, **changes})


# -- RDF ---------------------------------------------------------------------------------------


def statement_iri(document_iri: str, s: Statement) -> str:
    return f"{uris.paragraph(document_iri, s.paragraph)}/figure/{s.ordinal}"


def _dec(value: Decimal) -> ox.Literal:
    text = format(value.normalize(), "f") if value else "0"
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "decimal"))


def triples(document_iri: str, statements: list[Statement]) -> list[ox.Triple]:
    """The statements as triples of the document graph."""
    bkg = uris.vocab()
    out: list[ox.Triple] = []
    iris = [ox.NamedNode(statement_iri(document_iri, s)) for s in statements]

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Triple(s, ox.NamedNode(p), o))

    for node, s in zip(iris, statements, strict=True):
        paragraph = ox.NamedNode(uris.paragraph(document_iri, s.paragraph))
        add(node, RDF + "type", ox.NamedNode(bkg + "NarrativeFigure"))
        add(node, bkg + "indicator", ox.NamedNode(uris.concept("narrative-indicator", s.indicator)))
        add(node, bkg + "figureKind", ox.NamedNode(uris.concept("figure-kind", s.kind)))
        add(node, bkg + "statedAmount", _dec(s.amount))
        if s.printed:
            add(node, bkg + "printedAmount", ox.Literal(s.printed))
            add(node, bkg + "statedDecimals", ox.Literal(str(s.decimals), datatype=ox.NamedNode(XSD + "integer")))
        if s.unit is not None:
            add(node, SDMX_ATTR + "unitMeasure", ox.NamedNode(uris.concept("unit", s.unit)))
            add(node, bkg + "printedUnit", ox.Literal(s.unit_text))
            add(node, bkg + "amountInYuan", _dec(s.amount * FACTOR[s.unit]))
        else:
            add(node, bkg + "amountInYuan", _dec(Decimal(0)))
        if s.kind == "change":
            add(node, bkg + "direction", ox.NamedNode(uris.concept("change-direction", s.direction)))
            add(node, bkg + "signedAmountInYuan",
                _dec(-s.amount_in_yuan if s.direction == "decrease" and s.amount_in_yuan else (s.amount_in_yuan or 0)))
            if s.reference_year:
                add(node, bkg + "referenceYear", ox.NamedNode(uris.fiscal_year(s.reference_year)))
        if s.label:
            add(node, bkg + "itemLabel", ox.Literal(s.label, language="zh"))
        add(node, bkg + "textSpan", ox.Literal(s.span, language="zh"))
        add(node, bkg + "sentence", ox.Literal(s.sentence, language="zh"))
        add(node, bkg + "paragraph", paragraph)
        add(node, PROV + "wasDerivedFrom", paragraph)
        add(node, DCT + "isPartOf", ox.NamedNode(document_iri))
        if s.part_of is not None:
            add(node, bkg + "partOf", iris[s.part_of])
        if s.change_of is not None:
            add(node, bkg + "changeOf", iris[s.change_of])
    return out


def narrative_triples(doc: SourceDocument, document_iri: str, year: int | None = None) -> list[ox.Triple]:
    """Extract and map in one call (what the pipeline uses)."""
    return triples(document_iri, extract(doc, year))
