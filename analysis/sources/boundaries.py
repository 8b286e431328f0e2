"""Mali's administrative boundaries: regions (ADM1) and cercles (ADM2), names harmonised.

Files come from geoBoundaries (``data/raw/geoboundaries-adm1``/``-adm2``, properties
``shapeName``...) or the OCHA/DNCT files of ../shared/data (``adm1``, ``adm2``); both are the
2015 frame of 8 regions, the Bamako district and 50 cercles. Each file read is recorded as an
origin of the run under its register key (``geoboundaries-adm1``, ``geoboundaries-adm2``).

Where the file gives them (OCHA's ``adm1_pcode``/``adm2_pcode``), the areas carry their P-codes
(``admin1_pcode``, ``admin2_pcode``), so that tables that carry P-codes (HDX's ACLED files) are
joined by code before any name is compared; a file without them leaves the columns empty.

A file that cannot be read (cut short, damaged) raises ``BoundaryFileError`` naming it and what
is wrong: a report draws its other sections and says the map has no data. Names with invisible
control characters (a bidi override reverses the labels drawn after it) are cleaned.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from analysis.config import display_path
from analysis.core import origins, regions
from analysis.core.text import without_invisible
from analysis.sources import register

if TYPE_CHECKING:  # annotations only; geopandas is imported where boundaries are read
    import geopandas as gpd

LEVELS = ("adm1", "adm2")
#: Property names of the P-codes, by level (OCHA COD-AB files, and their capitalised form).
PCODE_PROPERTIES = {
    "adm1": ("adm1_pcode", "ADM1_PCODE", "admin1Pcode"),
    "adm2": ("adm2_pcode", "ADM2_PCODE", "admin2Pcode"),
}


class BoundaryFileError(ValueError):
    """A boundaries file that cannot be read; the message names it and what is wrong."""


def register_key(level: str) -> str:
    """The register key of a level's boundaries: 'geoboundaries-adm1' or '-adm2'."""
    if level not in LEVELS:
        raise ValueError(f"level must be adm1 or adm2, not {level!r}")
    return f"geoboundaries-{level}"


def locate(level: str) -> Path | None:
    """The boundaries file of a level: data/raw first, then ../shared/data; None if neither."""
    key = register_key(level)
    return register.raw_file(key) or register.shared_file(key)


def load_boundaries(level: str = "adm1", path: Path | None = None) -> gpd.GeoDataFrame:
    """Mali's regions (adm1) or cercles (adm2) with harmonised names and P-codes where the
    file has them: admin1, admin1_pcode, [admin2, admin2_pcode], geometry.

    The file read is recorded in the run's origin log; ``frame.attrs["source"]`` is its path.
    """
    key = register_key(level)
    path = path or locate(level)
    if path is None:
        spec = register.dataset(key)
        raise FileNotFoundError(
            f"no {level.upper()} boundaries for Mali in {spec.raw_dir()}; get them with "
            f"`python -m analysis data fetch {key}` (or `make data`)"
        )
    problem = unreadable(path, key)
    if problem:
        raise BoundaryFileError(problem)
    # heavy (geopandas, shapely and pyogrio): paid only by reports that read boundaries
    import geopandas as gpd  # noqa: PLC0415 (heavy: see above)

    try:
        raw = gpd.read_file(path)
    except Exception as exc:  # pyogrio and GDAL raise many kinds on a damaged file
        raise BoundaryFileError(
            f"{display_path(path)}: not a readable boundaries file ({exc}); {_fetch(key)}"
        ) from None
    if raw.crs is None:
        raw = raw.set_crs("EPSG:4326")
    raw = raw.to_crs("EPSG:4326")
    if level == "adm1":
        names = _property(raw, ("adm1", "shapeName", "ADM1_FR", "admin1Name_fr"), path)
        frame = gpd.GeoDataFrame(
            {
                "admin1": names.map(regions.harmonise_admin1),
                "admin1_pcode": _codes(raw, "adm1"),
            },
            geometry=raw.geometry,
        )
    else:
        cercles = _property(raw, ("adm2", "shapeName", "ADM2_FR", "admin2Name_fr"), path)
        cercles = cercles.map(regions.harmonise_admin2)
        if "adm1" in raw.columns:
            parents = raw["adm1"].map(regions.harmonise_admin1)
        else:
            parents = cercles.map(regions.CERCLES_2015.get)
        frame = gpd.GeoDataFrame(
            {
                "admin1": parents,
                "admin1_pcode": _codes(raw, "adm1"),
                "admin2": cercles,
                "admin2_pcode": _codes(raw, "adm2"),
            },
            geometry=raw.geometry,
        )
    frame.attrs["source"] = str(path)
    frame.attrs["dataset"] = key
    origins.record_file(key, path, version=register.entry(key).version_of(path), rows=len(frame))
    return frame


def unreadable(path: Path, key: str) -> str | None:
    """Why a GeoJSON boundaries file cannot be read (cut short, not JSON, no features), or
    None; other formats are left to the GIS reader."""
    if Path(path).suffix.lower() not in (".geojson", ".json"):
        return None
    shown = display_path(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        return f"{shown}: byte {exc.start + 1:,} is not UTF-8: not GeoJSON; {_fetch(key)}"
    except json.JSONDecodeError as exc:
        return (
            f"{shown}: not valid GeoJSON at line {exc.lineno}, column {exc.colno} ({exc.msg}): "
            f"the file is cut short or damaged; {_fetch(key)}"
        )
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or not features:
        return f"{shown}: not a GeoJSON FeatureCollection with features; {_fetch(key)}"
    return None


def _fetch(key: str) -> str:
    return f"get it again with `python -m analysis data fetch {key}`"


def _codes(raw: gpd.GeoDataFrame, level: str) -> pd.Series:
    """The level's P-codes (trimmed, upper case), or an empty column when the file has none."""
    for name in PCODE_PROPERTIES[level]:
        if name in raw.columns:
            return raw[name].map(lambda c: str(c).strip().upper() if pd.notna(c) else None)
    return pd.Series(None, index=raw.index, dtype="object")


def _property(raw: gpd.GeoDataFrame, candidates: tuple[str, ...], path: Path) -> pd.Series:
    for name in candidates:
        if name in raw.columns:
            # a bidi override in a name would reverse the labels drawn after it on the map
            return raw[name].map(lambda v: without_invisible(v) if isinstance(v, str) else v)
    raise ValueError(
        f"{path}: no name property among {', '.join(candidates)} (has: {', '.join(raw.columns)})"
    )
