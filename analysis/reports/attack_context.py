"""The sections of the attack-trends report that set the country in its context: the Sahel
comparison, the sources' claims tested on the data, and the timeline of milestones.
"""

from __future__ import annotations

import pandas as pd

from analysis.analyses import trends
from analysis.figures import events as fe
from analysis.reports import attack_sentences as say
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
from analysis.tables.coverage import HOW_TO_GET


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
    # A dyad counts in every country it fought in: Niger's total held the Government of
    # Nigeria's war on JAS and IS (6,209 of its 9,417 in BRD 24.1), so each country's own
    # government's dyads are shown beside it.
    rows = [
        {
            "country": c,
            "battle deaths (BRD)": int(f["deaths_best"].sum()),
            "of which its own government's dyads": int(
                f.loc[f["side_a"] == f"Government of {c}", "deaths_best"].sum()
            ),
            "dyad-years": len(f),
        }
        for c, f in d.sahel_brd.items()
        if f is not None
    ]
    return section(
        "sahel",
        chart,
        report_table(
            "sahel-brd",
            pd.DataFrame(rows),
            "State-based battle deaths over the period (UCDP BRD): every dyad that fought "
            "in the country, in full even where it also fought elsewhere, and of those the "
            "dyads of the country's own government",
            d.sources.brd,
        )
        if rows
        else None,
    )


def sahel_missing(d: AttackInputs, p: AttackTrendsParameters) -> NoData:
    """Why the Sahel comparison has no data."""
    if d.owid_all is not None:
        return NoData(
            f"the Sahel series (OWID) for {', '.join(p.sahel_countries)} in the period",
            IN_FILES_NOT_PERIOD,
            slug="sahel-comparison",
        )
    return NoData("the Sahel series (OWID)", HOW_TO_GET["owid"], slug="sahel-comparison")


def claims(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """The sources' claims (about Mali), each tested on the data it names."""
    if d.country != "Mali":
        return section(
            "claims",
            NoData(
                f"claims about {d.country} in the curated sources (the claims tested here are "
                "about Mali)",
                "choose country = 'Mali'",
                slug="claims",
            ),
        )
    found = [claim("defenceweb-2019", say.GEOGRAPHIC_CLAIM, s.verdict.sentence(), d.sources.events)]
    if d.brd is not None and len(d.brd):
        found.append(
            claim(
                "defenceweb-2019",
                "The number of armed groups in Mali has grown since 2012.",
                say.groups_claim(d.brd),
                d.sources.brd,
            )
        )
    common = s.sahel_common
    if common is not None and {"Burkina Faso", "Niger"} <= set(common.columns):
        found.append(
            claim(
                "ve-mali-overview",
                "Mali's conflict spilled over into Burkina Faso and Niger.",
                say.spillover_claim(common, d.country),
                d.sources.owid,
            )
        )
    if len(d.events):
        targets = trends.split(d.events, "target", "year").groupby("target")["events"].sum()
        shows = "; ".join(f"{t}: {n}" for t, n in targets.sort_values(ascending=False).items())
        found.append(
            claim(
                "ve-mali-overview",
                "Attacks hit security forces, officials, civilians and peacekeepers.",
                shows + " events.",
                d.sources.events,
            )
        )
    return section(
        "claims",
        report_table(
            "claims", pd.DataFrame(found), "Claims in the sources, tested on the data", None
        ),
    )


def claim(source: str, claimed: str, shows: str, data: str) -> dict[str, str]:
    """One row of the claims table."""
    return {
        "source": source,
        "claim (paraphrased)": claimed,
        "what the data shows": shows,
        "data": data,
    }


def milestones_missing(d: AttackInputs, slug: str) -> NoData:
    """Why the timeline has no milestones."""
    return NoData(
        "milestones of the chosen kinds in the period"
        + ("" if d.country == "Mali" else f" that concern {d.country}"),
        f"add them to data/curated/milestones.csv, with {d.country} in their countries",
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
