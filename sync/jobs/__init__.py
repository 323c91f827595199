"""The composition layer: opens each port from Settings (registries keyed by kind)."""
