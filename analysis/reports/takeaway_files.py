"""Names a report's take-away data is written under, shared with the build's spreadsheet.

Apart from ``analysis.reports.takeaway`` (which needs pandas) so that the build command, which
only reads these files back, starts without importing pandas.
"""

from __future__ import annotations

import re

#: In a figures folder: one JSON line per figure and table with a CSV (for the build's
#: spreadsheet, analysis.pipeline.workbook).
CONTENTS_FILE = "takeaway.jsonl"
#: A number as a CSV writes it.
NUMBER_TEXT = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
