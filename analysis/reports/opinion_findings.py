"""The public-opinion report's key findings and the lines its notebook checks (nbval): each
sentence computed from the estimates and the published figures, with its numbers.

Two rules hold for every sentence: a change between rounds compares the same population (where
the rounds sampled different regions, the regions both sampled: analysis.analyses.opinion), and
a change is called a rise or a fall only when it is larger than its margin of error; otherwise
the sentence says there was no change beyond the margin of error.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.analyses import opinion, polls
from analysis.analyses import survey_stats as ss
from analysis.reports.opinion_data import OpinionData
from analysis.reports.opinion_latest import Figure, latest_figure, topline_fieldwork, topline_method

MAX_FINDINGS = 6
#: Questions printed in the checked headline, in this order.
HEADLINE_QUESTIONS: tuple[str, ...] = (
    "armed-forces-protect-country",
    "trust-army",
    "fear-extremist-violence",
    "government-handling-armed-extremists",
)
fmt = polls.format_share_interval


def latest(frame: pd.DataFrame, question_id: str) -> pd.Series | None:
    """The latest unsuppressed row of a question, or None."""
    rows = frame[(frame["question_id"] == question_id) & ~frame["suppressed"].astype(bool)]
    return rows.sort_values("round").iloc[-1] if len(rows) else None


def army_trust_ends(national: pd.DataFrame) -> tuple[pd.Series, pd.Series] | None:
    """Trust in the army in its first and its last round (None unless asked in two rounds)."""
    army = national[
        (national["question_id"] == "trust-army") & ~national["suppressed"].astype(bool)
    ].sort_values("round")
    if army["round"].nunique() < 2:
        return None
    return army.iloc[0], army.iloc[-1]


def army_trust_change(data: OpinionData) -> dict | None:
    """Trust in the army from its first to its last round, between the same population (the
    regions both rounds sampled, where they differ); None unless it can be compared."""
    ends = army_trust_ends(data.national)
    return data.comparable_change(*ends) if ends is not None else None


def change_sentence(change: Mapping[str, object], what: str) -> str:
    """'<Where>, <what> rose from 66.8% in round 5 to 83.6% in round 7, a change of +16.8
    points (95% CI ...; p ...).' A change within its margin of error is not called a rise or a
    fall: '<Where>, <what> was 50.0% in round 6 and 52.0% in round 7: no change beyond the
    margin of error (+2.0 points, 95% CI ...; p ...).'"""
    population = str(change["population"])
    where = (
        "Nationally" if population == opinion.NATIONAL else population[0].upper() + population[1:]
    )
    interval = (
        f"95% CI {change['low']:+.1f} to {change['high']:+.1f}; "
        f"{ss.format_p_value(change['p_value'])}"
    )
    before = f"{change['share_from']:.1f}% in round {change['from_round']}"
    after = f"{change['share_to']:.1f}% in round {change['to_round']}"
    if change["exceeds_margin"]:
        verb = "rose" if float(change["change"]) > 0 else "fell"
        return (
            f"{where}, {what} {verb} from {before} to {after}, a change of "
            f"{change['change']:+.1f} points ({interval})."
        )
    return (
        f"{where}, {what} was {before} and {after}: no change beyond the margin of error "
        f"({change['change']:+.1f} points, {interval})."
    )


def _newer_than(figure: Figure | None) -> str:
    """' The newest figure is 82% nationally (<survey>, <fieldwork>; <method>).' when the
    newest figure is a published one, later than the rounds read ('' otherwise)."""
    if figure is None or figure.microdata:
        return ""
    return (
        f" The newest figure is {figure.shown} nationally ({figure.source}, {figure.fieldwork}; "
        f"{figure.method})."
    )


def _protect_finding(data: OpinionData) -> list[str]:
    """The newest figure on the armed forces protecting the country, with its method."""
    protect = latest_figure(data, "armed-forces-protect-country")
    if protect is None:
        return []
    return [
        f"In {protect.source} ({protect.fieldwork}), {protect.shown} of Malian adults said the "
        f"armed forces {protect.answer} protect the country from security threats "
        f"({protect.method})."
    ]


def _trust_finding(data: OpinionData) -> list[str]:
    """Trust in the army from its first to its last round, between the same population, and
    its newest published figure when later."""
    change = army_trust_change(data)
    if change is None:
        return []
    newest = latest_figure(data, "trust-army")
    return [change_sentence(change, "trust in the army (somewhat or a lot)") + _newer_than(newest)]


def _extremism_finding(national: pd.DataFrame) -> list[str]:
    """Fear of extremist violence and the jihadists' usefulness, in their latest rounds."""
    fear = latest(national, "fear-extremist-violence")
    jihadists = latest(national, "unity-help-jihadist-groups")
    if fear is None or jihadists is None:
        return []
    same = fear["round"] == jihadists["round"]
    return [
        f"In round {fear['round']}, {fmt(fear['share'], fear['low'], fear['high'])} said "
        "they or their family had feared violence by extremists in the past year, while only "
        f"{fmt(jihadists['share'], jihadists['low'], jihadists['high'])}"
        f"{'' if same else ' in round ' + str(jihadists['round'])} thought the jihadist groups "
        "useful to regain Mali's unity."
    ]


def minusma_dissatisfied(toplines: pd.DataFrame) -> pd.DataFrame:
    """Published figures of dissatisfaction with MINUSMA's work, in time order."""
    return toplines[
        (toplines["question_id"] == "minusma-work-satisfaction")
        & toplines["response"].str.startswith("dissatisfied")
    ].sort_values("when")


def _poll_findings(toplines: pd.DataFrame) -> list[str]:
    """How many published figures can carry a margin of error, and the latest on MINUSMA."""
    if not len(toplines):
        return []
    with_interval = int(toplines["low"].notna().sum())
    not_random = int((toplines["interval_note"] == polls.NOT_RANDOM).sum())
    findings = [
        f"Of the {len(toplines)} published poll figures for the period, {not_random} come "
        f"from samples that are not random and {len(toplines) - with_interval - not_random} "
        f"have no reported sample size, so only {with_interval} can carry a margin of error."
    ]
    minusma = minusma_dissatisfied(toplines)
    if len(minusma):
        last = minusma.iloc[-1]
        findings.append(
            f"In the {last['pollster']} survey ({topline_fieldwork(last)}; population: "
            f"{last['population']}), {fmt(last['share'], last['low'], last['high'])} of "
            f"respondents were dissatisfied with MINUSMA's work ({topline_method(last)})."
        )
    return findings


def _chosen_findings(data: OpinionData) -> list[str]:
    """The latest figure of the first two questions the reader chose, with its don't know."""
    findings = []
    mapped = [q for q in data.params.questions if q in data.qmap.questions]
    for question_id in mapped[:2]:
        row = latest(data.national, question_id)
        if row is not None:
            findings.append(
                f"{row['short']} ({row['positive_label']}), round {row['round']}: "
                f"{fmt(row['share'], row['low'], row['high'])}, with {row['dont_know']:.1f}% "
                "answering don’t know."
            )
    return findings


def key_findings(data: OpinionData) -> tuple[str, ...]:
    """The key findings: 3-6 sentences, each with its numbers, from the estimates and polls."""
    findings = (
        _protect_finding(data)
        + _trust_finding(data)
        + _extremism_finding(data.national)
        + _poll_findings(data.toplines)
        + _chosen_findings(data)
    )
    # Data the edition did not read is a coverage note of the appendix, not a finding.
    if not len(data.toplines) and data.params.use_polls:
        findings.append("No published poll figures fall within the period.")
    return tuple(findings[:MAX_FINDINGS])


def _line(source: str, what: str, answer: str, shown: str) -> str:
    return f"{source:<26} {what}, {answer}: {shown}"


def headline_lines(data: OpinionData) -> tuple[str, ...]:
    """The checked headline: the newest figure of each headline question (microdata or
    published), the army-trust change as the key findings compare it, and the latest FES
    MINUSMA figure."""
    rows = [
        _line(
            f.check_label, f.short, f.answer, f.shown if f.microdata else f"{f.shown} ({f.method})"
        )
        for f in (latest_figure(data, q) for q in HEADLINE_QUESTIONS)
        if f is not None
    ]
    change = army_trust_change(data)
    if change is not None:
        rows.append(
            _line(
                f"Afrobarometer R{change['from_round']}-R{change['to_round']}",
                f"Trust the army ({change['population']})",
                "change",
                f"{change['share_from']:.1f}% to {change['share_to']:.1f}%, "
                f"{change['change']:+.1f} (95% CI {change['low']:+.1f} to {change['high']:+.1f})",
            )
        )
    for _, row in minusma_dissatisfied(data.toplines).tail(1).iterrows():
        rows.append(_line(f"{row['poll_id']}", "MINUSMA's work", row["response"], row["shown"]))
    return tuple(rows)


def round_check(national: pd.DataFrame) -> str:
    """The armed-forces figure against Afrobarometer's published 80% (round 7)."""
    check = latest(national, "armed-forces-protect-country")
    if check is None:
        return "Afrobarometer round 7 not available"
    return (
        f"R{check['round']} {check['variable']} ({check['positive_label']}): "
        f"{fmt(check['share'], check['low'], check['high'])}, n = {check['n']:,}, "
        f"Kish n_eff = {check['n_eff']:.0f}; denominator: {check['denominator']}; "
        "Afrobarometer's published figure: 80%"
    )
