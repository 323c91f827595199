"""The console page inside the stack: figures from DynamoDB, SQS, CloudWatch and Shopify.

The private app's embedded page (``GET /console`` on the HTTP API, served by
``ConsoleFunction``) shows what ``hubshop inventory status --stack`` shows, from
the same places: the service's own DynamoDB state (pause flag, ledger, runs),
the events queue and its dead-letter queue, the stack's CloudWatch alarms, and
Shopify Payments for the payouts summary. Its resources come from the
function's environment (template.yaml sets them), never from CloudFormation.

The two actions reuse what exists: *reconcile now* queues the ``reconcile``
message ``POST /reconcile`` queues, so the consumer runs it (idempotent, with
its retries and dead-letter queue, never racing a second writer and never
bound by API Gateway's 30 s); *retry dead letters* is the CLI's
``hubshop inventory dead-letters retry`` (:meth:`DeployedService.retry_dead_letters`).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sync import env_names as E
from sync.errors import HubshopError
from sync.plumbing.redact import redact

if TYPE_CHECKING:  # the rest is imported on the first event: a cold start stays quick
    from sync.jobs.stack import DeployedService
    from sync.operator.console_app import ConsoleApp
    from sync.operator.payouts import PayoutsSummary
    from sync.operator.session_token import SessionKeys
    from sync.plumbing.deadline import Deadline
    from sync.service.aws import AwsWiring

log = logging.getLogger(__name__)

ROUTE_CONSOLE = "/console"
DEAD_LETTER_ROWS = 10
RECENT_PAYOUTS = 5
PAGE_MARGIN_SECONDS = 5.0  # of the function's time, kept to render the page after the reads
NOT_CONFIGURED = ("The console is not configured yet: the function's log says what is "
                  "missing (the Shopify app's client id and secret in its Shopify secret).")


class DeployedConsoleSource:
    """:class:`~sync.operator.console_page.ConsoleSource` of the deployed service.

    Args:
        wiring: the function's :class:`AwsWiring` (settings and secrets, Shopify client, SQS).
        service: the stack's resources, as the CLI's :class:`DeployedService` reads them.
    """

    def __init__(self, wiring: AwsWiring, service: DeployedService) -> None:
        self.wiring = wiring
        self.service = service
        self.where = f"stack {service.stack} (AWS)"
        self.deadline: Deadline | None = None  # this request's; Shopify's waits stop there

    def inventory_status(self) -> dict[str, Any]:
        """Pause, pending, drift, runs, queues, dead letters and alarms of the service.

        Drift is a dry run over the service's own ledger (nothing written); when
        Shopify or the warehouse cannot be read it is ``None`` with the reason,
        and the rest of the view still shows.
        """
        view = self._report()
        resources = self.service.resources
        dead = self.service.queue(resources.dead_letter_queue_url, peek=True)
        letters = self.service.dead_letters(DEAD_LETTER_ROWS) if dead and dead["depth"] else []
        view.update(
            dead_letters=None if dead is None else dead["depth"],
            dead_letters_oldest_s=None if dead is None else dead["oldest_age_seconds"],
            dead_letter_items=[{"id": str(m.body.get("id") or m.message_id), "kind": m.kind,
                                "sent_at": m.sent_at, "receive_count": m.receive_count}
                               for m in letters],
            queue=self.service.queue(resources.events_queue_url),
            alarms=self._alarms(),
        )
        return view

    def _alarms(self) -> list[dict[str, str]] | None:
        """The stack's alarms; None (logged) when CloudWatch cannot be read: a report only."""
        try:
            return self.service.alarms()
        except Exception as exc:  # noqa: BLE001 - botocore's errors; the rest of the page stands
            log.warning("console: alarms unavailable: %s", type(exc).__name__)
            return None

    def _report(self) -> dict[str, Any]:
        from sync.inventory import run as inventory

        try:
            ports = self.wiring.runtime(self.deadline)
            return inventory.status(ports.state, ports.store, ports.warehouse, ports.policy,
                                    clock=self.wiring.clock).as_dict()
        except HubshopError as exc:
            reason = redact(str(exc))
        except Exception as exc:  # noqa: BLE001 - botocore's errors (the S3 feed): shown, not raised
            log.warning("console: drift unavailable: %s", type(exc).__name__)
            reason = f"the warehouse or Shopify could not be read ({type(exc).__name__})"
        view = inventory.state_status(self.service.state(), clock=self.wiring.clock).as_dict()
        view.update(drift=None, drift_count=None, drift_error=reason, unexplained=None)
        return view

    def payouts(self) -> PayoutsSummary:
        """Shopify Payments through the function's own Shopify client (read-only)."""
        from sync.shopify.payouts import ShopifyPayouts

        settings = self.wiring.settings(secrets=(E.SHOPIFY_SECRET,))
        return ShopifyPayouts(self.wiring.shopify_client(settings)).read(RECENT_PAYOUTS)

    def reconcile(self) -> str:
        """Queue a full reconcile for the consumer, exactly as ``POST /reconcile`` does."""
        from sync.inventory.run import is_paused
        from sync.service.messages import ReconcileMessage

        ident = f"reconcile:console:{secrets.token_hex(8)}"
        self.wiring.send([ReconcileMessage(ident, None)])
        paused = is_paused(self.service.state())
        return ("A full reconcile is queued; the service's consumer runs it within a minute "
                "or so, and its run shows here once done."
                + (" Writes are paused: it will only queue what it would change." if paused
                   else ""))

    def retry_dead_letters(self) -> str:
        """Move every dead letter back to the events queue (the CLI's retry, unchanged)."""
        moved = self.service.retry_dead_letters()
        if not moved:
            return "No dead letters to retry."
        return (f"{moved} dead letter(s) sent back to the events queue; the consumer tries "
                "them again (each is processed once, so a retry is safe).")


def deployed_service(wiring: AwsWiring) -> DeployedService:
    """The stack's resources from the function's environment, sharing the wiring's clients."""
    from sync.jobs.stack import DeployedService, StackResources

    env = wiring.environ
    resources = StackResources(
        stack=env.get(E.STACK_NAME) or "hubshop",
        state_table=wiring.need(E.STATE_TABLE),
        events_queue_url=env.get(E.EVENTS_QUEUE_URL) or None,
        dead_letter_queue_url=env.get(E.DEAD_LETTER_QUEUE_URL) or None)
    return DeployedService.from_resources(resources, wiring.clock,
                                          clients={"dynamodb": wiring.dynamodb, "sqs": wiring.sqs})


def session_keys(settings: Any) -> SessionKeys:
    """What verifies App Bridge's session tokens: the app's client id and secret, the shop.

    Raises:
        ConfigError: the Shopify secret lacks the client id or secret (a token-only app
            cannot be embedded, so it has no session tokens to check).
    """
    from sync.errors import ConfigError
    from sync.operator.session_token import SessionKeys

    shopify = settings.shopify
    if not (shopify.client_id and shopify.client_secret and shopify.store):
        raise ConfigError(
            "the console needs the Shopify app's client_id and client_secret in the secret "
            f"{E.SHOPIFY_SECRET} names, and SHOPIFY_STORE (the stack's ShopDomain): App "
            "Bridge signs session tokens with the client secret")
    return SessionKeys(client_id=shopify.client_id, secret=shopify.client_secret.reveal(),
                       shop=shopify.store)


class DeployedConsole:
    """The console app of one warm container: built on the first event, rebuilt only when
    the app's keys change (a rotated client secret shows within the secrets cache's age)."""

    def __init__(self, wiring: AwsWiring) -> None:
        self.wiring = wiring
        self._app: ConsoleApp | None = None

    def app(self) -> ConsoleApp:
        from sync.operator.console_app import ConsoleApp

        keys = session_keys(self.wiring.settings(secrets=(E.SHOPIFY_SECRET,)))
        if self._app is None or self._app.keys != keys:
            source = (self._app.source if self._app is not None
                      else DeployedConsoleSource(self.wiring, deployed_service(self.wiring)))
            self._app = ConsoleApp(source, keys, embedded=True, clock=self.wiring.clock,
                                   base_path=ROUTE_CONSOLE)
        return self._app

    def respond(self, event: Mapping[str, Any], context: Any = None) -> dict[str, Any]:
        """An API Gateway HTTP API (v2) event answered: the page, an action, or a bare 401.

        Shopify's and the warehouse's waits share the invocation's remaining time less
        a margin, so a slow Shopify shows as "unknown" on the page, never as a timeout.
        """
        try:
            app = self.app()
        except Exception as exc:  # noqa: BLE001 - a missing setting is a 503, never a traceback
            log.error("console not configured: %s", redact(str(exc)) if isinstance(
                exc, HubshopError) else type(exc).__name__)
            return {"statusCode": 503, "body": NOT_CONFIGURED, "isBase64Encoded": False,
                    "headers": {"Content-Type": "text/plain; charset=utf-8",
                                "Cache-Control": "no-store"}}
        from sync.operator.console_app import lambda_response
        from sync.plumbing.deadline import Deadline

        if context is not None and isinstance(app.source, DeployedConsoleSource):
            app.source.deadline = Deadline.for_lambda(context, margin=PAGE_MARGIN_SECONDS,
                                                      clock=self.wiring.clock)
        return lambda_response(app, event, prefix=ROUTE_CONSOLE)
