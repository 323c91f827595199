"""Every environment variable hubshop reads, named once.

Lambda handlers, the CLI and the docs all refer to these constants, so a
rename happens in one place and ``.env.example`` can be checked against it
(:data:`ALL`: what a person sets; :data:`SERVICE`: what template.yaml sets
on the Lambda functions).
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
AWS_REGION = "AWS_REGION"  # the stack's region when [service] region is unset (read by hubshop)
AWS_DEFAULT_REGION = "AWS_DEFAULT_REGION"  # botocore's own; hubshop falls back to it last

# --- set by template.yaml on the Lambda functions (only those each function reads) ----------
STATE_TABLE = "HUBSHOP_STATE_TABLE"  # DynamoDB table of the inventory StateStore
IDEMPOTENCY_TABLE = "HUBSHOP_IDEMPOTENCY_TABLE"  # Powertools idempotency records
EVENTS_QUEUE_URL = "HUBSHOP_EVENTS_QUEUE_URL"  # SQS queue between the edges and the consumer
DEAD_LETTER_QUEUE_URL = "HUBSHOP_DEAD_LETTER_QUEUE_URL"  # for `status`'s dead-letter count
PUSH_KEY_SECRET = "HUBSHOP_PUSH_KEY_SECRET"  # secret id: the warehouse's push API key (rotated)
SHOPIFY_SECRET = "HUBSHOP_SHOPIFY_SECRET"  # secret id: JSON with the Shopify app's credentials
WAREHOUSE_SECRET = "HUBSHOP_WAREHOUSE_SECRET"  # secret id: JSON {"api_key"} for a REST warehouse
WEBHOOK_SECRET = "HUBSHOP_WEBHOOK_SECRET"  # secret id: JSON {"webhook_secret"} (the HTTP edge)
HUBSPOT_AGE_SECRET = "HUBSHOP_HUBSPOT_AGE_SECRET"  # secret id whose age (not value) is reported
HUBSPOT_SECRET = "HUBSHOP_HUBSPOT_SECRET"  # secret id: JSON {"access_token"} (site function)
METRICS_NAMESPACE_ENV = "POWERTOOLS_METRICS_NAMESPACE"
RECONCILE_FUNCTION = "HUBSHOP_RECONCILE_FUNCTION"  # the nightly hands stock to this function
NIGHTLY_FEED = "HUBSHOP_NIGHTLY_FEED"  # the product feed the nightly imports (s3://… or warehouse)
STACK_NAME = "HUBSHOP_STACK_NAME"  # the function's own stack (the console: "where", its alarms)

SERVICE = (
    STATE_TABLE,
    IDEMPOTENCY_TABLE,
    EVENTS_QUEUE_URL,
    DEAD_LETTER_QUEUE_URL,
    PUSH_KEY_SECRET,
    SHOPIFY_SECRET,
    WAREHOUSE_SECRET,
    WEBHOOK_SECRET,
    HUBSPOT_SECRET,
    HUBSPOT_AGE_SECRET,
    METRICS_NAMESPACE_ENV,
    RECONCILE_FUNCTION,
    NIGHTLY_FEED,
    STACK_NAME,
)

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
