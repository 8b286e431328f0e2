"""The sections of the attack-trends report that set the country in its context: the Sahel
comparison, the sources' claims tested on the data, and the timeline of milestones.
"""

from __future__ import annotations

import pandas as pd

from analysis.figures import events as fe
from analysis.reports import attack_sentences as say
from analysis.reports.attack_coverage import unread_part
from analysis.reports.attack_data import AttackInputs, AttackSeries
from analysis.reports.attack_params import AttackTrendsParameters
from analysis.reports.attack_tables import (
    IN_FILES_NOT_PERIOD,
    report_table,
)
from analysis.reports.brief import (
    milestone_brief,
    milestone_brief_caption,
    milestone_brief_missing,
)
from analysis.reports.parts import Chart, NoData, Section, Table, section

#: The Sahel tables' headers (a row of UCDP BRD is one government-versus-group pair in a year).
OWN_DEATHS = "battle deaths, own government against armed groups"
EVERY_PAIR_DEATHS = "battle deaths, every government-versus-group pair placed there"
PAIR_YEARS = "government-versus-group years"


def sahel(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """Sahel comparison: conflict deaths per year by country, and battle deaths per country."""
    if s.sahel is None or not len(s.sahel):
        return section("sahel", sahel_missing(d, p))
    chart = Chart(
        "sahel-comparison",
        "Deaths from organised violence per year, by country where they occurred."
        + say.sahel_coverage_note(s.sahel_wide),
        d.sources.owid,
        s.sahel,
        draw=fe.draw_sahel,
        options={
            "title": "Conflict deaths per year in the central Sahel",
            "countries": list(p.sahel_countries),
        },
    )
    return section(
        "sahel",
        chart,
        report_table(
            "sahel-brd",
            sahel_own_pairs(d),
            "State-based battle-related deaths over the period (UCDP BRD) in the fighting of each "
            "country's own government against armed groups: the like-with-like comparison (every "
            "government-versus-group pair that fought in the country, also where it fought "
            "elsewhere: appendix)",
            d.sources.brd,
        )
        if any(f is not None for f in d.sahel_brd.values())
        else None,
    )


def sahel_own_pairs(d: AttackInputs) -> pd.DataFrame:
    """Per country, the battle deaths of its own government's government-versus-group pairs: a
    pair counts in every country it fought in, so the all-pairs totals are not comparable
    (Niger's held the Government of Nigeria's war on JAS and IS: 6,209 of its 9,417 in BRD
    24.1)."""
    rows = []
    for country, frame in d.sahel_brd.items():
        if frame is None:
            continue
        own = say.own_government(frame, country)
        rows.append(
            {
                "country": country,
                OWN_DEATHS: int(own["deaths_best"].sum()),
                PAIR_YEARS: len(own),
            }
        )
    return pd.DataFrame(rows)


def sahel_all_pairs(d: AttackInputs) -> pd.DataFrame:
    """Per country, the battle deaths of every government-versus-group pair UCDP places there,
    with the part of its own government's pairs (the appendix's table)."""
    rows = []
    for country, frame in d.sahel_brd.items():
        if frame is None:
            continue
        own = say.own_government(frame, country)
        rows.append(
            {
                "country": country,
                EVERY_PAIR_DEATHS: int(frame["deaths_best"].sum()),
                "of which its own government's pairs": int(own["deaths_best"].sum()),
                PAIR_YEARS: len(frame),
            }
        )
    return pd.DataFrame(rows)


def sahel_missing(d: AttackInputs, p: AttackTrendsParameters) -> NoData:
    """Why the Sahel comparison has no data."""
    if d.owid_all is not None:
        return NoData(
            f"the Sahel series (OWID) for {', '.join(p.sahel_countries)} in the period",
            IN_FILES_NOT_PERIOD,
            slug="sahel-comparison",
        )
    return unread_part(("owid",), "the Sahel series", slug="sahel-comparison")


def claims(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """The sources' claims (about Mali), quoted, each set against the data it names; the
    geographic claim tested part by part (never on a selection)."""
    if d.country != "Mali":
        return section(
            "claims",
            NoData(
                f"claims about {d.country} in the curated sources (the claims tested here are "
                "about Mali)",
                f"A claim about {d.country}, quoted from a source of the curated tables, would "
                "fill it.",
                slug="claims",
            ),
        )
    found = [
        claim(
            say.GEOGRAPHIC_CLAIM_SOURCE,
            say.GEOGRAPHIC_CLAIM,
            s.verdict.sentence(),
            d.sources.events,
        )
    ]
    if d.brd is not None and len(d.brd):
        found.append(claim(*say.GROUPS_CLAIM, say.groups_claim(d.brd), d.sources.brd))
    common = s.sahel_common
    if common is not None and {"Burkina Faso", "Niger"} <= set(common.columns):
        found.append(
            claim(*say.SPILLOVER_CLAIM, say.spillover_claim(common, d.country), d.sources.owid)
        )
    if len(d.events):
        found.append(
            claim(*say.TARGETS_CLAIM, say.targets_shown(d.events, d.census), d.sources.events)
        )
    return section(
        "claims",
        report_table(
            "claims",
            pd.DataFrame(found),
            "Claims in the sources, quoted, set against the data",
            None,
        ),
    )


def claim(source: str, claimed: str, shows: str, data: str) -> dict[str, str]:
    """One row of the claims table: the source, its words, what the data shows."""
    return {
        "source": source,
        "claim (quoted)": f"\u201c{claimed}\u201d",
        "what the data shows": shows,
        "data": data,
    }


def milestones_missing(d: AttackInputs, slug: str) -> NoData:
    """Why the timeline has no milestones."""
    return NoData(
        "milestones of the chosen kinds in the period"
        + ("" if d.country == "Mali" else f" that concern {d.country}"),
        f"A milestone dated in the period with {d.country} among its countries would fill it.",
        slug=slug,
    )


def timeline(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """Timeline: the milestones as date, kind and label (what happened: appendix)."""
    if not len(d.milestones):
        return section("timeline", milestones_missing(d, "milestones-brief"))
    # the body lists the kinds the report bears on; the appendix, every milestone
    body = milestone_brief(d.milestones, "attack_trends")
    if not len(body):
        what = milestone_brief_missing(d.milestones, "attack_trends")
        return section("timeline", NoData(what, slug="milestones-brief"))
    return section(
        "timeline",
        Table(
            body,
            milestone_brief_caption(d.milestones, "attack_trends"),
            source=d.sources.curated,
            slug="milestones-brief",
        ),
    )
