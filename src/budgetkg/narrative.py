"""Figures stated in the explanatory text (情况说明) of a disclosure, as RDF statements.

The national template's narrative repeats the tables in standard sentences: the year's income
and expenditure (收入预算…万元 / 支出预算…万元), the 基本支出 / 项目支出 split and the
人员经费 / 公用经费 split, each project and its amount (…项目，安排10.00万元), the itemised
机关运行经费, the "三公" total and its items, the 会议费 / 培训费 budget lines (Jiangsu:
…安排的会议费预算支出…万元), year-on-year changes (比2022年预算增加…万元, 本年数小于上年预算数…万元,
and a change of none: 与上年持平, 与上年度持平, 与上年预算数一致 / 相等, 与上年数一致, 与上年相同,
本年数等于上年预算数, right after the amount or as a sentence of its own after it:
:func:`_flat_subject`, :func:`_flat_alone`; a money change too may be a sentence of its own naming no subject, the
change of the one amount the sentence before states: “此外，基本支出预算数为 7666.68 万元。与上年相比增加 844.15 万元，
增长 12.37%。”, ``_CHANGE_ALONE``, :func:`_lone_amount` — a sentence before stating several amounts, a change or
none gives nothing; Jiangsu's one change of both totals, “收入、支出预算总计 X 万元，与上年相比收、支预算总计各增加 Y
万元”, ``_BOTH_TOTALS_CHANGE``) and asset figures (上年末固定资产金额为…万元).
The extractors below are regexes over those sentences, not over one document: a figure is a money
amount (a number followed by 万元 / 元 / 千元 / 亿元), its *label* is the text of its clause before
it, and the label decides the indicator (a concept of ``code:narrative-indicator``,
``ontology/narrative.ttl``). A figure whose label matches no indicator is not emitted: nothing is
guessed.

Each statement is ``{paragraph}/figure/{n}`` (``n``: 1-based position of the figure among the
statements of its paragraph, in reading order) with the indicator, the figure kind (amount in
the budget year, change against a reference year), the amount as an exact ``xsd:decimal``, the
unit **as written** (a "0.30元" in a 万元 list stays 元 — rule R47 flags it), the amount in 元,
the exact text span, the sentence, and a link to its paragraph. Structure the text states is
kept too: ``bkg:partOf`` links the items of an exhaustive list to its total (the "三公" items,
人员经费 + 公用经费 of 基本支出, 基本 + 项目 of the year's expenditure, a 机关运行经费 list
that declares 明细相加 = 合计, the projects of 项目支出, the 货物 / 工程 / 服务 of 政府采购) so that
rules R45, R48 and R50 can add them up, and ``bkg:listedUnder`` links the income sources a sentence lists
after its income total, a list it does not state to be complete (they add up to the total at most: rule
R48-listed-income); ``bkg:changeOf`` links a change to the figure it changes.

The figures a text sets against each other are kept too: a final account's 年初预算为 X / 支出决算为 Y
(figure kinds ``initial-budget`` / ``final-outturn``, ``bkg:comparedWith``, and what the text says of
them: 决算数小于/大于/同预算数持平, ``bkg:statedComparison``), and a Shanghai budget's 项 paragraph
(“…（类）…（款）…（项）”A万元 … 2022年当年预算执行数为P万元，2023年预算安排A万元: indicator
``classification-subject`` labelled with the path, ``previous-outturn`` P; a Jiangsu item printing part of its
path, “1.人大事务（款）行政运行（项）支出6372.32万元” under “（一）一般公共服务（类）”, is labelled with the whole
path and keeps the headings it took levels from: :func:`_item_path`), and a previous year's budget a sentence
states as an amount (“与 2016 年度相比（2016 年度部门支出预算安排为8,648.07万元），增加498.72万元” in a 2017 budget;
上年…预算为 X: figure kind ``previous-budget``, the year it names as ``reference_year``, never this year's amount),
with the year's amount of its indicator and the change the sentence sets against it (``bkg:comparedWith``); a figure
naming another year that is not a previous budget (a later year, an outturn) is left out. Percentages (growth rates
增长 6.59%, shares 占 45.78%, completion rates 完成年初预算的 95.45%) are ``bkg:NarrativePercentage``
statements of their own (``{paragraph}/percentage/{n}``), with the number and sign as written and,
when the text states the rate right after the figure it is computed from, ``bkg:rateOf`` that figure.
A share whose total the sentence (or its section heading) fixes — 占本年收入合计的 / 占本年支出合计的 X%, a bare
占 X% after a part of the 本年收入(预算)合计 / 本年支出(预算)合计 the sentence opens with, or after a "三公" item
in a 三公 sentence or section, or after a 类 (款, 项) of a final account's list “一般公共预算财政拨款支出 X 万元，
主要用于以下方面：社会保障和就业支出（类）754.75 万元，占 7.74%；…” (the items are ``classification-subject``
figures labelled with their path, the total is 一般公共预算财政拨款支出) — also records that total
(``bkg:shareDenominator``), the text fixing it and the list of shares it is stated in (rule R70,
:func:`_share_total`); any other share records none: nothing is guessed.
A stated increase or decrease (a change, a 决算数 above or below its 年初预算, a growth rate that is the only
statement of its change) records the reason clause its passage gives (主要原因是…, 由于…: ``bkg:reasonClause``,
:func:`_reason`), for rules R51 and R71, which report the ones without.

Paged formats (PDF) give one Paragraph per printed line, wrapped mid-sentence: consecutive
paragraphs are joined into one running text (lines of a PDF without a separator, other formats
with a line break) until a table interrupts the prose, and sentences are cut at 。！？ and line
breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache

import pyoxigraph as ox

from budgetkg import uris
from budgetkg.model import Paragraph, SourceDocument, paragraph_keys
from budgetkg.recognise import squash

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
SDMX_ATTR = "http://purl.org/linked-data/sdmx/2009/attribute#"

UNITS = {"万元": "wan-yuan", "万": "wan-yuan", "元": "yuan", "千元": "qian-yuan", "亿元": "yi-yuan"}
FACTOR = {"wan-yuan": Decimal(10000), "yuan": Decimal(1), "qian-yuan": Decimal(1000), "yi-yuan": Decimal(10**8)}

#: A money amount: a number (thousands separators allowed) and a money unit. "万" alone (a
#: truncated "万元") only when no Chinese character follows (not 万人, 万平方米). A PDF text layer that breaks
#: words breaks the unit too ("一 般 公 共 预 算 收 入 21,940.96 万 元 ， 占99.94 %", 江苏省人民检察院 2018 p.25):
#: "万 元" is 万元.
_MONEY = re.compile(
    r"(?<![\d.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
    r"(?P<unit>万[ \t]?元|亿元|千元|元|万(?![\u4e00-\u9fff]))"
)
#: A threshold, not a figure: 单价100万元（含）以上, 50万元以上.
_THRESHOLD_BEFORE = re.compile(r"(单价|价值|金额在|超过|低于|不足)\s*$")
_THRESHOLD_AFTER = re.compile(r"^\s*(（含）|\(含\))?\s*(以上|以下|及以上|及以下)")
#: A change stated as none: 与上年持平, 与上年度持平, 与上年相比持平, 与上年预算数持平 and the Jiangsu
#: wordings 与上年预算数一致 / 相等, 与上年数一致, 与上年相同, 与上年保持一致, 本年数等于上年预算数. Read only right
#: after an amount (:func:`_flat_subject`) or as a sentence of its own after one (:func:`_flat_alone`): "口径与上年
#: 一致", "与《…总表》…数一致" or "与上年预算数对应一致" state that tables match, not a change.
_FLAT = re.compile(
    r"(?:与|比|较|(?P<equal>等于))\s*(?P<ref>上年度?|上一年度?|\d{4}\s*年度?)(?:同期)?(?:预算数|预算|决算数|决算|数)?"
    r"(?(equal)(?=[\s，,。；;！？]|$)|(?:相比)?(?:基本|保持)?(?:持平|一致|相等|相同))"
)
#: What may stand between an amount and the flat clause stated of it: a comma, 本年数 ("…70 万元，本年数与上年预算数
#: 一致", 省委办公厅 2017); a flat clause after anything else (a subject of its own: "…增加 498.72 万元，项目支出、单位
#: 预留机动经费与上年数一致") is not of that amount.
_FLAT_GAP = re.compile(r"[\s，,]*(?:本年度?(?:预算)?数?)?\s*")
#: What may follow the amount a sentence ends with, and a flat clause that is a sentence of its own.
_SENTENCE_TAIL = re.compile(r"[\s，,。；;！？]*")
_CHANGE = re.compile(
    r"(?:(?:与|比|较)\s*(?P<ref>上年|上一年度?|\d{4}\s*年度?)(?:（[^）]*）|\([^)]*\))?"
    r"(?:同期)?(?:预算|预算数|决算|决算数)?(?:相比)?)?(?P<dir>增加|减少|增长|下降)了?$"
)
#: A change stated as the year's figure set against the previous year's, the difference after it: "本年数小于上年预算数
#: 29.65 万元" (江苏省检察院 2017, 2018 公务接待费; its 会议费 / 培训费 lines and 省人大办公厅 2017's say it so too:
#: "…会议费预算支出 1305.25 万元，本年数小于上年预算数 403.75 万元"), also 低于 / 大于 / 高于. The year named
#: is required (the 决算's "决算数小于预算数" compares no years: ``_COMPARISON``).
_RELATIVE = re.compile(
    r"(?:本年度?(?:预算)?数?)?(?P<dir>小于|低于|大于|高于)\s*(?P<ref>上年|上一年度?|\d{4}\s*年度?)"
    r"(?:同期)?(?:预算|预算数|决算|决算数)?$"
)
#: A change opening its sentence, up to its amount (whitespace removed): "与上年相比增加 844.15 万元，增长 12.37%。"
#: after "此外，基本支出预算数为 7666.68 万元。" (省人大办公厅 2017), "与上年相比，增加 498.72 万元" (政协 2017),
#: "比上年减少…", "较上年增加…", "与 2016 年度相比增加…": the change of the one amount the sentence before states
#: (:func:`_lone_amount`). It may name that amount's indicator again: "…年财政拨款预算支出 21,940.96 万元，占本年支出
#: 合计的 99.94 %。与上年相比，财政拨款支出增加 3,958.98 万元" (江苏省人民检察院 2018 p.26), or both sides of a total:
#: "…财政拨款收、支总预算 21,940.96 万元。与上年相比，财政拨款收、支总计各增加 3,958.98 万元" (各: each); a clause
#: naming another subject is not this form (:func:`_lone_change`).
_CHANGE_ALONE = re.compile(
    r"(?:与|比|较)(?P<ref>上年度?|上一年度?|\d{4}年度?)(?:同期)?(?:预算数?|决算数?)?(?:相比|相较)?[，,]?"
    r"(?:(?P<subject>[^，,。；;、\d]{2,20}?)|(?P<both>(?:财政拨款)?收、支(?:预算)?总计各))?(?P<dir>增加|减少|增长|下降)了?"
)
#: Jiangsu's 财政拨款 total of both sides: "省检察院 2018 年度财政拨款收、支总预算 21,940.96 万元。" (政协:
#: "财政拨款收、支预算 9,066.79万元"), read as its expenditure, as "收入、支出预算总计" is read as the 支出预算总计; the
#: next sentence states its change, "与上年相比，财政拨款收、支总计各增加 3,958.98 万元" (``both`` above). Searched up
#: to the amount.
_FISCAL_BOTH_TOTAL = re.compile(r"财政拨款\s*收\s*、\s*支\s*(?:总\s*)?预\s*算\s*(?:总\s*计\s*)?(?:为\s*)?$")
#: One change of both totals, after the sentence's amount of them: Jiangsu's "…年度收入、支出预算总计 21,955.35 万元，
#: 与上年相比收、支预算总计各增加 3,958.67 万元，增长 21.95 %。" (各: each). Searched in the text from the previous
#: figure's end to the change's number.
_BOTH_TOTALS_CHANGE = re.compile(
    r"(?:(?:与|比|较)\s*(?P<ref>上年度?|上一年度?|\d{4}\s*年度?)(?:预算数?)?(?:相比)?[，,]?\s*)?"
    r"收入?\s*、\s*支出?\s*(?:预算)?\s*总计\s*各\s*(?P<dir>增加|减少|增长|下降)了?\s*$"
)
_BOTH_TOTALS = {"expenditure-total", "income-total"}
#: The amounts a "收、支…总计各增加" change opening the next sentence may be of: those totals, and the 财政拨款 total
#: of both sides (``_FISCAL_BOTH_TOTAL``, read as the 财政拨款支出).
_BOTH_SIDES = _BOTH_TOTALS | {"fiscal-appropriation-expenditure"}
#: The words of a change that state a decrease (the others state an increase).
_DECREASE_WORDS = {"减少", "下降", "小于", "低于"}
_SENTENCE_END = "。！？\n"
_CLAUSE_DELIMS = "，,；;：:、。！？\n"
_OPEN, _CLOSE = "（(【[“", "）)】]”"
_LEADING = re.compile(
    r"^(?:[（(][一二三四五六七八九十]+[)）]、?|[一二三四五六七八九十]+、|\d+[、.．](?!\d)"
    # 与 as a conjunction, not the 与 of a comparison ("…10528.33 万元，与上年相比减少 17.89 万元": the change's label)
    r"|其中|主要是|主要为|主要用于|主要包括|包括|分别是|分别为|以及|及|和|与(?!\s*(?:上一?年|\d{4}\s*年))|共计|合计|为|是"
    r"|：|:|\s)+"
)
_LEADING_AT = re.compile(_LEADING.pattern[1:])  # the same, anchored at a match position
_YEAR_PREFIX = re.compile(r"^(?:\d{4}年度?|本年度?|上年末?|当年)[，,]?")


@dataclass(frozen=True)
class Statement:
    """One figure stated in the text."""

    paragraph: str  # the paragraph's key (budgetkg.model.paragraph_keys)
    ordinal: int  # 1-based position among the statements of its paragraph
    indicator: str  # notation of a code:narrative-indicator concept
    kind: str  # "amount" | "change" | "previous-outturn" | "previous-budget" | "initial-budget" | "final-outturn"
    amount: Decimal  # as written (a change: its magnitude)
    printed: str  # the number as written ("0.30", "1,212.12"); "" for a change stated in words (持平)
    unit: str | None  # unit concept notation as written (wan-yuan, yuan…); None for 持平
    unit_text: str  # the unit as written ("万元", "元"); "" for 持平
    decimals: int
    span: str  # the exact text of the statement
    sentence: str
    label: str  # the label as printed (project or item name), "" when the indicator says it all
    direction: str = ""  # change: increase | decrease | flat
    reference_year: int | None = None  # change: the year compared with; previous-budget: the year it is of
    part_of: int | None = None  # index (in the returned list) of the total this is an item of
    #: index of the total this is listed under in a list the text does not state to be complete (the income
    #: sources after 收入 X 万元，其中：…): the items add up to the total at most
    listed_under: int | None = None
    change_of: int | None = None  # index of the figure this change is a change of
    #: index of the figure this one is compared with in the same passage: a 决算数 with its 年初预算数,
    #: a budget line (预算安排) with the previous year's outturn (上年预算执行数) or budget (previous-budget), a
    #: change with the previous year's budget the sentence states as its base
    compared_with: int | None = None
    #: what the text says of that comparison (决算数大于/小于/同预算数持平): increase | decrease | flat
    stated_comparison: str = ""
    #: a figure that needs a reason (:func:`needs_reason`): the first reason clause of its passage (主要原因是…,
    #: :func:`_reason`) as printed, and the key of the paragraph it starts in; "" when there is none (rules R51,
    #: R71) or none is needed
    reason: str = ""
    reason_paragraph: str = ""
    #: a classification subject whose item prints only part of its path (Jiangsu: "人大事务（款）行政运行（项）"
    #: under "（一）一般公共服务（类）"): the headings, as printed, its label takes the other levels from
    headings: tuple[str, ...] = ()

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
        ("outbound-travel", r"因公出国[（(]境[)）](?:费用?|经费)(?:预算)?(?:支出)?(?:预算)?(?:为)?$"),
        ("official-vehicles",
         r"公务(?:用)?车(?:辆)?购置及运(?:行维护|行|维)(?:费用?)?(?:预算)?(?:支出)?(?:预算)?(?:为)?$"),
        ("vehicle-purchase", r"公务(?:用)?车(?:辆)?购置(?:费用?)?(?:预算)?(?:支出)?(?:预算)?(?:为)?$"),
        ("vehicle-operation", r"公务(?:用)?车(?:用车)?运行(?:维护)?(?:费用?(?:预算)?(?:支出)?|支出)(?:预算)?(?:为)?$"),
        ("official-reception", r"公务接待(?:费用?(?:预算)?(?:支出)?|支出)(?:预算)?(?:为)?$"),
        # 会议费 / 培训费 as a budget line of their own (Jiangsu: "…一般公共预算拨款安排的会议费预算支出 1305.25 万元");
        # the bare "会议费0万元" of a 机关运行经费 or 三公 list stays an item of that list
        ("meeting-expenses", r"会议费(?:预算支出|支出预算)(?:为)?$"),
        ("training-expenses", r"培训费(?:预算支出|支出预算)(?:为)?$"),
        ("institution-operation-expenses", r"机关运行(?:经)?费(?:预算)?(?:共计)?(?:安排|支出)?(?:预算)?(?:为|是)?$"),
        ("fixed-assets", r"(?<!拟购置)(?<!购置)(?<!其他)固定资产(?:金额|总额|原值|账面价值)?(?:为|是)?$"),
        # the three categories of procurement, as the templates word them: Shanghai "政府采购货物预算", Jiangsu
        # "拟采购货物支出" / "拟购买服务支出" / "货物类政府采购支出预算", a 决算's "货物采购金额"
        *((name, rf"(?:政府采购{word}(?:支出)?(?:预算|金额)|拟(?:采购|购买){word}(?:支出)?(?:预算)?"
                 rf"|{word}类政府采购(?:支出)?(?:预算|金额)?|(?<!政府){word}采购(?:支出)?(?:预算|金额)?)(?:为|是)?$")
          for name, word in (("procurement-goods", "货物"), ("procurement-works", "工程"),
                             ("procurement-services", "服务"))),
        # a 决算's "政府采购金额（以合同签订为准）为 2319.21 万元": the basis in brackets
        ("government-procurement",
         r"(?<![类物程务])政府采购(?:支出)?(?:预算|金额)(?:总额|总金额)?(?:[（(][^（()）]*[)）])?(?:为|是)?$"),
        # …预算数为 (Jiangsu: "此外，基本支出预算数为 7666.68 万元。", "项目支出预算数为 5853.96 万元。")
        ("basic-expenditure", r"基本支出(?:预算数(?:为|是)|(?:预算)?(?:安排)?(?:为|是)?)$"),
        ("project-expenditure", r"项目支出(?:预算数(?:为|是)|(?:预算)?(?:安排)?(?:为|是)?)$"),
        ("personnel-expenditure", r"人员经费(?:支出)?(?:为|是)?$"),
        ("public-expenditure", r"(?:日常)?公用经费(?:支出)?(?:为|是)?$"),
        ("general-public-budget-income", r"一般公共预算(?:拨款)?收入(?:预算)?(?:为|是)?$"),
        ("government-fund-income", r"(?:政府性)?基金(?:预算)?(?:拨款)?收入(?:预算)?(?:为|是)?$"),
        ("state-capital-income", r"国有资本经营预算(?:拨款)?收入(?:预算)?(?:为|是)?$"),
        ("special-account-income", r"财政专户(?:核拨|管理资金)?收入(?:预算)?(?:总计)?(?:为|是)?$"),
        ("fiscal-appropriation-income", r"财政拨款收入(?:预算)?(?:总计)?(?:为|是)?$"),
        ("operating-income", r"事业单位经营收入(?:预算)?(?:为|是)?$"),
        ("business-income", r"(?<!经营)事业收入(?:预算)?(?:为|是)?$"),
        ("other-income", r"其他(?:来源)?收入(?:预算)?(?:为|是)?$"),
        # Jiangsu's income sources: "3．其他资金收入预算总计 15 万元" (其他资金, the row above 事业收入 / 其他收入)
        ("other-funds-income", r"其他资金收入(?:预算)?(?:总计)?(?:为|是)?$"),
        ("carry-over", r"(?:财政拨款)?(?:上年)?结转(?:结余|和结余)?(?:资金)?(?:收入)?(?:预算数)?(?:为|是)?$"),
        # Jiangsu: "单位预留机动经费预算数为 128.43 万元" (a purpose of expenditure beside 基本 / 项目支出)
        ("reserve-fund-expenditure", r"单位预留机动经费(?:预算数|预算)?(?:为|是)?$"),
        ("general-public-budget-expenditure", r"一般公共预算(?:财政)?拨款(?:预算)?支出(?:预算)?(?:为|是)?$"),
        ("government-fund-expenditure", r"政府性基金(?:预算)?(?:财政)?(?:拨款)?支出(?:预算)?(?:支出)?(?:为|是)?$"),
        ("state-capital-expenditure", r"国有资本经营预算(?:财政)?拨款支出(?:预算)?(?:为|是)?$"),
        ("fiscal-appropriation-expenditure", r"财政拨款(?:预算)?支出(?:预算)?(?:为|是)?$"),
        ("income-total", r"(?:预算收入|收入预算(?:总计)?|本年收入(?:预算)?合计|收入合计|(?<!支出)收入总计|全部收入)"
         r"(?:安排)?(?:为|是)?$"),
        ("expenditure-total",
         # not after an item or a fund (…费(用)预算支出, 财政拨款预算支出): those name a part, not the total
         r"(?<!收入)(?<!费)(?<!费用)(?<!拨款)(?<!购置)(?<!采购)(?<!基金)(?<!支出)"
         r"(?:预算支出|支出预算(?:总计)?|本年支出(?:预算)?合计|支出合计|支出总计|全部支出)(?:安排)?(?:为|是)?$"),
    )
)
_PROJECT = re.compile(r"项目$")
_SPLITS = {"basic-expenditure", "project-expenditure", "personnel-expenditure", "public-expenditure"}
_QUALIFIED = re.compile(r"财政拨款|一般公共预算|政府性基金|国有资本经营")
#: The one qualified split the tables print: "一般公共预算财政拨款基本支出 5377.64 万元" (a 决算's section 六,
#: the Jiangsu "…年度一般公共预算财政拨款基本支出预算 7666.68 万元") is the total of the
#: 一般公共预算财政拨款基本支出表 (B6 / F6).
_GENERAL_BUDGET_BASIC = re.compile(r"一般公共预算(?:财政)?拨款(?:安排的)?基本支出")
_CHANGE_VERB = re.compile(r"^(?:增加|减少|增长|下降|降低|提高)")
#: A sentence about one classification subject: "住房改革支出(款)：…", "（类）".
_SUBJECT_LEVEL = re.compile(r"[（(][类款项][)）]")
_ARRANGED = re.compile(r"^(?:预算)?安排(?:资金)?(?:为)?$")
#: Items of a 三公 list: the indicators that are parts of the 三公 total or of its vehicle item.
_THREE_PUBLIC_ITEMS = {"outbound-travel", "official-vehicles", "vehicle-purchase", "vehicle-operation",
                       "official-reception"}
_SELF_DECLARED_SUM = re.compile(r"明细相加|各项相加|合计数?[=＝]|相加[=＝]")
#: A classification subject named by its 类/款/项 path ("“一般公共服务支出（类）统计信息事务（款）统计管理
#: （项）”2.63万元", Shanghai budgets; "…（款）行政运行（项）。主要用于…", final accounts).
_SUBJECT_PATH = re.compile(r"[“\"]?(?P<path>[^“”\"。；，,：:、]*?[（(]类[)）][^“”\"。；，,：:、]*?[（(]项[)）])[”\"]?")
#: A name in a Jiangsu-style path (below): no clause punctuation, quotes, digits (a list number "1." wrapped into
#: it) or level mark of its own; a 款 or 项 name may hold brackets (党委办公厅（室）及相关机构事务), a 类 name not.
_LEVEL_MARK = r"[（(][类款项][)）]"
_NAME = rf"(?:(?!{_LEVEL_MARK})[^，,。；;：:“”\"\d])+?"
_CLASS_NAME = r"[^，,。；;：:“”\"\d（()）]+?"
#: A heading naming the 类 of the items below it (Jiangsu budgets): "（一）一般公共服务（类）",
#: "（二）社会保障和就业支出（类）行政事业单位离退休（款）" (a 款 too), the whole printed line.
_CLASS_HEADING = re.compile(
    rf"^[（(][一二三四五六七八九十]+[)）](?P<lei>{_CLASS_NAME})[（(]类[)）](?:(?P<kuan>{_NAME})[（(]款[)）])?$")
#: A line naming the 款 of the items below it, under a 类 heading: "检察（款）: 2018 年预算支出合计 16,444.36 万元。"
_SECTION_LINE = re.compile(rf"^(?P<kuan>{_NAME})(?P<mark>[（(]款[)）])[:：]")
#: The amount such a line states, the 款's total: "检察（款）: 2018 年预算支出合计 16,444.36 万元" (the text before
#: the figure, whitespace removed).
_SECTION_TOTAL = re.compile(rf"^(?P<kuan>{_NAME})(?P<mark>[（(]款[)）])[:：](?:\d{{4}}年度?)?(?:预算)?支出合计(?:为)?$")
#: A heading opening the list of the expenditure total by 类 (Jiangsu budgets, section 收支预算总表: "（二）支出预算
#: 总计 15897.44 万元。包括："): its 类 are those of the 收支预算总表 (every source of funds), not of the 一般公共预算
#: 财政拨款支出表 (省检察院 2018: 公共安全（类）支出 16,458.75 万元 = 收支预算总表 204; the 一般公共预算支出预算表
#: prints 16,444.36).
_TOTAL_HEADING = re.compile(r"^[（(][一二三四五六七八九十]+[)）]支出(?:预算)?总计")
#: A 类 of that list, opening its sentence: "1．一般公共服务（类）支出 12706.28 万元，主要用于…".
_CLASS_AMOUNT = re.compile(rf"^(?P<lei>{_CLASS_NAME})[（(]类[)）](?:支出)?$")
#: What may precede an item or a heading line printed without its level mark: the "其中：" / "包括：" that ends the
#: line before it (a wrapped line joins it: "包括：" | "1．一般公共服务支出 10528.33 万元"), then its list number
#: ("2．社会保障和就业支出 1,836.22 万元").
_ITEM_LEAD = re.compile(r"^(?:(?:其中|包括)[：:])?(?P<number>\d+[、.．](?!\d))?")
#: A national 类 name too common a word to name its class when printed without 支出 (“其他” for 229 其他支出).
_GENERIC_CLASS_WORDS = frozenset({"其他"})


@lru_cache(maxsize=1)
def _class_names() -> frozenset[str]:
    """The 类 names of the national functional classification (``ontology/codelists.ttl``: current and former names),
    each also without its final 支出 (“一般公共服务” for 一般公共服务支出), but for a generic word (“其他”). Imported
    here, not at module level: ``budgetkg.map`` imports ``budgetkg.units``, which imports this module."""
    from budgetkg.config import base_iri
    from budgetkg.map import functional_class_names

    names = set(functional_class_names(base_iri()))
    return frozenset(names | {n.removesuffix("支出") for n in names} - _GENERIC_CLASS_WORDS)


def _unmarked_class(printed: str, numbered: bool = True) -> str:
    """The 类 name a printed item or line states without its （类） mark, as printed: its text (whitespace removed)
    is exactly a national 类 name, with or without its final 支出, after at most "其中：" / "包括：" and a list number
    (``_ITEM_LEAD``: "2．社会保障和就业支出", "包括：1．一般公共服务支出", the line "其中：一般公共服务"; no list number
    unless ``numbered``); "" otherwise (any other word before or after it: not certainly a 类)."""
    text = squash(printed)
    lead = _ITEM_LEAD.match(text)
    if lead is None or (lead.group("number") and not numbered):
        return ""
    name = text[lead.end():]
    return name if name in _class_names() else ""
#: An item that opens its sentence with a path ending at its 项 ("1．人大事务（款）行政运行（项）支出6372.32万元",
#: "1.住房公积金(项):支出 1,073.77 万元", "1．住房改革支出（类）住房公积金（项）572.56万元"): the levels it prints;
#: those it does not print are the headings' (:class:`_Context`). A 支出 right after the 项 mark stays in the
#: path: it may end the 项's name ("机关事业单位基本养老保险缴费（项）支出" for 机关事业单位基本养老保险缴费支出) or
#: not ("行政运行（项）支出"), which ``budgetkg.subjects`` decides by the table; after a colon it is not a name.
_ITEM_PATH = re.compile(
    rf"^(?:(?P<lei>{_CLASS_NAME})(?P<lm>[（(]类[)）]))?(?:(?P<kuan>{_NAME})(?P<km>[（(]款[)）]))?"
    rf"(?P<xiang>{_NAME})(?P<xm>[（(]项[)）])(?:[:：]支出|(?P<tail>支出))?$")
#: The figures a final account sets against each other: 年初预算为 X, (支出)决算为 Y.
_INITIAL = re.compile(r"^(?P<subject>.*?)年初预算(?:数)?(?:为|是)?$")
_FINAL = re.compile(r"^(?P<subject>.*?)(?:支出)?决算(?:数)?(?:为|是)?$")
#: A budget paragraph's reference: "2022年当年预算执行数为1.48万元，2023年预算安排2.63万元".
_OUTTURN = re.compile(r"^(?:\d{4}\s*年)?(?:当年)?预算执行数(?:为|是)?$")
_ARRANGED_YEAR = re.compile(r"^(?:\d{4}\s*年)?预算安排(?:为)?$")
#: What a final account says of 决算数 against 预算数 ("决算数小于预算数的主要原因", "决算数同预算数持平").
_COMPARISON = re.compile(
    r"(?P<subject>[^。；;，,：:]*?)决算数?(?:(?P<less>小于|低于)|(?P<more>大于|高于)|(?:同|与|等于))(?:年初)?预算数?"
    r"(?P<flat>持平|相等|一致)?"
)
#: A percentage: a rate word and a number, with its sign as written (or none: "增长 13.95。").
_PERCENT = re.compile(
    r"(?P<word>增长|增加|增幅|减少|下降|降低|降幅|完成(?:年初)?预算的|占[^，,。；;%％\d]{0,14}?的?)"
    r"\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<sign>%|％)?"
)
#: After a number without a sign, what shows it is a bare rate (not a count, an amount, or a number
#: wrapped onto the next printed line: "增长3" + "17.31%"): punctuation on the same line.
_BARE_RATE_END = re.compile(r"[ \t]*[。，,；;）)]")  # matched at the number's end
_RATE_DIRECTION = {"增长": "increase", "增加": "increase", "增幅": "increase",
                   "减少": "decrease", "下降": "decrease", "降低": "decrease", "降幅": "decrease"}
#: Between a figure and the rate stated of it: nothing but a comma, or the Shanghai "比2022年预算执行数".
_RATE_GAP = re.compile(r"^[，,]?\s*(?:同比|(?:比|较|与)[^，,。；;]{0,20}?(?:相比)?)?\s*$")

# -- shares (rule R70: income shares of 本年收入合计, expenditure shares of 本年支出合计, "三公" shares of the
# 三公 合计决算数). A share's total is recorded only where the sentence (or its section heading) fixes it.

#: A share word naming its total: 占本年收入合计的, 占本年支出合计的, 占“三公”经费(财政拨款)(支出)(决算)(总额)的.
_SHARE_NAMED: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("income-total", re.compile(r"^占本年收入合计的?$")),
    ("expenditure-total", re.compile(r"^占本年支出合计的?$")),
    ("three-public-total",
     re.compile(r"^占[“\"]?三公[”\"]?经费(?:财政拨款)?(?:支出)?(?:决算数?)?(?:总额|合计)?的?$")),
)
#: The total a sentence opens with, whose parts' bare shares are of it: 本年收入合计 / 本年支出合计, in a budget's
#: wording 本年收入预算合计 / 本年支出预算合计 (江苏省人民检察院 2018 p.25: "省检察院本年支出预算合计 21,955.35 万元，
#: 其中：基本支出 13,994.31 万元，占 63.75%；…"). Not 收入总计 / 支出总计 (they hold 上年结转).
_INCOME_TOTAL_OPENING = re.compile(r"本年收入(?:预算)?合计")
_EXPENDITURE_TOTAL_OPENING = re.compile(r"本年支出(?:预算)?合计")
#: A share word naming no total: 占 45.78%, 占比 45.78%.
_SHARE_BARE = re.compile(r"^占比?(?:为)?$")
#: Between a figure and its share: a comma only (spaced, where a PDF text layer breaks words: "万 元 ， 占99.94 %").
_SHARE_GAP = re.compile(r"^\s*[，,]?\s*$")
#: The parts of 本年收入合计 (income sources) and of 本年支出合计 (基本 / 项目 / Jiangsu's 单位预留机动经费): a bare
#: share may follow one in a sentence opening with that total, and the expenditure parts are the items of that
#: total's list (:func:`_parent`); 上年结转 and other totals are not parts of it.
_INCOME_PARTS = {"fiscal-appropriation-income", "general-public-budget-income", "government-fund-income",
                 "state-capital-income", "special-account-income", "business-income", "operating-income",
                 "other-income", "other-funds-income"}
_EXPENDITURE_PARTS = {"basic-expenditure", "project-expenditure", "reserve-fund-expenditure"}
#: the funds 财政拨款收入 is made of
_FUND_INCOME = {"general-public-budget-income", "government-fund-income", "state-capital-income"}
#: 货物 / 工程 / 服务: every purchase is one of the three, so the categories a sentence states after its total are
#: its parts (Jiangsu leaves out a category of 0: "其中：拟采购货物支出84万元、拟购买服务支出1338.50万元")
_PROCUREMENT_PARTS = {"procurement-goods", "procurement-works", "procurement-services"}
#: The three funds a 财政拨款 is made of: Shanghai's "…其中：财政拨款支出预算950.12万元，比2023年预算增加0.46万元。
#: 财政拨款支出预算中，一般公共预算拨款支出预算950.12万元，比2023年预算增加0.46万元；政府性基金拨款支出预算0.00万元，
#: 与2023年预算持平；国有资本经营预算拨款支出预算0.00万元，与2023年预算持平。" lists the parts of the sentence
#: before's 财政拨款支出, and their changes the parts of its change.
_FUND_EXPENDITURE_PARTS = {"general-public-budget-expenditure", "government-fund-expenditure",
                           "state-capital-expenditure"}
_FISCAL_EXPENDITURE_OPENING = re.compile(r"^财政拨款(?:预算)?支出(?:预算)?中")
#: A figure stated as none: "2024年上海市普陀区社会福利院无机关运行经费。", "2018 年无公务用车购置预算安排。",
#: "2018 年本部门无国有资本经营预算收入。", a 决算's "…本年度没有政府性基金预算财政拨款收入和支出，" (the template's
#: wording for an empty table), "本部门无政府性基金预算。" (its income and expenditure), an empty table's printed
#: "(无政府性基金支出）": the clause after 无 / 没有, up to the clause's end, names the indicator.
_NIL = re.compile(r"(?P<word>无|没有)(?P<what>[^，,。；;：:、（）()\d\s]{2,40}?)(?=[，,。；;）)]|$)")
#: A fund's whole budget ("无政府性基金预算"): its income and its expenditure.
_FUND_BUDGET = re.compile(r"^(?P<fund>政府性基金|国有资本经营)预算(?:收支)?$")
#: The indicators a nil clause may name: figures the tables print (the 三公 and its items, 会议费 / 培训费,
#: 机关运行经费, the funds' income and expenditure, procurement). A total, a split, a project is not stated so.
_NIL_INDICATORS = {"three-public-total", "outbound-travel", "official-vehicles", "vehicle-purchase",
                   "vehicle-operation", "official-reception", "meeting-expenses", "training-expenses",
                   "institution-operation-expenses", "government-fund-income", "government-fund-expenditure",
                   "state-capital-income", "state-capital-expenditure", "government-procurement"}
#: A reason clause (主要原因是无此项支出, 原因是没有因公出国（境）事项): its 无 is a cause, not this year's figure.
_REASON_WORD = re.compile(r"原因|由于|因为")
#: The "三公" items a bare share may follow (of the 三公 total): not 购置 / 运行维护, whose bare share may be
#: of the 公务用车 item they are listed under.
_THREE_PUBLIC_SHARE_ITEMS = {"outbound-travel", "official-vehicles", "official-reception"}
#: A final account's structure sentence: "一般公共预算财政拨款支出 9746.50 万元，主要用于以下方面：
#: 社会保障和就业支出（类）754.75 万元，占 7.74%；…": the list after 主要用于 (its items and their bare shares are of
#: the total it opens with).
_USED_FOR = re.compile(r"主要用于")
#: An item of that list: a classification path ending at any level mark (社会保障和就业支出（类）, a 类 and its 款, …);
#: its names hold no bracket, digit or clause punctuation.
_LIST_PATH = re.compile(r"[“\"]?(?P<path>(?:[^“”\"。；;，,：:、（）()\d]+?[（(][类款项][)）])+)[”\"]?")


#: A space between two Chinese characters: a PDF text layer that breaks words ("拟 采购 货物 支出 268 万 元",
#: 江苏省人民检察院 2018 p.30) still names its indicator.
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


def classify(label: str) -> str | None:
    """The indicator a label names, or None."""
    text = _YEAR_PREFIX.sub("", _LEADING.sub("", _CJK_GAP.sub("", label))).strip()
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


#: A page number printed as a line of its own ("24", "- 24 -", "第 24 页"): page furniture between two printed
#: lines, which may be the two halves of one sentence ("…支出403.75" | "24" | "万元，与上年相比持平。").
_PAGE_NUMBER = re.compile(r"[-—–\s]*(?:第\s*)?\d{1,4}(?:\s*页)?[-—–\s]*")


def _runs(doc: SourceDocument, lists: bool = True) -> list[_Text]:
    """The document's prose, run by run (a table ends a run); with ``lists``, a printed (PDF) list goes on across
    the lines that end in "：" or "；" (``budgetkg.units`` reads a list of units line by line: ``lists=False``)."""
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
        if paged and _PAGE_NUMBER.fullmatch(text):
            continue  # left out of the running text: the lines around it join as if it were not printed
        if current is None:
            current = _Text("", [])
            runs.append(current)
        elif current.text:
            # a heading (一、…, （一）…) starts a line of its own, even after a full line ending in "其中："
            # a list goes on after a line ending in "：" or "；": "…合计 15897.44 万元，其中：" | "基本支出…；" |
            # "项目支出…；" | "单位预留机动经费…。" is one sentence
            wraps = (paged and current.text[-1] not in _SENTENCE_END
                     and (len(previous) >= 0.75 * full or (lists and current.text[-1] in "：:；;"))
                     and not _HEADING.match(text))
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
    #: index into the sentence's raws of the changed figure; negative for a flat clause that is a sentence of its own
    #: (:func:`_flat_alone`): relative to the sentence's first statement, a figure of the sentence before
    subject: int | None = None
    compared: int | None = None  # index into the sentence's raws of the figure it is compared with
    headings: tuple[str, ...] = ()  # a classification subject: the headings giving the levels its item omits
    #: a previous year's budget, and a change stated against one: the year it names (None: from ``ref``)
    ref_year: int | None = None


@dataclass(frozen=True)
class _Context:
    """The 类 (and 款) the headings above an item name, as printed (Jiangsu budgets print an item's path from
    its 款 or its 项 only, under "（一）公共安全支出（类）" and "检察（款）: …" lines)."""

    lei: str = ""
    lei_heading: str = ""  # the 类 heading as printed (whitespace removed)
    kuan: str = ""
    kuan_heading: str = ""  # the 款 line as printed up to its mark ("检察（款）"); "" when the 类 heading names it
    #: the "（二）支出预算总计 … 万元。" heading as printed (whitespace removed): its list states the 类 of the
    #: 收支预算总表 (``_TOTAL_HEADING``); "" elsewhere
    total: str = ""
    #: the 类 heading is a bare line naming a 类 without its （类） mark (省人大 2017: "一般公共服务" above
    #: "1. 人大事务行政运行（项）支出 10528.33 万元"): it gives the 类 of the 项 items below it, and nothing else
    unmarked: bool = False


def _next_context(sentence: str, context: _Context) -> _Context:
    """The heading context after ``sentence``: a 类 heading opens one, a 款 line under it sets its 款, a
    "（二）支出预算总计…" heading opens the list of the total's 类, any other heading (一、…, （四）…) closes it. A
    sentence that is exactly a national 类 name (with or without 支出, after a "其中：" ending the line before) is a
    bare 类 heading: it opens a context too, marked ``unmarked``."""
    text = squash(sentence)
    if _TOTAL_HEADING.match(text):
        return _Context(total=text)
    if hit := _CLASS_HEADING.match(text):
        return _Context(hit.group("lei"), text, hit.group("kuan") or "")
    if context.lei and (hit := _SECTION_LINE.match(text)):
        return replace(context, kuan=hit.group("kuan"), kuan_heading=hit.group("kuan") + hit.group("mark"))
    if bare := _unmarked_class(text, numbered=False):  # "其中：一般公共服务": the line "一般公共服务"
        return _Context(bare, bare, unmarked=True)
    return _Context() if _HEADING.match(text) else context


def _item_path(text: str, lo: int, num_start: int, context: _Context) -> tuple[int, str, tuple[str, ...]] | None:
    """(label start, path, headings used) of an item whose sentence opens with its path (``_ITEM_PATH``), the
    levels it does not print taken from the headings above it; None when it prints no 类 and no heading gives
    one, or prints no 款 and no heading gives one (then it is not certainly a 类/款/项 path).

    Two amounts of a level above the 项 are items too: a 款 line's total under its 类 heading ("检察（款）: 2018 年
    预算支出合计 16,444.36 万元": path 类 + 款, the 类 heading used), and a 类 of the "（二）支出预算总计…" list
    ("1．一般公共服务（类）支出 12706.28 万元": path 类, that heading recorded: it says which table the 类 is of).
    A 类 amount elsewhere is not taken (政协 2017 lists 经济分类 "工资福利支出（类）2,097.51 万元" under 六、).

    A 类 printed without its （类） mark is taken where its marked form would be, when the item is nothing but a
    national 类 name and its list number (:func:`_unmarked_class`): in the "（二）支出预算总计…" list ("2．社会保障和
    就业支出 1,836.22 万元", that heading recorded) and under a 类 heading ("2. 社会保障和就业支出 1608.51 万元"
    under 省人大 2017's "一般公共服务": path 类, no heading used). Under a bare 类 heading (``_Context.unmarked``) a
    项 printing neither 类 nor 款 takes that 类: path 类 + 项 ("一般公共服务（类）人大事务行政运行（项）支出")."""
    start = lo
    if lead := _LEADING_AT.match(text, lo, num_start):
        start = lead.end()
    printed = squash(text[start:num_start])
    if context.lei and (total := _SECTION_TOTAL.fullmatch(printed)):
        return start, f"{context.lei}（类）{total.group('kuan')}（款）", (context.lei_heading,)
    if context.total and (lei := _CLASS_AMOUNT.fullmatch(printed)):
        return start, f"{lei.group('lei')}（类）", (context.total,)
    if (context.total or context.lei) and (name := _unmarked_class(text[lo:num_start])):
        return start, f"{name}（类）", (context.total,) if context.total else ()
    hit = _ITEM_PATH.fullmatch(printed)
    if hit is None:
        return None
    item = hit.group("xiang") + hit.group("xm") + (hit.group("tail") or "")
    if hit.group("lei"):  # a path of its own: 类/款/项, or 类 and 项 only
        kuan = (hit.group("kuan") or "") + (hit.group("km") or "")
        return start, hit.group("lei") + hit.group("lm") + kuan + item, ()
    if hit.group("kuan") and context.lei:
        return start, f"{context.lei}（类）{hit.group('kuan')}{hit.group('km')}{item}", (context.lei_heading,)
    if not hit.group("kuan") and context.lei and context.kuan:
        return (start, f"{context.lei}（类）{context.kuan}（款）{item}",
                tuple(h for h in (context.lei_heading, context.kuan_heading) if h))
    if not hit.group("kuan") and context.unmarked:
        return start, f"{context.lei}（类）{item}", (context.lei_heading,)
    return None


#: A year a label names: a four-digit year, 上年 / 上年度 / 上一年度 / 去年 (the year before the document's) or
#: 本年 / 本年度 (the document's). Not 上年末 (the end of the previous year: 上年末固定资产 is the balance the
#: document discloses) nor 上年结转 / 上年结余 (this year's carry-over).
_YEAR_MENTION = re.compile(r"(?P<year>20\d{2})\s*年|(?P<previous>上一?年度?|去年)(?!末|结转|结余)|(?P<current>本年)")
#: A label naming a budget (预算, 预算安排, 预算数) and not an outturn (执行数, 决算, 实际支出).
_BUDGET_WORD = re.compile(r"预算")
_OUTTURN_WORD = re.compile(r"执行|决算|实际")


def _other_year(label: str, year: int | None) -> tuple[bool, int | None]:
    """Whether the last year ``label`` names is not the document's ``year``, and the year it names: a four-digit
    year (…2016 年度部门支出预算安排为 in a 2017 budget: 2016), or 上年 / 上年度 / 上一年度 / 去年 (``year`` − 1;
    None when the document's year is unknown). A label naming no year, or the document's, is this year's."""
    mentions = list(_YEAR_MENTION.finditer(label))
    if not mentions or mentions[-1].group("current"):
        return False, None
    if named := mentions[-1].group("year"):
        return year is not None and int(named) != year, int(named)
    return True, year - 1 if year else None


def _previous_budget_year(label: str, year: int | None) -> tuple[bool, int | None]:
    """(whether, the year it names) a figure whose label names an indicator is a previous year's budget: its
    label's last year mention is a year before the document's (上年, or a year the text names) and the label, from
    that mention on, names a budget (预算), not an outturn (执行数, 决算). A figure of another year that is not one
    (a later year, an outturn stated as a plain amount) is left out: no figure kind says what it is."""
    other, named = _other_year(label, year)
    if not other:
        return False, None
    earlier = named is None or year is None or named < year
    tail = label[list(_YEAR_MENTION.finditer(label))[-1].start():]  # "2016 年度部门支出预算安排为"
    return earlier and bool(_BUDGET_WORD.search(tail)) and not _OUTTURN_WORD.search(tail), named


def _unclosed_bracket(text: str, lo: int, hi: int) -> int | None:
    """Position of the last bracket opened in ``text[lo:hi]`` and not closed there ("…与 2016 年度相比（2016 年度
    部门支出预算安排为": the "（"), or None."""
    opened: list[int] = []
    for i in range(lo, hi):
        if text[i] in _OPEN:
            opened.append(i)
        elif text[i] in _CLOSE and opened:
            opened.pop()
    return opened[-1] if opened else None


def _previous_budget(raws: list[_Raw], indicator: str | None, ref_year: int | None) -> int | None:
    """Index in ``raws`` of the last previous year's budget stated in the sentence (figure kind
    ``previous-budget``) of ``indicator`` (any when None) and of ``ref_year`` (any when None), or None."""
    return next((i for i in range(len(raws) - 1, -1, -1)
                 if raws[i].kind == "previous-budget" and indicator in (None, raws[i].indicator)
                 and (ref_year is None or raws[i].ref_year in (None, ref_year))), None)


def _year(ref: str, year: int | None) -> int | None:
    if m := re.match(r"(\d{4})", ref):
        return int(m.group(1))
    return year - 1 if year and ref else None


def _sentence_figures(text: str, lo: int, hi: int, three_public_open: bool, subject: str = "",
                      context: _Context = _Context(), year: int | None = None,
                      lone: tuple[_Raw, int] | None = None) -> list[_Raw]:
    """The figures of one sentence. ``three_public_open``: a "三公" total was stated earlier in
    the same passage, so unnamed items ("培训费0.17万元") are items of its list. ``subject``: the
    classification subject (类/款/项 path) the passage is about, if any; ``context``: the 类 / 款 the
    headings above the sentence name; ``year``: the document's (fiscal) year, if known; ``lone``: the one amount
    the sentence before states (:func:`_lone_amount`) and its index relative to this sentence's first statement
    (negative), the figure a change opening this sentence without a subject is of (``_CHANGE_ALONE``)."""
    raws: list[_Raw] = []
    last_end = lo
    events: list[tuple[int, str, re.Match[str]]] = [(m.start(), "money", m) for m in _MONEY.finditer(text, lo, hi)]
    events += [(m.start(), "flat", m) for m in _FLAT.finditer(text, lo, hi)]
    events += [(m.start(), "nil", m) for m in _NIL.finditer(text, lo, hi)]
    for _pos, what, m in sorted(events, key=lambda e: e[0]):
        if m.start() < last_end:
            continue
        if what == "nil":
            raws.extend(_nil_figures(text, lo, m, year))
            last_end = m.end()
            continue
        if what == "flat":
            if (changed := _flat_subject(text, raws, m)) is not None:
                raws.append(_flat_change(m, raws[changed], changed))
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
        unit_text = m.group("unit").replace(" ", "").replace("\t", "")
        common = dict(num_start=m.start(), end=m.end(), amount=amount, printed=printed,
                      unit=UNITS[unit_text], unit_text=unit_text, decimals=decimals)
        stripped = label.strip()
        if not raws and lone is not None and (alone := _lone_change(squash(text[lo : m.start()]), lone[0])):
            # "…基本支出预算数为 7666.68 万元。与上年相比增加 844.15 万元": the change of the sentence before's amount
            # (read from the sentence's start, not the label: all of it up to the amount must be the change clause,
            # which may span a comma, 与上年相比，增加…)
            amount, offset = lone
            raws.append(_Raw(lo + len(text[lo:hi]) - len(text[lo:hi].lstrip()), indicator=amount.indicator,
                             kind="change", label=amount.label, ref=alone.group("ref"), subject=offset,
                             direction=_direction(alone.group("dir")), headings=amount.headings,
                             **common))  # type: ignore[arg-type]
            last_end = m.end()
            continue
        if not raws and (item := _item_path(text, lo, m.start(), context)) is not None:
            # a Jiangsu item opening its sentence with its path (its clause may start inside it: "…(项):支出 …")
            raws.append(_Raw(item[0], indicator="classification-subject", kind="amount", label=item[1],
                             headings=item[2], **common))  # type: ignore[arg-type]
            last_end = m.end()
            continue
        both = _BOTH_TOTALS_CHANGE.search(text, max(lo, last_end), m.start())
        if both is not None and (subject := _last_amount(raws)) is not None and raws[subject].indicator in _BOTH_TOTALS:
            # "…收入、支出预算总计 21,955.35 万元，与上年相比收、支预算总计各增加 3,958.67 万元": one change of both
            # totals, read as the change of the total the sentence states (the 支出预算总计 it is read as)
            ref = both.group("ref") or ""
            base = _previous_budget(raws, raws[subject].indicator, _year(ref, year) if ref else None)
            raws.append(_Raw(both.start(), indicator=raws[subject].indicator, kind="change", label=raws[subject].label,
                             direction=_direction(both.group("dir")), ref=ref,
                             subject=subject, headings=raws[subject].headings, compared=base,
                             **common))  # type: ignore[arg-type]
            last_end = m.end()
            continue
        if change := _CHANGE.search(stripped) or _RELATIVE.search(stripped):
            subject_text = stripped[: change.start()]
            direction = _direction(change.group("dir"))
            ref = change.group("ref") or ""
            own = classify(subject_text) if subject_text and not change.group("ref") else None
            # the previous year's budget stated before it in the sentence, of the year it names: its base
            ref_year = _year(ref, year) if ref else None
            if own is not None:
                raws.append(_Raw(start, indicator=own, kind="change", label="", direction=direction, ref=ref,
                                 compared=_previous_budget(raws, own, ref_year), **common))  # type: ignore[arg-type]
            elif (subject := _last_amount(raws)) is not None and change.group("ref"):
                base = _previous_budget(raws, raws[subject].indicator, ref_year) if not raws[subject].label else None
                raws.append(_Raw(start, indicator=raws[subject].indicator, kind="change", label=raws[subject].label,
                                 direction=direction, ref=ref, subject=subject, headings=raws[subject].headings,
                                 compared=base, **common))  # type: ignore[arg-type]
            elif not subject_text and (base := _previous_budget(raws, None, ref_year)) is not None:
                # "…与 2016 年度相比（2016 年度部门支出预算安排为8,648.07万元），增加498.72万元": a change against the
                # stated budget (of the year's amount of its indicator, where the sentence states it too)
                indicator = raws[base].indicator
                current = next((i for i in range(len(raws) - 1, -1, -1)
                                if raws[i].kind == "amount" and raws[i].indicator == indicator and not raws[i].label),
                               None)
                raws.append(_Raw(start, indicator=indicator, kind="change", label="", direction=direction, ref=ref,
                                 ref_year=ref_year or raws[base].ref_year, subject=current, compared=base,
                                 **common))  # type: ignore[arg-type]
            last_end = m.end()
            continue
        if (special := _special_figure(stripped, raws, subject)) is not None:
            kind, indicator, item_label, compared = special
            raws.append(_Raw(start, indicator=indicator, kind=kind, label=item_label, compared=compared,
                             **common))  # type: ignore[arg-type]
            last_end = m.end()
            continue
        if _in_class_list(text, raws, start) and (hit := _LIST_PATH.fullmatch(stripped)):
            # "一般公共预算财政拨款支出 9746.50 万元，主要用于以下方面：社会保障和就业支出（类）754.75 万元，占 7.74%":
            # an item of the list, named by its 类 (or 类/款…) path; its share is of the total (rule R70)
            raws.append(_Raw(start, indicator="classification-subject", kind="amount",
                             label=squash_path(hit.group("path")), **common))  # type: ignore[arg-type]
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
        if indicator is None and (both := _FISCAL_BOTH_TOTAL.search(text, max(lo, last_end), m.start())):
            # the clause split at 、 left "支总预算": the 财政拨款 total of both sides, read as its expenditure
            indicator, start = "fiscal-appropriation-expenditure", both.start()
        # a label naming another year (2016 年度…, 上年…) never states this year's amount
        other_year = indicator is not None and _other_year(stripped, year)[0]
        if indicator == "expenditure-total" and _SUBJECT_LEVEL.search(text[lo:start]):
            # "住房改革支出(款)：2018 年预算支出合计…": the total of one 类/款/项, not of the budget
            indicator = None
        if indicator in _SPLITS and _QUALIFIED.search(stripped):
            # "财政拨款基本支出预算…": the split of one fund, not of the budget (tables compare totals); the general
            # budget's basic expenditure is a table of its own
            indicator = ("general-public-budget-basic-expenditure"
                         if indicator == "basic-expenditure" and _GENERAL_BUDGET_BASIC.search(stripped)
                         and not re.search(r"政府性基金|国有资本经营", stripped) else None)
        if indicator is not None and _CHANGE_VERB.match(_LEADING.sub("", stripped)):
            # "增加基本支出 844.15 万元": a change stated before its subject, not an amount
            indicator = None
        if other_year and indicator is not None:
            previous, named = _previous_budget_year(stripped, year)
            if previous:
                # "与 2016 年度相比（2016 年度部门支出预算安排为8,648.07万元）" in a 2017 budget: the base of the
                # comparison; its span starts inside the bracket it is stated in
                if (bracket := _unclosed_bracket(text, start, m.start())) is not None:
                    start = bracket + 1
                    if lead := _LEADING_AT.match(text, start, m.start()):
                        start = lead.end()
                raws.append(_Raw(start, indicator=indicator, kind="previous-budget", label="", ref_year=named,
                                 **common))  # type: ignore[arg-type]
                # the year's amount of the same indicator stated before it in the sentence is set against it
                current = next((i for i in range(len(raws) - 2, -1, -1)
                                if raws[i].kind == "amount" and raws[i].indicator == indicator), None)
                if current is not None and raws[current].compared is None and not raws[current].label:
                    raws[current].compared = len(raws) - 1
            # another year's figure that is not a previous budget (a later year, an outturn): left out
            last_end = m.end()
            continue
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
        # set against the previous year's budget of the same indicator stated before it in the sentence, if any
        base = _previous_budget(raws, indicator, None) if not item_label else None
        raws.append(_Raw(start, indicator=indicator, kind="amount", label=item_label, compared=base,
                         **common))  # type: ignore[arg-type]
        last_end = m.end()
    return raws


def _nil_figures(text: str, lo: int, m: re.Match[str], year: int | None) -> list[_Raw]:
    """The figures a nil clause (``_NIL``) states as none: each an amount of 0, printed as its word (无 / 没有),
    in 元 with no unit written (a zero is exact in every unit, so the table's own unit governs a comparison).
    "…收入和支出" names two. None where the sentence gives a reason up to it, or the clause names another year."""
    start = _clause_start(text, m.start(), lo)
    if lead := _LEADING_AT.match(text, start, m.start()):
        start = lead.end()
    if text[start : m.start()].strip() in tuple(_OPEN):  # "(无政府性基金支出）" printed in an empty table
        start = m.start()
    if _REASON_WORD.search(text[lo : m.start()]) or _other_year(text[start : m.start()], year)[0]:
        return []
    # a fund's own appropriation: "政府性基金预算财政拨款收入" is the fund's income, not 财政拨款收入
    what = re.sub(r"(政府性基金|国有资本经营)预算财政拨款", r"\1预算拨款", squash(m.group("what")))
    what = re.sub(r"(?:预算)?安排$", "", what)
    if budget := _FUND_BUDGET.match(what):
        names = [budget.group("fund") + "预算拨款收入", budget.group("fund") + "预算拨款支出"]
    elif what.endswith("收入和支出"):
        names = [what.removesuffix("和支出"), what.removesuffix("收入和支出") + "支出"]
    else:
        names = [what]
    found: list[_Raw] = []
    for name in names:
        indicator = classify(name)
        if indicator is None or indicator not in _NIL_INDICATORS:
            continue
        # a fund named in the clause is the indicator's fund, and an indicator of a fund needs its fund named
        fund = "government-fund" if "政府性基金" in name else "state-capital" if "国有资本经营" in name else ""
        if indicator.startswith(("government-fund", "state-capital")) != bool(fund) or not indicator.startswith(fund):
            continue
        found.append(_Raw(start, num_start=m.start(), end=m.end(), indicator=indicator, kind="amount",
                          amount=Decimal(0), printed=m.group("word"), unit="yuan", unit_text="", decimals=0,
                          label=""))
    return found


def _in_class_list(text: str, raws: list[_Raw], at: int) -> bool:
    """Whether ``at`` is in the list of a sentence opening with the 一般公共预算财政拨款支出 amount and 主要用于
    (a final account's structure sentence, "…支出 9746.50 万元，主要用于以下方面：…"), every figure since being an
    item of it."""
    if not raws or raws[0].kind != "amount" or raws[0].indicator != "general-public-budget-expenditure":
        return False
    return (all(r.kind == "amount" and r.indicator == "classification-subject" for r in raws[1:])
            and _USED_FOR.search(text, raws[0].end, at) is not None)


def _special_figure(label: str, raws: list[_Raw], subject: str) -> tuple[str, str, str, int | None] | None:
    """(kind, indicator, item label, compared) of a figure the standard indicators do not name: a
    classification subject's amount, the previous year's outturn it is compared with, and a final
    account's 年初预算 / 决算 pair. None: not one of those."""
    bare = _LEADING.sub("", label).strip()
    if hit := _SUBJECT_PATH.fullmatch(bare):
        return "amount", "classification-subject", squash_path(hit.group("path")), None
    if _OUTTURN.match(bare):
        return ("previous-outturn", "classification-subject", subject, None) if subject else None
    if _ARRANGED_YEAR.match(bare) and subject:
        previous = next((i for i in range(len(raws) - 1, -1, -1) if raws[i].kind == "previous-outturn"), None)
        return "amount", "classification-subject", subject, previous
    if hit := _INITIAL.match(bare):
        return _pair_member("initial-budget", hit.group("subject"), raws, subject)
    if hit := _FINAL.match(bare):
        return _pair_member("final-outturn", hit.group("subject"), raws, subject)
    return None


def _pair_member(kind: str, named: str, raws: list[_Raw], subject: str) -> tuple[str, str, str, int | None] | None:
    """A 年初预算 or 决算 figure: its indicator is what its clause names, else the subject of the
    passage, else (决算) that of the 年初预算 stated before it in the sentence."""
    named = re.sub(r"^\d{4}\s*年度?", "", named).strip()
    indicator, label = (classify(named), "") if named else (None, "")
    initial = next((i for i in range(len(raws) - 1, -1, -1) if raws[i].kind == "initial-budget"), None)
    if indicator is None and not named and kind == "final-outturn" and initial is not None:
        indicator, label = raws[initial].indicator, raws[initial].label
    if indicator is None and not named and subject:
        indicator, label = "classification-subject", subject
    if indicator is None:
        return None
    compared = None
    if kind == "final-outturn" and initial is not None and (raws[initial].indicator, raws[initial].label) == (
            indicator, label):
        compared = initial
    return kind, indicator, label, compared


def squash_path(path: str) -> str:
    """A 类/款/项 path as printed, without spaces and line breaks (PDF lines wrap inside it)."""
    return _LEADING.sub("", squash(path))


def _project_name(text: str) -> str:
    text = _LEADING.sub("", text.strip().rstrip("，,：: "))
    return re.sub(r"^[^:：]*(?:拨款|资金)[:：]", "", text).strip()


def _lone_change(clause: str, amount: _Raw) -> re.Match[str] | None:
    """The change of ``amount`` (the one amount of the sentence before) that ``clause`` opens with, if it is one: the
    clause names no subject, names the amount's own indicator, or both sides (收、支) of a total the amount is."""
    change = _CHANGE_ALONE.fullmatch(clause)
    if change is None or (change.group("subject") and classify(change.group("subject")) != amount.indicator):
        return None
    if change.group("both") and amount.indicator not in _BOTH_SIDES:
        return None
    return change


def _direction(word: str) -> str:
    """The direction a change's word states (增加/增长 …: increase; 减少/下降 …: decrease)."""
    return "decrease" if word in _DECREASE_WORDS else "increase"


def _last_amount(raws: list[_Raw]) -> int | None:
    return next((i for i in range(len(raws) - 1, -1, -1) if raws[i].kind == "amount"), None)


def _flat_subject(text: str, raws: list[_Raw], flat: re.Match[str]) -> int | None:
    """Index in ``raws`` of the amount the flat clause ``flat`` is stated of: the sentence's last figure, when it is
    an amount and only a comma (or 本年数) stands between them (…预算支出 70 万元，与上年预算数一致); else None."""
    if not raws or raws[-1].kind != "amount" or not _FLAT_GAP.fullmatch(text, raws[-1].end, flat.start()):
        return None
    return len(raws) - 1


def _flat_change(flat: re.Match[str], amount: _Raw, subject: int) -> _Raw:
    """The change of 0 (direction flat) the clause ``flat`` states of ``amount`` (index ``subject``)."""
    return _Raw(flat.start(), flat.start(), flat.end(), amount.indicator, "change", Decimal(0), "", None, "", 0,
                amount.label, "flat", flat.group("ref"), subject, headings=amount.headings)


_COMMA = re.compile(r"[，,]\s*")


def _reason_tail(text: str, at: int, hi: int) -> bool:
    """Whether ``text[at:hi]``, the rest of a sentence after a flat clause, is nothing or a reason clause after a
    comma ("比2022年预算持平，主要原因是公务接待费保持不变。", 万里街道 2023): the reason is the flat clause's, the
    sentence states nothing else."""
    if _SENTENCE_TAIL.fullmatch(text, at, hi):
        return True
    comma = _COMMA.match(text, at, hi)
    if comma is None:
        return False
    clause_end = min((i for i in (text.find(ch, comma.end(), hi) for ch in "，,") if i >= 0), default=hi)
    return _REASON.search(text, comma.end(), clause_end) is not None


def _flat_alone(text: str, lo: int, hi: int, previous: tuple[list[_Raw], int, int], base: int) -> _Raw | None:
    """A sentence ``text[lo:hi]`` that is nothing but a flat clause, or a flat clause and its reason, after a sentence
    of the same run ending with an amount: "项目支出预算数为 5853.96 万元。与上年持平。" (省人大办公厅 2017), "…政府性
    基金支出预算支出0万元。与上年预算数一致。" (省委办公厅 2019), "公务接待费1.35万元。比2022年预算持平，主要原因是
    公务接待费保持不变。" (万里街道 2023, 2024; 社会福利院 2024; 商务委 2025): the change of 0 of that amount.
    ``previous``: the figures of the sentence before, its end and the index (in the statements) of its first figure;
    ``base``: that of this sentence's. The change's ``subject`` is then negative (relative to ``base``: a figure of
    the previous sentence). Any other sentence: None."""
    figures, previous_hi, previous_base = previous
    flat = _FLAT.search(text, lo, hi)
    if (flat is None or not figures or figures[-1].kind != "amount"
            or not _FLAT_GAP.fullmatch(text, lo, flat.start()) or not _reason_tail(text, flat.end(), hi)
            or not _SENTENCE_TAIL.fullmatch(text, figures[-1].end, previous_hi)):
        return None
    return _flat_change(flat, figures[-1], previous_base + len(figures) - 1 - base)


def _lone_amount(text: str, lo: int, hi: int, raws: list[_Raw]) -> _Raw | None:
    """The one figure ``raws`` of the sentence ``text[lo:hi]`` when it states exactly one money amount
    and that is a year's amount (figure kind ``amount``: not a change, a previous year's figure or a 决算 pair):
    the figure a change opening the next sentence without a subject is of ("此外，基本支出预算数为 7666.68 万元。与上年
    相比增加 844.15 万元"). A sentence stating several amounts (a list), or one that names no indicator, gives None:
    which one changed is not certain."""
    if len(raws) != 1 or raws[0].kind != "amount" or len(_MONEY.findall(text, lo, hi)) != 1:
        return None
    return raws[0]


def _list_owner(raws: list[_Raw]) -> int | None:
    """The total an unnamed item belongs to: a 机关运行经费 or "三公" total earlier in the sentence."""
    for i in range(len(raws) - 1, -1, -1):
        if raws[i].kind == "amount" and raws[i].indicator in ("institution-operation-expenses", "three-public-total"):
            return i
    return None


@dataclass(frozen=True)
class Percentage:
    """A percentage stated in the text: a growth rate (增长 6.59%), a share (占 45.78%) or a completion
    rate (完成年初预算的 95.45%), as written (rule R53 checks the writing, R50/R72 the value)."""

    paragraph: str
    ordinal: int  # 1-based position among the percentages of its paragraph
    kind: str  # growth | share | completion
    value: Decimal  # the number as written (a growth rate: its magnitude)
    printed: str  # the number as written
    decimals: int
    sign: str  # "%" / "％" as written; "" when the text gives the number without a sign
    direction: str  # growth: increase | decrease
    span: str
    sentence: str
    rate_of: int | None = None  # index (in the statements) of the figure the rate is computed from
    #: a share whose total the text fixes (rule R70): the indicator of that total (income-total = 本年收入合计,
    #: expenditure-total = 本年支出合计, three-public-total = the 三公 合计, general-public-budget-expenditure = the
    #: 一般公共预算财政拨款支出 a 主要用于 list of 类 opens with); "" when not fixed
    share_of: str = ""
    share_basis: str = ""  # the text that fixes it (the share word, the sentence's total, the section heading)
    share_list: int | None = None  # index (in the percentages) of the first share of its list (itself if first)
    reason: str = ""  # a growth rate that is the only statement of its change: its reason clause (see Statement)
    reason_paragraph: str = ""


def extract(doc: SourceDocument, year: int | None = None) -> list[Statement]:
    """Every figure of the document's narrative that names a known indicator, in reading order."""
    return extract_all(doc, year)[0]


def extract_all(doc: SourceDocument, year: int | None = None) -> tuple[list[Statement], list[Percentage]]:
    """The figures (:func:`extract`) and the percentages of the document's narrative."""
    keys = paragraph_keys(doc.paragraphs)
    out: list[Statement] = []
    percentages: list[Percentage] = []
    counters: dict[str, int] = {}
    percent_counters: dict[str, int] = {}
    headings = ["", ""]  # the current section heading (一、…) and sub-heading (（一）…)
    context = _Context()  # the 类 / 款 the headings above name (Jiangsu items print part of their path)
    for run in _runs(doc):
        three_public: int | None = None  # the section's "三公" total (its items follow in later sentences)
        vehicles: int | None = None
        subject = ""  # the 类/款/项 path the passage is about
        previous_last: int | None = None  # the last figure of the previous sentence (its index in out)
        procurement_tail: int | None = None  # the previous sentence's figure if it ends with the procurement total
        # the previous sentence's 财政拨款支出 amount and the index of its change (None: none stated)
        fiscal_tail: tuple[int, int | None] | None = None
        previous_lo = 0
        before: tuple[list[_Raw], int, int] = ([], 0, 0)  # the previous sentence's figures, end and first index
        lone: tuple[_Raw, int] | None = None  # the previous sentence's one amount (_lone_amount) and its index in out
        # (index, sentence start, position) of this run's statements and percentages: their reasons are
        # looked for once the run is read (a 决算数's comparison may be stated in a later sentence)
        placed: list[tuple[int, int, int]] = []
        placed_rates: list[tuple[int, int, int]] = []
        for lo, hi in _sentences(run):
            sentence = run.text[lo:hi].strip()
            # a path ending in this sentence (it may have started on the previous printed line)
            paths = [h for h in _SUBJECT_PATH.finditer(run.text, previous_lo, hi) if h.end() > lo]
            if paths:
                subject = squash_path(paths[-1].group("path"))
            elif _HEADING.match(sentence):
                subject = ""
            if heading := _HEADING.match(sentence):
                level = 1 if heading.group().endswith("、") else 2
                headings[level - 1:] = [sentence] + [""] * (2 - level)
            previous_lo = lo
            context = _next_context(sentence, context)
            raws = _sentence_figures(run.text, lo, hi, three_public is not None, subject, context, year,
                                     (lone[0], lone[1] - len(out)) if lone is not None else None)
            base = len(out)
            if not raws and (flat := _flat_alone(run.text, lo, hi, before, base)) is not None:
                raws = [flat]  # "…5853.96 万元。与上年持平。": of the amount the sentence before ends with
            before = (raws, hi, base)
            lone = (amount, base) if (amount := _lone_amount(run.text, lo, hi, raws)) is not None else None
            declared = bool(_SELF_DECLARED_SUM.search(sentence))
            for raw in raws:
                key = keys[run.owners[raw.num_start]]
                counters[key] = counters.get(key, 0) + 1
                out.append(Statement(
                    paragraph=key, ordinal=counters[key], indicator=raw.indicator, kind=raw.kind,
                    amount=raw.amount, printed=raw.printed, unit=raw.unit, unit_text=raw.unit_text,
                    decimals=raw.decimals, span=run.text[raw.start : raw.end].strip().replace("\n", ""),
                    sentence=sentence, label=raw.label, direction=raw.direction,
                    reference_year=raw.ref_year if raw.ref_year is not None else (
                        _year(raw.ref, year) if raw.kind == "change" else None),
                    change_of=base + raw.subject if raw.subject is not None else None,
                    compared_with=base + raw.compared if raw.compared is not None else None,
                    headings=raw.headings,
                ))
                placed.append((len(out) - 1, lo, raw.start))
            _stated_comparisons(sentence, out, base)
            heads: dict[str, int] = {}  # the first share of each total in this sentence (a list of shares)
            for pct in _percentages(run.text, lo, hi, raws, base, previous_last, " ".join(headings)):
                key = keys[run.owners[pct.num_start]]
                percent_counters[key] = percent_counters.get(key, 0) + 1
                head = heads.setdefault(pct.share_of, len(percentages)) if pct.share_of else None
                percentages.append(Percentage(
                    paragraph=key, ordinal=percent_counters[key], kind=pct.kind, value=pct.value,
                    printed=pct.printed, decimals=pct.decimals, sign=pct.sign, direction=pct.direction,
                    span=pct.span, sentence=sentence, rate_of=pct.rate_of, share_of=pct.share_of,
                    share_basis=pct.share_basis, share_list=head))
                placed_rates.append((len(percentages) - 1, lo, pct.num_start))
            previous_last = len(out) - 1 if raws and raws[-1].kind == "final-outturn" else None
            # structure the text states (exhaustive lists only); "…政府采购预算总金额为 2247.85 万元。其中拟购买货物
            # 59 万元，…" lists the categories of the sentence before
            carried = procurement_tail if sentence.startswith("其中") else None
            procurement_tail = base + len(raws) - 1 if raws and raws[-1].kind == "amount" and (
                raws[-1].indicator == "government-procurement") else None
            funds = fiscal_tail if _FISCAL_EXPENDITURE_OPENING.match(sentence) else None
            fiscal_tail = _fiscal_expenditure(raws, base)
            for k, raw in enumerate(raws):
                me = base + k
                if raw.kind == "amount" and raw.indicator == "three-public-total":
                    three_public, vehicles = me, None
                    continue
                if raw.kind == "amount" and raw.indicator == "official-vehicles" and three_public is not None:
                    vehicles = me
                parent = _parent(raws, k, base, declared, three_public, vehicles, carried, funds)
                if parent is not None:
                    out[me] = _with(out[me], part_of=parent)
                elif (total := _income_list_total(raws, k)) is not None:
                    out[me] = _with(out[me], listed_under=base + total)
            if any(r.kind == "amount" and r.indicator in ("institution-operation-expenses", "government-procurement",
                                                          "fixed-assets") for r in raws):
                three_public, vehicles = None, None
        _attach_reasons(run, keys, placed, placed_rates, out, percentages)
    return out, percentages


_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])")


def _stated_comparisons(sentence: str, out: list[Statement], base: int) -> None:
    """Record "决算数小于/大于/同预算数持平" on the 决算 figure it speaks of: the last one stated before
    it (in this sentence or an earlier one) that has its 年初预算 beside it — of the subject the
    clause names, when it names one."""
    for hit in _COMPARISON.finditer(sentence):
        direction = "decrease" if hit.group("less") else "increase" if hit.group("more") else (
            "flat" if hit.group("flat") else "")
        if not direction:
            continue
        named = re.sub(r"^\d{4}\s*年度?", "", _LEADING.sub("", hit.group("subject"))).strip()
        indicator = classify(named) if named else None
        target = next((i for i in range(len(out) - 1, -1, -1)
                       if out[i].kind == "final-outturn" and out[i].compared_with is not None
                       and (indicator is None or out[i].indicator == indicator)), None)
        if target is not None and not out[target].stated_comparison:
            out[target] = _with(out[target], stated_comparison=direction)


@dataclass
class _RawPercent:
    num_start: int
    kind: str
    value: Decimal
    printed: str
    decimals: int
    sign: str
    direction: str
    span: str
    rate_of: int | None
    share_of: str = ""
    share_basis: str = ""


def _percentages(text: str, lo: int, hi: int, raws: list[_Raw], base: int,
                 previous_last: int | None, section: str = "") -> list[_RawPercent]:
    """The percentages of one sentence, each linked to the figure it is a rate of when the text puts
    it right after that figure: a change (增加844.15万元，增长6.59%), a budget line set against the
    previous year's outturn (…预算安排145.02万元，比2022年预算执行数增加39.11%) or a 决算数 set against
    its 年初预算 (…支出决算为9746.50万元，完成年初预算的95.45%)."""
    found: list[_RawPercent] = []
    taken = [(r.num_start, r.end) for r in raws]
    for m in _PERCENT.finditer(text, lo, hi):
        if any(a <= m.start("num") < b for a, b in taken):
            continue
        sign = m.group("sign") or ""
        if not sign and not _BARE_RATE_END.match(text, m.end("num")):
            continue  # 增加 3 人, 增长 16倍: not a rate
        if not sign and _MONEY.match(text, m.start("num")):
            continue
        word = m.group("word")
        kind = "completion" if word.startswith("完成") else "share" if word.startswith("占") else "growth"
        printed = m.group("num")
        rate_of = _rate_target(text, lo, m.start(), raws, base, previous_last, kind)
        share_of, basis = "", ""
        if kind == "share" and (share := _share_total(text, lo, m.start(), word, raws, section)) is not None:
            k, share_of, basis = share
            rate_of = base + k
        found.append(_RawPercent(
            num_start=m.start("num"), kind=kind, value=Decimal(printed), printed=printed,
            decimals=len(printed.split(".")[1]) if "." in printed else 0, sign=sign,
            direction=_RATE_DIRECTION.get(word, ""), span=text[m.start() : m.end()].strip().replace("\n", ""),
            rate_of=rate_of, share_of=share_of, share_basis=basis))
    return found


def _share_total(text: str, lo: int, at: int, word: str, raws: list[_Raw],
                 section: str) -> tuple[int, str, str] | None:
    """(index of the figure in ``raws``, indicator of the total, the text that fixes it) of a share at ``at``
    whose total the text fixes (rule R70), or None. The share must follow its figure, a comma apart, and:

    * name its total: 占本年收入合计的 / 占本年支出合计的 X% after any amount; 占“三公”经费的 X% after a "三公" item;
    * or, a bare 占 X%, follow a part of the total the sentence opens with: an income source after
      "本年收入(预算)合计 …万元，其中：", 基本 / 项目支出 (Jiangsu: and 单位预留机动经费) after
      "本年支出(预算)合计 …万元，其中："; or a "三公" item (因公出国（境）, 公务用车购置及运行, 公务接待) in a
      sentence or section about the “三公”经费;
    * or, a bare 占 X%, follow a 类 (款, 项) of the list of a final account's structure sentence
      "一般公共预算财政拨款支出 X 万元，主要用于以下方面：社会保障和就业支出（类）754.75 万元，占 7.74%；…": a share
      of that 一般公共预算财政拨款支出 (rule R70 divides by the 一般公共预算财政拨款支出决算表's 合计 决算数).

    Anything else (a share of 收入总计, a 购置费 share under its vehicle item, a share whose figure is not right
    before it) is not a share of a fixed total: None."""
    before = [k for k, r in enumerate(raws) if r.end <= at]
    if not before or not _SHARE_GAP.match(text[raws[before[-1]].end : at]):
        return None
    k = before[-1]
    figure = raws[k]
    word = squash(word)
    for total, pattern in _SHARE_NAMED:
        if pattern.match(word):
            if figure.kind not in ("amount", "final-outturn"):
                return None
            if total == "three-public-total" and figure.indicator not in _THREE_PUBLIC_ITEMS:
                return None
            return k, total, word
    if not _SHARE_BARE.match(word) or figure.kind not in ("amount", "final-outturn"):
        return None
    opening = raws[0]
    opening_label = squash(text[opening.start : opening.num_start])
    if k > 0 and opening.kind == "amount":
        opening_text = squash(text[opening.start : opening.end])
        if (figure.indicator in _INCOME_PARTS and opening.indicator == "income-total"
                and _INCOME_TOTAL_OPENING.search(opening_label)):
            return k, "income-total", opening_text
        if (figure.indicator in _EXPENDITURE_PARTS and opening.indicator == "expenditure-total"
                and _EXPENDITURE_TOTAL_OPENING.search(opening_label)):
            return k, "expenditure-total", opening_text
        if figure.indicator == "classification-subject" and _in_class_list(text, raws[:k], figure.start):
            # a 类 (款, 项) of the 一般公共预算财政拨款支出 the sentence opens with, in its 主要用于 list
            return k, "general-public-budget-expenditure", opening_text
    if figure.indicator in _THREE_PUBLIC_SHARE_ITEMS:
        if "三公" in text[lo : figure.start]:
            return k, "three-public-total", squash(text[lo : figure.start]).strip("，,：:")
        if "三公" in section:
            return k, "three-public-total", section.strip()
    return None


def _rate_target(text: str, lo: int, at: int, raws: list[_Raw], base: int, previous_last: int | None,
                 kind: str) -> int | None:
    """The statement (index in the output) a rate at ``at`` is computed from, or None."""
    before = [k for k, r in enumerate(raws) if r.end <= at]
    if not before:
        # "…支出决算为 0.88 万元。完成年初预算的 100.00%": the figure ends the previous sentence
        if kind == "completion" and previous_last is not None and not text[lo:at].strip():
            return previous_last
        return None
    k = before[-1]
    raw = raws[k]
    if not _RATE_GAP.match(text[raw.end : at]):
        return None
    if kind == "growth" and raw.kind == "change" and raw.direction in ("increase", "decrease"):
        return base + k
    if kind == "growth" and raw.kind == "amount" and raw.compared is not None:
        return base + k
    if kind == "completion" and raw.kind == "final-outturn":
        return base + k
    return None


def _fiscal_expenditure(raws: list[_Raw], base: int) -> tuple[int, int | None] | None:
    """The last 财政拨款支出 amount of a sentence and its change (indices in the statements), or None."""
    k = next((j for j in range(len(raws) - 1, -1, -1)
              if raws[j].indicator == "fiscal-appropriation-expenditure" and raws[j].kind == "amount"), None)
    if k is None:
        return None
    change = next((j for j, r in enumerate(raws) if r.kind == "change" and r.subject == k), None)
    return base + k, None if change is None else base + change


def _fund_parent(raws: list[_Raw], k: int, funds: tuple[int, int | None]) -> int | None:
    """The 财政拨款支出 (or its change) a fund's amount (or change) is part of, in a sentence listing the funds of
    the sentence before's 财政拨款支出 (``funds``): at least two funds stated, and for the changes, a change of
    every fund stated (a list missing one would not add up)."""
    raw = raws[k]
    parts = [j for j, r in enumerate(raws) if r.kind == "amount" and r.indicator in _FUND_EXPENDITURE_PARTS]
    if len(parts) < 2:
        return None
    if raw.kind == "amount":
        return funds[0] if k in parts else None
    changed = {r.subject for r in raws if r.kind == "change"}
    if funds[1] is None or raw.subject not in parts or not set(parts) <= changed:
        return None
    return funds[1]


def _income_list_total(raws: list[_Raw], k: int) -> int | None:
    """The position in ``raws`` of the income total the ``k``-th figure is listed under, if it is one of two or
    more income sources the sentence lists after that total ("2023年预算收入为822.41万元，其中：一般公共预算收入
    822.41万元，基金预算收入0万元，财政专户核拨收入0万元，其他来源收入0万元，财政拨款结转0万元。"). Such a list need
    not be complete, so its items add up to the total *at most* (rule R48-listed-income). 上年结转 is listed too
    where the total is stated before it: the sources of a 收入总计. A list naming 财政拨款收入 and one of the funds it
    is made of (一般公共预算 / 政府性基金 / 国有资本经营) nests them: not taken."""
    raw = raws[k]
    if raw.kind != "amount" or raw.indicator not in _INCOME_PARTS | {"carry-over"}:
        return None
    total = next((j for j in range(k - 1, -1, -1)
                  if raws[j].kind == "amount" and raws[j].indicator == "income-total"), None)
    if total is None:
        return None
    listed = {r.indicator for r in raws[total + 1:] if r.kind == "amount"}
    if len(listed & (_INCOME_PARTS | {"carry-over"})) < 2 or (
            "fiscal-appropriation-income" in listed and listed & _FUND_INCOME):
        return None
    return total


def _parent(raws: list[_Raw], k: int, base: int, declared: bool, three_public: int | None,
            vehicles: int | None, procurement: int | None = None,
            funds: tuple[int, int | None] | None = None) -> int | None:
    raw = raws[k]
    before = raws[:k]
    if raw.kind not in ("amount", "change"):
        return None  # 年初预算 / 决算 / 上年执行数 figures are compared, not listed
    if funds is not None and raw.indicator in _FUND_EXPENDITURE_PARTS:
        return _fund_parent(raws, k, funds)

    def last(indicator: str, kind: str = "amount") -> int | None:
        i = next((j for j in range(len(before) - 1, -1, -1)
                  if before[j].indicator == indicator and before[j].kind == kind), None)
        return None if i is None else base + i

    if raw.kind == "change":
        if raw.subject is None and raw.indicator in _EXPENDITURE_PARTS:
            return last("expenditure-total", "change")
        return None
    # A split is a complete list only when the sentence states both parts.
    stated = {r.indicator for r in raws if r.kind == "amount"}
    if raw.indicator in ("personnel-expenditure", "public-expenditure"):
        both = {"personnel-expenditure", "public-expenditure"} <= stated
        owners = [i for i in (last("basic-expenditure"), last("general-public-budget-basic-expenditure"))
                  if i is not None]
        return max(owners) if both and owners else None
    if raw.indicator in _EXPENDITURE_PARTS:  # Jiangsu lists 单位预留机动经费 as a third part
        both = {"basic-expenditure", "project-expenditure"} <= stated
        return last("expenditure-total") if both else None
    if raw.indicator == "project":
        return last("project-expenditure")
    if raw.indicator in _PROCUREMENT_PARTS:  # two categories stated at least (Jiangsu leaves out a 0 one)
        if len(_PROCUREMENT_PARTS & stated) < 2:
            return None
        total = last("government-procurement")
        return total if total is not None else procurement
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


# -- reasons (rule R51: "增加" or "减少" requires a stated reason; R71: so does a 决算数 above or below its 年初预算)

#: A heading or list item: its enumerator at the start of a line, or after 。：；, and its rank in the official
#: numbering (GB/T 9704 structure levels 一、 > （一） > 1. > （1）; a 第X部分 part above them all).
_ENUMERATOR = re.compile(
    r"(?:^|(?<=[\n。：:；;]))[ \t]*(?:(?P<r0>第[一二三四五六七八九十]+部分)|(?P<r1>[一二三四五六七八九十]+、)"
    r"|(?P<r2>[（(][一二三四五六七八九十]+[)）])|(?P<r3>\d+[、.．](?!\d))|(?P<r4>[（(]\d+[)）]))"
)
#: What introduces a reason: 主要原因是 / 原因是 / …的原因主要是 / 主要原因：, 主要是, 主要为, 主要用于, 由于, 因为,
#: 鉴于, 系因 / 系由, …导致 / 所致 / 致使 / 造成, and 因 opening a clause (not 因公出国, 因素, 因故).
_REASON = re.compile(
    r"原因|主要(?:是|为|用于|由于|系)|由于|因为|鉴于|系因|系由|导致|所致|致使|造成"
    r"|(?:^|(?<=[，,。；;：:、\n]))因(?![公素故])"
    # an increase from nothing explained by the subject being new (委办 2018: "…支出743.39万元，与上年相比增加743.39
    # 万元。此项级科目为今年新增科目。")
    r"|新增(?:的)?(?:[类款项]级?)?科目"
)
#: A reason clause that explains no change ("主要原因是因公出国（境）费保持不变"): it does not explain an
#: increase or a decrease stated beside it.
_NO_CHANGE = re.compile(r"持平|不变|一致")
_REASON_END = "。！？；;"
_CLAUSE_START = "，,。；;！？\n"


def _enumerators(text: str) -> list[tuple[int, int]]:
    """(position, rank) of every heading or list item enumerator of a run, in order."""
    return [(m.start(m.lastgroup or 0), int((m.lastgroup or "r0")[1])) for m in _ENUMERATOR.finditer(text)]


def _reason_in(text: str, lo: int, hi: int) -> tuple[str, int] | None:
    """The first reason clause in ``text[lo:hi]`` that explains a change: (the clause as printed, from the
    start of its clause to the end of its sentence, without line breaks; its start)."""
    for m in _REASON.finditer(text, lo, hi):
        start = max((text.rfind(ch, lo, m.start()) for ch in _CLAUSE_START), default=-1) + 1
        start = max(start, lo)
        ends = [i for i in (text.find(ch, m.end(), hi) for ch in _REASON_END) if i >= 0]
        end = min(ends, default=hi)
        if _NO_CHANGE.search(text, m.start(), end):
            continue
        clause = text[start:end].replace("\n", "").strip()
        if clause:
            return clause, start
    return None


def _reason(text: str, enumerators: list[tuple[int, int]], lo: int, at: int, printed: str) -> tuple[str, int] | None:
    """The reason the text gives for the statement at ``at`` (its sentence starts at ``lo``), or None.

    Reasons are written in the statement's sentence (…增加84.54万元，…主要为…), in a later sentence or paragraph
    (财政拨款收入支出增加的主要原因是项目调整。), or, for a total, in the items of its breakdown (其中：（一）…
    主要原因是…). So the statement's *passage* is read: from its sentence to the next heading or list item of
    the same or a higher rank than the one it is written under (the end of the prose when there is none). A
    statement inside a list item that restates a change of the text introducing the list (its number, ``printed``,
    is written there) shares the reason given there (…各增加844.15万元，增长6.59%。主要原因是…。其中：（一）…与上年
    相比增加844.15万元); an item with figures of its own (a 决算's 项 after its total) does not.
    The first reason clause after the statement is taken, else one before it in its sentence (由于…，支出增加…). A
    reason before the statement's sentence, in a sibling item or in another section does not count."""
    own = next((rank for pos, rank in reversed(enumerators) if pos <= at), 0)
    end = next((pos for pos, rank in enumerators if pos > at and rank <= own), len(text))
    # the first reason after the statement (in a list of changes, its own), else one before it in its sentence
    if (found := _reason_in(text, at, end) or _reason_in(text, lo, at)) is not None or own == 0:
        return found
    parent = next((pos for pos, rank in reversed(enumerators) if pos <= at and rank < own), 0)
    intro_end = next((pos for pos, _rank in enumerators if pos > parent), at)
    # the intro without its heading line (四、财政拨款“三公”经费预算情况及增减变化原因 names no reason)
    heading_end = min((i for i in (text.find(ch, parent, lo) for ch in _SENTENCE_END) if i >= 0), default=lo)
    intro = text[heading_end + 1 : min(intro_end, lo)]
    if not printed or not re.search(rf"(?<![\d.,]){re.escape(printed)}(?![\d])", intro):
        return None
    return _reason_in(text, heading_end + 1, min(intro_end, lo))


def needs_reason(s: Statement, statements: list[Statement]) -> bool:
    """Whether the text must give a reason for the figure: a change stated as an increase or a decrease
    (not 0, not 持平: rule R51), a 决算数 stated above or below its 年初预算 — or, where the text states no
    comparison, differing from it (R71)."""
    if s.kind == "change":
        return s.direction in ("increase", "decrease") and s.amount != 0
    if s.kind == "final-outturn" and s.compared_with is not None:
        if s.stated_comparison:
            return s.stated_comparison in ("increase", "decrease")
        return s.amount_in_yuan != statements[s.compared_with].amount_in_yuan
    return False


def rate_needs_reason(p: Percentage, statements: list[Statement]) -> bool:
    """Whether a growth rate is the only statement of an increase or decrease (R51): not 0, and not the rate
    of a change figure (that figure carries the reason: 增加844.15万元，增长6.59%)."""
    return (p.kind == "growth" and p.direction in ("increase", "decrease") and p.value != 0
            and (p.rate_of is None or statements[p.rate_of].kind != "change"))


def _attach_reasons(run: _Text, keys: list[str], placed: list[tuple[int, int, int]],
                    placed_rates: list[tuple[int, int, int]], out: list[Statement],
                    percentages: list[Percentage]) -> None:
    """Record, on each statement of the run that needs one, the reason its passage gives (:func:`_reason`)."""
    enumerators = _enumerators(run.text)
    for i, lo, at in placed:
        if needs_reason(out[i], out) and (found := _reason(run.text, enumerators, lo, at, out[i].printed)):
            out[i] = _with(out[i], reason=found[0], reason_paragraph=keys[run.owners[found[1]]])
    for i, lo, at in placed_rates:
        if rate_needs_reason(percentages[i], out) and (found := _reason(run.text, enumerators, lo, at,
                                                                         percentages[i].printed)):
            percentages[i] = replace(percentages[i], reason=found[0], reason_paragraph=keys[run.owners[found[1]]])


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
        if s.reference_year and s.kind in ("change", "previous-budget"):
            add(node, bkg + "referenceYear", ox.NamedNode(uris.fiscal_year(s.reference_year)))
        if s.label:
            add(node, bkg + "itemLabel", ox.Literal(s.label, language="zh"))
        for heading in s.headings:
            add(node, bkg + "subjectHeading", ox.Literal(heading, language="zh"))
        add(node, bkg + "textSpan", ox.Literal(s.span, language="zh"))
        add(node, bkg + "sentence", ox.Literal(s.sentence, language="zh"))
        add(node, bkg + "paragraph", paragraph)
        add(node, PROV + "wasDerivedFrom", paragraph)
        add(node, DCT + "isPartOf", ox.NamedNode(document_iri))
        if s.part_of is not None:
            add(node, bkg + "partOf", iris[s.part_of])
        if s.listed_under is not None:
            add(node, bkg + "listedUnder", iris[s.listed_under])
        if s.change_of is not None:
            add(node, bkg + "changeOf", iris[s.change_of])
        if s.compared_with is not None:
            add(node, bkg + "comparedWith", iris[s.compared_with])
        if s.stated_comparison:
            add(node, bkg + "statedComparison", ox.NamedNode(uris.concept("change-direction", s.stated_comparison)))
        if s.reason:
            add(node, bkg + "reasonClause", ox.Literal(s.reason, language="zh"))
            add(node, bkg + "reasonParagraph", ox.NamedNode(uris.paragraph(document_iri, s.reason_paragraph)))
    return out


def percentage_iri(document_iri: str, p: Percentage) -> str:
    return f"{uris.paragraph(document_iri, p.paragraph)}/percentage/{p.ordinal}"


def percentage_triples(document_iri: str, statements: list[Statement],
                       percentages: list[Percentage]) -> list[ox.Triple]:
    """The percentages as triples of the document graph (``{paragraph}/percentage/{n}``)."""
    bkg = uris.vocab()
    out: list[ox.Triple] = []
    for p in percentages:
        node = ox.NamedNode(percentage_iri(document_iri, p))
        paragraph = ox.NamedNode(uris.paragraph(document_iri, p.paragraph))

        def add(pred: str, obj: ox.NamedNode | ox.Literal, node: ox.NamedNode = node) -> None:
            out.append(ox.Triple(node, ox.NamedNode(pred), obj))

        add(RDF + "type", ox.NamedNode(bkg + "NarrativePercentage"))
        add(bkg + "percentageKind", ox.NamedNode(uris.concept("percentage-kind", p.kind)))
        add(bkg + "statedPercent", _dec(p.value))
        add(bkg + "printedAmount", ox.Literal(p.printed))
        add(bkg + "statedDecimals", ox.Literal(str(p.decimals), datatype=ox.NamedNode(XSD + "integer")))
        add(bkg + "printedUnit", ox.Literal(p.sign))
        if p.direction:
            add(bkg + "direction", ox.NamedNode(uris.concept("change-direction", p.direction)))
        if p.rate_of is not None:
            add(bkg + "rateOf", ox.NamedNode(statement_iri(document_iri, statements[p.rate_of])))
        if p.share_of:
            add(bkg + "shareDenominator", ox.NamedNode(uris.concept("narrative-indicator", p.share_of)))
            add(bkg + "shareBasis", ox.Literal(p.share_basis, language="zh"))
        if p.share_list is not None:
            add(bkg + "shareList", ox.NamedNode(percentage_iri(document_iri, percentages[p.share_list])))
        if p.reason:
            add(bkg + "reasonClause", ox.Literal(p.reason, language="zh"))
            add(bkg + "reasonParagraph", ox.NamedNode(uris.paragraph(document_iri, p.reason_paragraph)))
        add(bkg + "textSpan", ox.Literal(p.span, language="zh"))
        add(bkg + "sentence", ox.Literal(p.sentence, language="zh"))
        add(bkg + "paragraph", paragraph)
        add(PROV + "wasDerivedFrom", paragraph)
        add(DCT + "isPartOf", ox.NamedNode(document_iri))
    return out


def narrative_triples(doc: SourceDocument, document_iri: str, year: int | None = None) -> list[ox.Triple]:
    """Extract and map in one call (what the pipeline uses): figures and percentages."""
    statements, percentages = extract_all(doc, year)
    return triples(document_iri, statements) + percentage_triples(document_iri, statements, percentages)
