"""Country names as the event datasets write them, and their Gleditsch-Ward numbers (UCDP)."""

from __future__ import annotations

import re

from analysis.core.text import alias_key

#: Gleditsch-Ward numbers UCDP uses (gwno_loc, gwno_battle, country_id), for the Sahel and
#: its neighbours, plus the two countries of the real GED format sample.
GW_NUMBERS: dict[str, int] = {
    "Mali": 432,
    "Burkina Faso": 439,
    "Niger": 436,
    "Algeria": 615,
    "Mauritania": 435,
    "Côte d'Ivoire": 437,
    "Senegal": 433,
    "Guinea": 438,
    "Benin": 434,
    "Togo": 461,
    "Nigeria": 475,
    "Chad": 483,
    "Libya": 620,
    "Ghana": 452,
    "Cameroon": 471,
    "Myanmar": 775,
    "Bangladesh": 771,
}
# Other names for the same countries (UCDP: "Ivory Coast", "Myanmar (Burma)").
_ALIASES: dict[str, str] = {
    "Ivory Coast": "Côte d'Ivoire",
    "Cote d'Ivoire": "Côte d'Ivoire",
    "Burma": "Myanmar",
    "Upper Volta": "Burkina Faso",
    "Republic of Mali": "Mali",
}
_PARENTHESIS = re.compile(r"\s*\([^)]*\)")


def country_key(name: str) -> str:
    """Comparison key: 'Myanmar (Burma)', 'MYANMAR' and 'myanmar' are the same country."""
    return alias_key(_PARENTHESIS.sub("", name))


_CANONICAL = {country_key(n): n for n in GW_NUMBERS}
_CANONICAL.update({country_key(a): n for a, n in _ALIASES.items()})


def canonical_country(name: object) -> str | None:
    """The project's spelling of a country ('Ivory Coast' -> "Côte d'Ivoire"); others kept."""
    if not isinstance(name, str) or not name.strip():
        return None
    cleaned = " ".join(name.split())
    return _CANONICAL.get(country_key(cleaned), cleaned)


def gw_number(country: str) -> int:
    """The Gleditsch-Ward number of a country, for UCDP's country codes."""
    canonical = canonical_country(country)
    if canonical not in GW_NUMBERS:
        known = ", ".join(sorted(GW_NUMBERS))
        raise KeyError(f"no Gleditsch-Ward number known for {country!r}; known: {known}")
    return GW_NUMBERS[canonical]
