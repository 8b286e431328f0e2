"""Afrobarometer Mali microdata: read the SPSS files, harmonise questions and answers.

Rounds 4-7 are read with pyreadstat, keeping the value labels, so answers are classified by what
they say ("Don't know", "Refused") rather than by a code whose meaning changes between rounds
(code 9 is "Don't know" in one question and a substantive answer in another). The weight
(``withinwt``; ``Withinwt`` in round 4) and a primary sampling unit, when the file has one, are
found here; the estimates and their design-based intervals are in analysis.analyses.opinion.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis.config import RAW_DIR, SHARED_DATA_DIR
from analysis.core import origins
from analysis.core.regions import REGIONS, ZONE_REGIONS
from analysis.core.vocab import ALL_GROUP, NOT_GIVEN
from analysis.sources import register

QUESTION_MAP_PATH = Path(__file__).with_name("afrobarometer_questions.yaml")
#: Where the notebook looks for the SPSS files, in this order.
RAW_AFROBAROMETER_DIR = RAW_DIR / "afrobarometer"
SHARED_AFROBAROMETER_DIR = SHARED_DATA_DIR / "afrobarometer_mali"
#: The register's record of the dataset: how a user gets the files, and the name sources give.
REGISTER_KEY = "afrobarometer"
HOW_TO_GET = register.entry(REGISTER_KEY).how_to_get + "."
SOURCE_NAME = register.entry(REGISTER_KEY).short

#: Names the survey weight goes by in Afrobarometer files (matched ignoring case).
WEIGHT_CANDIDATES: tuple[str, ...] = ("withinwt", "Withinwt", "WITHINWT")
#: Names a primary-sampling-unit (enumeration area) identifier could have; absent in the
#: public Mali files, used when a user's file has one.
PSU_CANDIDATES: tuple[str, ...] = ("PSU", "EA", "EANUMB", "EA_NUMBER", "EANUMBER", "CLUSTER")

BREAKDOWNS: tuple[str, ...] = ("none", "region", "north", "urban_rural", "gender", "age")
NORTH_GROUP = "North (Tombouctou, Gao, Kidal)"
REST_GROUP = "Rest of Mali"
#: Regions of the north (with the two created in 2016, absent from rounds 4-7), and the order
#: regions are shown in: both from analysis.core.regions, the one place that defines them.
NORTH_REGIONS: tuple[str, ...] = ZONE_REGIONS["north"]
REGION_ORDER: tuple[str, ...] = REGIONS
#: Age bands (inclusive); the last is open-ended.
AGE_BANDS: tuple[tuple[int, int | None], ...] = ((18, 25), (26, 35), (36, 45), (46, 55), (56, None))

DONT_KNOW = "don't know"
REFUSED = "refused"
NOT_ASKED = "not asked"
POSITIVE = "positive"
OTHER = "other answer"
ALL_RESPONDENTS = "all respondents asked (don't know and refused count in the denominator)"
EXCLUDING_DK = "excluding don't know and refused"

_DK_PATTERN = re.compile(r"don't know|haven't heard|ne sais pas|ne sait pas|dont know")
_REFUSED_PATTERN = re.compile(r"refus")
_NOT_ASKED_PATTERN = re.compile(r"^missing$|not asked|not applicable")


class AfrobarometerError(ValueError):
    """A problem with an Afrobarometer file or the question map; the message names the file."""


class MissingWeightError(AfrobarometerError):
    """An SPSS file without the survey weight variable."""


def normalise_label(text: object) -> str:
    """Label text compared loosely: no accents, straight quotes, lower case, single spaces."""
    value = unicodedata.normalize("NFKD", str(text))
    value = "".join(c for c in value if not unicodedata.combining(c))
    value = value.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    return re.sub(r"\s+", " ", value).strip().casefold()


# ----------------------------------------------------------------------------- question map


@dataclass(frozen=True)
class RoundQuestion:
    """Where a harmonised question sits in one round."""

    variable: str
    label: str
    wording: str


@dataclass(frozen=True)
class Question:
    """A harmonised question: what counts as the reported answer, and its variable per round."""

    question_id: str
    topic: str
    short: str
    positive: tuple[str, ...]
    positive_label: str
    rounds: dict[int, RoundQuestion]
    comparability: str = ""

    def wording(self, round_number: int) -> str:
        """The question as asked in a round."""
        return self.rounds[round_number].wording


@dataclass(frozen=True)
class QuestionMap:
    """The harmonised question map: rounds (file names, notes) and questions by id."""

    rounds: dict[int, dict[str, str]]
    questions: dict[str, Question]
    path: Path = QUESTION_MAP_PATH

    def __getitem__(self, question_id: str) -> Question:
        try:
            return self.questions[question_id]
        except KeyError:
            raise KeyError(
                f"question '{question_id}' is not in {self.path.name}; known: "
                f"{', '.join(sorted(self.questions))}"
            ) from None

    def by_topic(self, topic: str) -> list[str]:
        """Question ids of one topic, in map order."""
        return [qid for qid, q in self.questions.items() if q.topic == topic]


_REQUIRED_QUESTION_KEYS = ("topic", "short", "positive", "positive_label", "rounds")
_REQUIRED_ROUND_KEYS = ("variable", "label", "wording")


def load_question_map(path: Path | None = None) -> QuestionMap:
    """Read and check the harmonised question map (analysis/afrobarometer_questions.yaml)."""
    path = Path(path or QUESTION_MAP_PATH)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise AfrobarometerError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict) or "questions" not in raw or "rounds" not in raw:
        raise AfrobarometerError(f"{path}: expected top-level keys 'rounds' and 'questions'")
    rounds = {int(k): dict(v or {}) for k, v in raw["rounds"].items()}
    questions: dict[str, Question] = {}
    for qid, entry in raw["questions"].items():
        where = f"{path.name}: question '{qid}'"
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", str(qid)):
            raise AfrobarometerError(f"{where}: id must be a lower-case slug")
        missing = [k for k in _REQUIRED_QUESTION_KEYS if k not in (entry or {})]
        if missing:
            raise AfrobarometerError(f"{where}: missing {', '.join(missing)}")
        per_round: dict[int, RoundQuestion] = {}
        for number, spec in entry["rounds"].items():
            absent = [k for k in _REQUIRED_ROUND_KEYS if not (spec or {}).get(k)]
            if absent:
                raise AfrobarometerError(f"{where}, round {number}: missing {', '.join(absent)}")
            if int(number) not in rounds:
                raise AfrobarometerError(f"{where}: round {number} is not under 'rounds'")
            per_round[int(number)] = RoundQuestion(
                str(spec["variable"]), str(spec["label"]), str(spec["wording"]).strip()
            )
        positive = entry["positive"]
        if not isinstance(positive, list) or not positive:
            raise AfrobarometerError(f"{where}: 'positive' must be a non-empty list of labels")
        questions[str(qid)] = Question(
            question_id=str(qid),
            topic=str(entry["topic"]),
            short=str(entry["short"]),
            positive=tuple(str(p) for p in positive),
            positive_label=str(entry["positive_label"]),
            rounds=per_round,
            comparability=str(entry.get("comparability") or "").strip(),
        )
    return QuestionMap(rounds=rounds, questions=questions, path=path)


# ----------------------------------------------------------------------------- reading files


@dataclass
class SurveyRound:
    """One round's respondents: answer codes, labels, and the design variables found."""

    number: int
    path: Path
    data: pd.DataFrame
    variable_labels: dict[str, str]
    value_labels: dict[str, dict[float, str]]
    weight: str
    psu: str | None = None
    fieldwork_start: date | None = None
    fieldwork_end: date | None = None
    note: str = ""
    _columns: dict[str, str] = field(default_factory=dict, repr=False)

    def column(self, variable: str) -> str:
        """The file's own spelling of a variable name (matched ignoring case)."""
        if not self._columns:
            self._columns = {c.upper(): c for c in self.data.columns}
        try:
            return self._columns[variable.upper()]
        except KeyError:
            raise AfrobarometerError(
                f"{self.path.name} (round {self.number}) has no variable {variable}"
            ) from None

    def fieldwork(self) -> str:
        """Fieldwork period as text, e.g. '2017-02-08 to 2017-02-24'."""
        if self.fieldwork_start is None:
            return f"round {self.number}, fieldwork dates not in the file"
        return f"{self.fieldwork_start.isoformat()} to {self.fieldwork_end.isoformat()}"


def find_weight(columns: list[str] | pd.Index, path: Path | str = "file") -> str:
    """The survey weight column, or a MissingWeightError naming the candidates looked for."""
    by_upper = {str(c).upper(): str(c) for c in columns}
    for candidate in WEIGHT_CANDIDATES:
        if candidate.upper() in by_upper:
            return by_upper[candidate.upper()]
    shown = ", ".join(str(c) for c in list(columns)[:12])
    raise MissingWeightError(
        f"{Path(path).name} has no survey weight variable: looked for "
        f"{', '.join(WEIGHT_CANDIDATES)} (ignoring case) among its {len(columns)} variables "
        f"({shown}{', ...' if len(columns) > 12 else ''}). Afrobarometer files name it withinwt; "
        "pass weight='NAME' if yours differs."
    )


def _find_optional(columns: pd.Index, candidates: tuple[str, ...]) -> str | None:
    by_upper = {str(c).upper(): str(c) for c in columns}
    return next((by_upper[c.upper()] for c in candidates if c.upper() in by_upper), None)


def read_round(
    path: Path | str,
    number: int | None = None,
    weight: str | None = None,
    psu: str | None = None,
    note: str = "",
) -> SurveyRound:
    """Read one round's SPSS file with its value labels; find the weight and any PSU.

    The file is recorded as an origin of the run (register key "afrobarometer", version
    "round N"). Nothing is cached: the report object holds the rounds it read.
    """
    path = Path(path)
    if not path.exists():
        raise AfrobarometerError(f"{path}: file not found. {HOW_TO_GET}")
    # heavy (pyreadstat): paid only when a survey round is read
    import pyreadstat  # noqa: PLC0415 (heavy: see above)

    try:
        # user_missing=True keeps codes declared missing in SPSS (often 9, 98, 99), so that
        # "don't know" and "refused" are counted, never silently turned into blanks.
        data, meta = pyreadstat.read_sav(str(path), user_missing=True)
    except Exception as exc:  # pyreadstat raises its own error types
        raise AfrobarometerError(f"{path}: cannot be read as an SPSS .sav file ({exc})") from None
    if weight is not None:
        if weight not in data.columns:
            raise MissingWeightError(f"{path.name} has no variable {weight} (given as weight)")
        weight_column = weight
    else:
        weight_column = find_weight(data.columns, path)
    weights = pd.to_numeric(data[weight_column], errors="coerce")
    if weights.isna().any() or (weights < 0).any():
        bad = int(weights.isna().sum() + (weights < 0).sum())
        raise AfrobarometerError(
            f"{path.name}: weight {weight_column} is missing or negative for {bad} respondents"
        )
    psu_column = psu or _find_optional(data.columns, PSU_CANDIDATES)
    start = end = None
    date_column = _find_optional(data.columns, ("DATEINTR",))
    if date_column is not None:
        dates = pd.to_datetime(data[date_column], errors="coerce").dropna()
        if len(dates):
            start, end = dates.min().date(), dates.max().date()
    if number is None:
        number = round_number_from_name(path.name)
    origins.record_file(REGISTER_KEY, path, version=f"round {number}", rows=len(data))
    return SurveyRound(
        number=number,
        path=path,
        data=data,
        variable_labels=dict(meta.column_names_to_labels),
        value_labels={k: dict(v) for k, v in meta.variable_value_labels.items()},
        weight=weight_column,
        psu=psu_column,
        fieldwork_start=start,
        fieldwork_end=end,
        note=note,
    )


def round_number_from_name(name: str) -> int:
    """The round number in an Afrobarometer file name, e.g. 'mli_r7_data_eng.sav' -> 7."""
    match = re.search(r"(?:^|[_\-\s])r(?:ound)?[_\-\s]?(\d{1,2})(?:[_\-\s.]|$)", name, re.I)
    if not match:
        raise AfrobarometerError(
            f"cannot tell the round of {name}: expected 'r<N>' in the file name "
            "(e.g. mli_r7_data_eng.sav)"
        )
    return int(match.group(1))


def data_dir() -> Path | None:
    """data/raw/afrobarometer when it holds .sav files, else ../shared/data/afrobarometer_mali."""
    for folder in (RAW_AFROBAROMETER_DIR, SHARED_AFROBAROMETER_DIR):
        if folder.is_dir() and any(folder.glob("*.sav")):
            return folder
    return None


def find_round_files(folder: Path, qmap: QuestionMap | None = None) -> dict[int, Path]:
    """Round number -> .sav file in a folder: the map's file names first, else 'r<N>' in names."""
    qmap = qmap or load_question_map()
    found: dict[int, Path] = {}
    for number, info in qmap.rounds.items():
        candidate = folder / str(info.get("file", ""))
        if info.get("file") and candidate.exists():
            found[number] = candidate
    for path in sorted(folder.glob("*.sav")):
        if path in found.values():
            continue
        try:
            number = round_number_from_name(path.name)
        except AfrobarometerError:
            continue
        found.setdefault(number, path)
    return dict(sorted(found.items()))


def load_rounds(
    folder: Path | None = None,
    rounds: list[int] | None = None,
    qmap: QuestionMap | None = None,
) -> dict[int, SurveyRound]:
    """Read every round found (or the chosen ones); an empty dict when there is no data."""
    qmap = qmap or load_question_map()
    folder = folder or data_dir()
    if folder is None:
        return {}
    files = find_round_files(folder, qmap)
    chosen = {n: p for n, p in files.items() if rounds is None or n in rounds}
    return {
        n: read_round(p, n, note=str(qmap.rounds.get(n, {}).get("note", "")).strip())
        for n, p in chosen.items()
    }


def check_question_map(
    rounds: dict[int, SurveyRound], qmap: QuestionMap | None = None
) -> list[str]:
    """Every mapping problem against the files: missing variable, wrong label, unknown answer."""
    qmap = qmap or load_question_map()
    problems = []
    for qid, question in qmap.questions.items():
        for number, spec in question.rounds.items():
            survey = rounds.get(number)
            if survey is None:
                continue
            where = f"{qmap.path.name}: {qid}, round {number} ({survey.path.name})"
            try:
                column = survey.column(spec.variable)
            except AfrobarometerError:
                problems.append(f"{where}: no variable {spec.variable} in the file")
                continue
            actual = survey.variable_labels.get(column) or ""
            if normalise_label(actual) != normalise_label(spec.label):
                problems.append(
                    f"{where}: {spec.variable} is labelled '{actual}' in the file, "
                    f"the map says '{spec.label}'"
                )
            labels = {normalise_label(v) for v in survey.value_labels.get(column, {}).values()}
            for answer in question.positive:
                if normalise_label(answer) not in labels:
                    problems.append(
                        f"{where}: answer '{answer}' is not a value label of {spec.variable} "
                        f"(labels: {', '.join(survey.value_labels.get(column, {}).values())})"
                    )
    return problems


# ----------------------------------------------------------------------------- answers and groups


def classify_answers(survey: SurveyRound, variable: str, positive: tuple[str, ...]) -> pd.Series:
    """Each respondent's answer as positive / other answer / don't know / refused / not asked."""
    column = survey.column(variable)
    labels = survey.value_labels.get(column, {})
    wanted = {normalise_label(p) for p in positive}
    codes = pd.to_numeric(survey.data[column], errors="coerce")
    mapping: dict[float, str] = {}
    for code, label in labels.items():
        text = normalise_label(label)
        if text in wanted:
            mapping[code] = POSITIVE
        elif _DK_PATTERN.search(text):
            mapping[code] = DONT_KNOW
        elif _REFUSED_PATTERN.search(text):
            mapping[code] = REFUSED
        elif _NOT_ASKED_PATTERN.search(text):
            mapping[code] = NOT_ASKED
        else:
            mapping[code] = OTHER
    unlabelled = sorted(set(codes.dropna().unique()) - set(mapping))
    # -1 is Afrobarometer's "missing / not asked" code; some variables leave it unlabelled.
    unlabelled = [f"{float(c):g}" for c in unlabelled if c != -1]
    if unlabelled:
        raise AfrobarometerError(
            f"{survey.path.name}: {column} has answer code(s) {', '.join(unlabelled)} with no "
            "value label, so they cannot be classified"
        )
    if not any(v == POSITIVE for v in mapping.values()):
        raise AfrobarometerError(
            f"{survey.path.name}: none of {list(positive)} is a value label of {column} "
            f"(labels: {', '.join(labels.values())})"
        )
    return codes.map(mapping).fillna(NOT_ASKED)


def value_label(survey: SurveyRound, variable: str) -> pd.Series:
    column = survey.column(variable)
    labels = survey.value_labels.get(column, {})
    return pd.to_numeric(survey.data[column], errors="coerce").map(labels)


@functools.lru_cache(maxsize=1024)  # called per respondent: a few dozen distinct labels
def _canonical_region(label: object) -> str:
    if label is None or (isinstance(label, float) and np.isnan(label)):
        return NOT_GIVEN
    key = normalise_label(label)
    for name in REGION_ORDER:
        if normalise_label(name) == key:
            return name
    aliases = {"timbuktu": "Tombouctou", "taoudeni": "Taoudénit", "segou": "Ségou"}
    return aliases.get(key, str(label).strip().title())


def _age_band(age: float) -> str:
    if pd.isna(age) or age < 18 or age > 120:  # 998/999 are refused / don't know
        return NOT_GIVEN
    for low, high in AGE_BANDS:
        if high is None and age >= low:
            return f"{low}+"
        if high is not None and low <= age <= high:
            return f"{low}-{high}"
    return NOT_GIVEN


def group_labels(survey: SurveyRound, by: str) -> pd.Series:
    """Each respondent's group for a breakdown: none, region, north, urban_rural, gender, age."""
    if by not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}; use one of: {', '.join(BREAKDOWNS)}")
    index = survey.data.index
    if by == "none":
        return pd.Series(ALL_GROUP, index=index)
    if by in ("region", "north"):
        regions = value_label(survey, "REGION").map(_canonical_region)
        if by == "region":
            return regions
        return regions.map(
            lambda r: (
                NOT_GIVEN if r == NOT_GIVEN else NORTH_GROUP if r in NORTH_REGIONS else REST_GROUP
            )
        )
    if by == "urban_rural":
        return value_label(survey, "URBRUR").fillna(NOT_GIVEN).map(lambda v: str(v).title())
    if by == "gender":
        return value_label(survey, "Q101").map(
            lambda v: NOT_GIVEN if pd.isna(v) or normalise_label(v) == "missing" else str(v)
        )
    ages = pd.to_numeric(survey.data[survey.column("Q1")], errors="coerce")
    return ages.map(_age_band)


def group_order(by: str, groups: list[str]) -> list[str]:
    """Groups in a reading order: regions west to east then Bamako, age bands ascending."""
    if by == "region":
        order = list(REGION_ORDER)
    elif by == "north":
        order = [NORTH_GROUP, REST_GROUP]
    elif by == "age":
        order = [f"{lo}-{hi}" if hi else f"{lo}+" for lo, hi in AGE_BANDS]
    else:
        order = []
    ranked = sorted(groups, key=lambda g: (g == NOT_GIVEN, order.index(g) if g in order else 99, g))
    return ranked


# ----------------------------------------------------------------------------- estimates


# ----------------------------------------------------------------------------- comparisons


def question_map_table(qmap: QuestionMap | None = None) -> pd.DataFrame:
    """The harmonised map as a reader's table: id, topic, reported answer, variable per round."""
    qmap = qmap or load_question_map()
    rounds = sorted(qmap.rounds)
    rows = []
    for qid, question in qmap.questions.items():
        row = {
            "question_id": qid,
            "topic": question.topic,
            "question": question.short,
            "share reported": question.positive_label,
        }
        for number in rounds:
            spec = question.rounds.get(number)
            row[f"R{number}"] = spec.variable if spec else "not asked"
        rows.append(row)
    return pd.DataFrame(rows)
