"""The AWS-side names the service reads: environment variables, headers, limits, TTLs.

The template sets on each function only the variables its code reads (a
function's IAM policy allows exactly the secrets its variables name). Every
environment variable's name is defined once, in :mod:`sync.env_names`; the
service reads them from there (``E.STATE_TABLE``).
"""

from __future__ import annotations

from sync import env_names
from sync.env_names import (
    HUBSPOT_SECRET,
    PUSH_KEY_SECRET,
    SHOPIFY_SECRET,
    WAREHOUSE_SECRET,
    WEBHOOK_SECRET,
)
from sync.inventory.events import WEBHOOK_TOPICS  # noqa: F401 - the edge checks topics here

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
SECRET_VARIABLES = (PUSH_KEY_SECRET, WEBHOOK_SECRET, SHOPIFY_SECRET, WAREHOUSE_SECRET,
                    HUBSPOT_SECRET)
# variables naming a secret whose age (ListSecretVersionIds), never its value, is read
AGE_VARIABLES = (env_names.HUBSPOT_AGE_SECRET,)

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
WEBHOOK_ID_TTL_SECONDS = 3 * 24 * 3600  # Shopify retries a delivery for up to 48 hours
MAX_WEBHOOK_ID_CHARS = 200  # Shopify's ids are UUIDs; a longer header is refused (400)
LINE_STATE_TTL_SECONDS = 400 * 24 * 3600  # refunds can come many months after an order
RUN_TTL_SECONDS = 90 * 24 * 3600
IDEMPOTENCY_TTL_SECONDS = 24 * 3600
RECORDS_PER_MESSAGE = 500  # stock lines per SQS message (well under the 256 KiB limit)
MAX_BODY_BYTES = 5 * 1024 * 1024  # a push larger than this is refused whole, with 413
LAMBDA_MARGIN_SECONDS = 10.0  # a handler's budget is its remaining time less this
MIN_START_SECONDS = 2.0  # a message is not started with less budget than this left
MAX_JSON_DEPTH = 32  # webhooks nest a few levels; a body deeper than this is refused (400)

# The webhook topics the service subscribes to (``hubshop webhooks subscribe``).

# --- hubshop serve (no AWS) --------------------------------------------------------------
LOCAL_PUSH_KEY = env_names.HUBSHOP_PUSH_KEY
SERVE_PORT = 8080
