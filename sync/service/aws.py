"""The service's wiring inside AWS Lambda: settings and secrets, adapters, SQS, idempotency.

One :class:`AwsWiring` lives per warm container (created at module level by
each handler, but lazy: nothing here calls AWS until the first event). It
hands each invocation fresh :class:`~sync.inventory.ports.Ports` (the
DynamoDB store remembers the revisions it read, so it must not outlive the
invocation) while the boto3 clients, the Shopify client (its token cache and
throttle pacer) and the cached secrets are reused.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sync import env_names as E
from sync.plumbing.clock import SYSTEM_CLOCK, Clock
from sync.service import settings as S
from sync.service.secrets import SecretReader

if TYPE_CHECKING:
    from sync.service.messages import Message

log = logging.getLogger(__name__)

SQS_BATCH = 10


def settings_from_secrets(environ: Mapping[str, str], reader: SecretReader,
                          variables: Sequence[str]) -> Any:
    """hubshop Settings in a Lambda: the packaged hubshop.toml, the environment, and the
    JSON fields of the secrets ``variables`` name (shared by every function, incl. the
    site-freshness one)."""
    from sync.config import load_settings

    env = dict(environ)
    for variable in variables:
        if environ.get(variable):
            env.update(reader.environment(environ[variable], S.SECRET_FIELDS[variable]))
    root = Path(environ.get("LAMBDA_TASK_ROOT") or Path.cwd())
    return load_settings(env=env, cwd=root)


class AwsWiring:
    """Builds what handlers need from the environment the template sets.

    Args:
        environ: the process environment (tests pass their own).
        secrets: the secret reader (default: Powertools' provider on first use).
        dynamodb / sqs: boto3 clients (default: created on first use).
        clock: the clock runs use.
    """

    def __init__(self, environ: Mapping[str, str] | None = None, *,
                 secrets: SecretReader | None = None, dynamodb: Any = None, sqs: Any = None,
                 clock: Clock = SYSTEM_CLOCK) -> None:
        self.environ = dict(os.environ if environ is None else environ)
        self.secrets = secrets or SecretReader()
        self._dynamodb, self._sqs = dynamodb, sqs
        self._secretsmanager: Any = None
        self.clock = clock
        self._shopify: tuple[Any, Any] | None = None  # (settings.shopify, client)
        self._idempotent: dict[str, tuple[Callable[..., Any], Any]] = {}

    # clients ---------------------------------------------------------------------------

    @property
    def dynamodb(self) -> Any:
        if self._dynamodb is None:
            import boto3

            self._dynamodb = boto3.client("dynamodb")
        return self._dynamodb

    @property
    def sqs(self) -> Any:
        if self._sqs is None:
            import boto3

            self._sqs = boto3.client("sqs")
        return self._sqs

    def need(self, name: str) -> str:
        """An environment variable the template must set; a clear error when it did not."""
        from sync.errors import ConfigError

        value = self.environ.get(name, "").strip()
        if not value:
            raise ConfigError(f"environment variable {name} is not set (template.yaml sets it)")
        return value

    # settings and adapters -------------------------------------------------------------

    def settings(self, secrets: Sequence[str] = (E.SHOPIFY_SECRET, E.WAREHOUSE_SECRET)) -> Any:
        """hubshop Settings: the packaged hubshop.toml plus the credentials of ``secrets``.

        Args:
            secrets: the environment variables naming the Secrets Manager secrets
                to read. Each function's IAM policy allows only its own secrets, so
                a caller asks for exactly what its code path needs: the HTTP edge
                none (it reads the push key and webhook secrets itself), the
                consumer and the schedules Shopify's and the warehouse's.
        """
        return settings_from_secrets(self.environ, self.secrets, secrets)

    def runtime(self, budget: Any = None) -> Any:
        """Fresh ports for one invocation (the composition layer's factories, DynamoDB state).

        Args:
            budget: the invocation's :class:`~sync.plumbing.deadline.Deadline`: every call
                the Shopify client and the warehouse make shares it (None: their defaults).
        """
        from sync.inventory.ports import Ports
        from sync.jobs.inventory import open_policy, open_warehouse, warehouse_fields
        from sync.service.dynamo_state import DynamoState

        settings = self.settings()
        if settings.warehouse.kind == "csv" and not settings.warehouse.feed:
            from sync.errors import ConfigError

            raise ConfigError("no warehouse: set the stack's WarehouseFeed (s3://bucket/prefix) "
                              "or WarehouseUrl with [warehouse] kind = \"rest\" in hubshop.toml")
        store, warehouse = self._store(settings), open_warehouse(settings)
        if self._shopify is not None:  # the client outlives the invocation: set it each time
            from sync.shopify.client import DEFAULT_CALL_BUDGET

            self._shopify[1].budget = budget if budget is not None else DEFAULT_CALL_BUDGET
        if budget is not None and hasattr(warehouse, "budget"):
            warehouse.budget = budget
        return Ports(
            store=store,
            warehouse=warehouse,
            state=DynamoState(self.need(E.STATE_TABLE), client=self.dynamodb, clock=self.clock),
            policy=open_policy(settings, embedded=False),
            clock=self.clock,
            fields=warehouse_fields(settings),
        )

    def _store(self, settings: Any) -> Any:
        from sync.shopify.inventory import ShopifyInventory

        return ShopifyInventory(self.shopify_client(settings),
                                batch_size=settings.inventory.batch_size)

    def shopify_client(self, settings: Any) -> Any:
        """The Shopify client, kept across invocations (its token cache and throttle pacer)
        and made anew only when the credentials changed (a rotated secret)."""
        from sync.errors import ConfigError
        from sync.shopify.client import ShopifyClient

        if not settings.shopify.configured:
            raise ConfigError("Shopify is not configured: put the app's credentials in the secret "
                              f"{E.SHOPIFY_SECRET} names and set SHOPIFY_STORE")
        if self._shopify is None or self._shopify[0] != settings.shopify:
            self._shopify = (settings.shopify, ShopifyClient(settings.shopify, clock=self.clock))
        return self._shopify[1]

    # the HTTP edge ---------------------------------------------------------------------

    def edge(self) -> Any:
        """The HTTP edge's view: key checks and webhook secrets from Secrets Manager, SQS."""
        from sync.jobs.inventory import open_policy, warehouse_fields
        from sync.service.http_edge import Edge

        settings = self.settings(secrets=())  # no Shopify or warehouse credentials here
        return Edge(check_key=self.check_key, webhook_secrets=self.webhook_secrets,
                    send=self.send, policy=open_policy(settings, embedded=False),
                    fields=warehouse_fields(settings))

    def check_key(self, given: str | None) -> bool:
        secret_id = self.environ.get(E.PUSH_KEY_SECRET)
        if not secret_id:
            log.error("%s is not set: every warehouse push is refused", E.PUSH_KEY_SECRET)
            return False
        return self.secrets.check_key(secret_id, given)

    def webhook_secrets(self) -> list[str]:
        """The signing secrets, from the webhook-only secret (an older stack: Shopify's)."""
        secret_id = self.environ.get(E.WEBHOOK_SECRET) or self.environ.get(E.SHOPIFY_SECRET)
        if not secret_id:
            log.error("%s is not set: every webhook is refused", E.WEBHOOK_SECRET)
            return []
        return self.secrets.webhook_secrets(secret_id)

    def send(self, messages: list[Message]) -> None:
        """Put messages on the events queue (encoded once), ten per call; any refusal raises."""
        from sync.service.messages import encode

        url = self.need(E.EVENTS_QUEUE_URL)
        for start in range(0, len(messages), SQS_BATCH):
            chunk = messages[start:start + SQS_BATCH]
            answer = self.sqs.send_message_batch(QueueUrl=url, Entries=[
                {"Id": str(n), "MessageBody": json.dumps(encode(m), sort_keys=True)}
                for n, m in enumerate(chunk)])
            if answer.get("Failed"):
                codes = ", ".join(f["Code"] for f in answer["Failed"])
                raise RuntimeError(f"SQS refused {len(answer['Failed'])} message(s): {codes}")

    def key_ages(self) -> dict[str, float]:
        """Days since each sent key's secret last changed (the warehouse's, HubSpot's)."""
        import boto3

        from sync.service.key_ages import key_ages

        if self._secretsmanager is None:
            self._secretsmanager = boto3.client("secretsmanager")
        return key_ages(self.environ, self._secretsmanager, self.clock.now())

    def dead_letters(self) -> int | None:
        """Messages waiting in the dead-letter queue (None when not configured)."""
        url = self.environ.get(E.DEAD_LETTER_QUEUE_URL)
        if not url:
            return None
        answer = self.sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
        return int(answer["Attributes"]["ApproximateNumberOfMessages"])

    # idempotency -----------------------------------------------------------------------

    def idempotent(self, fn: Callable[..., Any], context: Any = None) -> Callable[..., Any]:
        """``fn`` wrapped by Powertools' ``idempotent_function``, keyed on ``message.id``.

        Without an idempotency table (``hubshop serve``, some tests) ``fn`` is
        returned as is; the engine still dedupes webhooks by id.
        """
        table = self.environ.get(E.IDEMPOTENCY_TABLE)
        if not table:
            return fn
        from aws_lambda_powertools.utilities.idempotency import (
            DynamoDBPersistenceLayer,
            IdempotencyConfig,
            idempotent_function,
        )

        if fn.__name__ not in self._idempotent:
            config = IdempotencyConfig(event_key_jmespath="id",
                                       expires_after_seconds=S.IDEMPOTENCY_TTL_SECONDS)
            layer = DynamoDBPersistenceLayer(table_name=table, boto3_client=self.dynamodb)
            wrapped = idempotent_function(fn, data_keyword_argument="message",
                                          persistence_store=layer, config=config)
            self._idempotent[fn.__name__] = (wrapped, config)
        wrapped, config = self._idempotent[fn.__name__]
        if context is not None:
            config.register_lambda_context(context)
        return wrapped
