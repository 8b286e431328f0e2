"""Afrobarometer estimates: weighted shares with design-based intervals, trends, changes, gaps.

Shares are weighted with the within-country weight and come with a design-based 95% interval
(analysis.analyses.survey_stats): Kish's effective sample size for the weights, and Taylor
linearisation by primary sampling unit when the file carries a PSU identifier (unstratified,
which errs on the side of wider intervals). The public Mali files carry none, so their
intervals reflect weighting but not clustering.

A change between two rounds compares the same population: each estimate carries the regions its
respondents were sampled in, and when two rounds sampled different regions (round 5 did not
sample the north) the change is computed on the regions both sampled (``comparable_change``).
"""

from __future__ import annotations

import itertools
from collections.abc import Collection

import numpy as np
import pandas as pd

from analysis.analyses import survey_stats as ss
from analysis.analyses.polls import fieldwork_span
from analysis.core.vocab import ALL_GROUP, NOT_GIVEN
from analysis.sources.afrobarometer import (
    ALL_RESPONDENTS,
    DONT_KNOW,
    EXCLUDING_DK,
    NOT_ASKED,
    POSITIVE,
    REFUSED,
    REGION_ORDER,
    AfrobarometerError,
    QuestionMap,
    SurveyRound,
    classify_answers,
    group_labels,
    group_order,
    load_question_map,
    value_label,
)


def _weighted_share(mask: pd.Series, weights: pd.Series) -> float:
    total = float(weights.sum())
    return float(weights[mask].sum()) / total * 100 if total > 0 else float("nan")


def respondent_regions(survey: SurveyRound) -> pd.Series:
    """Each respondent's region (``NOT_GIVEN`` for all when the file has no REGION variable)."""
    try:
        return group_labels(survey, "region")
    except AfrobarometerError:
        return pd.Series(NOT_GIVEN, index=survey.data.index)


def regions_text(regions: Collection[str]) -> str:
    """Regions as the 'regions' column writes them: in the report's order, comma-separated
    (regions not given left out)."""
    known = [r for r in REGION_ORDER if r in regions]
    return ", ".join(known + sorted(set(regions) - set(known) - {NOT_GIVEN}))


def estimate(
    survey: SurveyRound,
    question_id: str,
    by: str = "none",
    exclude_dont_know: bool = False,
    min_sample: int = 0,
    confidence: float = 0.95,
    qmap: QuestionMap | None = None,
    regions: Collection[str] | None = None,
) -> pd.DataFrame:
    """Weighted share giving the question's reported answer, per group, with a 95% interval.

    Don't know and refused are reported as their own shares (of everyone asked); by default they
    stay in the denominator. With exclude_dont_know the share is of substantive answers only,
    and the 'denominator' column says so. Groups with fewer than min_sample respondents in the
    denominator are suppressed (share left empty, with a note), to avoid reading noise.
    ``regions`` (optional) keeps the respondents of these regions only; the 'regions' column
    names the regions the group's respondents were sampled in.
    """
    qmap = qmap or load_question_map()
    question = qmap[question_id]
    if survey.number not in question.rounds:
        return _empty_estimates()
    spec = question.rounds[survey.number]
    answers = classify_answers(survey, spec.variable, question.positive)
    weights = pd.to_numeric(survey.data[survey.weight], errors="coerce").astype(float)
    groups = group_labels(survey, by)
    where = respondent_regions(survey)
    in_scope = where.isin(list(regions)) if regions is not None else pd.Series(True, where.index)
    rows = []
    for group in group_order(by, list(groups.unique())):
        in_group = (groups == group) & (answers != NOT_ASKED) & in_scope
        asked = answers[in_group]
        if asked.empty:
            continue
        w_asked = weights[in_group]
        dont_know = _weighted_share(asked == DONT_KNOW, w_asked)
        refused = _weighted_share(asked == REFUSED, w_asked)
        if exclude_dont_know:
            keep = ~asked.isin([DONT_KNOW, REFUSED])
            asked, w_used = asked[keep], w_asked[keep]
        else:
            w_used = w_asked
        row = {
            "round": survey.number,
            "question_id": question_id,
            "short": question.short,
            "positive_label": question.positive_label,
            "breakdown": by,
            "group": group,
            "n": int(len(asked)),
            "dont_know": dont_know,
            "refused": refused,
            "denominator": EXCLUDING_DK if exclude_dont_know else ALL_RESPONDENTS,
            "variable": spec.variable,
            "wording": spec.wording,
            "fieldwork_start": survey.fieldwork_start,
            "fieldwork_end": survey.fieldwork_end,
            "round_note": survey.note,
            "regions": regions_text(set(where[in_group])),
        }
        if len(asked) == 0 or len(asked) < min_sample:
            row.update(
                share=np.nan,
                low=np.nan,
                high=np.nan,
                se=np.nan,
                n_eff=np.nan,
                design_effect=np.nan,
                method="",
                suppressed=True,
                note=f"suppressed: {len(asked)} respondents, fewer than {min_sample}",
            )
        else:
            indicator = (asked == POSITIVE).astype(float).to_numpy()
            psu = survey.data.loc[asked.index, survey.psu] if survey.psu else None
            # PSUs only, without the region x urban/rural strata: a stratum holding a single
            # PSU would make the stratified variance undefined, and ignoring strata errs on
            # the side of a wider interval.
            result = ss.survey_proportion(indicator, w_used.to_numpy(), psu, None, confidence)
            row.update(
                share=result.proportion * 100,
                low=result.low * 100,
                high=result.high * 100,
                se=result.se * 100,
                n_eff=result.n_eff,
                design_effect=result.design_effect,
                method=result.method,
                suppressed=False,
                note="",
            )
        rows.append(row)
    return pd.DataFrame(rows, columns=_ESTIMATE_COLUMNS)


_ESTIMATE_COLUMNS = [
    "round",
    "question_id",
    "short",
    "positive_label",
    "breakdown",
    "group",
    "n",
    "n_eff",
    "design_effect",
    "share",
    "low",
    "high",
    "se",
    "dont_know",
    "refused",
    "denominator",
    "suppressed",
    "note",
    "method",
    "variable",
    "wording",
    "fieldwork_start",
    "fieldwork_end",
    "round_note",
    "regions",
]


def _empty_estimates() -> pd.DataFrame:
    return pd.DataFrame(columns=_ESTIMATE_COLUMNS)


def trend(
    rounds: dict[int, SurveyRound],
    question_ids: list[str] | str,
    by: str = "none",
    exclude_dont_know: bool = False,
    min_sample: int = 0,
    confidence: float = 0.95,
    qmap: QuestionMap | None = None,
    regions: Collection[str] | None = None,
) -> pd.DataFrame:
    """Estimates for several questions over every round that asked them (one row per group);
    ``regions``: of the respondents of these regions only."""
    qmap = qmap or load_question_map()
    ids = [question_ids] if isinstance(question_ids, str) else list(question_ids)
    frames = [
        estimate(survey, qid, by, exclude_dont_know, min_sample, confidence, qmap, regions)
        for qid in ids
        for _, survey in sorted(rounds.items())
    ]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return _empty_estimates()
    return pd.concat(frames, ignore_index=True)


def answer_distribution(
    survey: SurveyRound, question_id: str, qmap: QuestionMap | None = None
) -> pd.DataFrame:
    """Weighted share of every labelled answer (don't know and refused included), in percent."""
    qmap = qmap or load_question_map()
    spec = qmap[question_id].rounds[survey.number]
    column = survey.column(spec.variable)
    labels = value_label(survey, spec.variable)
    classes = classify_answers(survey, spec.variable, qmap[question_id].positive)
    asked = classes != NOT_ASKED
    weights = pd.to_numeric(survey.data[survey.weight], errors="coerce")[asked]
    frame = pd.DataFrame({"answer": labels[asked], "class": classes[asked], "w": weights})
    table = frame.groupby(["answer", "class"], sort=False)["w"].agg(["sum", "size"]).reset_index()
    table["share"] = table["sum"] / table["sum"].sum() * 100
    codes = {label: code for code, label in survey.value_labels.get(column, {}).items()}
    table["code"] = table["answer"].map(codes)
    return (
        table.rename(columns={"size": "n"})
        .sort_values("code")[["code", "answer", "class", "n", "share"]]
        .reset_index(drop=True)
    )


#: The population of a change between two national samples of the same regions.
NATIONAL = "national"
CHANGE_COLUMNS = [
    "question_id",
    "short",
    "group",
    "population",
    "from_round",
    "to_round",
    "share_from",
    "share_to",
    "change",
    "low",
    "high",
    "margin",
    "p_value",
    "exceeds_margin",
    "same_population",
]


def _in_words(names: list[str]) -> str:
    """'Gao', 'Gao and Kidal', 'Tombouctou, Gao and Kidal'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _region_set(text: object) -> set[str]:
    return {r for r in str(text).split(", ") if r} if isinstance(text, str) else set()


def not_sampled(before: pd.Series, after: pd.Series) -> str:
    """What differs between the populations of two estimates of a group: '' when their
    respondents were sampled in the same regions (or a file names no region), else e.g.
    'Tombouctou, Gao and Kidal (not sampled in round 5)'."""
    first, second = _region_set(before.get("regions")), _region_set(after.get("regions"))
    if not first or not second or first == second:
        return ""
    everywhere = first | second
    parts = [
        f"{_in_words(regions_text(everywhere - sampled).split(', '))} (not sampled in round "
        f"{int(row['round'])})"
        for row, sampled in ((before, first), (after, second))
        if everywhere - sampled
    ]
    return " and ".join(parts)


def coverage_gaps(rounds: dict[int, SurveyRound]) -> dict[int, str]:
    """Rounds that sampled fewer regions than the rounds together did, and the regions they
    left out: {5: 'Tombouctou, Gao and Kidal'}."""
    sampled = {n: set(respondent_regions(s)) - {NOT_GIVEN} for n, s in sorted(rounds.items())}
    everywhere = set().union(*sampled.values()) if sampled else set()
    return {
        n: _in_words(regions_text(everywhere - regions).split(", "))
        for n, regions in sampled.items()
        if regions and everywhere - regions
    }


def round_changes(estimates: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Change between consecutive rounds per question and group, with test and p-value.

    Rounds are independent samples, so the two-proportion test on effective sample sizes
    applies (analysis.analyses.survey_stats.two_proportion_test). Changes are in percentage
    points. 'same_population' is False when the two rounds sampled the group in different
    regions, which 'population' then names: such a change is not between like populations
    (``comparable_changes`` computes it on the regions both sampled).
    """
    rows = []
    usable = estimates[~estimates["suppressed"].astype(bool)]
    for (qid, group), block in usable.groupby(["question_id", "group"], sort=False):
        block = block.sort_values("round")
        for (_, before), (_, after) in itertools.pairwise(block.iterrows()):
            rows.append(_difference_row(qid, after, before, confidence, group))
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def comparable_change(
    rounds: dict[int, SurveyRound],
    before: pd.Series,
    after: pd.Series,
    exclude_dont_know: bool = False,
    min_sample: int = 0,
    confidence: float = 0.95,
    qmap: QuestionMap | None = None,
) -> dict | None:
    """The change from one national estimate to another of the same question, between the same
    population: as they are when both rounds sampled the same regions, else both estimated
    again on the regions both sampled ('population' names the others). None when an estimate
    on those regions is suppressed."""
    qid = str(after["question_id"])
    if not not_sampled(before, after):
        return _difference_row(qid, after, before, confidence, ALL_GROUP) | {"population": NATIONAL}
    common = _region_set(before["regions"]) & _region_set(after["regions"])
    again = [
        estimate(
            rounds[int(row["round"])],
            qid,
            "none",
            exclude_dont_know,
            min_sample,
            confidence,
            qmap,
            regions=common,
        )
        for row in (before, after)
    ]
    if any(frame.empty or bool(frame["suppressed"].iloc[0]) for frame in again):
        return None
    row = _difference_row(qid, again[1].iloc[0], again[0].iloc[0], confidence, ALL_GROUP)
    return row | {"population": f"outside {not_sampled(before, after)}"}


def comparable_changes(
    rounds: dict[int, SurveyRound],
    estimates: pd.DataFrame,
    exclude_dont_know: bool = False,
    min_sample: int = 0,
    confidence: float = 0.95,
    qmap: QuestionMap | None = None,
) -> pd.DataFrame:
    """Change between consecutive rounds of each question's national estimates, each between
    the same population (see comparable_change): the changes a report may call changes."""
    rows = []
    usable = estimates[~estimates["suppressed"].astype(bool)]
    for _, block in usable.groupby("question_id", sort=False):
        block = block.sort_values("round")
        for (_, before), (_, after) in itertools.pairwise(block.iterrows()):
            row = comparable_change(
                rounds, before, after, exclude_dont_know, min_sample, confidence, qmap
            )
            if row is not None:
                rows.append(row)
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def _difference_row(
    qid: str, after: pd.Series, before: pd.Series, confidence: float, group: str
) -> dict:
    test = ss.two_proportion_test(
        after["share"] / 100,
        after["n"],
        before["share"] / 100,
        before["n"],
        after["design_effect"],
        before["design_effect"],
        confidence,
    )
    differs = not_sampled(before, after)
    return {
        "question_id": qid,
        "short": after["short"],
        "group": group,
        "population": f"{group}; {differs}" if differs else group,
        "from_round": int(before["round"]),
        "to_round": int(after["round"]),
        "share_from": before["share"],
        "share_to": after["share"],
        "change": test.difference * 100,
        "low": test.low * 100,
        "high": test.high * 100,
        "margin": test.margin_of_error * 100,
        "p_value": test.p_value,
        "exceeds_margin": test.exceeds_margin,
        "same_population": not differs,
    }


def group_differences(estimates: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Every pair of groups within a round and question: difference, test, p-value.

    Groups are treated as independent samples (respondents differ; clustering across groups is
    ignored). Many pairs are tested at once, so Holm-adjusted p-values are given too.
    """
    rows = []
    usable = estimates[~estimates["suppressed"].astype(bool) & (estimates["group"] != NOT_GIVEN)]
    for (qid, number), block in usable.groupby(["question_id", "round"], sort=False):
        records = list(block.iterrows())
        start = len(rows)
        for (_, first), (_, second) in itertools.combinations(records, 2):
            test = ss.two_proportion_test(
                first["share"] / 100,
                first["n"],
                second["share"] / 100,
                second["n"],
                first["design_effect"],
                second["design_effect"],
                confidence,
            )
            rows.append(
                {
                    "question_id": qid,
                    "short": first["short"],
                    "round": int(number),
                    "group": first["group"],
                    "other_group": second["group"],
                    "share": first["share"],
                    "other_share": second["share"],
                    "difference": test.difference * 100,
                    "low": test.low * 100,
                    "high": test.high * 100,
                    "margin": test.margin_of_error * 100,
                    "p_value": test.p_value,
                    "exceeds_margin": test.exceeds_margin,
                }
            )
        adjusted = ss.holm_adjust([r["p_value"] for r in rows[start:]])
        for row, p_adj in zip(rows[start:], adjusted, strict=True):
            row["p_holm"] = p_adj
    columns = [
        "question_id",
        "short",
        "round",
        "group",
        "other_group",
        "share",
        "other_share",
        "difference",
        "low",
        "high",
        "margin",
        "p_value",
        "p_holm",
        "exceeds_margin",
    ]
    return pd.DataFrame(rows, columns=columns)


def changes_beyond_margin(changes: pd.DataFrame) -> pd.DataFrame:
    """The round-to-round (or group) differences larger than their margin of error."""
    return changes[changes["exceeds_margin"].astype(bool)].reset_index(drop=True)


def region_round_table(estimates: pd.DataFrame) -> pd.DataFrame:
    """Region x round matrix of shares (NaN where not sampled or suppressed), regions ordered."""
    frame = estimates[estimates["breakdown"] == "region"]
    table = frame.pivot_table(index="group", columns="round", values="share", aggfunc="first")
    present = [r for r in REGION_ORDER if r in set(frame["group"])]
    return table.reindex(present)


#: What a round's facts say when its file identifies no sampling unit (cluster).
NO_PSU = "none in file"


def describe_round(survey: SurveyRound) -> dict[str, object]:
    """One line of facts about a round for a timeline: n, fieldwork, weight, design method."""
    weights = pd.to_numeric(survey.data[survey.weight], errors="coerce")
    return {
        "round": survey.number,
        "file": survey.path.name,
        "fieldwork": fieldwork_span(survey.fieldwork_start, survey.fieldwork_end),
        "respondents": len(survey.data),
        "weight": survey.weight,
        "kish_design_effect": ss.kish_design_effect(weights),
        "psu": survey.psu or NO_PSU,
        "note": survey.note,
    }
