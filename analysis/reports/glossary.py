"""Words used in the reports, in plain English: one shared list of entries, from which each
report's appendix prints those it uses ("Words used in this report").

A report is one self-contained HTML file, so its glossary is part of it: ``section(key, terms)``
is an appendix section like any other. The body uses plain words where it can ("the fighting
between the government and each group"); an entry explains the terms a reader still meets, in
the body or in the sources' own names (UCDP's "dyadic" file, a "design effect"). Entries are
written once here so that the three reports explain a word the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from analysis.reports import parts
from analysis.reports.parts import Section, Text

#: Each entry: its id, the term as a reader looks it up, and what it means. ``{min_sample}``
#: in a definition is filled from the report's values.
ENTRIES: dict[str, tuple[str, str]] = {
    # -- conflict data (UCDP)
    "ucdp": (
        "UCDP",
        "The Uppsala Conflict Data Program at Uppsala University, which records organised "
        "violence worldwide and publishes its data openly.",
    ),
    "battle-related-deaths": (
        "Battle-related deaths",
        "UCDP's count of the people killed in fighting in which at least one side is a "
        "government: soldiers, fighters and civilians caught in the fighting. Killings of "
        "civilians by one side alone, and fighting between two armed groups, are not counted "
        "in it.",
    ),
    "government-group-pair": (
        "Government-versus-group pair (UCDP's 'dyad')",
        "A government and one armed group that fought each other. UCDP counts battle-related "
        "deaths per pair and year (a 'dyad-year'); the file that does so is its 'dyadic' "
        "Battle-Related Deaths Dataset. A pair is listed only in a year with at least 25 "
        "battle-related deaths, so a missing year means fewer than 25, not none.",
    ),
    "estimates": (
        "Best, low and high estimates",
        "A count given as a most likely figure (the best estimate) with the lowest and highest "
        "figures the sources support; the reports state the best estimate and show the range "
        "from low to high.",
    ),
    "ucdp-actor-dataset": (
        "UCDP Actor Dataset",
        "UCDP's list of the governments and armed groups it records, with the groups each one "
        "split from, joined or was renamed from. The UCDP cross-check compares it with this "
        "project's own lineage of the groups.",
    ),
    # -- conflict data (events; for the attack report)
    "conflict-deaths": (
        "Conflict deaths (organised violence)",
        "UCDP's deaths from all organised violence in a country and year: fighting involving a "
        "government, fighting between armed groups, and armed groups' or governments' killings "
        "of civilians, counted where they occurred (the series Our World in Data publishes).",
    ),
    "event-data": (
        "Event data: a census or a selection",
        "ACLED and UCDP's event data (GED) try to record every violent event they can confirm: "
        "a census. The project's curated chronology lists major incidents chosen from published "
        "sources: a selection, so its counts show what the sources reported, not how much "
        "violence there was.",
    ),
    "acled": (
        "ACLED",
        "The Armed Conflict Location & Event Data project, which records political violence "
        "and protests worldwide, event by event, and publishes them to registered users; its "
        "aggregated files count events and deaths per area and week or month.",
    ),
    "ged-brd": (
        "UCDP GED and UCDP BRD",
        "UCDP's Georeferenced Event Dataset (GED) lists each event of organised violence with "
        "its date, place and deaths. Its Battle-Related Deaths Dataset (BRD) gives, per year, "
        "the battle-related deaths of each government-versus-group pair.",
    ),
    "owid": (
        "Our World in Data (OWID)",
        "An online publication (Global Change Data Lab) that republishes UCDP's deaths from "
        "organised violence per country and year; the reports read UCDP's yearly totals "
        "through it.",
    ),
    "types-of-violence": (
        "State-based, non-state and one-sided violence",
        "UCDP's three types of organised violence: fighting in which at least one side is a "
        "government (state-based conflict), fighting between armed groups (non-state "
        "conflict), and killings of civilians by an armed group or a government (one-sided "
        "violence).",
    ),
    "regions-cercles": (
        "Region, cercle",
        "Mali's first and second levels of administration. The maps use the boundaries of "
        "2015, before Ménaka and Taoudénit became regions.",
    ),
    "change-point": (
        "Change point",
        "A month or year from which a series' average level shifted and stayed shifted. A "
        "statistical method cuts the series into stretches of steady rate and keeps a cut only "
        "when it explains the data markedly better than no cut.",
    ),
    # -- the project's own tables
    "curated-tables": (
        "Curated tables",
        "The tables this project compiles by hand from published sources: the armed groups, how "
        "they split and merged (the lineage), major incidents, milestones and published poll "
        "figures. Every row names its sources, listed under References.",
    ),
    "lineage": (
        "Lineage: split, merger, join, renaming, pledge, alliance",
        "How the groups came from one another. A split: members broke away and formed a new "
        "group. A merger: a group ceased by combining with others into a new group. A join: a "
        "group, or a branch of it, became part of another group or coalition. A renaming: the "
        "same group took a new name. A pledge: a group declared allegiance to another, such as "
        "al-Qaeda or the Islamic State. An alliance: two groups worked together, each keeping "
        "its own name.",
    ),
    "affiliation": (
        "Affiliation (family)",
        "The wider movement a group belongs to, as the curated groups table records it: "
        "al-Qaeda, the Islamic State, the separatist coalitions or the pro-government "
        "coalitions; 'none' for the others.",
    ),
    "milestone": (
        "Milestone",
        "A dated political or military event of the period (a coup, a peace agreement, a "
        "foreign intervention, a designation as a terrorist organisation), listed for context "
        "and marked on the time axes.",
    ),
    "data-through": (
        "Data through",
        "The newest date the report's figures rest on: anything later is not in them.",
    ),
    # -- surveys
    "afrobarometer": (
        "Afrobarometer",
        "A pan-African, non-partisan survey network. In each round it interviews a national "
        "random sample of adults face to face (1,200 in Mali); in Mali its fieldwork is done by "
        "the Groupe de Recherche en Economie Appliquée et Théorique.",
    ),
    "round": (
        "Round",
        "One wave of Afrobarometer's surveys, in which each country is interviewed once; the "
        "report gives each round's fieldwork dates.",
    ),
    "respondent-level-data": (
        "Respondent-level data",
        "Each interviewed person's answers, as Afrobarometer publishes them. The report "
        "computes its own weighted shares and intervals from them, instead of copying "
        "published percentages.",
    ),
    "published-topline": (
        "Published topline",
        "A percentage as a pollster or the press published it (for example '57% dissatisfied'), "
        "without the answers behind it.",
    ),
    "mali-metre": (
        "Mali-Mètre",
        "The Friedrich-Ebert-Stiftung's recurring opinion survey in Mali. It interviews town "
        "dwellers in Bamako and the regional capitals, chosen by quota (sex, age, education), "
        "not at random; many of its figures reach this report through the press.",
    ),
    "press-reported": (
        "Press-reported",
        "A figure known from a newspaper's account of a survey, not from the pollster's own "
        "report.",
    ),
    "random-sample": (
        "Random sample",
        "A sample in which every adult of the population has a known chance of being "
        "interviewed, so that a margin of error can be computed. Online and quota samples are "
        "not random: no margin of error applies to them.",
    ),
    "interval": (
        "95% interval (CI), margin of error",
        "The range in which the share of the whole population lies, with 95% confidence, given "
        "the sample's size and design; the margin of error is half its width. A change is "
        "called a rise or a fall only when it is larger than its own margin of error.",
    ),
    "p-value": (
        "p-value",
        "How likely a difference at least this large would be if nothing had changed: the "
        "smaller, the firmer the change. 'Holm-adjusted' corrects it for testing many pairs at "
        "once.",
    ),
    "weights": (
        "Weighted share",
        "A share in which each respondent counts by the survey's weight, which corrects for "
        "groups that the sample over- or under-represents.",
    ),
    "design-effect": (
        "Design effect",
        "How much a survey's design widens its margin of error compared with a simple random "
        "sample of the same size. Here it is the effect of the weights alone: a design effect "
        "of 1.2 means that 1,200 weighted interviews are worth about 1,000 picked purely at "
        "random (the effective sample size).",
    ),
    "clusters": (
        "Clusters (sampling areas)",
        "Afrobarometer picks small areas at random and interviews several people in each. "
        "Neighbours tend to answer alike, which widens the true margin of error; the public "
        "files do not say which area each respondent lives in, so the report cannot allow for "
        "it and its intervals are somewhat too narrow.",
    ),
    "not-sampled": (
        "Not sampled",
        "A region where a round did not interview. That round's national figure covers the "
        "other regions only, so a change is computed on the regions both rounds sampled.",
    ),
    "too-few": (
        "Too few respondents",
        "A share computed from fewer than {min_sample} respondents (a region in a round, or a "
        "group of respondents) is not shown: it would be mostly noise.",
    ),
}

HEADING = "Words used in this report"


def entry_text(term_id: str, values: Mapping[str, Any] | None = None) -> str:
    """One entry as the appendix prints it: '**Term.** What it means.'"""
    term, definition = ENTRIES[term_id]
    return f"**{term}.** {definition.format(**(values or {}))}"


def section(key: str, terms: Sequence[str], values: Mapping[str, Any] | None = None) -> Section:
    """The appendix section ``key`` explaining ``terms`` (ids of ENTRIES), in the order given;
    ``values`` fill the definitions' fields (``min_sample``)."""
    unknown = [t for t in terms if t not in ENTRIES]
    if unknown:
        raise KeyError(f"no glossary entry for {', '.join(unknown)}; known: {', '.join(ENTRIES)}")
    # The entries are the template itself (no field from data): braces of a definition are
    # filled here, then doubled so that the page's template filling leaves them as they are.
    lines = "\n".join(f"- {entry_text(t, values)}" for t in terms)
    return parts.section(key, Text(lines.replace("{", "{{").replace("}", "}}")))
