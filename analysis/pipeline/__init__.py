"""Layer 6, the build: papermill runs of the notebooks into dated, self-contained HTML reports."""
