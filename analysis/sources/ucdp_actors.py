"""The UCDP Actor Dataset: read the publisher's file, its names and its lineage fields.

UCDP codes, per actor, whether it broke away from another actor (``Splinter``, ``NamePrev``,
``ActorIdPrev``), formed a new actor in an alliance and ceased on its own (``Alliance``,
``NameAlliance``, ``ActorIdAlliance``), joined an existing actor and ceased (``JoinGroup``,
``GroupName``, ``ActorIdGroup``), or changed its name (``NameChange``, ``NameOrig`` ->
``NewName``). Those become lineage relations in the curated vocabulary:

========================  =========================================================
UCDP field                curated relation
========================  =========================================================
Splinter                  ``<actor as first named> split_from <ActorIdPrev>``
Alliance                  ``<actor as last named> merged_into <ActorIdAlliance>``
JoinGroup                 ``<actor as last named> joined <ActorIdGroup>``
NameChange                ``<original name> renamed_to <new name>``, when the two names
                          are different groups in groups.csv (e.g. GSPC -> AQIM)
========================  =========================================================

An actor that changed its name is one UCDP actor but may be two curated groups; the splinter
side uses the name it was founded under, the alliance and join sides the name it ended under.
Where the *other* actor also has two names, the one whose curated span covers the date is
taken (the curated founding date for a split, the end date for a merger or a join).

UCDP gives no dates for these relations, so the comparison is about which relations exist.
Mapping and comparison are in analysis.analyses.actors. The reader records the file it read as
an origin of the run (register key ``ucdp-actor``, the version taken from the file name), so
source lines and citations name the version actually read (register.entry("ucdp-actor")).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.core import origins
from analysis.core.countries import gw_number
from analysis.core.text import without_invisible
from analysis.sources import register as open_data

#: The dataset's key in the register (source lines, citation, how to get it).
REGISTER_KEY = "ucdp-actor"
#: Columns of the actor file, in the publisher's order.
ACTOR_COLUMNS: tuple[str, ...] = (
    "ActorId",
    "NameData",
    "NameOrig",
    "NameOrigFull",
    "NameOrigFullEng",
    "NameChange",
    "NewName",
    "NewNameFullMotherTongue",
    "NewNameFullEng",
    "Org",
    "ConflictId",
    "DyadId",
    "PrimaryParty",
    "OSID",
    "OSCoalition",
    "OSCoalitionID",
    "NSID",
    "NSCoalition",
    "NSCoalitionID",
    "Splinter",
    "NamePrev",
    "ActorIdPrev",
    "SplitTemp",
    "NameSplitTemp",
    "ActorIdSplitTemp",
    "Alliance",
    "NameAlliance",
    "ActorIdAlliance",
    "JoinGroup",
    "GroupName",
    "ActorIdGroup",
    "Location",
    "GWNOLoc",
    "Region",
    "Version",
)
#: The columns this module reads; a file without any of them is refused.
REQUIRED_COLUMNS: tuple[str, ...] = (
    "ActorId",
    "NameData",
    "NameOrig",
    "NameOrigFull",
    "NameOrigFullEng",
    "NameChange",
    "NewName",
    "NewNameFullMotherTongue",
    "NewNameFullEng",
    "Org",
    "Splinter",
    "NamePrev",
    "ActorIdPrev",
    "Alliance",
    "NameAlliance",
    "ActorIdAlliance",
    "JoinGroup",
    "GroupName",
    "ActorIdGroup",
    "Location",
    "GWNOLoc",
)
FLAG_COLUMNS = ("NameChange", "Splinter", "Alliance", "JoinGroup")
HOW_TO_GET = (
    "Run `python -m analysis data fetch ucdp-actor` (or `make data`) to download the UCDP Actor "
    "Dataset from https://ucdp.uu.se/downloads/ into data/raw/."
)
#: The relations UCDP codes, which the comparison is about.
UCDP_RELATIONS: tuple[str, ...] = ("split_from", "merged_into", "renamed_to", "joined")
_MISSING = {"", "n/a", "N/A"}


class UcdpFormatError(ValueError):
    """A UCDP file that does not have the published layout; the message says what is wrong."""


def find_actor_file() -> Path | None:
    """The actor file: data/raw (from `make data`) first, else ../shared/data; None if absent."""
    return open_data.raw_file(REGISTER_KEY) or open_data.shared_file(REGISTER_KEY)


def split_cell(cell: str) -> list[str]:
    """A comma-separated UCDP multi-value cell as a list of stripped items."""
    return [item.strip() for item in str(cell).split(",") if item.strip() not in _MISSING]


def load_actors(path: Path | str | None = None) -> pd.DataFrame:
    """Read a UCDP actor CSV (UTF-8 with BOM; a .zip holding it also works), check its layout.

    Returns the publisher's columns as text, with ActorId as int, the four flags as bool, and
    list columns ``*_list`` for the comma-separated ones (ids, locations, GW codes, names).
    Raises UcdpFormatError naming the file and the missing columns or the bad cell. The file
    is recorded as an origin of the run (with the version its name states).
    """
    if path is None:
        path = find_actor_file()
        if path is None:
            raise FileNotFoundError(f"No UCDP actor file found. {HOW_TO_GET}")
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: file not found. {HOW_TO_GET}")
    try:
        frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    except UnicodeDecodeError as exc:
        raise UcdpFormatError(
            f"{path}: not UTF-8 ({exc}); use the CSV as UCDP publishes it"
        ) from exc
    frame.columns = [c.strip() for c in frame.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise UcdpFormatError(
            f"{path}: not a UCDP actor file in the published layout; missing column"
            f"{'s' if len(missing) > 1 else ''}: {', '.join(missing)}"
        )
    # a bidi override or zero-width character in a name would reorder the labels drawn next
    # to it: names are kept without them
    frame = frame.map(lambda v: without_invisible(v).strip() if isinstance(v, str) else v)
    # Line numbers in messages: header is line 1 (no cell in this dataset spans lines).
    for index, value in frame["ActorId"].items():
        if not value.isdigit():
            raise UcdpFormatError(f"{path}:{index + 2}: ActorId '{value}' is not a whole number")
    for column in FLAG_COLUMNS:
        bad = frame[~frame[column].isin(["0", "1", ""])]
        if not bad.empty:
            index = bad.index[0]
            raise UcdpFormatError(
                f"{path}:{index + 2}: {column} is '{bad.iloc[0][column]}', expected 0 or 1"
            )
        frame[column] = frame[column] == "1"
    frame["ActorId"] = frame["ActorId"].astype(int)
    for column in ("ActorIdPrev", "ActorIdAlliance", "ActorIdGroup", "GWNOLoc", "Location"):
        frame[f"{column}_list"] = frame[column].map(split_cell)
    for column in ("NameAlliance", "GroupName", "NewName", "NewNameFullMotherTongue"):
        frame[f"{column}_list"] = frame[column].map(split_cell)
    frame["NewNameFullEng_list"] = frame["NewNameFullEng"].map(split_cell)
    frame.attrs["path"] = str(path)
    version = open_data.entry(REGISTER_KEY).version_of(path)
    frame.attrs["version"] = version
    origins.record_file(REGISTER_KEY, path, version=version, rows=len(frame))
    return frame


def in_country(actors: pd.DataFrame, country: str = "Mali") -> pd.DataFrame:
    """Actors active in a country: its Gleditsch-Ward number in GWNOLoc, or its name in
    Location. An unknown country raises KeyError naming the known ones."""
    code = str(gw_number(country))
    mask = actors["GWNOLoc_list"].map(lambda codes: code in codes) | actors[
        "Location"
    ].str.contains(country, regex=False)
    return actors[mask]


# ---------------------------------------------------------------------------------------------
# Names and mapping to group ids


def original_names(actor: pd.Series) -> list[str]:
    """The names an actor was first registered under (short, mother tongue, English)."""
    names = [actor["NameOrig"], actor["NameOrigFull"], actor["NameOrigFullEng"]]
    if not actor["NameChange"]:
        names.insert(0, actor["NameData"])
    return [n for n in dict.fromkeys(names) if n not in _MISSING]


def latest_names(actor: pd.Series) -> list[str]:
    """The names an actor last had: NameData and the last item of each NewName column."""
    if not actor["NameChange"]:
        return original_names(actor)
    names = [actor["NameData"]]
    for column in ("NewName_list", "NewNameFullMotherTongue_list", "NewNameFullEng_list"):
        if actor[column]:
            names.append(actor[column][-1])
    return [n for n in dict.fromkeys(names) if n not in _MISSING]


def intermediate_names(actor: pd.Series) -> list[str]:
    """Names between the first and the last (e.g. ISI and ISIS for actor 234, IS)."""
    names = []
    for column in ("NewName_list", "NewNameFullMotherTongue_list", "NewNameFullEng_list"):
        names.extend(actor[column][:-1])
    return [n for n in dict.fromkeys(names) if n not in _MISSING]
