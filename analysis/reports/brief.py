"""What the three reports share to read as a brief with an appendix: the short milestone list of
the main body, and the rule that a body caption is one or two short sentences.

The full milestone table (what happened, sources) goes to the appendix; the body keeps date,
kind and label, so the Timeline section stays present and short.
"""

from __future__ import annotations

import pandas as pd

from analysis.analyses.milestones import milestone_table

#: A body caption longer than this many words belongs in the appendix (tests hold to it).
MAX_CAPTION_WORDS = 60
#: Title of the appendix section holding the full milestone table.
MILESTONES_APPENDIX = "Milestones in full"


def milestone_brief(milestones: pd.DataFrame) -> pd.DataFrame:
    """The milestones as the body shows them: date (at its precision), kind and short label."""
    full = milestone_table(milestones)
    labels = milestones["label"] if "label" in milestones.columns else full["Kind"]
    return pd.DataFrame(
        {"Date": full["Date"], "Kind": full["Kind"], "Milestone": list(labels)},
        index=full.index,
    )


def caption_words(caption: str) -> int:
    """The number of words of a caption, as a reader counts them."""
    return len(caption.split())
