"""Who publishes the reports, how to reach them and under which licence: set here, once.

Every report's footer, its spreadsheet, each figure's and table's metadata file and the front
page read these values. They are what the repository itself states: the copyright holder of the
LICENSE file and the licence of pyproject.toml (tests/test_publisher.py keeps them in step).
"""

from __future__ import annotations

#: The publisher: the copyright holder the LICENSE file names.
PUBLISHER = "The Mali extremism reports contributors"
#: The licence of the reports' own text, tables and figures: the project's (LICENSE,
#: pyproject.toml's ``license``). The datasets keep their publishers' licences.
LICENCE = "MIT"
#: NOT SET: the repository states no contact address and no repository or issue-tracker URL.
#: Put one here (a URL or an e-mail address) and every report and the front page show it;
#: while it is empty they show no contact line.
CONTACT = ""


def imprint() -> dict[str, str]:
    """The publisher, licence and contact as the pages show them (``contact`` '' when unset)."""
    return {
        "publisher": PUBLISHER,
        "licence": LICENCE,
        "licence_text": (
            f"The reports' text, tables and figures: {LICENCE} licence (the project's). "
            "Each dataset keeps its publisher's licence, named with every figure and table."
        ),
        "contact": CONTACT,
    }
