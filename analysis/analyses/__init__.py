"""Layer 3, analyses: take tables, return tables or small result objects; never draw or print."""
