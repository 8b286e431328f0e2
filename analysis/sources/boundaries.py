"""Mali's administrative boundaries: regions (ADM1) and cercles (ADM2), names harmonised.

Files come from geoBoundaries (``data/raw/geoboundaries-adm1``/``-adm2``, properties
``shapeName``...) or the OCHA/DNCT files of ../shared/data (``adm1``, ``adm2``); both are the
2015 frame of 8 regions, the Bamako district and 50 cercles. Each file read is recorded as an
origin of the run under its register key (``geoboundaries-adm1``, ``geoboundaries-adm2``).

Where the file gives them (OCHA's ``adm1_pcode``/``adm2_pcode``), the areas carry their P-codes
(``admin1_pcode``, ``admin2_pcode``), so that tables that carry P-codes (HDX's ACLED files) are
joined by code before any name is compared; a file without them leaves the columns empty.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from analysis.core import origins, regions
from analysis.sources import register

if TYPE_CHECKING:  # annotations only; geopandas is imported where boundaries are read
    import geopandas as gpd

LEVELS = ("adm1", "adm2")
#: Property names of the P-codes, by level (OCHA COD-AB files, and their capitalised form).
PCODE_PROPERTIES = {
    "adm1": ("adm1_pcode", "ADM1_PCODE", "admin1Pcode"),
    "adm2": ("adm2_pcode", "ADM2_PCODE", "admin2Pcode"),
}


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
    # heavy (geopandas, shapely and pyogrio): paid only by reports that read boundaries
    import geopandas as gpd  # noqa: PLC0415 (heavy: see above)

    raw = gpd.read_file(path)
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


def _codes(raw: gpd.GeoDataFrame, level: str) -> pd.Series:
    """The level's P-codes (trimmed, upper case), or an empty column when the file has none."""
    for name in PCODE_PROPERTIES[level]:
        if name in raw.columns:
            return raw[name].map(lambda c: str(c).strip().upper() if pd.notna(c) else None)
    return pd.Series(None, index=raw.index, dtype="object")


def _property(raw: gpd.GeoDataFrame, candidates: tuple[str, ...], path: Path) -> pd.Series:
    for name in candidates:
        if name in raw.columns:
            return raw[name]
    raise ValueError(
        f"{path}: no name property among {', '.join(candidates)} (has: {', '.join(raw.columns)})"
    )
