"""Layer 2, canonical tables: every event source as one event table, annual series, coverage."""
