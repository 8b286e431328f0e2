"""Layer 0, the vocabulary every layer shares: dates, name keys, countries, regions."""
