"""A closed period's frozen results: one version per closing, never edited."""
