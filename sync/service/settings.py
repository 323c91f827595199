"""The AWS-side names the service reads: environment variables, headers, limits, TTLs.

The template sets on each function only the variables its code reads (a
function's IAM policy allows exactly the secrets its variables name); the handlers, the
rotation Lambda, ``hubshop serve`` and the tests all name them from here.
Variables hubshop shares with the CLI (``SHOPIFY_STORE`` …) stay in
:mod:`sync.env_names`.
"""

from __future__ import annotations

from sync import env_names

# --- environment variables set by template.yaml -----------------------------------------
STATE_TABLE = "HUBSHOP_STATE_TABLE"  # DynamoDB table of the inventory StateStore
IDEMPOTENCY_TABLE = "HUBSHOP_IDEMPOTENCY_TABLE"  # Powertools idempotency records
EVENTS_QUEUE_URL = "HUBSHOP_EVENTS_QUEUE_URL"  # SQS queue between the edges and the consumer
DEAD_LETTER_QUEUE_URL = "HUBSHOP_DEAD_LETTER_QUEUE_URL"  # for `status`'s dead-letter count
RECONCILE_FUNCTION = "HUBSHOP_RECONCILE_FUNCTION"  # the nightly hands stock to this function
NIGHTLY_FEED = "HUBSHOP_NIGHTLY_FEED"  # the product feed the nightly imports (s3://… or warehouse)
# secret id: the warehouse's push API key (rotated)
PUSH_KEY_SECRET = "HUBSHOP_PUSH_KEY_SECRET"  # noqa: S105
# secret id: JSON with the Shopify app's credentials
SHOPIFY_SECRET = "HUBSHOP_SHOPIFY_SECRET"  # noqa: S105
# secret id: JSON {"api_key"} for a REST warehouse
WAREHOUSE_SECRET = "HUBSHOP_WAREHOUSE_SECRET"  # noqa: S105
# secret id: JSON {"access_token"} (site function)
HUBSPOT_SECRET = "HUBSHOP_HUBSPOT_SECRET"  # noqa: S105
METRICS_NAMESPACE_ENV = "POWERTOOLS_METRICS_NAMESPACE"

# --- keys inside the JSON secrets (SecretString) ----------------------------------------
SHOPIFY_SECRET_FIELDS = {
    "access_token": "SHOPIFY_ACCESS_TOKEN",
    "client_id": "SHOPIFY_CLIENT_ID",
    "client_secret": "SHOPIFY_CLIENT_SECRET",
    "webhook_secret": "SHOPIFY_WEBHOOK_SECRET",
}
WAREHOUSE_SECRET_FIELDS = {"api_key": "WAREHOUSE_API_KEY"}
HUBSPOT_SECRET_FIELDS = {"access_token": "HUBSPOT_ACCESS_TOKEN"}
# the secret-naming variables whose JSON fields become settings, and those fields
SECRET_FIELDS = {SHOPIFY_SECRET: SHOPIFY_SECRET_FIELDS, WAREHOUSE_SECRET: WAREHOUSE_SECRET_FIELDS,
                 HUBSPOT_SECRET: HUBSPOT_SECRET_FIELDS}
# every variable that names a secret (what template.yaml's IAM policies must match)
SECRET_VARIABLES = (PUSH_KEY_SECRET, SHOPIFY_SECRET, WAREHOUSE_SECRET, HUBSPOT_SECRET)

# --- HTTP --------------------------------------------------------------------------------
API_KEY_HEADER = "x-api-key"
HMAC_HEADER = "x-shopify-hmac-sha256"
TOPIC_HEADER = "x-shopify-topic"
WEBHOOK_ID_HEADER = "x-shopify-webhook-id"
EVENT_ID_HEADER = "x-shopify-event-id"
SHOP_HEADER = "x-shopify-shop-domain"
ROUTE_STOCK = "/warehouse/stock"
ROUTE_WEBHOOKS = "/webhooks/shopify"
ROUTE_RECONCILE = "/reconcile"
ROUTE_HEALTH = "/health"

# --- limits and lifetimes ----------------------------------------------------------------
SECRETS_MAX_AGE_SECONDS = 300  # Powertools parameters cache; a rotation shows within 5 min
SECRETS_REFRESH_GAP_SECONDS = 30  # a failed key check re-reads secrets at most this often
WEBHOOK_ID_TTL_SECONDS = 3 * 24 * 3600  # Shopify retries for 4 hours; keep ids three days
LINE_STATE_TTL_SECONDS = 400 * 24 * 3600  # refunds can come many months after an order
RUN_TTL_SECONDS = 90 * 24 * 3600
IDEMPOTENCY_TTL_SECONDS = 24 * 3600
RECORDS_PER_MESSAGE = 500  # stock lines per SQS message (well under the 256 KiB limit)
MAX_BODY_BYTES = 5 * 1024 * 1024  # a push larger than this is refused whole, with 413
MAX_JSON_DEPTH = 32  # webhooks nest a few levels; a body deeper than this is refused (400)

# The webhook topics the service subscribes to (``hubshop webhooks subscribe``).
WEBHOOK_TOPICS = (
    "inventory_levels/update",
    "orders/create",
    "orders/cancelled",
    "fulfillments/create",
    "refunds/create",
    "products/create",
    "products/update",
    "products/delete",
)

# --- hubshop serve (no AWS) --------------------------------------------------------------
LOCAL_PUSH_KEY = env_names.HUBSHOP_PUSH_KEY
SERVE_PORT = 8080
