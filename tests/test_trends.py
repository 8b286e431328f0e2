"""Trends, splits, lethality, deadliest events, geographic shift and change points, with
expectations computed by hand from five events."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.analyses import changepoints, geoshift, trends


def events_frame(rows: list[dict]) -> pd.DataFrame:
    defaults = {
        "country": "Mali",
        "admin2": None,
        "latitude": np.nan,
        "longitude": np.nan,
        "deaths_low": pd.NA,
        "deaths_high": pd.NA,
        "group_ids": [],
        "target": [],
        "civilian_targeted": False,
        "event_type": "battle",
        "event_type_original": "battle",
        "dataset": "test",
        "actors": [],
        "location": None,
        "description": "",
    }
    frame = pd.DataFrame([{**defaults, **row} for row in rows])
    frame["date"] = pd.to_datetime(frame["date"])
    for column in ("deaths_best", "deaths_low", "deaths_high"):
        frame[column] = frame[column].astype("Int64")
    return frame


@pytest.fixture
def five() -> pd.DataFrame:
    return events_frame(
        [
            dict(event_id="e1", date="2020-01-05", deaths_best=10, deaths_low=8, deaths_high=12,
                 group_ids=["jnim"], target=["military"], admin1="Mopti", latitude=14.5),
            dict(event_id="e2", date="2020-01-20", deaths_best=5, group_ids=["jnim", "isgs"],
                 target=["civilians"], civilian_targeted=True,
                 event_type="violence against civilians", admin1="Gao", latitude=16.3),
            dict(event_id="e3", date="2020-03-10", deaths_best=pd.NA, event_type="other",
                 admin1="Kidal", latitude=18.4),
            dict(event_id="e4", date="2021-02-01", deaths_best=20, deaths_low=15, deaths_high=30,
                 group_ids=["isgs"], target=["military", "peacekeepers"],
                 event_type="explosion/remote violence", admin1="Ségou", latitude=13.4),
            dict(event_id="e5", date="2021-02-15", deaths_best=3, deaths_low=4, deaths_high=6,
                 group_ids=["jnim"], target=["civilians"], civilian_targeted=True,
                 event_type="kidnapping/hostage-taking", admin1="Bamako", latitude=12.6),
        ]
    )  # fmt: skip


def test_per_month_fills_gaps_and_sums_bands(five):
    table = trends.per_period(five, "month")
    assert len(table) == 14  # January 2020 to February 2021
    january = table.loc[pd.Timestamp("2020-01-01")]
    assert (january["events"], january["deaths_best"]) == (2, 15)
    # e1 has a band (8-12); e2 has none and adds its best (5) to both bounds
    assert (january["deaths_low"], january["deaths_high"]) == (13, 17)
    assert january["band_events"] == 1
    assert table.loc[pd.Timestamp("2020-02-01"), "events"] == 0
    march = table.loc[pd.Timestamp("2020-03-01")]
    assert (march["events"], march["deaths_best"], march["events_without_deaths"]) == (1, 0, 1)
    # e5's low (4) is above its best (3): the band is widened to include the best
    february = table.loc[pd.Timestamp("2021-02-01")]
    assert (february["deaths_best"], february["deaths_low"], february["deaths_high"]) == (
        23,
        18,
        36,
    )


def test_per_year_quarter_and_explicit_range(five):
    years = trends.per_period(five, "year")
    assert list(years["events"]) == [3, 2]
    assert list(years["deaths_best"]) == [15, 23]
    quarters = trends.per_period(five, "quarter", start="2019-10-01", end="2021-12-31")
    assert len(quarters) == 9
    assert quarters.loc[pd.Timestamp("2020-01-01"), "events"] == 3
    assert quarters.loc[pd.Timestamp("2019-10-01"), "events"] == 0


def test_no_band_dataset_has_no_bounds(five):
    no_band = five.assign(deaths_low=pd.NA, deaths_high=pd.NA)
    table = trends.per_period(no_band, "year")
    assert table["deaths_low"].isna().all() and table["deaths_high"].isna().all()


def test_split_by_group_target_civilian_zone(five):
    groups = trends.split(five, "group")
    by_key = groups.set_index(["period", "group"])
    y2020, y2021 = pd.Timestamp("2020-01-01"), pd.Timestamp("2021-01-01")
    assert tuple(by_key.loc[(y2020, "jnim"), ["events", "deaths_best"]]) == (2, 15)
    assert tuple(by_key.loc[(y2020, "isgs"), ["events", "deaths_best"]]) == (1, 5)
    assert tuple(by_key.loc[(y2020, "unattributed"), ["events", "deaths_best"]]) == (1, 0)
    assert tuple(by_key.loc[(y2021, "isgs"), ["events", "deaths_best"]]) == (1, 20)
    targets = trends.split(five, "target").set_index(["period", "target"])
    assert targets.loc[(y2021, "peacekeepers"), "deaths_best"] == 20
    assert targets.loc[(y2021, "military"), "deaths_best"] == 20
    civilian = trends.split(five, "civilian").set_index(["period", "civilian"])
    assert tuple(civilian.loc[(y2020, "civilians targeted"), ["events", "deaths_best"]]) == (1, 5)
    assert tuple(civilian.loc[(y2020, "other targets"), ["events", "deaths_best"]]) == (2, 10)
    zones = trends.split(five, "zone").set_index(["period", "zone"])
    assert tuple(zones.loc[(y2020, "north"), ["events", "deaths_best"]]) == (2, 5)
    assert tuple(zones.loc[(y2021, "south"), ["events", "deaths_best"]]) == (1, 3)
    wide = trends.wide(trends.split(five, "event_type"), "event_type")
    assert wide.loc[y2021, "explosion/remote violence"] == 20
    assert wide.loc[y2020, "kidnapping/hostage-taking"] == 0
    with pytest.raises(ValueError, match="cannot split by 'weather'"):
        trends.split(five, "weather")


def test_lethality_and_deadliest(five):
    table = trends.lethality(five, "year")
    assert list(table["deaths_per_event"]) == [5.0, 11.5]
    by_type = trends.lethality(five, "year", by="event_type").set_index(["period", "event_type"])
    assert by_type.loc[(pd.Timestamp("2020-01-01"), "battle"), "deaths_per_event"] == 10.0
    top = trends.deadliest(five, n=2)
    assert list(top["event_id"]) == ["e4", "e1"]
    assert len(trends.deadliest(five, n=10)) == 4  # e3 has no death figure


def test_geographic_shift_by_hand(five):
    shift = geoshift.geographic_shift(five)
    y2020, y2021 = shift.loc[2020], shift.loc[2021]
    assert (y2020["events_north"], y2020["events_centre"], y2020["events_south"]) == (2, 1, 0)
    assert y2020["share_deaths_north"] == pytest.approx(5 / 15)
    assert y2020["share_deaths_centre"] == pytest.approx(10 / 15)
    # (14.5 * 10 + 16.3 * 5) / 15; e3 has no deaths and does not weigh
    assert y2020["deaths_weighted_latitude"] == pytest.approx(226.5 / 15)
    assert y2021["deaths_weighted_latitude"] == pytest.approx((13.4 * 20 + 12.6 * 3) / 23)
    assert y2021["share_deaths_south"] == pytest.approx(3 / 23)
    verdict = geoshift.shift_verdict(shift, window=1, min_events=1)
    # By hand, the shares of deaths 2020 -> 2021: north 5/15 = 33% -> 0/23 = 0% (fell, by 33
    # points: holds); centre 10/15 = 67% -> 20/23 = 87% (rose by 20 points: holds); south 0% ->
    # 3/23 = 13% (rose by 13 points: holds): every part holds, supported. e3 (Kidal, no death
    # figure) adds no death: 100% of the deaths are placed in both years.
    assert verdict.verdict == "supported"
    assert verdict.early_years == (2020, 2020) and verdict.late_years == (2021, 2021)
    assert [(p.zone, p.moved, p.holds) for p in verdict.parts] == [
        ("north", "fell", True),
        ("centre", "rose", True),
        ("south", "rose", True),
    ]
    assert "the north's share fell from 33% to 0% (as claimed)" in verdict.sentence()
    assert verdict.placed_share == (1.0, 1.0)
    # 3 placed events in 2020, 2 in 2021: fewer than the 10 a window needs by default
    too_few = geoshift.shift_verdict(shift, window=1)
    assert too_few.verdict == "cannot be tested with this data"
    assert too_few.sentence() == (
        "The claim cannot be tested with this data: too few events placed in a zone (3 in "
        "2020, 2 in 2021; at least 10 in each window are needed)."
    )


def test_each_part_of_the_claim_is_tested_with_its_figure():
    rows = [
        dict(event_id="a", date="2020-06-01", deaths_best=10, admin1="Kidal", latitude=18.4),
        dict(event_id="b", date="2020-07-01", deaths_best=30, admin1="Mopti"),
        dict(event_id="c", date="2021-06-01", deaths_best=20, admin1="Mopti", latitude=14.5),
        dict(event_id="d", date="2021-07-01", deaths_best=5, admin1="Bamako"),
    ]
    shift = geoshift.geographic_shift(events_frame(rows))
    verdict = geoshift.shift_verdict(shift, window=1, min_events=1)
    # By hand: 2020 north 10 of 40 (25%), centre 30 (75%); 2021 centre 20 of 25 (80%), south 5
    # (20%). North fell 25 points, south rose 20: both hold; the centre rose 5 points, which
    # is the least that counts (MIN_SHARE_CHANGE), so it holds too.
    assert verdict.sentence('The claim (src: "moved")') == (
        'The claim (src: "moved") is supported, from 2020 to 2021: the north\'s share fell from '
        "25% to 0% (as claimed), the centre's share rose from 75% to 80% (as claimed), the "
        "south's share rose from 0% to 20% (as claimed). Evidence base: 100% of the deaths in "
        "2020 and 100% in 2021 could be placed in a zone (2 and 2 events placed)."
    )
    # The real export's figures (north 78% -> 38%, centre 17% -> 60%, south 4% -> 2%): the
    # south fell 2 points, less than 5: no clear change, and the claim says it rose. Deaths per
    # year by zone, two years a window: 78/17/4 (+1 unplaced) then 38/60/2.
    real = events_frame(
        [
            dict(event_id=f"{y}-{zone}-{i}", date=f"{y}-0{i + 1}-01", deaths_best=deaths,
                 admin1=admin1)
            for y, shares in ((2012, (78, 17, 4)), (2020, (38, 60, 2)))
            for zone, admin1, deaths in zip(("n", "c", "s"), ("Gao", "Mopti", "Bamako"), shares,
                                            strict=True)
            for i in range(2)
        ]
        + [dict(event_id="x", date="2012-03-01", deaths_best=2, admin1="Nowhere")]
    )  # fmt: skip
    verdict = geoshift.shift_verdict(geoshift.geographic_shift(real), window=1, min_events=1)
    assert verdict.verdict == "partly supported"
    assert [p.holds for p in verdict.parts] == [True, True, False]
    assert "the south's share went from 4% to 2%, no clear change (the claim says it rose)" in (
        verdict.sentence()
    )
    # 198 of 200 deaths of 2012 placed in a zone (the 2 at 'Nowhere' are not): 99%
    assert verdict.placed_share == (pytest.approx(198 / 200), 1.0)


def test_shift_verdict_not_supported_and_not_testable():
    def year_rows(year: int, north: int, centre: int, south: int) -> list[dict]:
        rows = []
        for admin1, latitude, deaths in (("Kidal", 18.4, north), ("Mopti", 14.5, centre),
                                         ("Bamako", 12.6, south)):  # fmt: skip
            rows += [
                dict(event_id=f"{year}-{admin1}-{i}", date=f"{year}-06-01", deaths_best=deaths,
                     admin1=admin1, latitude=latitude)
                for i in range(4)
            ]  # fmt: skip
        return rows

    # north 10/13 = 77% -> 10/14 = 71% (fell 6 points: holds); centre 2/13 = 15% -> 3/14 = 21%
    # (rose 6 points: holds); south 8% -> 7% (no clear change): partly supported
    stayed = events_frame(year_rows(2012, 10, 2, 1) + year_rows(2020, 10, 3, 1))
    assert geoshift.shift_verdict(geoshift.geographic_shift(stayed), window=1).verdict == (
        "partly supported"
    )
    # the reverse move: north 2/14 -> 10/13 rose, centre 9/14 -> 2/13 fell, south 3/14 = 21%
    # -> 1/13 = 8% fell: no part holds, not supported
    reverse = events_frame(year_rows(2012, 2, 9, 3) + year_rows(2020, 10, 2, 1))
    assert geoshift.shift_verdict(geoshift.geographic_shift(reverse), window=1).verdict == (
        "not supported"
    )
    # under half of the deaths placed: 12 events of 1 death in Kidal and 12 of 2 deaths with
    # no region each year; 12 of 36 deaths placed (33%): cannot be tested
    unplaced = events_frame(
        [dict(event_id=f"{y}-{i}", date=f"{y}-06-01", deaths_best=1, admin1="Kidal")
         for y in (2012, 2020) for i in range(12)]
        + [dict(event_id=f"{y}-u{i}", date=f"{y}-06-01", deaths_best=2, admin1=None)
           for y in (2012, 2020) for i in range(12)]
    )  # fmt: skip
    verdict = geoshift.shift_verdict(geoshift.geographic_shift(unplaced), window=1)
    assert verdict.verdict == "cannot be tested with this data"
    assert verdict.reason == (
        "under half of the deaths could be placed in a zone (33% in 2012, 33% in 2020)"
    )


def test_change_points_by_hand():
    months = pd.period_range("2020-01", periods=24, freq="M").start_time
    step = pd.Series([2] * 12 + [10] * 12, index=months)
    # no change: deviance 2 * (12*2 ln 2 + 12*10 ln 10 - 144 ln 6) = 69.9 > penalty 2 ln 24 = 6.4
    found = changepoints.detect_change_points(step)
    assert [(p.date, p.mean_before, p.mean_after) for p in found] == [
        (pd.Timestamp("2021-01-01"), 2.0, 10.0)
    ]
    assert found[0].direction == "up"
    assert changepoints.detect_change_points(pd.Series([5] * 24, index=months)) == []
    assert changepoints.detect_change_points(step, method="l2")[0].position == 12
    table = changepoints.change_point_table(found)
    assert table.iloc[0]["break"] == "January 2021"


def test_change_points_up_then_down_with_both_costs():
    # a quiet year, a violent year, a quiet year again: two breaks, at 12 and 24, whichever
    # cost; the means of the segments are the constants they were built from
    months = pd.period_range("2019-01", periods=36, freq="M").start_time
    series = pd.Series([2] * 12 + [20] * 12 + [3] * 12, index=months)
    for method in changepoints.METHODS:
        found = changepoints.detect_change_points(series, method=method)
        assert [(p.position, p.mean_before, p.mean_after, p.direction) for p in found] == [
            (12, 2.0, 20.0, "up"),
            (24, 20.0, 3.0, "down"),
        ], method
    # a step at 8 within a noisy alternation (2, 3 then 19 to 22): found by both costs
    noisy = pd.Series([2, 3, 2, 3, 2, 3, 2, 3, 20, 22, 19, 21, 20, 22, 21, 20], index=months[:16])
    for method in changepoints.METHODS:
        found = changepoints.detect_change_points(noisy, method=method)
        assert [(p.position, p.direction) for p in found] == [(8, "up")], method


def test_change_points_refuse_a_bad_method_or_negative_counts():
    series = pd.Series([1, 2, -1, 3, 2, 1], index=pd.RangeIndex(6))
    with pytest.raises(ValueError, match="method must be one of poisson, l2, not 'l1'"):
        changepoints.detect_change_points(series, method="l1")
    with pytest.raises(ValueError, match="the Poisson method needs counts"):
        changepoints.detect_change_points(series, min_size=2)
    # too short for two segments of the minimum size: no break, not an error
    assert changepoints.detect_change_points(series[:5], min_size=3) == []


def test_dispersion_and_penalty():
    # 0, 10, ..., 10, 0: twelve differences of +-10 (variance 100); mean 60/13
    assert changepoints.dispersion(np.array([0, 10] * 6 + [0])) == pytest.approx(100 / (120 / 13))
    assert changepoints.dispersion(np.array([3, 3, 3, 3])) == 1.0
    cost = changepoints.QuasiPoissonCost(dispersion=2.0).fit(np.array([2.0, 2.0, 10.0, 10.0]))
    expected = 2 * (2 * 2 * math.log(2) + 2 * 10 * math.log(10) - 24 * math.log(6)) / 2.0
    assert cost.error(0, 4) == pytest.approx(expected)
    assert cost.error(0, 2) == pytest.approx(0.0)
    # an outlier month alone is not a change once over-dispersion is accounted for
    spiky = pd.Series([1, 0, 2, 1, 60, 1, 0, 1, 2, 1, 0, 1], index=pd.RangeIndex(12))
    assert changepoints.detect_change_points(spiky) == []


def test_annual_totals():
    annual = pd.DataFrame(
        {
            "year": [2020, 2020, 2021],
            "side_b": ["JNIM", "IS", "JNIM"],
            "deaths_best": pd.array([10, 5, 7], dtype="Int64"),
            "deaths_low": pd.array([9, 5, 7], dtype="Int64"),
            "deaths_high": pd.array([12, 6, 9], dtype="Int64"),
        }
    )
    totals = trends.annual_totals(annual)
    assert list(totals["deaths_best"]) == [15, 7] and list(totals["deaths_high"]) == [18, 9]
    assert len(trends.annual_totals(annual, by="side_b")) == 3


def test_annual_helpers():
    annual = pd.DataFrame(
        {
            "country": ["Mali", "Mali", "Mali", "Burkina Faso", "Burkina Faso", "Burkina Faso"],
            "year": [2017, 2018, 2019, 2017, 2018, 2019],
            "side_b": ["JNIM", "JNIM", "IS", "JNIM", "IS", "IS"],
            "deaths_best": pd.array([500, 1200, 1100, 30, 170, 1250], dtype="Int64"),
        }
    )
    wide = trends.annual_wide(annual)
    assert wide.loc[2019, "Burkina Faso"] == 1250
    assert trends.first_year_above(wide, "Burkina Faso", "Mali") == 2019
    assert trends.first_year_above(wide, "Mali", "Burkina Faso") == 2017
    assert trends.first_year_above(wide, "Niger", "Mali") is None
    assert trends.groups_per_year(annual).to_dict() == {2017: 1, 2018: 2, 2019: 1}


def test_change_points_on_a_yearly_integer_index():
    years = pd.Series([100, 110, 90, 105, 400, 420, 390, 410], index=range(2012, 2020))
    found = changepoints.detect_change_points(years, min_size=2)
    assert [p.date for p in found] == [2016]
    assert changepoints.change_point_table(found, "year").iloc[0]["break"] == "2016"
