"""The colour register: one colour per group and event type, whatever the order or the subset
of the categories a figure shows, and figures that take their colours from it."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis.core.vocab import EVENT_TYPES  # noqa: E402
from analysis.figures import colours, style  # noqa: E402
from analysis.figures import events as fe  # noqa: E402
from analysis.figures import groups as fg  # noqa: E402
from analysis.reports import hover  # noqa: E402

GREYS = {colours.OTHER_COLOUR, colours.UNATTRIBUTED_COLOUR, colours.MINOR_GROUP_COLOUR}


def test_each_main_group_owns_one_palette_colour_and_the_rest_are_neutral():
    owned = list(colours.GROUP_COLOURS.values())
    assert len(set(owned)) == len(owned) == 8  # one each, none shared
    assert set(owned) <= set(style.PALETTE)  # seaborn's colour-blind palette
    assert not set(owned) & GREYS
    assert colours.group_colour("jnim") == colours.BLUE == style.COLORBLIND[0]
    # JNIM, ISGS and the MNLA have their family's colour in the lineage chart
    assert colours.group_colour("jnim") == colours.affiliation_colour("al-Qaeda")
    assert colours.group_colour("isgs") == colours.affiliation_colour("Islamic State")
    assert colours.group_colour("mnla") == colours.affiliation_colour("separatist coalition")
    # 'other', 'unattributed' and any other group: three different greys
    assert len(GREYS) == 3
    assert colours.group_colour("other") == colours.OTHER_COLOUR
    assert colours.group_colour("unattributed") == colours.UNATTRIBUTED_COLOUR
    assert (
        colours.group_colour("gatia") == colours.group_colour("flm") == colours.MINOR_GROUP_COLOUR
    )


def test_a_group_without_its_own_colour_has_a_hatch_of_its_own_every_run():
    assert colours.group_hatch("jnim") is None and colours.group_hatch("other") is None
    hatch = colours.group_hatch("gatia")
    assert hatch in colours.HATCHES
    # the same hatch on every call (a checksum of the id, not Python's salted hash)
    assert [colours.group_hatch("gatia") for _ in range(3)] == [hatch] * 3
    import zlib

    assert hatch == colours.HATCHES[zlib.crc32(b"gatia") % len(colours.HATCHES)]


@pytest.mark.parametrize(
    "keys",
    [
        ["jnim", "isgs", "aqim", "unattributed", "gatia"],
        ["gatia", "unattributed", "aqim", "isgs", "jnim"],  # reversed
        ["isgs", "jnim"],  # a subset
    ],
)
def test_group_colours_do_not_depend_on_order_or_subset(keys):
    expected = {
        "jnim": "#0173b2",
        "isgs": "#d55e00",
        "aqim": "#56b4e9",
        "unattributed": colours.UNATTRIBUTED_COLOUR,
        "gatia": colours.MINOR_GROUP_COLOUR,
    }
    assert colours.colours("group", keys) == {k: expected[k] for k in keys}


def test_every_event_type_has_its_colour_by_the_vocabulary():
    by_type = colours.colours("type", reversed(EVENT_TYPES))
    assert set(by_type) == set(EVENT_TYPES)
    assert by_type["other"] == colours.OTHER_COLOUR
    named = [by_type[t] for t in EVENT_TYPES if t != "other"]
    assert len(set(named)) == len(named) and set(named) <= set(style.PALETTE)
    assert by_type["battle"] == colours.BLUE
    assert colours.event_type_colour(None) == colours.UNKNOWN_COLOUR
    with pytest.raises(ValueError, match="no colours for 'zone'"):
        colours.colour("zone", "north")


def _bar_colours(ax) -> dict[str, str]:
    """Each stacked part's label -> its bars' colour (hex)."""
    return {
        container.get_label(): mcolors.to_hex(container.patches[0].get_facecolor())
        for container in ax.containers
    }


def test_split_figures_colour_each_group_the_same_whatever_the_columns():
    years = [2019, 2020]
    wide = pd.DataFrame(
        {"jnim": [5, 6], "isgs": [3, 1], "unattributed": [2, 2], "gatia": [1, 1]}, index=years
    )
    colours_seen = []
    for columns in (list(wide.columns), list(reversed(wide.columns)), ["isgs", "gatia"]):
        fig, ax = style.new_figure()
        fe.draw_split(ax, wide[columns], "Events by group", "Events", kind="group")
        colours_seen.append(_bar_colours(ax))
        plt.close(fig)
    for seen in colours_seen:
        for group, colour in seen.items():
            assert colour == colours.group_colour(group), group
    assert colours_seen[0] == colours_seen[1]
    # a group without a colour of its own is told apart by its hatch
    fig, ax = style.new_figure()
    fe.draw_split(ax, wide, "Events by group", "Events", kind="group")
    (gatia,) = [c for c in ax.containers if c.get_label() == "gatia"]
    assert gatia.patches[0].get_hatch() == colours.group_hatch("gatia")
    plt.close(fig)


def test_a_ucdp_side_takes_its_groups_colour_through_its_key():
    wide = pd.DataFrame({"IS": [100, 120], "JNIM": [300, 400]}, index=[2021, 2022])
    fig, ax = style.new_figure()
    fe.draw_split(
        ax, wide, "Battle deaths", "Deaths", kind="group",
        keys={"IS": "islamic-state", "JNIM": "jnim"},
    )  # fmt: skip
    assert _bar_colours(ax) == {
        "IS": colours.group_colour("islamic-state"),
        "JNIM": colours.group_colour("jnim"),
    }
    # the page names each bar's group in its SVG id
    ids = hover.label_artists(fig)
    assert sorted({gid.split("-", 1)[1] for gid in ids}) == ["group-islamic-state", "group-jnim"]
    plt.close(fig)


def test_event_types_keep_their_colours_when_the_period_changes():
    early = pd.DataFrame({"battle": [3], "other": [1]}, index=[2013])
    late = pd.DataFrame(
        {"kidnapping/hostage-taking": [2], "battle": [5], "violence against civilians": [4]},
        index=[2023],
    )
    for wide in (early, late):
        fig, ax = style.new_figure()
        fe.draw_split(ax, wide, "Events by type", "Events", kind="type")
        for event_type, colour in _bar_colours(ax).items():
            assert colour == colours.event_type_colour(event_type)
        plt.close(fig)


def test_battle_deaths_lines_take_their_groups_colours():
    dyads = pd.DataFrame(
        {
            "year": [2017, 2018, 2018, 2019, 2012, 2013],
            "dyad_label": ["Mali – JNIM"] * 2 + ["Mali – IS"] * 2 + ["Mali – MNLA / CMA"] * 2,
            "group_id": ["jnim", "jnim", "islamic-state", "islamic-state", "mnla", "cma"],
            "affiliation": ["al-Qaeda"] * 2 + ["Islamic State"] * 2 + ["separatist coalition"] * 2,
            "deaths_best": [246, 402, 118, 180, 130, 50],
            "deaths_low": [237, 375, 110, 170, 120, 45],
            "deaths_high": [336, 435, 150, 190, 140, 60],
            "battle_countries": [1] * 6,
        }
    )
    fig, ax = style.new_figure()
    fg.draw_battle_deaths(ax, dyads, top=3)
    by_label = {line.get_label(): line.get_color() for line in ax.get_lines()}
    assert by_label["Mali – JNIM"] == colours.group_colour("jnim")
    assert by_label["Mali – IS"] == colours.group_colour("islamic-state")
    # a dyad whose group changed takes its latest group's colour (the CMA in 2013)
    assert by_label["Mali – MNLA / CMA"] == colours.group_colour("cma")
    plt.close(fig)
