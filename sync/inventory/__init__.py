"""Inventory engine: plans the writes that keep Shopify stock equal to the warehouse."""
