"""The doctor's checks, over small Protocols: each returns lines, each failure with its fix.

Nothing here opens a connection; ``sync/jobs/doctor.py`` hands in adapters
(Shopify, HubSpot, the warehouse, a deployed stack) or the embedded default.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

from sync.operator.doctor import FAIL, INFO, OK, Check
from sync.operator.scopes import HUBSPOT_FEATURE_SCOPES, SHOPIFY_FEATURE_SCOPES, missing_scopes

STACK_OUTPUTS = ("WebhookUrl", "StockPushUrl", "DeadLetterQueueUrl", "ConsoleUrl")
# what the console function needs in the stack's Shopify secret: App Bridge signs session
# tokens with the app's client secret, for the client id as audience
CONSOLE_SECRET_FIELDS = ("client_id", "client_secret")


class HubSpotFacts(Protocol):
    """What ``hubshop doctor`` asks a HubSpot account (``sync.hubspot.account``)."""

    def token_info(self) -> dict[str, Any] | None: ...

    def table_state(self, name: str) -> str: ...


def not_configured(area: str, missing: list[str], what: str) -> Check:
    """An info line: the real service is not set up, so its feature runs on the local stand-in."""
    return Check(area, "not configured", INFO,
                 f"{what}; to use the real service set " + ", ".join(missing))


def shopify_checks(granted: set[str], store: str) -> list[Check]:
    """Credentials accepted, then one line per feature: its scopes granted or which are missing."""
    checks = [Check("shopify", "credentials", OK,
                    f"{store} accepted the app's token ({len(granted)} scopes granted)")]
    short = missing_scopes(SHOPIFY_FEATURE_SCOPES, granted)
    for feature, scopes in SHOPIFY_FEATURE_SCOPES.items():
        if feature in short:
            lacking = ", ".join(short[feature])
            checks.append(Check(
                "shopify", f"scopes for {feature}", FAIL, f"missing {lacking}",
                f"add {lacking} to the app's access scopes (Dev Dashboard > the app > "
                f"Versions), release the version and reinstall the app on {store}"))
        else:
            checks.append(Check("shopify", f"scopes for {feature}", OK, ", ".join(scopes)))
    return checks


def hubspot_credential_checks(account: HubSpotFacts, expected_portal: str | None) -> list[Check]:
    """Token valid, the portal it belongs to, and the HubDB and CMS scopes."""
    info = account.token_info()
    if info is None:
        return [Check("hubspot", "credentials", OK,
                      "the personal access key was exchanged for a token"),
                Check("hubspot", "scopes", INFO, "a personal access key carries its user's "
                      "permissions; the table check below proves HubDB access")]
    hub = str(info.get("hub_id") or "")
    checks = [Check("hubspot", "credentials", OK, f"private app token valid for portal {hub}")]
    if expected_portal and hub and expected_portal != hub:
        checks.append(Check(
            "hubspot", "portal", FAIL,
            f"the token belongs to portal {hub}, but the settings name portal {expected_portal}",
            "set HUBSPOT_ACCOUNT_ID / [site] portal_id to the token's portal, or use a token "
            f"from portal {expected_portal}"))
    short = missing_scopes(HUBSPOT_FEATURE_SCOPES, set(info.get("scopes") or []))
    for feature, scopes in HUBSPOT_FEATURE_SCOPES.items():
        if feature in short:
            lacking = ", ".join(short[feature])
            checks.append(Check("hubspot", f"scopes for {feature}", FAIL, f"missing {lacking}",
                                f"add the {lacking} scope to the private app (Settings > "
                                "Integrations > Private Apps > Scopes) and use its token"))
        else:
            checks.append(Check("hubspot", f"scopes for {feature}", OK, ", ".join(scopes)))
    return checks


def table_checks(state: str, table: str, area: str = "hubspot") -> list[Check]:
    """The products table exists and is published (the website reads the published rows)."""
    if state == "published":
        return [Check(area, f"HubDB table {table}", OK, "present and published")]
    if state == "draft":
        return [Check(area, f"HubDB table {table}", FAIL,
                      "present but never published: the website sees no rows",
                      "hubshop catalog sync (publishes when done) or hubshop deploy")]
    return [Check(area, f"HubDB table {table}", FAIL, "missing",
                  "hubshop deploy (creates and publishes it) or hubshop catalog sync")]


def warehouse_checks(count: Callable[[], int], where: str) -> list[Check]:
    """The warehouse answers with the key given (or the feed reads)."""
    records = count()
    return [Check("warehouse", "reachable", OK, f"{where} answered: {records} stock record(s)")]


def stack_checks(facts: Any) -> list[Check]:
    """A deployed stack: status, outputs, queue, dead letters and schedules."""
    where = f"{facts.name} in {facts.region}"
    redeploy = "hubshop deploy (or sam deploy) from this checkout"
    status = str(facts.status)
    healthy = status.endswith("_COMPLETE") and "ROLLBACK" not in status
    checks = [Check("aws", "stack", OK if healthy else FAIL, f"{where}: {status}",
                    "" if healthy else f"look at the stack's events in CloudFormation, then "
                    f"{redeploy}")]
    absent = [o for o in STACK_OUTPUTS if o not in facts.outputs]
    checks.append(Check("aws", "stack outputs", FAIL if absent else OK,
                        f"missing {', '.join(absent)}" if absent else ", ".join(STACK_OUTPUTS),
                        redeploy if absent else ""))
    if facts.queue is None:
        checks.append(Check("aws", "events queue", FAIL, "not found in the stack", redeploy))
    else:
        checks.append(Check("aws", "events queue", OK, f"{facts.queue.visible} waiting, "
                            f"{facts.queue.in_flight} in flight"))
    if facts.dead_letters is None:
        checks.append(Check("aws", "dead-letter queue", FAIL, "not found in the stack", redeploy))
    elif facts.dead_letters.visible:
        checks.append(Check(
            "aws", "dead-letter queue", FAIL, f"{facts.dead_letters.visible} dead letter(s)",
            f"read them (hubshop --stack {facts.name} inventory dead-letters list), fix the "
            f"cause, then move them back with hubshop --stack {facts.name} inventory "
            "dead-letters retry (or aws sqs start-message-move-task; replaying is safe)"))
    else:
        checks.append(Check("aws", "dead-letter queue", OK, "empty"))
    nightly = {n: s for n, s in facts.schedules.items() if "nightly" in n.lower()}
    if not nightly:
        checks.append(Check("aws", "nightly schedule", FAIL, "no nightly reconcile schedule",
                            redeploy))
    for name, state in sorted(facts.schedules.items()):
        enabled = state == "ENABLED"
        if name in nightly:
            checks.append(Check("aws", f"schedule {name}", OK if enabled else FAIL, state,
                                "" if enabled else f"aws scheduler update-schedule --name {name}"
                                " --state ENABLED (with its other settings) or " + redeploy))
        else:
            checks.append(Check("aws", f"schedule {name}", OK if enabled else INFO,
                                state if enabled else f"{state} (the warehouse pushes instead)"))
    checks.append(_alarms_check(getattr(facts, "alarms", [])))
    checks.append(console_check(facts, redeploy))
    return checks


def console_check(facts: Any, redeploy: str) -> Check:
    """The app's page works: its URL is an output, and the Shopify secret holds the app's
    client id and secret (without them no session token can be verified: every page 401s)."""
    secret = getattr(facts, "shopify_secret", None)
    if not secret:
        return Check("aws", "console", FAIL, "the stack has no ShopifySecret", redeploy)
    fields = getattr(facts, "shopify_secret_fields", None)
    if fields is None:
        return Check("aws", "console", INFO,
                     f"could not read the Shopify secret: {facts.shopify_secret_error}; the "
                     f"console needs {' and '.join(CONSOLE_SECRET_FIELDS)} in it",
                     "")
    missing = [f for f in CONSOLE_SECRET_FIELDS if f not in fields]
    url = facts.outputs.get("ConsoleUrl")
    if missing:
        shape = {**dict.fromkeys(sorted(fields), "…"), **dict.fromkeys(CONSOLE_SECRET_FIELDS, "…")}
        return Check(
            "aws", "console", FAIL,
            f"the Shopify secret lacks {', '.join(missing)}: session tokens cannot be "
            "verified, so the app's page answers 401",
            "put the app's client id and secret (Dev Dashboard > the app > Settings) in it, "
            f"keeping its other fields: aws secretsmanager put-secret-value --secret-id "
            f"{secret} --secret-string '{json.dumps(shape, ensure_ascii=False)}'")
    return Check("aws", "console", OK, f"{url or 'the page'}: the app's client id and secret "
                 "are in the Shopify secret")


def _alarms_check(alarms: list[dict[str, str]]) -> Check:
    """The stack's CloudWatch alarms: a firing one fails, naming its reason."""
    firing = [a for a in alarms if a.get("state") == "ALARM"]
    if not firing:
        return Check("aws", "alarms", OK, f"{len(alarms)} alarm(s), none firing")
    named = "; ".join(f"{a['name']}: {a.get('reason') or 'ALARM'}" for a in firing)
    return Check("aws", "alarms", FAIL, f"{len(firing)} of {len(alarms)} firing — {named}",
                 "hubshop status shows the service's queues, dead letters and drift; fix the "
                 "cause and the alarm clears itself")


def feature_settings_checks(settings: Any) -> list[Check]:
    """What features need beyond credentials: Buy Buttons, webhook signatures, public reads."""
    checks: list[Check] = []
    shopify, hubspot = settings.shopify, settings.hubspot
    if shopify.configured:
        if shopify.storefront_token:
            checks.append(Check("settings", "Buy Button token", OK, "SHOPIFY_STOREFRONT_TOKEN set"))
        else:
            checks.append(Check(
                "settings", "Buy Button token", FAIL,
                "SHOPIFY_STOREFRONT_TOKEN is not set: the website's Buy Buttons cannot load",
                "create a Storefront API token (Headless or Buy Button channel) and set "
                "SHOPIFY_STOREFRONT_TOKEN (it is public by design)"))
        if shopify.webhook_secret is None:
            checks.append(Check("settings", "webhook secret", INFO,
                                "SHOPIFY_WEBHOOK_SECRET (or SHOPIFY_CLIENT_SECRET) is not set: "
                                "`hubshop serve` refuses every webhook; the deployed service "
                                "reads its own from Secrets Manager"))
    if hubspot.configured and not (settings.site.portal_id or hubspot.account_id):
        checks.append(Check("settings", "portal id", INFO,
                            "no [site] portal_id or HUBSPOT_ACCOUNT_ID: pages cannot filter "
                            "products without a reload (public HubDB reads need it)"))
    return checks
