"""The deployed inventory service, found from its CloudFormation stack: state, queues, alarms.

With ``[service] stack`` (env ``HUBSHOP_STACK``, flag ``--stack``) the CLI
reads and writes the service's own state — the DynamoDB table its Lambda
functions use (:class:`sync.service.dynamo_state.DynamoState`), the events
queue and its dead-letter queue, the CloudWatch alarms and its keys' ages and
rotations — instead of the local SQLite store, so there is one ledger, the
service's. Resource names come from the stack's resources (logical ids as in
``template.yaml``), never from a second setting; every read of the stack goes
through :class:`sync.aws.stack.StackReader`, so its errors read as doctor's do.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sync.aws.stack import (
    ALARM_TYPE,
    DEAD_LETTER_ID,
    QUEUE_ID,
    STATE_TABLE_ID,
    SecretRotation,
    StackReader,
    StackUnavailable,
)
from sync.config import Settings
from sync.errors import ConfigError
from sync.inventory.ports import StateStore
from sync.plumbing.clock import Clock

# logical ids in template.yaml
STATE_TABLE, EVENTS_QUEUE, DEAD_LETTER_QUEUE = STATE_TABLE_ID, QUEUE_ID, DEAD_LETTER_ID
PUSH_KEY_SECRET = "PushKeySecret"  # noqa: S105 - a logical id, not a secret
# the stack's secrets by logical id -> the key's name in status (as in sync.jobs.key_ages)
KEY_SECRETS = {"PushKeySecret": "push_key", "ShopifySecret": "shopify",
               "ShopifyWebhookSecret": "shopify_webhook_secret",
               "WarehouseSecret": "warehouse_api_key", "HubSpotSecret": "hubspot_token"}
PEEK_LIMIT = 10  # SQS answers at most 10 messages a receive

__all__ = ["ALARM_TYPE", "DeployedService", "StackResources", "StackUnavailable", "open_service"]


@dataclass(frozen=True)
class StackResources:
    """The physical names of the service's resources in one stack."""

    stack: str
    state_table: str
    events_queue_url: str | None = None
    dead_letter_queue_url: str | None = None
    push_key_secret: str | None = None
    alarms: tuple[str, ...] = ()


@dataclass
class DeadLetter:
    """One message waiting in the dead-letter queue."""

    message_id: str
    kind: str
    sent_at: str | None
    receive_count: int
    body: dict[str, Any] = field(default_factory=dict)


class DeployedService:
    """The service of one stack, through boto3 clients made once per command."""

    def __init__(self, settings: Settings, clock: Clock, *, session: Any = None) -> None:
        if not settings.service.stack:
            raise ConfigError("no stack: set [service] stack, HUBSHOP_STACK or --stack NAME")
        self.aws = StackReader(settings.service.stack, session=session,
                               region=settings.service.region)
        self.session, self.clock, self.stack = self.aws.session, clock, settings.service.stack
        self.resources = self._resolve()

    @classmethod
    def from_resources(cls, resources: StackResources, clock: Clock, *,
                       session: Any = None, region: str | None = None,
                       clients: dict[str, Any] | None = None) -> DeployedService:
        """The service whose resources are already known (no CloudFormation call), e.g.
        from a function's environment inside the stack; ``clients`` are boto3 clients to
        share with the caller's wiring."""
        service = cls.__new__(cls)
        service.aws = StackReader(resources.stack, session=session, region=region)
        service.aws._clients.update(clients or {})
        service.session, service.clock, service.stack = service.aws.session, clock, resources.stack
        service.resources = resources
        return service

    def client(self, service: str) -> Any:
        return self.aws.client(service)

    # --- the stack -----------------------------------------------------------------

    def _resolve(self) -> StackResources:
        by_id = self.aws.physical_ids()
        if STATE_TABLE not in by_id:
            raise StackUnavailable(f"stack {self.stack!r} in {self.aws.region} has no "
                                   f"{STATE_TABLE}: is it hubshop's inventory service "
                                   "(template.yaml)?")
        return StackResources(
            stack=self.stack, state_table=by_id[STATE_TABLE],
            events_queue_url=by_id.get(EVENTS_QUEUE),
            dead_letter_queue_url=by_id.get(DEAD_LETTER_QUEUE),
            push_key_secret=by_id.get(PUSH_KEY_SECRET),
            alarms=tuple(self.aws.of_type(ALARM_TYPE)))

    # --- state ---------------------------------------------------------------------

    def state(self) -> StateStore:
        """The service's StateStore (the flag its Lambda functions read, its ledger, its runs)."""
        from sync.service.dynamo_state import DynamoState

        return DynamoState(self.resources.state_table, client=self.client("dynamodb"),
                           clock=self.clock)

    # --- queues --------------------------------------------------------------------

    def queue(self, url: str | None, *, peek: bool = False) -> dict[str, Any] | None:
        """Depth, in-flight count and the oldest message's age in seconds (None: unknown).

        The age of the main queue is CloudWatch's ``ApproximateAgeOfOldestMessage``
        (receiving would hide messages from the consumer); the dead-letter queue is
        peeked (``peek``), which nothing else reads.
        """
        if url is None:
            return None
        depths = self.aws.queue(url)
        depth = depths.visible if depths else 0
        oldest = None
        if peek and depth:
            sent = [m.sent_at for m in self.dead_letters(PEEK_LIMIT) if m.sent_at]
            if sent:
                first = min(datetime.fromisoformat(s) for s in sent)
                oldest = int((self.clock.now() - first).total_seconds())
        elif depth:
            oldest = self._oldest_age(url)
        return {"depth": depth, "in_flight": depths.in_flight if depths else 0,
                "oldest_age_seconds": oldest}

    def _oldest_age(self, url: str) -> int | None:
        name = url.rstrip("/").rsplit("/", 1)[-1]
        now = self.clock.now()
        with self.aws.guard():
            answer = self.client("cloudwatch").get_metric_statistics(
                Namespace="AWS/SQS", MetricName="ApproximateAgeOfOldestMessage",
                Dimensions=[{"Name": "QueueName", "Value": name}],
                StartTime=datetime.fromtimestamp(now.timestamp() - 900, UTC), EndTime=now,
                Period=300, Statistics=["Maximum"])
        points = sorted(answer.get("Datapoints", []), key=lambda p: p["Timestamp"])
        return int(points[-1]["Maximum"]) if points else None

    def dead_letters(self, limit: int = PEEK_LIMIT) -> list[DeadLetter]:
        """Up to ``limit`` dead letters, left in the queue (visible again at once)."""
        url = self.resources.dead_letter_queue_url
        if url is None:
            return []
        seen: dict[str, DeadLetter] = {}
        sqs = self.client("sqs")
        for _ in range(max(1, limit // PEEK_LIMIT + 1)):
            with self.aws.guard():
                answer = sqs.receive_message(
                    QueueUrl=url, MaxNumberOfMessages=min(PEEK_LIMIT, limit),
                    VisibilityTimeout=0, AttributeNames=["All"])
            messages = answer.get("Messages", [])
            for message in messages:
                seen.setdefault(message["MessageId"], _dead_letter(message))
            if not messages or len(seen) >= limit:
                break
        return list(seen.values())[:limit]

    def retry_dead_letters(self, *, dry_run: bool = False, limit: int = 1000) -> int:
        """Move dead letters back to the events queue (the consumer tries them again).

        Each message is sent to the events queue before it is deleted from the
        dead-letter queue, so a failure half-way duplicates, never loses, a
        message (the consumer is idempotent).
        """
        source, target = self.resources.dead_letter_queue_url, self.resources.events_queue_url
        if source is None or target is None:
            raise StackUnavailable(f"stack {self.stack!r} has no {DEAD_LETTER_QUEUE} or "
                                   f"{EVENTS_QUEUE}")
        if dry_run:
            return len(self.dead_letters(limit))
        sqs, moved = self.client("sqs"), 0
        with self.aws.guard():
            while moved < limit:
                answer = sqs.receive_message(QueueUrl=source, MaxNumberOfMessages=PEEK_LIMIT,
                                             VisibilityTimeout=60)
                messages = answer.get("Messages", [])
                if not messages:
                    break
                for message in messages:
                    sqs.send_message(QueueUrl=target, MessageBody=message["Body"])
                    sqs.delete_message(QueueUrl=source, ReceiptHandle=message["ReceiptHandle"])
                    moved += 1
        return moved

    def resume(self) -> int:
        """Lift the service's pause and hand what queued meanwhile to its consumer.

        The records held while paused go to the events queue as ``stock``
        messages (the path a warehouse push takes), after the flag is lifted so
        the consumer applies rather than re-queues them; they leave the pending
        list only once sent. Returns how many records were queued.
        """
        from sync.inventory.run import PAUSED
        from sync.service.messages import StockMessage, encode
        from sync.service.settings import RECORDS_PER_MESSAGE

        target = self.resources.events_queue_url
        if target is None:
            raise StackUnavailable(f"stack {self.stack!r} has no {EVENTS_QUEUE}")
        state = self.state()
        records = state.pending()
        state.set_flag(PAUSED, None)
        stamp = self.clock.now().isoformat()
        for number, start in enumerate(range(0, len(records), RECORDS_PER_MESSAGE)):
            message = StockMessage(id=f"resume:{stamp}:{number}", source="resume",
                                   records=records[start:start + RECORDS_PER_MESSAGE])
            with self.aws.guard():
                self.client("sqs").send_message(QueueUrl=target,
                                                MessageBody=json.dumps(encode(message)))
        state.clear_pending()
        return len(records)

    # --- alarms and keys -----------------------------------------------------------

    def alarms(self) -> list[dict[str, str]]:
        """Each alarm of the stack: name, state (``OK``, ``ALARM``, ``INSUFFICIENT_DATA``)."""
        return self.aws.alarms()

    def keys(self) -> dict[str, dict[str, Any]]:
        """Each of the stack's keys: age, last and next rotation (never its value).

        Keyed as :data:`KEY_SECRETS` names them; see :func:`key_view` for the fields.
        """
        now = self.clock.now()
        secrets = self.aws.secrets()
        return {name: key_view(self.aws.rotation(secrets[logical]), now)
                for logical, name in KEY_SECRETS.items() if logical in secrets}

    def push_key(self) -> dict[str, Any] | None:
        """The warehouse push key's last rotation and next rotation (never its value)."""
        if self.resources.push_key_secret is None:
            return None
        return key_view(self.aws.rotation(self.resources.push_key_secret), self.clock.now())


def key_view(rotation: SecretRotation, now: datetime) -> dict[str, Any]:
    """One of the stack's keys for status, in :func:`sync.jobs.key_ages.key_entry`'s shape."""
    from sync.jobs.key_ages import key_entry

    days = rotation.rotation_days
    return key_entry(since=rotation.since, now=now, last_rotated=rotation.last_rotated,
                     next_rotation=rotation.next_rotation, rotation_days=days,
                     rotation=(f"every {days} days by Secrets Manager" if days else
                               "not rotated automatically: put a new value in its secret"))


def _dead_letter(message: dict[str, Any]) -> DeadLetter:
    attrs = message.get("Attributes", {})
    try:
        body = json.loads(message["Body"])
    except ValueError:
        body = {"raw": message["Body"][:200]}
    sent = attrs.get("SentTimestamp")
    return DeadLetter(
        message_id=message["MessageId"], kind=str(body.get("kind", "?")),
        sent_at=(datetime.fromtimestamp(int(sent) / 1000, UTC).isoformat() if sent else None),
        receive_count=int(attrs.get("ApproximateReceiveCount", 0)),
        body=body if isinstance(body, dict) else {"raw": body})


def open_service(settings: Settings, clock: Clock, *, session: Any = None) -> DeployedService:
    """The deployed service ``settings`` names (a :class:`ConfigError` without a stack)."""
    return DeployedService(settings, clock, session=session)
