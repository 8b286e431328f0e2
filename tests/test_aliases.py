from pathlib import Path

import pytest

from analysis.core.text import alias_key
from analysis.curated.aliases import AliasResolver, UnknownGroupError
from analysis.curated.tables import load_groups

MINIMAL = Path(__file__).parent / "fixtures" / "curated_min"


@pytest.fixture(scope="module")
def resolver() -> AliasResolver:
    return AliasResolver(load_groups(MINIMAL))


def test_alias_key_ignores_case_accents_apostrophes_hyphens():
    assert alias_key("Jama’at Nasr al-Islam wal Muslimin") == "jamaatnasralislamwalmuslimin"
    assert alias_key("Al-Qaïda au Maghreb islamique") == alias_key("al qaida au maghreb ISLAMIQUE")
    assert alias_key("Jama'at") == alias_key("Jama’at") == alias_key("Jamaat")


@pytest.mark.parametrize(
    "name",
    [
        "Jama’at Nasr al-Islam wal Muslimin",
        "Jama'at Nusrat al-Islam wal-Muslimin",
        "JAMAAT NUSRAT AL ISLAM WAL MUSLIMIN",
        "GSIM",
        "gsim",
        "Groupe de soutien a l’Islam et aux musulmans",
        "jnim",
    ],
)
def test_jnim_spellings(resolver, name):
    assert resolver.resolve(name) == "jnim"


def test_other_groups(resolver):
    assert resolver.resolve("SGPC") == "gspc"
    assert resolver.resolve("AQMI") == "aqim"
    assert resolver.resolve("Ansar al-Dine") == "ansar-dine"
    assert resolver.resolve("AAD") == "ansar-dine"


def test_unknown_name_suggests_closest(resolver):
    with pytest.raises(UnknownGroupError) as info:
        resolver.resolve("Jamaat Nusrat al-Islam")
    message = str(info.value)
    assert message.startswith("unknown group name 'Jamaat Nusrat al-Islam'; closest known names:")
    assert "(jnim)" in message
    assert resolver.get("Boko Haram") is None
