"""The public-opinion report's key findings and the lines its notebook checks (nbval): each
sentence computed from the estimates and the published figures, with its numbers."""

from __future__ import annotations

import pandas as pd

from analysis.analyses import opinion, polls
from analysis.analyses import survey_stats as ss
from analysis.reports.opinion_data import OpinionData

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


def army_trust_change(national: pd.DataFrame) -> pd.Series | None:
    """Trust in the army from its first to its last round (None unless asked in two rounds)."""
    army = national[
        (national["question_id"] == "trust-army") & ~national["suppressed"].astype(bool)
    ]
    if army["round"].nunique() < 2:
        return None
    ends = army[army["round"].isin([army["round"].min(), army["round"].max()])]
    return opinion.round_changes(ends).iloc[0]


def _round_caveats(national: pd.DataFrame, rounds: tuple[int, ...]) -> str:
    """' Round 5: <its coverage note>' for each compared round that has one: round 5 did not
    sample the north, so a change from it is not between the same populations."""
    if "round_note" not in national:
        return ""
    notes = national.drop_duplicates("round").set_index("round")["round_note"]
    return "".join(
        f" Round {r}: {notes[r]}"
        for r in rounds
        if r in notes.index and isinstance(notes[r], str) and notes[r].strip()
    )


def minusma_dissatisfied(toplines: pd.DataFrame) -> pd.DataFrame:
    """Published figures of dissatisfaction with MINUSMA's work, in time order."""
    return toplines[
        (toplines["question_id"] == "minusma-work-satisfaction")
        & toplines["response"].str.startswith("dissatisfied")
    ].sort_values("when")


def _survey_findings(national: pd.DataFrame) -> list[str]:
    """What the latest Afrobarometer rounds say of the army and of the extremists."""
    findings = []
    protect = latest(national, "armed-forces-protect-country")
    if protect is not None:
        findings.append(
            f"In Afrobarometer round {protect['round']} (fieldwork {protect['fieldwork_start']} "
            f"to {protect['fieldwork_end']}), "
            f"{fmt(protect['share'], protect['low'], protect['high'])} of Malian adults said "
            f"the armed forces {protect['positive_label']} protect the country from security "
            "threats."
        )
    change = army_trust_change(national)
    if change is not None:
        findings.append(
            "Trust in the army (somewhat or a lot) went from "
            f"{change['share_from']:.1f}% in round {change['from_round']} to "
            f"{change['share_to']:.1f}% in round {change['to_round']}, a change of "
            f"{change['change']:+.1f} points (95% CI {change['low']:+.1f} to "
            f"{change['high']:+.1f}; {ss.format_p_value(change['p_value'])})."
            + _round_caveats(national, (change["from_round"], change["to_round"]))
        )
    fear = latest(national, "fear-extremist-violence")
    jihadists = latest(national, "unity-help-jihadist-groups")
    if fear is not None and jihadists is not None:
        findings.append(
            f"In round {fear['round']}, {fmt(fear['share'], fear['low'], fear['high'])} said "
            "they or their family had feared violence by extremists, while only "
            f"{fmt(jihadists['share'], jihadists['low'], jihadists['high'])} thought the "
            "jihadist groups useful to regain Mali's unity."
        )
    return findings


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
            f"In the {last['pollster']} survey of {last['when'].year} "
            f"({last['population']}), {fmt(last['share'])} of respondents were dissatisfied "
            "with MINUSMA's work"
            + (
                f" ({last['interval_note']}, so no margin of error applies)."
                if last["interval_note"]
                else f" ({last['shown']})."
            )
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
        _survey_findings(data.national) + _poll_findings(data.toplines) + _chosen_findings(data)
    )
    if not data.rounds_read:
        findings.append(
            "No Afrobarometer microdata was available for the period, so the report relies on "
            "published toplines only."
        )
    if not len(data.toplines):
        findings.append("No published poll figures fall within the period and data source chosen.")
    return tuple(findings[:MAX_FINDINGS])


def headline_lines(national: pd.DataFrame, toplines: pd.DataFrame) -> tuple[str, ...]:
    """The checked headline: latest Afrobarometer figures and the latest FES MINUSMA figure."""
    rows = [
        (
            f"Afrobarometer R{row['round']}",
            row["short"],
            row["positive_label"],
            fmt(row["share"], row["low"], row["high"]),
        )
        for row in (latest(national, q) for q in HEADLINE_QUESTIONS)
        if row is not None
    ]
    for _, row in minusma_dissatisfied(toplines).tail(1).iterrows():
        rows.append((f"{row['poll_id']}", "MINUSMA's work", row["response"], row["shown"]))
    return tuple(f"{source:<26} {what}, {answer}: {shown}" for source, what, answer, shown in rows)


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
