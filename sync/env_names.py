"""Every environment variable hubshop reads, named once.

Lambda handlers, the CLI and the docs all refer to these constants, so a
rename happens in one place and ``.env.example`` can be checked against it.
"""

from __future__ import annotations

HUBSPOT_ACCESS_TOKEN = "HUBSPOT_ACCESS_TOKEN"  # private app token (secret)
HUBSPOT_PERSONAL_ACCESS_KEY = "HUBSPOT_PERSONAL_ACCESS_KEY"  # CLI key, exchanged (secret)
HUBSPOT_ACCOUNT_ID = "HUBSPOT_ACCOUNT_ID"
HUBSPOT_API_BASE = "HUBSPOT_API_BASE"

SHOPIFY_STORE = "SHOPIFY_STORE"  # brand.myshopify.com
SHOPIFY_ACCESS_TOKEN = "SHOPIFY_ACCESS_TOKEN"  # secret
SHOPIFY_CLIENT_ID = "SHOPIFY_CLIENT_ID"
SHOPIFY_CLIENT_SECRET = "SHOPIFY_CLIENT_SECRET"  # secret
SHOPIFY_WEBHOOK_SECRET = "SHOPIFY_WEBHOOK_SECRET"  # secret; defaults to the client secret
SHOPIFY_STOREFRONT_TOKEN = "SHOPIFY_STOREFRONT_TOKEN"  # public by design
SHOPIFY_ADMIN_URL = "SHOPIFY_ADMIN_URL"

WAREHOUSE_URL = "WAREHOUSE_URL"
WAREHOUSE_API_KEY = "WAREHOUSE_API_KEY"  # secret
WAREHOUSE_FEED = "WAREHOUSE_FEED"

HUBSHOP_HOME = "HUBSHOP_HOME"
HUBSHOP_PUSH_KEY = "HUBSHOP_PUSH_KEY"  # secret; the key `hubshop serve` wants on warehouse pushes
HUBSHOP_CONFIG = "HUBSHOP_CONFIG"  # path of hubshop.toml, default ./hubshop.toml
HUBSPOT_CONFIG = "HUBSPOT_CONFIG"  # path of hubspot.config.yml, default ./hubspot.config.yml
HUBSHOP_STACK = "HUBSHOP_STACK"  # the deployed CloudFormation stack (doctor, deploy, console)

SECRETS = (
    HUBSPOT_ACCESS_TOKEN,
    HUBSPOT_PERSONAL_ACCESS_KEY,
    SHOPIFY_ACCESS_TOKEN,
    SHOPIFY_CLIENT_SECRET,
    SHOPIFY_WEBHOOK_SECRET,
    WAREHOUSE_API_KEY,
    HUBSHOP_PUSH_KEY,
)

ALL = (
    HUBSPOT_ACCESS_TOKEN,
    HUBSPOT_PERSONAL_ACCESS_KEY,
    HUBSPOT_ACCOUNT_ID,
    HUBSPOT_API_BASE,
    SHOPIFY_STORE,
    SHOPIFY_ACCESS_TOKEN,
    SHOPIFY_CLIENT_ID,
    SHOPIFY_CLIENT_SECRET,
    SHOPIFY_WEBHOOK_SECRET,
    SHOPIFY_STOREFRONT_TOKEN,
    SHOPIFY_ADMIN_URL,
    WAREHOUSE_URL,
    WAREHOUSE_API_KEY,
    WAREHOUSE_FEED,
    HUBSHOP_HOME,
    HUBSHOP_PUSH_KEY,
    HUBSHOP_CONFIG,
    HUBSPOT_CONFIG,
    HUBSHOP_STACK,
)
