"""Embedded default: SQLite stand-ins for Shopify, HubDB and the service state."""
