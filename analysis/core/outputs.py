"""Names shared by the notebooks' output and the pipeline that reads it back.

Kept free of heavy imports: the build command reads these files without loading pandas or
matplotlib.
"""

from __future__ import annotations

import re

#: Metadata key under which outputs carry machine-readable facts for the build (index pages).
METADATA_KEY = "mali_reports"
#: The build sets this to the folder where a notebook's figures, CSVs and take-away list go.
FIGURES_DIR_ENV = "MALI_FIGURES_DIR"
#: In a figures folder: one JSON line per figure and table with a CSV (for the build's
#: spreadsheet, analysis.pipeline.workbook).
CONTENTS_FILE = "takeaway.jsonl"
#: In a figures folder: one JSON line per curated source the report cites, as it is first
#: numbered (analysis.reports.references), for the spreadsheet's references sheet.
REFERENCES_FILE = "references.jsonl"
#: A number as a CSV writes it.
NUMBER_TEXT = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
