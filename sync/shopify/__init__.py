"""Shopify Admin GraphQL adapter: transport, throttle, paginated reads."""
