"""Warehouse adapters: the warehouse is the source of truth for physical stock."""
