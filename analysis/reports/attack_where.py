"""The "Where" section of the attack-trends report: the maps of events and deaths per region
and cercle, the events at their points, and the north/centre/south test of the sources' claim
(Mali only; the boundaries read are Mali's). A map asks the event source's declaration whether
it names cercles and gives single events with coordinates.
"""

from __future__ import annotations

from typing import Any

from analysis.analyses import geoshift
from analysis.analyses.areas import AreaCounts
from analysis.figures import events as fe
from analysis.figures import maps
from analysis.reports import attack_sentences as say
from analysis.reports.attack_coverage import unread_part
from analysis.reports.attack_data import AttackInputs, AttackSeries
from analysis.reports.attack_params import AttackTrendsParameters
from analysis.reports.attack_sections import census_missing
from analysis.reports.attack_tables import IN_FILES_NOT_PERIOD
from analysis.reports.parts import Chart, NoData, Section, Text, section

#: What would give a report on another country its maps.
OTHER_BOUNDARIES = (
    "The boundaries of {country}'s regions and provinces (geoBoundaries ADM1 and ADM2) would "
    "fill it: the project maps Mali's boundaries only."
)
#: What would give a report on another country a claim about where its violence moved.
OTHER_CLAIM = (
    "A claim about where {country}'s violence moved, quoted from a source of the curated "
    "tables, and a zoning of its regions like Mali's would fill it."
)
#: Where the boundaries come from, in words (the files read are the manifest's).
BOUNDARIES_SOURCE = "the 2015 boundaries of OCHA Mali and DNCT, through geoBoundaries"


def where(d: AttackInputs, s: AttackSeries, p: AttackTrendsParameters) -> Section:
    """Where: the maps (Mali only, from a census) and the north/centre/south test of the
    sources' claim (never from a selection)."""
    if d.country != "Mali":
        return section(
            "where",
            Text("{text}", {"text": say.no_map_sentence(d.country)}),
            NoData(
                f"maps of {d.country} (the boundaries here are Mali's)",
                OTHER_BOUNDARIES.format(country=d.country),
                slug="map-regions",
            ),
            shift_missing(d, s),
        )
    verdict = Text(
        "**Verdict on the claim.** {sentence}", {"sentence": s.verdict.sentence(say.quoted_claim())}
    )
    if not d.census:
        return section(
            "where",
            Text("{text}", {"text": say.MALI_ZONES}),
            census_missing(d, "maps of events and deaths per region and cercle", "map-regions"),
            verdict,
        )
    chart = geographic_shift(d, s)
    return section(
        "where",
        Text("{text}", {"text": say.MALI_ZONES}),
        *region_map(d, s),
        *cercle_maps(d, s),
        chart,
        verdict if isinstance(chart, Chart) else None,
    )


def region_map(d: AttackInputs, s: AttackSeries) -> tuple[Any, ...]:
    """The boundaries used, the map of events and deaths per region and its notes."""
    counts = s.region_counts
    if "adm1" not in d.boundaries:
        return (unread_part(("geoboundaries-adm1",), "maps per region", "map-regions"),)
    if counts is None:
        return (NoData("events to map per region", IN_FILES_NOT_PERIOD, slug="map-regions"),)
    sentence = (
        f"Boundaries: {len(d.boundaries['adm1'])} regions and "
        f"{len(d.boundaries['adm2']) if 'adm2' in d.boundaries else 'no'} cercles "
        f"({BOUNDARIES_SOURCE})."
    )
    return (
        Text("{text}", {"text": sentence}),
        map_chart(
            "map-regions",
            counts,
            "region",
            "Events and deaths per region (2015 boundaries, OCHA/DNCT via geoBoundaries); "
            "hatched: no event there gives a death figure.",
            (d.sources.events, d.sources.adm1),
        ),
        *(Text("{note}.", {"note": note}) for note in counts.notes),
    )


def cercle_maps(d: AttackInputs, s: AttackSeries) -> tuple[Any, ...]:
    """The map per cercle (where the source names cercles) and the events at their points
    (where it gives single events with coordinates)."""
    if not d.declared.gives("admin2"):
        cercles: Any = NoData(
            say.no_cercles(d.declared),
            say.GET_EVENTS,
            slug="map-cercles",
            build_hint=say.GET_EVENTS_HINT,
        )
    elif "adm2" not in d.boundaries:
        cercles = unread_part(("geoboundaries-adm2",), "maps per cercle", "map-cercles")
    elif s.cercle_counts is None:
        cercles = NoData("events to map per cercle", IN_FILES_NOT_PERIOD, slug="map-cercles")
    else:
        cercles = map_chart(
            "map-cercles",
            s.cercle_counts,
            "cercle",
            "Events and deaths per cercle (2015 boundaries); hatched: no event there gives a "
            "death figure.",
            (d.sources.events, d.sources.adm2),
        )
    if not d.declared.event_rows:
        points: Any = NoData(
            say.no_single_events(d.declared),
            say.GET_EVENTS,
            slug="map-points",
            build_hint=say.GET_EVENTS_HINT,
        )
    elif not d.declared.gives("coordinates"):
        points = NoData(
            f"points on a map: {d.declared.reason('coordinates')}",
            say.GET_EVENTS,
            slug="map-points",
            build_hint=say.GET_EVENTS_HINT,
        )
    elif isinstance(cercles, Chart):
        level = "adm1" if "adm1" in d.boundaries else "adm2"
        points = Chart(
            "map-points",
            "Each event at its coordinates; an event without them at the centre of its cercle "
            "or region (hollow circle). The circle's area grows with the deaths.",
            (d.sources.events, d.sources.adm1 if level == "adm1" else d.sources.adm2),
            d.events,
            layout=maps.points_layout,
            options={
                "title": "Events, sized by deaths",
                "boundaries": d.boundaries[level],
                "cercles": d.boundaries.get("adm2"),
            },
        )
    else:
        points = None
    return cercles, points


def map_chart(
    slug: str, counts: AreaCounts, unit: str, caption: str, source: tuple[str, ...]
) -> Chart:
    """A two-panel map of events and deaths per area."""
    return Chart(
        slug,
        caption,
        source,
        counts,
        layout=maps.choropleth_layout,
        args=(counts, (f"Events by {unit}", f"Deaths by {unit}")),
    )


def shift_missing(d: AttackInputs, s: AttackSeries) -> NoData | None:
    """Why the north/centre/south test has no data (None: it has)."""
    if d.country != "Mali":
        return NoData(
            "the north/centre/south test, which is about Mali's regions",
            OTHER_CLAIM.format(country=d.country),
            slug="geographic-shift",
        )
    if not d.census:
        return census_missing(d, "the share of deaths per zone", "geographic-shift")
    placed = s.shift[[f"events_{z}" for z in geoshift.ZONES]].sum(axis=1)
    if placed.sum():
        return None
    return NoData(
        f"events placed in a zone of {d.country}",
        "No event the data read lists for this country and period names a region or gives "
        "coordinates.",
        slug="geographic-shift",
    )


def geographic_shift(d: AttackInputs, s: AttackSeries) -> Chart | NoData:
    """The share of deaths per zone each year and the deaths-weighted latitude."""
    missing = shift_missing(d, s)
    if missing is not None:
        return missing
    return Chart(
        "geographic-shift",
        "Share of deaths per zone each year (bars) and the deaths-weighted mean latitude "
        "of the deaths with coordinates (line, right axis; how many each year: appendix, "
        "zones per year)." + s.partial_years,
        d.sources.events,
        s.shift,
        draw=fe.draw_shift,
        options={"title": "Where the deaths were: north, centre, south"},
    )
