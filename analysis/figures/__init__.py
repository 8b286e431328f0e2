"""Layer 4, figures: ``draw_<thing>(ax, data, ...) -> Axes`` in the one style (``style``)."""
