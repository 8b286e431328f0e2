"""Layer 1, publishers' files and APIs: the dataset register, downloads, and one reader per format.

Readers return tables in the publisher's terms plus the few shared columns; they never resolve
names against the curated tables (a resolver is passed in) and never compute results.
"""
