"""Maps: name matching to the 2015 boundaries, placement by coordinates, unmatched names."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection

from analysis.analyses import areas as area_counts
from analysis.core import origins, regions
from analysis.figures import maps, style
from analysis.sources import boundaries
from tests.conftest import shared_file

FIXTURES = Path(__file__).parent / "fixtures" / "events"


def events_frame() -> pd.DataFrame:
    rows = [
        # admin1, admin2, lat, lon, deaths, country
        ("Menaka", "Inekar", 16.0, 1.5, 10, "Mali"),
        ("Mopti", "Douentza", np.nan, np.nan, 5, "Mali"),
        ("Atlantis", "Nowhere", 15.0, -3.5, 2, "Mali"),
        ("Lost", None, np.nan, np.nan, 1, "Mali"),
        ("Bamako", "Bamako", 12.6, -8.0, 0, "Mali"),
        ("Tillaberi", "Ouallam", 14.5, 1.4, 50, "Niger"),
    ]
    frame = pd.DataFrame(
        rows, columns=["admin1", "admin2", "latitude", "longitude", "deaths_best", "country"]
    )
    frame["deaths_best"] = frame["deaths_best"].astype("Int64")
    frame["event_type"] = ["battle", "battle", "other", "other", "battle", "battle"]
    return frame


@pytest.fixture
def adm1():
    return boundaries.load_boundaries(
        "adm1", FIXTURES / "boundaries_adm1_geoboundaries_style.geojson"
    )


@pytest.fixture
def adm2():
    return boundaries.load_boundaries("adm2", FIXTURES / "boundaries_adm2_ocha_style.geojson")


def test_regions_by_name_with_2016_regions_merged(adm1):
    counts = area_counts.count_by_area(events_frame(), adm1, "adm1")
    areas = counts.areas.set_index("admin1")
    assert areas.loc["Gao", "events"] == 1 and areas.loc["Gao", "deaths_best"] == 10
    # Mopti: Douentza by name, Atlantis placed by its coordinates
    assert areas.loc["Mopti", "events"] == 2 and areas.loc["Mopti", "deaths_best"] == 7
    assert areas.loc["Bamako", "events"] == 1
    assert counts.notes == ["1 event in Menaka counted in Gao (2015 boundaries)"]
    unmatched = counts.unmatched.set_index("name")
    assert unmatched.loc["Atlantis"].tolist() == [1, 1, 0]
    assert unmatched.loc["Lost"].tolist() == [1, 0, 1]
    assert counts.unplaced_events == 1


def test_cercles_with_new_cercles_and_missing_names(adm2):
    assert sorted(adm2["admin2"]) == ["Bamako", "Douentza", "Gao", "Mopti", "Ménaka"]
    counts = area_counts.count_by_area(events_frame(), adm2, "adm2")
    areas = counts.areas.set_index("admin2")
    assert areas.loc["Ménaka", "deaths_best"] == 10  # Inékar lies in the 2015 cercle of Ménaka
    assert areas.loc["Douentza", "events"] == 1
    assert areas.loc["Mopti", "events"] == 1  # placed by coordinates
    assert areas.loc["Gao", "events"] == 0
    unmatched = counts.unmatched.set_index("name")
    assert unmatched.loc["Nowhere"].tolist() == [1, 1, 0]
    assert unmatched.loc["(no name)"].tolist() == [1, 0, 1]
    assert counts.areas["events"].sum() == 4  # the Niger event and the unplaced one are out


def test_maps_draw_on_the_axes_with_title_and_labels_but_no_source(adm1):
    counts = area_counts.count_by_area(events_frame(), adm1, "adm1")
    fig, ax = style.new_figure(height_in=4)
    returned = maps.draw_choropleth(ax, counts, "deaths_best", "Deaths by region")
    assert ax.get_title(loc="left") == "Deaths by region"
    assert not ax.axison and not ax.get_xlabel()  # no coordinate axes
    assert returned is ax and not fig.texts
    assert any("could not be placed" in t.get_text() for t in ax.texts)
    texts = [t.get_text() for t in ax.texts]
    # Bamako and every regional capital named, each with its region's deaths (Gao: 10, by
    # hand: Ménaka's event counted in Gao); the neighbours named.
    for town, *_rest in regions.REGIONAL_CAPITALS.values():
        assert any(t.startswith(town) for t in texts), town
    assert "Gao 10" in texts and "Bamako 0" in texts
    # (the fixture's three separate regions leave some bearings without a border to cross:
    # the real outline's are tested below)
    assert {"ALGERIA", "NIGER"} <= set(texts)
    fig2, ax2 = style.new_figure(height_in=4)
    returned2 = maps.draw_event_points(ax2, events_frame(), adm1, "Events")
    assert returned2 is ax2 and not fig2.texts
    labels = [t.get_text() for t in ax2.get_legend().get_texts()]
    assert "battle" in labels and "100 deaths" in labels
    # Mopti/Douentza has no coordinates: drawn at Mopti's centre; 'Lost' matches nothing.
    (note,) = [t.get_text() for t in ax2.texts if "placed at" in t.get_text()]
    assert note.replace("\n", " ") == (
        "1 event placed at its region's centre; 1 event with no place not shown"
    )
    matplotlib.pyplot.close("all")


def test_events_without_coordinates_are_placed_at_their_cercle_or_region_centre():
    geopandas = pytest.importorskip("geopandas")
    from shapely.geometry import box

    regions_map = geopandas.GeoDataFrame(
        {"admin1": ["Gao", "Mopti"]},
        geometry=[box(0, 15, 2, 17), box(-4, 14, -2, 16)],
        crs="EPSG:4326",
    )
    cercles_map = geopandas.GeoDataFrame(
        {"admin1": ["Mopti"], "admin2": ["Douentza"]},
        geometry=[box(-3, 15, -2, 16)],
        crs="EPSG:4326",
    )
    rows = [
        # admin1, admin2, lat, lon, deaths, country, type
        ("Gao", None, 16.5, 1.0, 10, "Mali", "battle"),
        ("Mopti", "Douentza", np.nan, np.nan, 160, "Mali", "violence against civilians"),
        ("Ménaka", None, np.nan, np.nan, 3, "Mali", "battle"),  # 2016 region: Gao in 2015
        ("Atlantis", None, np.nan, np.nan, 1, "Mali", "other"),
        ("Tillaberi", None, np.nan, np.nan, 50, "Niger", "battle"),
    ]
    events = pd.DataFrame(
        rows,
        columns=[
            "admin1",
            "admin2",
            "latitude",
            "longitude",
            "deaths_best",
            "country",
            "event_type",
        ],
    )
    events["date"] = pd.Timestamp("2019-03-23")
    events["location"] = None
    placed = area_counts.place_events(events, regions_map, cercles_map)
    # Mali's four events, Niger's left out; by hand: the Douentza box's centre is (-2.5, 15.5)
    # and Gao's (1.0, 16.0) (centroids computed in a metric projection: within 0.02°).
    assert list(placed["placed_at"]) == ["coordinates", "cercle centre", "region centre", None]
    assert placed["map_longitude"].iloc[0] == 1.0 and placed["map_latitude"].iloc[0] == 16.5
    assert placed["map_longitude"].iloc[1] == pytest.approx(-2.5, abs=0.02)
    assert placed["map_latitude"].iloc[1] == pytest.approx(15.5, abs=0.02)
    assert placed["map_longitude"].iloc[2] == pytest.approx(1.0, abs=0.02)
    assert placed["map_latitude"].iloc[2] == pytest.approx(16.0, abs=0.02)
    assert pd.isna(placed["map_longitude"].iloc[3])

    fig, ax = style.new_figure(height_in=4)
    maps.draw_event_points(ax, events, regions_map, "Events", cercles=cercles_map)
    # The deadliest event (160 deaths, no coordinates) is drawn, hollow, at Douentza's centre,
    # and its title says so.
    hollow = [
        c
        for c in ax.collections
        if isinstance(c, PathCollection) and not c.get_facecolor().any()  # facecolor 'none'
    ]
    centres = {
        (round(float(x), 1), round(float(y), 1)): size
        for c in hollow
        for (x, y), size in zip(c.get_offsets(), c.get_sizes(), strict=True)
    }
    assert centres[(-2.5, 15.5)] == maps.point_sizes(pd.Series([160]))[0]
    assert (1.0, 16.0) in centres
    titles = [t for c in hollow for t in getattr(c, style.HOVER_ATTRIBUTE, [])]
    assert "2019-03-23, Mopti (violence against civilians): 160 deaths" in " ".join(titles)
    assert any(t.endswith("[no coordinates: drawn at the cercle centre]") for t in titles)
    (note,) = [t.get_text() for t in ax.texts if "placed at" in t.get_text()]
    assert note.replace("\n", " ") == (
        "1 event placed at its cercle's centre; 1 event placed at its region's centre; 1 "
        "event with no place not shown"
    )
    matplotlib.pyplot.close("all")


def test_choropleth_layout_draws_events_and_deaths_side_by_side(adm1):
    counts = area_counts.count_by_area(events_frame(), adm1, "adm1")
    fig, axes = maps.choropleth_layout(counts, ("Events by region", "Deaths by region"))
    assert [ax.get_title(loc="left") for ax in axes] == ["Events by region", "Deaths by region"]
    assert not fig.texts
    matplotlib.pyplot.close("all")


def test_reading_boundaries_records_their_origin_under_the_register_key():
    log = origins.start_log()
    path = FIXTURES / "boundaries_adm2_ocha_style.geojson"
    frame = boundaries.load_boundaries("adm2", path)
    [origin] = [o for o in log if o.dataset == "geoboundaries-adm2"]
    assert origin.rows == len(frame) and origin.where.endswith(path.name)
    assert len(origin.sha256) == 64
    with pytest.raises(ValueError, match="adm1 or adm2"):
        boundaries.load_boundaries("adm3", path)


def test_point_sizes_grow_with_deaths_by_area():
    sizes = maps.point_sizes(pd.Series([0, 10, 100]))
    assert list(sizes) == [4.0, 19.0, 154.0]


def test_missing_boundaries_say_how_to_get_them(monkeypatch, tmp_path):
    from analysis import config

    monkeypatch.setattr(config, "RAW_DIR", tmp_path / "raw")
    monkeypatch.setattr(config, "SHARED_DATA_DIR", tmp_path / "none")
    with pytest.raises(FileNotFoundError, match="data fetch geoboundaries-adm2"):
        boundaries.load_boundaries("adm2")


@pytest.mark.shared
def test_real_boundaries_match_the_region_and_cercle_names():
    path1 = shared_file("mali_boundaries", "mli_adm1_regions_dissolved_from_adm2.geojson")
    path2 = shared_file("mali_boundaries", "mli_adm2_cercles_codab.geojson")
    adm1 = boundaries.load_boundaries("adm1", path1)
    assert set(adm1["admin1"]) == set(regions.REGIONS) - {"Ménaka", "Taoudénit"}
    adm2 = boundaries.load_boundaries("adm2", path2)
    assert len(adm2) == 50 and set(adm2["admin2"]) == set(regions.CERCLES_2015)
    frame = events_frame()
    counts = area_counts.count_by_area(frame, adm2, "adm2")
    # with the real shapes every Mali event with coordinates is placed
    assert set(counts.unmatched["name"]) == {"Nowhere", "(no name)"}
    assert counts.unplaced_events == 1


@pytest.mark.shared
def test_real_maps_name_every_neighbour_just_past_the_border():
    from shapely.geometry import Point

    path1 = shared_file("mali_boundaries", "mli_adm1_regions_dissolved_from_adm2.geojson")
    adm1 = boundaries.load_boundaries("adm1", path1)
    fig, ax = style.new_figure(height_in=5)
    maps.draw_frame(ax, adm1, "Mali")
    outline = adm1.geometry.union_all()
    names = {t.get_text(): t for t in ax.texts if t.get_text().isupper()}
    assert set(names) == {name.upper() for name in maps.NEIGHBOURS}
    for name, text in names.items():
        anchor = Point(text.xy)
        # outside Mali, at most half a degree (the gap, along the bearing) past its border
        assert not outline.contains(anchor), name
        assert 0.1 < outline.boundary.distance(anchor) <= maps.NEIGHBOUR_GAP_DEG + 1e-9, name
    # every capital inside Mali
    for town, latitude, longitude, _source in regions.REGIONAL_CAPITALS.values():
        assert outline.contains(Point(longitude, latitude)), town
    matplotlib.pyplot.close("all")


def test_an_area_whose_events_give_no_death_figure_has_no_deaths_not_zero(adm1):
    frame = events_frame()
    frame.loc[0, "deaths_best"] = pd.NA  # Ménaka's event, counted in Gao: deaths not given
    counts = area_counts.count_by_area(frame, adm1, "adm1")
    areas = counts.areas.set_index("admin1")
    # By hand: Gao holds one event with no death figure: unknown, not 0; Bamako's event gives
    # 0 deaths: a real 0; Mopti 5 + 2 = 7.
    assert areas.loc["Gao", "events"] == 1 and pd.isna(areas.loc["Gao", "deaths_best"])
    assert areas.loc["Bamako", "deaths_best"] == 0 and areas.loc["Mopti", "deaths_best"] == 7
    fig, ax = style.new_figure(height_in=4)
    maps.draw_choropleth(ax, counts, "deaths_best", "Deaths by region")
    titles = [t for c in ax.collections for t in getattr(c, style.HOVER_ATTRIBUTE, [])]
    assert "Gao: no death figure given (1 event)" in titles
    assert "Bamako: 0 deaths (best estimate)" in titles
    assert "Gao: 0 deaths (best estimate)" not in titles
    matplotlib.pyplot.close("all")


def test_maps_are_not_drawn_while_their_layers_are_added(adm1, monkeypatch):
    """geopandas draws the whole figure after each layer (canvas.draw_idle): the report draws
    a figure once, when it shows it, so drawing a map draws nothing yet."""
    from matplotlib.figure import Figure

    draws = []
    real_draw = Figure.draw
    monkeypatch.setattr(
        Figure, "draw", lambda fig, renderer: draws.append(fig) or real_draw(fig, renderer)
    )
    counts = area_counts.count_by_area(events_frame(), adm1, "adm1")
    fig, axes = maps.choropleth_layout(counts, ("Events by region", "Deaths by region"))
    fig2, ax2 = style.new_figure(height_in=4)
    maps.draw_event_points(ax2, events_frame(), adm1, "Events")
    assert draws == []
    assert "draw_idle" not in vars(fig.canvas)  # the canvas has its own method back
    fig.canvas.draw_idle()
    assert draws == [fig]
    matplotlib.pyplot.close("all")
