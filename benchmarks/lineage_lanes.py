"""Benchmark: the lineage timeline's lane order, before and after issue 15, in one run.

``old_order_lanes`` below is the lane ordering as it was before issue 15 (copied unchanged
from analysis/figures/lineage_lanes.py: a lane order scored by rescanning every arrow and every
active bar, ~5,000 times). It is timed against ``analysis.figures.lineage_lanes.order_lanes``
on the real curated tables (data/curated): the whole lineage from 2000 to 2025 (the group
evolution report's timeline) and a few focus groups. The two are run alternately, best of
``--repeat``; each pair must return the same lane order, or the benchmark stops.

    .venv/bin/python benchmarks/lineage_lanes.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.analyses import lineage  # noqa: E402
from analysis.core.vocab import AFFILIATIONS  # noqa: E402
from analysis.curated.snapshot import load_snapshot  # noqa: E402
from analysis.figures import lineage_lanes  # noqa: E402
from analysis.figures.lineage_lanes import ARROW_CLASH_YEARS, TimelineData  # noqa: E402

#: (label, start, end, focus groups): the timelines timed.
CASES = (
    ("whole lineage 2000-2025", "2000-01-01", "2025-12-31", None),
    ("focus JNIM 2000-2025", "2000-01-01", "2025-12-31", ["JNIM"]),
    ("focus MNLA 2000-2025", "2000-01-01", "2025-12-31", ["MNLA"]),
)


# --- The lane ordering before issue 15 (unchanged copy) -------------------------------------


def _years(value: pd.Timestamp) -> float:
    return value.year + (value.day_of_year - 1) / 365.25


class _OldCostModel:
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


def _old_barycentric(block: list[str], order: list[str], data: TimelineData) -> list[str]:
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


def old_order_lanes(data: TimelineData, sweeps: int = 6, polish: int = 6) -> list[str]:
    """Lane order (top to bottom) by family, barycentric sweeps and local swaps.

    Every order of the families is swept; the `polish` best are then improved by swaps.
    """
    if data.spans.empty:
        return []
    cost_of = _OldCostModel(data)
    spans = data.spans.sort_values(["draw_start", "group_id"])
    families = [a for a in AFFILIATIONS if a in set(spans["affiliation"])]
    blocks0 = {f: list(spans.loc[spans["affiliation"] == f, "group_id"]) for f in families}
    candidates = []
    for family_order in itertools.permutations(families):
        blocks = {f: list(blocks0[f]) for f in family_order}
        order = [g for f in family_order for g in blocks[f]]
        best, best_cost = order, cost_of(order)
        for _ in range(sweeps):
            for f in family_order:
                blocks[f] = _old_barycentric(blocks[f], order, data)
                order = [g for fam in family_order for g in blocks[fam]]
            cost = cost_of(order)
            if cost < best_cost:
                best, best_cost = order, cost
        candidates.append((best_cost, len(candidates), best))
    candidates.sort()
    polished = [
        (*_old_swap_down(order, cost, data, cost_of)[::-1], rank)
        for cost, rank, order in candidates[:polish]
    ]
    return min(polished, key=lambda item: (item[0], item[2]))[1]


def _old_swap_down(
    order: list[str], cost: tuple[int, int], data: TimelineData, cost_of: _OldCostModel
):
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


# --- Timing -----------------------------------------------------------------------------------


def best_times(data: TimelineData, repeat: int) -> tuple[float, float]:
    """Best wall time of the old and the new order_lanes, run alternately; both must agree."""
    old_best = new_best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        old_order = old_order_lanes(data)
        old_best = min(old_best, time.perf_counter() - started)
        started = time.perf_counter()
        new_order = lineage_lanes.order_lanes(data)
        new_best = min(new_best, time.perf_counter() - started)
        if new_order != old_order:
            raise SystemExit(f"different lane orders:\n old {old_order}\n new {new_order}")
    return old_best, new_best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each (best is kept)")
    args = parser.parse_args()
    lin = lineage.from_snapshot(load_snapshot())
    print(f"order_lanes, old vs new, best of {args.repeat}, alternating (same order checked)")
    for label, start, end, focus in CASES:
        data = lineage_lanes.timeline_data(lin, start, end, groups=focus)
        old, new = best_times(data, args.repeat)
        lanes, arrows = len(data.spans), len(data.arrows)
        print(
            f"{label:26s} {lanes:3d} lanes {arrows:3d} arrows  "
            f"old {old * 1000:8.1f} ms  new {new * 1000:8.1f} ms  ratio {old / new:6.1f}x"
        )


if __name__ == "__main__":
    main()
