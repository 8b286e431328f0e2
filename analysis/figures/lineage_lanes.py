"""The lineage timeline's lanes and arrows, and the order of its lanes (no drawing here).

``timeline_data`` picks the lanes (one per group, its active span) and the arrows (one per
split, merger, renaming, join and pledge) from the lineage graph; ``order_lanes`` orders the
lanes to keep arrows short and to stop them crossing other groups' bars:

1. Groups are blocked by family (affiliation). Every order of the families present is tried
   (at most 5! = 120), since arrows also run between families (ISGS split from al-Mourabitoun).
2. Inside each family, lanes start in founding order and are re-sorted by the barycentre (mean
   lane position) of the groups they are linked to, a few sweeps (Sugiyama-style barycentric
   ordering), then lanes of a family are swapped or moved while that lowers the cost.
3. The cost is (arrow crossings, total arrow length): an arrow crossing is an arrow passing a
   bar active at its date, or two arrows within a few months whose spans overlap.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.analyses.lineage import LineageGraph, related_groups
from analysis.curated import schema

#: The relations drawn as arrows, in legend order.
DRAWN_RELATIONS: tuple[str, ...] = (
    "split_from",
    "merged_into",
    "renamed_to",
    "joined",
    "pledged_to",
)
DEFAULT_EXCLUDED_KINDS: tuple[str, ...] = ("state", "foreign force")
#: Two arrows closer than this (in years) count as overlapping when their spans overlap.
ARROW_CLASH_YEARS = 0.35


@dataclass(frozen=True)
class Arrow:
    """One drawn relation: from lane `source` to lane `target` at date `when`."""

    source: str
    target: str
    relation: str
    when: pd.Timestamp


@dataclass
class TimelineData:
    """What the lineage timeline draws: lanes (spans) and arrows, before ordering."""

    spans: pd.DataFrame
    arrows: list[Arrow]
    start: pd.Timestamp
    end: pd.Timestamp
    not_drawn: list[str] = field(default_factory=list)
    not_drawn_labels: list[str] = field(default_factory=list)


def timeline_data(
    lin: LineageGraph,
    start: str | pd.Timestamp = "2000-01-01",
    end: str | pd.Timestamp = "2025-12-31",
    groups: Sequence[str] | None = None,
    exclude_kinds: Sequence[str] = DEFAULT_EXCLUDED_KINDS,
) -> TimelineData:
    """Lanes and arrows for the timeline: groups active in [start, end] (all, or the given
    groups with their ancestors and descendants), without the excluded kinds.

    A group with no founding date is drawn from its first dated mention (``attested``);
    a group with neither is listed in ``not_drawn``.
    """
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    spans = lin.spans
    if groups:
        spans = spans[spans["group_id"].isin(related_groups(lin, groups))]
    spans = spans[~spans["kind"].isin(list(exclude_kinds))].copy()
    spans["attested"] = spans["start"].isna() & spans["first_seen"].notna()
    spans["draw_start"] = spans["start"].fillna(spans["first_seen"])
    undated = spans[spans["draw_start"].isna()].sort_values("group_id")
    not_drawn, not_drawn_labels = list(undated["group_id"]), list(undated["label"])
    spans = spans[spans["draw_start"].notna()]
    spans["draw_end"] = spans["end_last_day"].fillna(last).clip(upper=last)
    spans = spans[(spans["draw_start"] <= last) & (spans["draw_end"] >= first)]
    drawn = set(spans["group_id"])
    arrows = []
    for group, other, data in lin.graph.edges(data=True):
        relation = data["relation"]
        if relation not in DRAWN_RELATIONS or pd.isna(data["date"]):
            continue
        if group not in drawn or other not in drawn or not first <= data["date"] <= last:
            continue
        source, target = (other, group) if relation == "split_from" else (group, other)
        arrows.append(Arrow(source, target, relation, data["date"]))
    arrows.sort(key=lambda a: (a.when, a.source, a.target, a.relation))
    return TimelineData(
        spans.reset_index(drop=True), arrows, first, last, not_drawn, not_drawn_labels
    )


# ---------------------------------------------------------------------------------------------
# Lane order


def _years(value: pd.Timestamp) -> float:
    return value.year + (value.day_of_year - 1) / 365.25


class _CostModel:
    """Pre-computed arrow geometry, so that scoring a lane order is cheap."""

    def __init__(self, data: TimelineData):
        spans = data.spans.set_index("group_id")
        starts = {g: _years(v) for g, v in spans["draw_start"].items()}
        ends = {g: _years(v) for g, v in spans["draw_end"].items()}
        self.arrows = []
        for arrow in data.arrows:
            x = _years(arrow.when)
            active = [g for g in starts if starts[g] <= x <= ends[g]]
            self.arrows.append((arrow.source, arrow.target, active))
        xs = [_years(a.when) for a in data.arrows]
        self.close_pairs = [
            (i, j)
            for i, j in itertools.combinations(range(len(xs)), 2)
            if abs(xs[i] - xs[j]) < ARROW_CLASH_YEARS
        ]

    def __call__(self, order: Sequence[str]) -> tuple[int, int]:
        position = {gid: i for i, gid in enumerate(order)}
        crossings, length, spans = 0, 0, []
        for source, target, active in self.arrows:
            a, b = sorted((position[source], position[target]))
            length += b - a
            crossings += sum(1 for g in active if a < position[g] < b)
            spans.append((a, b))
        for i, j in self.close_pairs:
            (a1, b1), (a2, b2) = spans[i], spans[j]
            if max(a1, a2) < min(b1, b2):
                crossings += 1
        return crossings, length


def lane_cost(order: Sequence[str], data: TimelineData) -> tuple[int, int]:
    """(arrow crossings, total arrow length in lanes) of a lane order; lower is better.

    An arrow crossing is an arrow passing over a bar active at its date, or two arrows less
    than ARROW_CLASH_YEARS apart whose vertical spans overlap.
    """
    return _CostModel(data)(order)


def _barycentric(block: list[str], order: list[str], data: TimelineData) -> list[str]:
    """Re-sort one family's lanes by the mean position of the lanes they are linked to."""
    position = {gid: i for i, gid in enumerate(order)}
    neighbours: dict[str, list[int]] = {g: [] for g in block}
    for arrow in data.arrows:
        for mine, theirs in ((arrow.source, arrow.target), (arrow.target, arrow.source)):
            if mine in neighbours:
                neighbours[mine].append(position[theirs])
    centre = {
        g: (float(np.mean(neighbours[g])) if neighbours[g] else float(position[g])) for g in block
    }
    return sorted(block, key=lambda g: (centre[g], position[g]))


def order_lanes(data: TimelineData, sweeps: int = 6, polish: int = 6) -> list[str]:
    """Lane order (top to bottom) by family, barycentric sweeps and local swaps.

    Every order of the families is swept; the `polish` best are then improved by swaps.
    """
    if data.spans.empty:
        return []
    cost_of = _CostModel(data)
    spans = data.spans.sort_values(["draw_start", "group_id"])
    families = [a for a in schema.AFFILIATIONS if a in set(spans["affiliation"])]
    blocks0 = {f: list(spans.loc[spans["affiliation"] == f, "group_id"]) for f in families}
    candidates = []
    for family_order in itertools.permutations(families):
        blocks = {f: list(blocks0[f]) for f in family_order}
        order = [g for f in family_order for g in blocks[f]]
        best, best_cost = order, cost_of(order)
        for _ in range(sweeps):
            for f in family_order:
                blocks[f] = _barycentric(blocks[f], order, data)
                order = [g for fam in family_order for g in blocks[fam]]
            cost = cost_of(order)
            if cost < best_cost:
                best, best_cost = order, cost
        candidates.append((best_cost, len(candidates), best))
    candidates.sort()
    polished = [
        (*_swap_down(order, cost, data, cost_of)[::-1], rank)
        for cost, rank, order in candidates[:polish]
    ]
    return min(polished, key=lambda item: (item[0], item[2]))[1]


def _swap_down(order: list[str], cost: tuple[int, int], data: TimelineData, cost_of: _CostModel):
    """Swap two lanes of the same family (and move one lane within it) while that lowers the
    cost; a local search after the barycentric sweeps."""
    family = data.spans.set_index("group_id")["affiliation"].to_dict()
    improved = True
    while improved:
        improved = False
        for i, j in itertools.combinations(range(len(order)), 2):
            if family[order[i]] != family[order[j]]:
                continue
            swapped = list(order)
            swapped[i], swapped[j] = swapped[j], swapped[i]
            moved = order[:i] + order[i + 1 : j + 1] + [order[i]] + order[j + 1 :]
            for trial in (swapped, moved):
                trial_cost = cost_of(trial)
                if trial_cost < cost:
                    order, cost, improved = trial, trial_cost, True
                    break
    return order, cost
