"""Layer 1, the hand-curated tables in data/curated/: schema, validation, loading, group aliases."""
