"""hubshop: Shopify, a HubSpot CMS website and the warehouse, kept in step."""

__version__ = "0.1.0"
