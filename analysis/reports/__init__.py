"""Layer 5, reports: the run context, each report's parameters and report object, and display."""
