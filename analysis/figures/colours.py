"""One colour per armed group, event type, affiliation, zone and country, in every figure.

A category's colour is looked up here by what it is (a group id, an event type), never by its
rank in a figure, so JNIM is the same blue in every figure, report and run, whatever the
period, the focus groups or the order of a table's columns.

The colours are seaborn's colour-blind palette (style.COLORBLIND, after Okabe & Ito). It has
eight colours a category can own (style.PALETTE: the palette without its grey, kept for
"other", and its pale yellow, too faint for a line); there are more groups than that, so:

* the eight **main groups** own one colour each (``GROUP_COLOURS``): the groups with the most
  events in the curated chronology and the most UCDP battle deaths in Mali (JNIM, ISGS, AQIM,
  Ansar Dine, MUJAO, the MNLA), the Islamic State (UCDP's side for ISGS's deaths until 2019)
  and the CMA, the separatist coalition in UCDP's battle deaths from 2014. The al-Qaeda,
  Islamic State and separatist groups that lead their family in Mali (JNIM, ISGS, the MNLA)
  have their family's colour in the lineage chart (style.AFFILIATION_COLOURS);
* every **other group** is a neutral dark grey, told apart by a hatch of its own (taken in the
  order of ``HATCHES`` by its id, so always the same) and named in the figure's key;
* "other" (the groups summed together) and "unattributed" are neutral greys, lighter and
  lighter, and never a group's colour.

Event types take the palette in the order of the harmonised vocabulary
(analysis.core.vocab.EVENT_TYPES), with "other" grey.

``tag`` records what an artist is coloured for (kind and key); the page's SVG then names it in
the element's id (``...-group-jnim``), so a test in a browser can read every figure's colour of
each group and event type.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable

from matplotlib.artist import Artist

from analysis.core.vocab import AFFILIATIONS, EVENT_TYPES
from analysis.figures import style

BLUE, ORANGE, GREEN, VERMILION, PURPLE, BROWN, PINK, GREY, YELLOW, SKY = style.COLORBLIND

#: The main groups' own colours (group_id -> colour), one palette colour each.
GROUP_COLOURS: dict[str, str] = {
    "jnim": BLUE,
    "isgs": VERMILION,
    "aqim": SKY,
    "ansar-dine": ORANGE,
    "mujao": BROWN,
    "mnla": GREEN,
    "islamic-state": PURPLE,
    "cma": PINK,
}
#: Any other group: a neutral dark grey, with a hatch of its own.
MINOR_GROUP_COLOUR = "#5f5f5f"
#: The groups summed together in a figure ('other') and the events no group is named for.
OTHER_COLOUR = style.OTHER_COLOUR
UNATTRIBUTED_COLOUR = "#c8c8c8"
OTHER = "other"
UNATTRIBUTED = "unattributed"
#: Hatches for the other groups, one per group (by a checksum of its id: the same every run).
HATCHES: tuple[str, ...] = ("////", "\\\\\\\\", "xxxx", "....", "++++", "oooo", "----", "||||")

#: Event types, in the vocabulary's order, take these colours; 'other' is grey.
_TYPE_PALETTE = (BLUE, ORANGE, PURPLE, GREEN)
EVENT_TYPE_COLOURS: dict[str, str] = {
    **dict(zip([t for t in EVENT_TYPES if t != OTHER], _TYPE_PALETTE, strict=True)),
    OTHER: OTHER_COLOUR,
}
#: An event whose type is not given.
UNKNOWN_COLOUR = UNATTRIBUTED_COLOUR

#: Countries of the Sahel comparison, the reports' own country first.
COUNTRY_COLOURS: dict[str, str] = {
    "Mali": BLUE,
    "Burkina Faso": ORANGE,
    "Niger": GREEN,
    "Mauritania": VERMILION,
    "Chad": PURPLE,
    "Algeria": BROWN,
    "Senegal": PINK,
    "Guinea": SKY,
}

if set(AFFILIATIONS) != set(style.AFFILIATION_COLOURS):  # checked when imported
    raise ValueError("every affiliation needs a colour in style.AFFILIATION_COLOURS")

#: Attribute under which ``tag`` leaves an artist's kind and key (analysis.reports.hover
#: names its SVG element after it).
TAG_ATTRIBUTE = "_colour_key"


def group_colour(group_id: str) -> str:
    """A group's colour: its own for a main group, neutral for any other; 'other' and
    'unattributed' have their greys."""
    key = str(group_id)
    if key == OTHER:
        return OTHER_COLOUR
    if key == UNATTRIBUTED:
        return UNATTRIBUTED_COLOUR
    return GROUP_COLOURS.get(key, MINOR_GROUP_COLOUR)


def group_hatch(group_id: str) -> str | None:
    """The hatch that tells a group without a colour of its own from the others (None for a
    main group, 'other' and 'unattributed')."""
    key = str(group_id)
    if key in GROUP_COLOURS or key in (OTHER, UNATTRIBUTED):
        return None
    return HATCHES[zlib.crc32(key.encode("utf-8")) % len(HATCHES)]


def event_type_colour(event_type: str | None) -> str:
    """An event type's colour (grey for 'other', light grey for a type not given or unknown)."""
    return EVENT_TYPE_COLOURS.get(str(event_type), UNKNOWN_COLOUR)


def affiliation_colour(affiliation: str) -> str:
    """An affiliation family's colour (grey for none or unknown)."""
    return style.AFFILIATION_COLOURS.get(str(affiliation), OTHER_COLOUR)


def country_colour(country: str) -> str:
    """A country's colour in the Sahel comparison (grey for a country not in the table)."""
    return COUNTRY_COLOURS.get(str(country), OTHER_COLOUR)


#: Colour functions by kind of category.
_BY_KIND = {
    "group": group_colour,
    "type": event_type_colour,
    "affiliation": affiliation_colour,
    "country": country_colour,
}
KINDS: tuple[str, ...] = tuple(_BY_KIND)


def colour(kind: str, key: str) -> str:
    """The colour of ``key`` (a group id, an event type...) of ``kind`` (see KINDS)."""
    if kind not in _BY_KIND:
        raise ValueError(f"no colours for {kind!r}; kinds: {', '.join(KINDS)}")
    return _BY_KIND[kind](key)


def colours(kind: str, keys: Iterable[str]) -> dict[str, str]:
    """Each key's colour (the same whatever the other keys or their order)."""
    return {str(key): colour(kind, key) for key in keys}


def slug(text: str) -> str:
    """A key as it may appear in an SVG id: lower case, runs of other characters as '-'."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "none"


def tag(artist: Artist, kind: str, key: str) -> Artist:
    """Record that ``artist`` is coloured for ``key`` of ``kind`` (the page names its SVG
    element ``...-{kind}-{slug(key)}``)."""
    setattr(artist, TAG_ATTRIBUTE, f"{kind}-{slug(key)}")
    return artist


def tags_of(artist: Artist) -> str | None:
    """What ``tag`` recorded on an artist (``kind-key``), or None."""
    return getattr(artist, TAG_ATTRIBUTE, None)
