"""The deployed inventory service, found from its CloudFormation stack: state, queues, alarms.

With ``[service] stack`` (env ``HUBSHOP_STACK``, flag ``--stack``) the CLI
reads and writes the service's own state — the DynamoDB table its Lambda
functions use (:class:`sync.service.dynamo_state.DynamoState`), the events
queue and its dead-letter queue, the CloudWatch alarms and the push key's
rotation — instead of the local SQLite store, so there is one ledger, the
service's. Resource names come from the stack's resources (logical ids as in
``template.yaml``), never from a second setting.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sync.config import Settings
from sync.errors import ConfigError, RemoteError
from sync.inventory.ports import StateStore
from sync.plumbing.clock import Clock

# logical ids in template.yaml
STATE_TABLE = "StateTable"
EVENTS_QUEUE = "EventsQueue"
DEAD_LETTER_QUEUE = "EventsDeadLetterQueue"
PUSH_KEY_SECRET = "PushKeySecret"  # noqa: S105 - a logical id, not a secret
ALARM_TYPE = "AWS::CloudWatch::Alarm"
PEEK_LIMIT = 10  # SQS answers at most 10 messages a receive


class StackUnavailable(RemoteError):
    """The stack cannot be read (wrong name, region or credentials)."""


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
        if session is None:
            import boto3

            session = boto3.session.Session(region_name=settings.service.region)
        self.session, self.clock, self.stack = session, clock, settings.service.stack
        self._clients: dict[str, Any] = {}
        self.resources = self._resolve()

    @classmethod
    def of(cls, resources: StackResources, clock: Clock, *, session: Any = None,
           clients: dict[str, Any] | None = None) -> DeployedService:
        """The service whose resources are already known: inside the stack, from a function's
        environment (no CloudFormation call); ``clients`` are boto3 clients to share."""
        if session is None:
            import boto3

            session = boto3.session.Session()
        service = cls.__new__(cls)
        service.session, service.clock, service.stack = session, clock, resources.stack
        service._clients = dict(clients or {})
        service.resources = resources
        return service

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.session.client(service)
        return self._clients[service]

    # --- the stack -----------------------------------------------------------------

    def _resolve(self) -> StackResources:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            pages = self.client("cloudformation").get_paginator("list_stack_resources")
            found = [r for page in pages.paginate(StackName=self.stack)
                     for r in page["StackResourceSummaries"]]
        except ClientError as exc:
            raise StackUnavailable(f"stack {self.stack!r}: {_aws_words(exc)} (check the stack "
                                   "name, AWS_REGION and the AWS credentials)") from None
        except BotoCoreError as exc:
            raise StackUnavailable(f"stack {self.stack!r}: {exc} (check AWS_REGION and the "
                                   "AWS credentials)") from None
        by_id = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in found}
        if STATE_TABLE not in by_id:
            raise StackUnavailable(f"stack {self.stack!r} has no {STATE_TABLE}: is it hubshop's "
                                   "inventory service (template.yaml)?")
        return StackResources(
            stack=self.stack, state_table=by_id[STATE_TABLE],
            events_queue_url=by_id.get(EVENTS_QUEUE),
            dead_letter_queue_url=by_id.get(DEAD_LETTER_QUEUE),
            push_key_secret=by_id.get(PUSH_KEY_SECRET),
            alarms=tuple(sorted(r["PhysicalResourceId"] for r in found
                                if r["ResourceType"] == ALARM_TYPE)))

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
        attrs = self.client("sqs").get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages",
                                          "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
        depth = int(attrs.get("ApproximateNumberOfMessages", 0))
        oldest = None
        if peek and depth:
            sent = [m.sent_at for m in self.dead_letters(PEEK_LIMIT) if m.sent_at]
            if sent:
                first = min(datetime.fromisoformat(s) for s in sent)
                oldest = int((self.clock.now() - first).total_seconds())
        elif depth:
            oldest = self._oldest_age(url)
        return {"depth": depth, "in_flight": int(attrs.get(
            "ApproximateNumberOfMessagesNotVisible", 0)), "oldest_age_seconds": oldest}

    def _oldest_age(self, url: str) -> int | None:
        name = url.rstrip("/").rsplit("/", 1)[-1]
        now = self.clock.now()
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
            self.client("sqs").send_message(QueueUrl=target,
                                            MessageBody=json.dumps(encode(message)))
        state.clear_pending()
        return len(records)

    # --- alarms and keys -----------------------------------------------------------

    def alarms(self) -> list[dict[str, str]]:
        """Each alarm of the stack: name, state (``OK``, ``ALARM``, ``INSUFFICIENT_DATA``)."""
        cloudwatch = self.client("cloudwatch")
        found = []
        if self.resources.alarms:
            found += cloudwatch.describe_alarms(
                AlarmNames=list(self.resources.alarms)).get("MetricAlarms", [])
        # alarms CloudFormation named itself start "<stack>-" (also where the stack's
        # resource list leaves them out)
        found += cloudwatch.describe_alarms(
            AlarmNamePrefix=f"{self.stack}-").get("MetricAlarms", [])
        unique = {a["AlarmName"]: a for a in found}
        return [{"name": a["AlarmName"], "state": a["StateValue"],
                 "reason": a.get("StateReason", "")} for _, a in sorted(unique.items())]

    def push_key(self) -> dict[str, str | None] | None:
        """The warehouse push key's last rotation and next rotation (never its value)."""
        if self.resources.push_key_secret is None:
            return None
        info = self.client("secretsmanager").describe_secret(
            SecretId=self.resources.push_key_secret)
        last = info.get("LastRotatedDate") or info.get("CreatedDate")
        return {"last_rotated": _iso(last), "next_rotation": _iso(info.get("NextRotationDate")),
                "age_days": (self.clock.now() - last).days if last else None}


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


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def _aws_words(exc: Any) -> str:
    error = exc.response.get("Error", {})
    return f"{error.get('Code', 'error')}: {error.get('Message', '')}".strip(": ")


def open_service(settings: Settings, clock: Clock, *, session: Any = None) -> DeployedService:
    """The deployed service ``settings`` names (a :class:`ConfigError` without a stack)."""
    return DeployedService(settings, clock, session=session)
