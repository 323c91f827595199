"""Shopify Admin GraphQL 2026-04 fake over the local shop: ``ShopifyFake`` and ``assert_valid``."""

from .fake import ShopifyFake
from .schema import API_VERSION, admin_schema, assert_valid, validation_errors

__all__ = ["API_VERSION", "ShopifyFake", "admin_schema", "assert_valid", "validation_errors"]
