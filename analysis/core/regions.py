"""Mali's regions and cercles: one spelling across datasets, old and new regions, and zones.

Datasets spell Mali's first- and second-level units differently: accents (Ségou/Segou),
English or French names (Timbuktu/Tombouctou), suffixes ("Mopti region", "Douentza cercle")
and several spellings of the newer units (Taoudeni/Taoudénit). They also use different
frames:

* **2015 frame** (8 regions and the Bamako district, 50 cercles): OCHA/DNCT and geoBoundaries
  boundaries, and every record made before 2016.
* **2016 frame**: Ménaka (carved out of Gao) and Taoudénit (out of Tombouctou) became regions
  in 2016; ACLED and UCDP code later events to them.
* **2023 regions**: the 2012 reform (Bougouni, Koutiala, Dioïla, Nara, Kita, Nioro, San,
  Douentza, Bandiagara) took effect in 2023; a few recent records use them. Each is mapped
  back to the region it was carved from, so a time series stays comparable.

Names are compared by ``key``: no case, accents, spaces, hyphens or apostrophes, and no words
like "region" or "cercle". An unknown name is kept as given (stripped) so that a caller can
report it; ``unknown_admin1`` lists them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from analysis.core.text import alias_key

#: Regions of the 2016 frame with the spelling used in reports (data dictionary, events.csv).
REGIONS: tuple[str, ...] = (
    "Kayes",
    "Koulikoro",
    "Sikasso",
    "Ségou",
    "Mopti",
    "Tombouctou",
    "Gao",
    "Kidal",
    "Ménaka",
    "Taoudénit",
    "Bamako",
)
#: Regions created in 2016, and the region they were part of before.
CREATED_2016: dict[str, str] = {"Ménaka": "Gao", "Taoudénit": "Tombouctou"}
#: Regions of the 2012 reform that took effect in 2023, and the region each was carved from.
CREATED_2023: dict[str, str] = {
    "Bougouni": "Sikasso",
    "Koutiala": "Sikasso",
    "Dioïla": "Koulikoro",
    "Nara": "Koulikoro",
    "Kita": "Kayes",
    "Nioro": "Kayes",
    "San": "Ségou",
    "Douentza": "Mopti",
    "Bandiagara": "Mopti",
}

#: The zones of the geographic-shift question (north, centre, south).
ZONE_REGIONS: dict[str, tuple[str, ...]] = {
    "north": ("Tombouctou", "Gao", "Kidal", "Ménaka", "Taoudénit"),
    "centre": ("Mopti", "Ségou"),
    "south": ("Kayes", "Koulikoro", "Sikasso", "Bamako"),
}
ZONES: tuple[str, ...] = tuple(ZONE_REGIONS)

# Other spellings seen in ACLED, UCDP GED (adm_1), OCHA and the press.
_REGION_ALIASES: dict[str, tuple[str, ...]] = {
    "Tombouctou": ("Timbuktu", "Toumbouctou", "Timbouctou", "Tomboctou", "Tombuctu"),
    "Ségou": ("Segu",),
    "Taoudénit": ("Taoudeni", "Taoudenni", "Taoudenit", "Taoudéni"),
    "Bamako": ("Bamako District", "District de Bamako", "Bamako Capital District"),
    "Nioro": ("Nioro du Sahel",),
    "Ménaka": ("Menaka",),
    "Kidal": ("Kidal Region",),
}

#: Cercles of the 2015 frame (OCHA/DNCT, 50 units) with their region, in report spelling.
CERCLES_2015: dict[str, str] = {
    "Bamako": "Bamako",
    "Ansongo": "Gao",
    "Bourem": "Gao",
    "Gao": "Gao",
    "Ménaka": "Gao",
    "Bafoulabé": "Kayes",
    "Diéma": "Kayes",
    "Kayes": "Kayes",
    "Kéniéba": "Kayes",
    "Kita": "Kayes",
    "Nioro": "Kayes",
    "Yélimané": "Kayes",
    "Abeïbara": "Kidal",
    "Kidal": "Kidal",
    "Tessalit": "Kidal",
    "Tin-Essako": "Kidal",
    "Banamba": "Koulikoro",
    "Dioïla": "Koulikoro",
    "Kangaba": "Koulikoro",
    "Kati": "Koulikoro",
    "Kolokani": "Koulikoro",
    "Koulikoro": "Koulikoro",
    "Nara": "Koulikoro",
    "Bandiagara": "Mopti",
    "Bankass": "Mopti",
    "Djenné": "Mopti",
    "Douentza": "Mopti",
    "Koro": "Mopti",
    "Mopti": "Mopti",
    "Ténenkou": "Mopti",
    "Youwarou": "Mopti",
    "Barouéli": "Ségou",
    "Bla": "Ségou",
    "Macina": "Ségou",
    "Niono": "Ségou",
    "San": "Ségou",
    "Ségou": "Ségou",
    "Tominian": "Ségou",
    "Bougouni": "Sikasso",
    "Kadiolo": "Sikasso",
    "Kolondiéba": "Sikasso",
    "Koutiala": "Sikasso",
    "Sikasso": "Sikasso",
    "Yanfolila": "Sikasso",
    "Yorosso": "Sikasso",
    "Diré": "Tombouctou",
    "Goundam": "Tombouctou",
    "Gourma-Rharous": "Tombouctou",
    "Niafunké": "Tombouctou",
    "Tombouctou": "Tombouctou",
}
#: Cercles of the Ménaka region (2016), each inside the 2015 cercle of Ménaka.
MENAKA_CERCLES_2016: tuple[str, ...] = ("Ménaka", "Andéramboukane", "Inékar", "Tidermène")
#: Cercles of the Taoudénit region (2016); they have no single 2015 cercle, so maps place
#: their events by coordinates.
TAOUDENIT_CERCLES_2016: tuple[str, ...] = (
    "Taoudénit",
    "Achourat",
    "Al-Ourche",
    "Boujbeha",
    "Foum-Alba",
)
_CERCLE_ALIASES: dict[str, tuple[str, ...]] = {
    "Tombouctou": ("Timbuktu",),
    "Nioro": ("Nioro du Sahel",),
    "Gourma-Rharous": ("Rharous", "Gourma Rharous", "Gourma-Rharouss"),
    "Tin-Essako": ("Tin Essako", "Tinessako"),
    "Abeïbara": ("Abeibara", "Abeybara"),
    "Andéramboukane": ("Anderamboukane", "Anderboukane"),
    "Tidermène": ("Tidermene", "Tidermen"),
    "Ténenkou": ("Tenenkou", "Tenenku"),
    "Foum-Alba": ("Foum Elba", "Foum-Elba"),
}


#: The capital of each region of the 2015 frame (the boundaries' frame) and the Bamako
#: district, as maps name them: region -> (town, latitude °N, longitude °E, source). The
#: coordinates are those of each town's Wikipedia article (its infobox), in decimal degrees;
#: the towns the curated events also place (Bamako, Kayes, Gao, Kidal, Tombouctou) agree with
#: them within 0.02°.
REGIONAL_CAPITALS: dict[str, tuple[str, float, float, str]] = {
    "Bamako": ("Bamako", 12.650, -8.000, "https://en.wikipedia.org/wiki/Bamako (12°39′N 8°0′W)"),
    "Kayes": ("Kayes", 14.450, -11.433, "https://en.wikipedia.org/wiki/Kayes (14°27′N 11°26′W)"),
    "Koulikoro": (
        "Koulikoro",
        12.861,
        -7.558,
        "https://en.wikipedia.org/wiki/Koulikoro (12°51′40″N 7°33′30″W)",
    ),
    "Sikasso": (
        "Sikasso",
        11.317,
        -5.667,
        "https://en.wikipedia.org/wiki/Sikasso (11°19′N 5°40′W)",
    ),
    "Ségou": ("Ségou", 13.450, -6.267, "https://en.wikipedia.org/wiki/Ségou (13°27′N 6°16′W)"),
    "Mopti": (
        "Mopti",
        14.496,
        -4.199,
        "https://en.wikipedia.org/wiki/Mopti (14°29′45″N 4°11′55″W)",
    ),
    "Tombouctou": (
        "Tombouctou",
        16.776,
        -3.009,
        "https://en.wikipedia.org/wiki/Timbuktu (16°46′33″N 3°00′34″W)",
    ),
    "Gao": ("Gao", 16.267, -0.050, "https://de.wikipedia.org/wiki/Gao (16°16′N 0°3′W)"),
    "Kidal": ("Kidal", 18.439, 1.408, "https://en.wikipedia.org/wiki/Kidal (18°26′20″N 1°24′30″E)"),
}
#: The country's capital among them.
CAPITAL = "Bamako"

# Words that name the kind of unit, dropped before comparing names.
_UNIT_WORDS = re.compile(
    r"\b(region|région|regione|cercle|circle|district|province|capital|prefecture)\b",
    re.IGNORECASE,
)


def key(name: str) -> str:
    """Comparison key for a place name: no case, accents, punctuation or unit words."""
    return alias_key(_UNIT_WORDS.sub(" ", name))


def _index(canonical: Iterable[str], aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for name in canonical:
        index[key(name)] = name
    for name, others in aliases.items():
        for other in others:
            index.setdefault(key(other), name)
    return index


_ADMIN1 = _index((*REGIONS, *CREATED_2023), _REGION_ALIASES)
_ADMIN2 = _index((*CERCLES_2015, *MENAKA_CERCLES_2016, *TAOUDENIT_CERCLES_2016), _CERCLE_ALIASES)
_REGION_ZONE = {region: zone for zone, regions in ZONE_REGIONS.items() for region in regions}


def _clean(name: object) -> str | None:
    if not isinstance(name, str) or not name.strip():
        return None
    return " ".join(name.split())


def harmonise_admin1(name: object, country: str | None = "Mali") -> str | None:
    """The report spelling of a Mali region ('Timbuktu' -> 'Tombouctou'); others kept as given."""
    cleaned = _clean(name)
    if cleaned is None or country not in (None, "Mali"):
        return cleaned
    return _ADMIN1.get(key(cleaned), cleaned)


def harmonise_admin2(name: object, country: str | None = "Mali") -> str | None:
    """The report spelling of a Mali cercle ('Gourma Rharous' -> 'Gourma-Rharous')."""
    cleaned = _clean(name)
    if cleaned is None or country not in (None, "Mali"):
        return cleaned
    return _ADMIN2.get(key(cleaned), cleaned)


def is_known_admin1(name: object) -> bool:
    """True when the name is a Mali region of any frame (2015, 2016 or 2023)."""
    cleaned = _clean(name)
    return cleaned is not None and key(cleaned) in _ADMIN1


def region_2016(admin1: object, admin2: object = None) -> str | None:
    """The region in the 2016 frame: 2023 regions go back to their parent, and a pre-2016
    record in Gao whose cercle is Ménaka goes to the Ménaka region."""
    region = harmonise_admin1(admin1)
    cercle = harmonise_admin2(admin2)
    if region in CREATED_2023:
        region = CREATED_2023[region]
    if region == "Gao" and cercle in MENAKA_CERCLES_2016:
        return "Ménaka"
    if region == "Tombouctou" and cercle in TAOUDENIT_CERCLES_2016:
        return "Taoudénit"
    if region is None and cercle is not None:
        if cercle in MENAKA_CERCLES_2016:
            return "Ménaka"
        if cercle in TAOUDENIT_CERCLES_2016:
            return "Taoudénit"
        return CERCLES_2015.get(cercle)
    return region


def region_2015(admin1: object, admin2: object = None) -> str | None:
    """The region in the 2015 frame (the boundaries' frame): Ménaka -> Gao, Taoudénit ->
    Tombouctou, 2023 regions -> their parent."""
    region = region_2016(admin1, admin2)
    return CREATED_2016.get(region, region) if region else None


def cercle_2015(admin2: object) -> str | None:
    """The cercle in the 2015 frame: the new Ménaka-region cercles go to Ménaka; Taoudénit's
    cercles have no single 2015 cercle and come back unchanged (unmatched)."""
    cercle = harmonise_admin2(admin2)
    if cercle in MENAKA_CERCLES_2016:
        return "Ménaka"
    return cercle


def zone(admin1: object, admin2: object = None) -> str | None:
    """'north', 'centre' or 'south' for a Mali region (any frame), None when unknown."""
    return _REGION_ZONE.get(region_2016(admin1, admin2) or "")


def unknown_admin1(names: Iterable[object]) -> list[str]:
    """The distinct names that are not a Mali region of any frame, sorted."""
    return sorted({c for n in names if (c := _clean(n)) is not None and key(c) not in _ADMIN1})


def zones_of(events: pd.DataFrame) -> pd.Series:
    """The zone of each event of a canonical table (Mali only; None when the region is unknown)."""
    admin2 = events["admin2"] if "admin2" in events else pd.Series(None, index=events.index)
    return pd.Series(
        [
            zone(a1, a2) if country == "Mali" else None
            for a1, a2, country in zip(events["admin1"], admin2, events["country"], strict=True)
        ],
        index=events.index,
        dtype="object",
    )
