"""order_lanes gives the same lane order as before issue 15 (when it was made faster).

The expected orders below were recorded from the implementation before issue 15 (the copy in
benchmarks/lineage_lanes.py, ``old_order_lanes``), on hand-built timelines and on the real
curated tables (data/curated). A curated case is checked only while its input (lanes, families,
dates and arrows) is the one it was recorded on: its fingerprint says so, and a changed
lineage skips the case with the reason and how to record it again.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from analysis.analyses import lineage
from analysis.curated.snapshot import load_snapshot
from analysis.figures import lineage_lanes as lanes

# --- Hand-built timelines ---------------------------------------------------------------------

THREE = [
    ("a", "al-Qaeda", "2010-01-01", "2020-12-31"),
    ("b", "al-Qaeda", "2011-01-01", "2020-12-31"),
    ("c", "al-Qaeda", "2012-01-01", "2020-12-31"),
]
FAMILIES = [
    ("aq1", "al-Qaeda", "2010-01-01", "2020-12-31"),
    ("aq2", "al-Qaeda", "2011-01-01", "2020-12-31"),
    ("sep", "separatist coalition", "2011-01-01", "2020-12-31"),
    ("is1", "Islamic State", "2015-01-01", "2020-12-31"),
]
# Nine and fourteen lanes in every family, arrows at invented dates (some at inactive lanes,
# some within ARROW_CLASH_YEARS of each other).
ROWS_9 = [
    ("g00", "al-Qaeda", "2004-02-01", "2023-05-28"),
    ("g01", "Islamic State", "2003-08-01", "2019-08-28"),
    ("g02", "separatist coalition", "2012-04-01", "2025-02-28"),
    ("g03", "pro-government coalition", "2015-07-01", "2016-07-28"),
    ("g04", "none", "2000-08-01", "2023-05-28"),
    ("g05", "Islamic State", "2003-01-01", "2014-01-28"),
    ("g06", "al-Qaeda", "2000-11-01", "2013-04-28"),
    ("g07", "pro-government coalition", "2000-04-01", "2017-08-28"),
    ("g08", "pro-government coalition", "2007-04-01", "2019-11-28"),
]
ARROWS_9 = [
    ("g03", "g07", "2012-01-14"),
    ("g08", "g01", "2008-11-24"),
    ("g04", "g01", "2013-12-23"),
    ("g08", "g06", "2019-11-07"),
    ("g04", "g08", "2021-08-28"),
    ("g08", "g06", "2021-01-16"),
    ("g03", "g06", "2016-11-06"),
    ("g05", "g08", "2005-08-22"),
    ("g08", "g01", "2008-09-27"),
    ("g06", "g05", "2018-12-01"),
]
ROWS_14 = [
    ("g00", "al-Qaeda", "2001-02-01", "2004-06-28"),
    ("g01", "Islamic State", "2005-05-01", "2015-10-28"),
    ("g02", "separatist coalition", "2006-10-01", "2008-11-28"),
    ("g03", "pro-government coalition", "2005-11-01", "2019-07-28"),
    ("g04", "none", "2011-08-01", "2020-09-28"),
    ("g05", "separatist coalition", "2001-06-01", "2002-08-28"),
    ("g06", "separatist coalition", "2012-09-01", "2019-03-28"),
    ("g07", "none", "2005-04-01", "2013-01-28"),
    ("g08", "Islamic State", "2010-03-01", "2013-09-28"),
    ("g09", "none", "2011-11-01", "2020-09-28"),
    ("g10", "Islamic State", "2014-12-01", "2021-09-28"),
    ("g11", "separatist coalition", "2011-08-01", "2017-03-28"),
    ("g12", "pro-government coalition", "2014-09-01", "2025-04-28"),
    ("g13", "pro-government coalition", "2008-09-01", "2024-09-28"),
]
ARROWS_14 = [
    ("g13", "g12", "2014-11-15"),
    ("g07", "g05", "2021-12-18"),
    ("g11", "g07", "2018-11-08"),
    ("g05", "g11", "2008-10-09"),
    ("g12", "g07", "2012-05-26"),
    ("g11", "g08", "2020-09-17"),
    ("g10", "g09", "2021-07-10"),
    ("g11", "g03", "2018-09-12"),
    ("g10", "g09", "2005-06-24"),
    ("g00", "g03", "2006-01-19"),
    ("g10", "g00", "2011-10-08"),
    ("g10", "g01", "2019-03-28"),
    ("g04", "g03", "2009-01-14"),
    ("g11", "g12", "2004-01-12"),
    ("g05", "g02", "2010-11-01"),
    ("g01", "g13", "2005-01-02"),
    ("g11", "g00", "2014-05-05"),
    ("g13", "g02", "2008-09-23"),
    ("g00", "g06", "2021-01-26"),
    ("g03", "g02", "2004-01-12"),
    ("g09", "g10", "2006-05-11"),
    ("g07", "g00", "2012-08-18"),
]
# Ties everywhere: six lanes of one family founded the same day, a star of arrows on one date.
ROWS_TIES = [(f"t{k}", "al-Qaeda", "2010-01-01", "2020-12-31") for k in range(6)]
ARROWS_TIES = [("t0", f"t{k}", "2015-01-01") for k in range(1, 6)] + [("t5", "t1", "2015-01-01")]


def timeline(rows: list[tuple[str, str, str, str]], arrows: list[tuple[str, ...]]):
    """(group_id, affiliation, start, end) rows and (source, target, date) arrows -> data."""
    spans = pd.DataFrame(rows, columns=["group_id", "affiliation", "draw_start", "draw_end"])
    spans["draw_start"] = pd.to_datetime(spans["draw_start"])
    spans["draw_end"] = pd.to_datetime(spans["draw_end"])
    drawn = [lanes.Arrow(s, t, "merged_into", pd.Timestamp(when)) for s, t, when in arrows]
    return lanes.TimelineData(spans, drawn, pd.Timestamp("2000-01-01"), pd.Timestamp("2025-12-31"))


#: name -> (rows, arrows, sweeps, polish)
HAND_BUILT = {
    "one arrow over a bar": (THREE, [("a", "c", "2015-01-01")], 6, 6),
    "two clashing arrows": (THREE, [("a", "c", "2015-01-01"), ("b", "c", "2015-02-01")], 6, 6),
    "three families": (FAMILIES, [("aq2", "is1", "2015-05-01")], 6, 6),
    "one lane": (THREE[:1], [], 6, 6),
    "nine lanes": (ROWS_9, ARROWS_9, 6, 6),
    "fourteen lanes": (ROWS_14, ARROWS_14, 6, 6),
    "fourteen lanes, 2 sweeps, 1 polished": (ROWS_14, ARROWS_14, 2, 1),
    "fourteen lanes, no sweep, 3 polished": (ROWS_14, ARROWS_14, 0, 3),
    "ties": (ROWS_TIES, ARROWS_TIES, 6, 6),
}

# Recorded from old_order_lanes (benchmarks/lineage_lanes.py) before the change.
HAND_BUILT_EXPECTED: dict[str, list[str]] = {
    "one arrow over a bar": ["b", "a", "c"],
    "two clashing arrows": ["b", "c", "a"],
    "three families": ["aq1", "aq2", "is1", "sep"],
    "one lane": ["a"],
    "nine lanes": ["g00", "g06", "g03", "g07", "g08", "g05", "g01", "g04", "g02"],
    "fourteen lanes": [
        "g08",
        "g01",
        "g10",
        "g09",
        "g04",
        "g07",
        "g00",
        "g11",
        "g06",
        "g05",
        "g02",
        "g03",
        "g12",
        "g13",
    ],
    "fourteen lanes, 2 sweeps, 1 polished": [
        "g13",
        "g12",
        "g03",
        "g04",
        "g07",
        "g09",
        "g02",
        "g05",
        "g11",
        "g06",
        "g00",
        "g10",
        "g01",
        "g08",
    ],
    "fourteen lanes, no sweep, 3 polished": [
        "g13",
        "g12",
        "g03",
        "g02",
        "g06",
        "g05",
        "g11",
        "g00",
        "g07",
        "g04",
        "g09",
        "g10",
        "g01",
        "g08",
    ],
    "ties": ["t1", "t5", "t4", "t0", "t2", "t3"],
}

# --- The curated tables -----------------------------------------------------------------------

#: name -> (start, end, focus groups, sweeps, polish)
CURATED = {
    "whole lineage 2000-2025": ("2000-01-01", "2025-12-31", None, 6, 6),
    "whole lineage, 2 sweeps, 2 polished": ("2000-01-01", "2025-12-31", None, 2, 2),
    "2012-2016": ("2012-01-01", "2016-12-31", None, 6, 6),
    "focus JNIM": ("2000-01-01", "2025-12-31", ["JNIM"], 6, 6),
    "focus MNLA": ("2000-01-01", "2025-12-31", ["MNLA"], 6, 6),
    "focus ISGS": ("2000-01-01", "2025-12-31", ["ISGS"], 6, 6),
}

# name -> (fingerprint of the input, expected order), recorded from old_order_lanes.
CURATED_EXPECTED: dict[str, tuple[str, list[str]]] = {
    "whole lineage 2000-2025": (
        "fabd992056c728d0",
        [
            "maa-platform",
            "gatia",
            "platform",
            "msa",
            "csp-psd",
            "csp-dpa",
            "mnla",
            "cma",
            "fla",
            "maa",
            "hcua",
            "mia",
            "ansar-dine",
            "flm",
            "jnim",
            "al-qaeda",
            "gspc",
            "al-mulathamun",
            "aqim",
            "al-mourabitoun",
            "signed-in-blood",
            "mujao",
            "ansaroul-islam",
            "iswap",
            "isgs",
            "islamic-state",
            "dan-na-ambassagou",
        ],
    ),
    "whole lineage, 2 sweeps, 2 polished": (
        "fabd992056c728d0",
        [
            "islamic-state",
            "isgs",
            "iswap",
            "al-mulathamun",
            "aqim",
            "signed-in-blood",
            "al-mourabitoun",
            "mujao",
            "gspc",
            "al-qaeda",
            "jnim",
            "flm",
            "ansar-dine",
            "ansaroul-islam",
            "maa-platform",
            "gatia",
            "platform",
            "msa",
            "csp-psd",
            "csp-dpa",
            "mnla",
            "cma",
            "fla",
            "maa",
            "hcua",
            "mia",
            "dan-na-ambassagou",
        ],
    ),
    "2012-2016": (
        "af47866e38ebdf1a",
        [
            "iswap",
            "islamic-state",
            "isgs",
            "mujao",
            "al-mourabitoun",
            "signed-in-blood",
            "aqim",
            "al-mulathamun",
            "al-qaeda",
            "ansaroul-islam",
            "flm",
            "ansar-dine",
            "mia",
            "hcua",
            "cma",
            "maa",
            "mnla",
            "msa",
            "maa-platform",
            "platform",
            "gatia",
            "dan-na-ambassagou",
        ],
    ),
    "focus JNIM": (
        "788eab181a2da1ab",
        [
            "al-mulathamun",
            "aqim",
            "signed-in-blood",
            "al-mourabitoun",
            "mujao",
            "gspc",
            "jnim",
            "flm",
            "ansar-dine",
        ],
    ),
    "focus MNLA": (
        "9322015b7c43e55e",
        ["cma", "mnla", "fla", "csp-dpa", "csp-psd", "platform", "msa"],
    ),
    "focus ISGS": (
        "63ba9aed1eae09a9",
        [
            "gspc",
            "signed-in-blood",
            "aqim",
            "al-mulathamun",
            "al-mourabitoun",
            "mujao",
            "iswap",
            "isgs",
            "islamic-state",
        ],
    ),
}


def fingerprint(data: lanes.TimelineData) -> str:
    """A short hash of what order_lanes reads: lanes, families, dates and arrows."""
    rows = data.spans[["group_id", "affiliation", "draw_start", "draw_end"]]
    text = repr(rows.values.tolist()) + repr([(a.source, a.target, a.when) for a in data.arrows])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@pytest.fixture(scope="module")
def curated_lineage():
    return lineage.from_snapshot(load_snapshot())


@pytest.mark.parametrize("name", list(HAND_BUILT))
def test_hand_built_orders_are_unchanged(name):
    rows, arrows, sweeps, polish = HAND_BUILT[name]
    order = lanes.order_lanes(timeline(rows, arrows), sweeps=sweeps, polish=polish)
    assert order == HAND_BUILT_EXPECTED[name]


@pytest.mark.parametrize("name", list(CURATED))
def test_curated_orders_are_unchanged(name, curated_lineage):
    start, end, focus, sweeps, polish = CURATED[name]
    data = lanes.timeline_data(curated_lineage, start, end, groups=focus)
    recorded_on, expected = CURATED_EXPECTED[name]
    if fingerprint(data) != recorded_on:
        pytest.skip(
            f"{name}: the curated lineage changed since its order was recorded; record it again "
            "with old_order_lanes from benchmarks/lineage_lanes.py"
        )
    assert lanes.order_lanes(data, sweeps=sweeps, polish=polish) == expected


def test_empty_timeline_has_no_lanes():
    assert lanes.order_lanes(timeline([], [])) == []


def test_lane_cost_matches_a_count_by_hand():
    data = timeline(THREE, [("a", "c", "2015-01-01"), ("b", "c", "2015-02-01")])
    # a -> c (2 lanes) passes b, active in 2015; b -> c (1 lane) is a month later and its span
    # overlaps a -> c's: 1 bar crossed + 1 clash, 3 lanes long.
    assert lanes.lane_cost(["a", "b", "c"], data) == (2, 3)
    # b on top: a -> c is 1 lane, b -> c 2 lanes passing a (active): 1 crossing + 1 clash.
    assert lanes.lane_cost(["b", "a", "c"], data) == (2, 3)
    # c in the middle: a -> c and b -> c are 1 lane each, on opposite sides: no clash.
    assert lanes.lane_cost(["a", "c", "b"], data) == (0, 2)


def test_lane_cost_names_the_lanes_an_order_leaves_out():
    data = timeline(THREE, [("a", "c", "2015-01-01")])
    with pytest.raises(ValueError, match="leaves out lanes: b, c"):
        lanes.lane_cost(["a"], data)


def test_order_lanes_names_an_unknown_affiliation():
    rows = THREE[:2] + [("c", "bandits", "2012-01-01", "2020-12-31")]
    with pytest.raises(ValueError, match="unknown affiliation: bandits"):
        lanes.order_lanes(timeline(rows, [("a", "c", "2015-01-01")]))
