"""Importing this package registers every resolver of the Shopify fake."""

from . import (  # noqa: F401 - imported for their @resolves registrations
    app,
    bulk,
    bulk_mutation,
    catalog,
    inventory,
    inventory_mutations,
    orders,
    payments,
    product_set,
    webhooks,
)
