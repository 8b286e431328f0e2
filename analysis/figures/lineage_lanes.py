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

Lane orders are scored as arrays of positions, many at once (every family order's sweeps
together, the local search's next trials in chunks); the order found is the one the same steps
give scoring one order at a time (tests/test_lineage_lanes_equivalence.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.analyses.lineage import LineageGraph, related_groups
from analysis.core.vocab import AFFILIATIONS

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
    """Arrow geometry as arrays of lane indices, so that many lane orders are scored at once.

    Lanes are numbered in the order of ``data.spans``; an order is an array of lane numbers
    and its positions the inverse (``positions[lane]`` = its row, top to bottom).
    """

    def __init__(self, data: TimelineData):
        self.lanes = list(data.spans["group_id"])
        self.index = {gid: k for k, gid in enumerate(self.lanes)}
        starts = np.array([_years(v) for v in data.spans["draw_start"]], dtype=float)
        ends = np.array([_years(v) for v in data.spans["draw_end"]], dtype=float)
        xs = np.array([_years(a.when) for a in data.arrows], dtype=float)
        self.source = np.array([self.index[a.source] for a in data.arrows], dtype=np.intp)
        self.target = np.array([self.index[a.target] for a in data.arrows], dtype=np.intp)
        # Every (arrow, lane active at the arrow's date) pair, flattened.
        active = (starts[None, :] <= xs[:, None]) & (xs[:, None] <= ends[None, :])
        self.active_arrow, self.active_lane = np.nonzero(active)
        first, second = np.triu_indices(len(xs), k=1)
        close = np.abs(xs[first] - xs[second]) < ARROW_CLASH_YEARS
        self.close_first, self.close_second = first[close], second[close]
        # An arrow is at most len(lanes) - 1 lanes long, so crossings * weight + length orders
        # costs as the tuples (crossings, length) do.
        self.weight = len(self.lanes) * len(xs) + 1

    def keys(self, positions: np.ndarray) -> np.ndarray:
        """Cost of each row of lane positions (orders x lanes), as crossings * weight + length."""
        crossings, length = self.costs(positions)
        return crossings * self.weight + length

    def costs(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(crossings, total length) of each row of lane positions (orders x lanes)."""
        ends = positions[:, self.source], positions[:, self.target]
        low, high = np.minimum(*ends), np.maximum(*ends)
        length = (high - low).sum(axis=1)
        passed = positions[:, self.active_lane]
        over_bars = (low[:, self.active_arrow] < passed) & (passed < high[:, self.active_arrow])
        first, second = self.close_first, self.close_second
        clashes = np.maximum(low[:, first], low[:, second]) < np.minimum(
            high[:, first], high[:, second]
        )
        return over_bars.sum(axis=1) + clashes.sum(axis=1), length

    def positions_of(self, order: Sequence[str]) -> np.ndarray:
        """Positions (1 x lanes) of a lane order given by group ids; every lane must be in it."""
        given = set(order)
        missing = [gid for gid in self.lanes if gid not in given]
        if missing:
            raise ValueError(f"lane order leaves out lanes: {', '.join(missing)}")
        positions = np.empty((1, len(self.lanes)), dtype=np.intp)
        for row, gid in enumerate(order):
            if gid in self.index:
                positions[0, self.index[gid]] = row
        return positions


def _positions(orders: np.ndarray) -> np.ndarray:
    """The positions of each row of lane orders (its inverse permutation)."""
    # Small integers compare faster; a position always fits.
    small = np.int16 if orders.shape[1] < np.iinfo(np.int16).max else np.intp
    positions = np.empty(orders.shape, dtype=small)
    positions[np.arange(len(orders))[:, None], orders] = np.arange(orders.shape[1])
    return positions


def lane_cost(order: Sequence[str], data: TimelineData) -> tuple[int, int]:
    """(arrow crossings, total arrow length in lanes) of a lane order; lower is better.

    An arrow crossing is an arrow passing over a bar active at its date, or two arrows less
    than ARROW_CLASH_YEARS apart whose vertical spans overlap.
    """
    model = _CostModel(data)
    crossings, length = model.costs(model.positions_of(order))
    return int(crossings[0]), int(length[0])


def order_lanes(data: TimelineData, sweeps: int = 6, polish: int = 6) -> list[str]:
    """Lane order (top to bottom) by family, barycentric sweeps and local swaps.

    Every order of the families is swept; the `polish` best are then improved by swaps.
    """
    if data.spans.empty:
        return []
    model = _CostModel(data)
    spans = data.spans.sort_values(["draw_start", "group_id"])
    families = [a for a in AFFILIATIONS if a in set(spans["affiliation"])]
    unknown = sorted(set(spans["affiliation"]) - set(families), key=str)
    if unknown:
        raise ValueError(f"lanes of an unknown affiliation: {', '.join(map(str, unknown))}")
    blocks = [
        np.array([model.index[g] for g in spans.loc[spans["affiliation"] == f, "group_id"]])
        for f in families
    ]
    family_orders = np.array(list(itertools.permutations(range(len(families)))), dtype=np.intp)
    swept = _barycentric_sweeps(family_orders, blocks, model, sweeps)
    keys = model.keys(swept.reshape(-1, swept.shape[2])).reshape(swept.shape[:2])
    # Each family order keeps its first cheapest sweep; the cheapest (then first) are polished.
    best_sweep = np.argmin(keys, axis=1)
    best_keys = keys[np.arange(len(keys)), best_sweep]
    family_of = np.empty(len(model.lanes), dtype=np.intp)
    for f, block in enumerate(blocks):
        family_of[block] = f
    trials, polished = _Trials.for_lanes(len(model.lanes)), []
    for rank in np.argsort(best_keys, kind="stable")[:polish]:
        start = np.argsort(swept[rank, best_sweep[rank]])
        order, key = _swap_down(start, int(best_keys[rank]), family_of, model, trials)
        polished.append((key, order, int(rank)))
    best_order = min(polished, key=lambda item: (item[0], item[2]))[1]
    return [model.lanes[lane] for lane in best_order]


def _barycentric_sweeps(
    family_orders: np.ndarray, blocks: list[np.ndarray], model: _CostModel, sweeps: int
) -> np.ndarray:
    """Lane positions (family orders x sweeps + 1 x lanes) before and after each sweep.

    Lanes start blocked by family in founding order; a sweep re-sorts each family's lanes in
    turn by the mean position of the lanes they are linked to (ties by position), every family
    order at once.
    """
    n_lanes = len(model.lanes)
    links = np.zeros((n_lanes, n_lanes), dtype=np.intp)
    np.add.at(links, (model.source, model.target), 1)
    np.add.at(links, (model.target, model.source), 1)
    n_links = links.sum(axis=1)
    sizes = np.array([len(block) for block in blocks])
    # offsets[r, f]: the first position of family f's block in family order r.
    offsets = np.zeros((len(family_orders), len(blocks)), dtype=np.intp)
    rows = np.arange(len(family_orders))
    offsets[rows[:, None], family_orders] = (
        np.cumsum(sizes[family_orders], axis=1) - sizes[family_orders]
    )
    positions = np.empty((len(family_orders), n_lanes), dtype=np.intp)
    for f, block in enumerate(blocks):
        positions[:, block] = offsets[:, [f]] + np.arange(len(block))
    swept = [positions.copy()]
    for _ in range(sweeps):
        for step in range(len(blocks)):
            for f, block in enumerate(blocks):
                here = rows[family_orders[:, step] == f]
                if len(here):
                    positions[here[:, None], _resorted(block, positions[here], links, n_links)] = (
                        offsets[here, f][:, None] + np.arange(len(block))
                    )
        swept.append(positions.copy())
    return np.stack(swept, axis=1)


def _resorted(
    block: np.ndarray, positions: np.ndarray, links: np.ndarray, n_links: np.ndarray
) -> np.ndarray:
    """One family's lanes in each row re-sorted by (mean position of their links, position)."""
    own = positions[:, block]
    linked = n_links[block]
    link_sums = positions @ links[block].T
    centre = np.where(linked > 0, link_sums / np.maximum(linked, 1), own.astype(float))
    return block[np.lexsort((own, centre), axis=-1)]


def _swap_down(
    order: np.ndarray,
    key: int,
    family_of: np.ndarray,
    model: _CostModel,
    trials: _Trials,
    chunk: int = 32,
) -> tuple[np.ndarray, int]:
    """Swap two lanes of the same family (and move one lane within it) while that lowers the
    cost; a local search after the barycentric sweeps.

    Pairs (i, j) are taken in order and, for each, the swap then the move; the first trial that
    lowers the cost is kept and the search goes on from the next pair, passes repeated until
    one keeps nothing. The trials ahead are scored ``chunk`` pairs at a time.
    """
    first, second = trials.first, trials.second
    resume, kept_in_pass = 0, False
    while True:
        families = family_of[order]
        ahead = resume + np.flatnonzero(families[first[resume:]] == families[second[resume:]])
        kept = None
        for done in range(0, len(ahead), chunk):
            pairs = ahead[done : done + chunk]
            rows = np.stack([2 * pairs, 2 * pairs + 1], axis=1).ravel()
            trial_orders = order[trials.take[rows]]
            trial_keys = model.keys(_positions(trial_orders))
            lower = np.flatnonzero(trial_keys < key)
            if len(lower):
                kept = lower[0]
                order, key = trial_orders[kept], int(trial_keys[kept])
                resume, kept_in_pass = int(pairs[kept // 2]) + 1, True
                break
        if kept is not None:
            continue
        if not kept_in_pass:
            return order, key
        resume, kept_in_pass = 0, False


@dataclass(frozen=True)
class _Trials:
    """The local search's trials for every pair of positions (i < j), in the order it tries
    them: ``take[2k]`` swaps pair k's lanes, ``take[2k + 1]`` moves lane i to j (the lanes
    between moving up one); a trial order is ``order[take[row]]``."""

    first: np.ndarray
    second: np.ndarray
    take: np.ndarray

    @classmethod
    def for_lanes(cls, n_lanes: int) -> _Trials:
        """The trials for an order of n_lanes lanes."""
        first, second = np.triu_indices(n_lanes, k=1)  # every pair i < j, as combinations()
        i, j, slot = first[:, None], second[:, None], np.arange(n_lanes)[None, :]
        swapped = np.where(slot == i, j, np.where(slot == j, i, slot))
        moved = np.where(slot == j, i, slot + ((slot >= i) & (slot < j)))
        take = np.stack([swapped, moved], axis=1).reshape(-1, n_lanes)
        return cls(first, second, take)
