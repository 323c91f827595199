"""The composition layer: which adapter each job opens, decided from ``Settings`` in one place."""
