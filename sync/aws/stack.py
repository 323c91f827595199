"""The one reader of a deployed hubshop stack: status, outputs, resources, queues, schedules,
alarms and secrets.

``hubshop doctor`` and ``hubshop deploy`` (:func:`read_stack`) and the deployed
service's commands (:class:`sync.jobs.stack.DeployedService`) all read a stack
through :class:`StackReader`, so every AWS error reads the same way: a
:class:`~sync.errors.ConfigError` (no such stack, no credentials or region) or a
:class:`~sync.errors.RemoteError` (refused, unreachable), each naming the stack
and the region, never a botocore traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sync.errors import ConfigError, RemoteError, Unreachable

# logical ids in template.yaml
STATE_TABLE_ID = "StateTable"
QUEUE_ID = "EventsQueue"
DEAD_LETTER_ID = "EventsDeadLetterQueue"
SHOPIFY_SECRET_ID = "ShopifySecret"  # noqa: S105 - a logical id, not a secret
SCHEDULE_TYPE = "AWS::Scheduler::Schedule"
ALARM_TYPE = "AWS::CloudWatch::Alarm"
SECRET_TYPE = "AWS::SecretsManager::Secret"  # noqa: S105 - a resource type, not a secret
# CloudFormation tags every resource it makes with these
STACK_TAG, LOGICAL_ID_TAG = "aws:cloudformation:stack-name", "aws:cloudformation:logical-id"
CURRENT = "AWSCURRENT"
REFUSED_CREDENTIALS = frozenset({"ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId",
                                 "UnrecognizedClientException", "SignatureDoesNotMatch",
                                 "InvalidSignatureException"})
CHECK_STACK = ("check the stack name (--stack / HUBSHOP_STACK), the region ([service] region, "
               "AWS_REGION or AWS_DEFAULT_REGION) and the AWS credentials")
UNREACHABLE_FIX = ("AWS did not answer: check the network or proxy, and the endpoint "
                   "(the region's name, or AWS_ENDPOINT_URL if set)")


class StackUnavailable(RemoteError):
    """The stack cannot be read, or lacks a resource the command needs."""


@dataclass
class Queue:
    """An SQS queue's depth: messages waiting and in flight."""

    url: str
    visible: int
    in_flight: int


@dataclass(frozen=True)
class SecretRotation:
    """One secret's dates (never its value): its current version's, and its rotation's."""

    secret_id: str
    since: datetime | None  # when the current version was put
    last_rotated: datetime | None
    next_rotation: datetime | None
    rotation_days: int | None  # None: Secrets Manager does not rotate it


@dataclass
class StackFacts:
    """Everything the doctor checks about a stack, read in a handful of calls."""

    name: str
    region: str
    status: str
    outputs: dict[str, str] = field(default_factory=dict)
    resources: dict[str, str] = field(default_factory=dict)
    queue: Queue | None = None
    dead_letters: Queue | None = None
    schedules: dict[str, str] = field(default_factory=dict)
    alarms: list[dict[str, str]] = field(default_factory=list)
    shopify_secret: str | None = None  # its ARN (None: the stack has none)
    shopify_secret_fields: frozenset[str] | None = None  # filled-in fields (None: unread)
    shopify_secret_error: str | None = None  # why the fields could not be read


class StackReader:
    """One stack, read through boto3 clients made once; each answer read at most once."""

    def __init__(self, name: str, *, session: Any = None, region: str | None = None) -> None:
        if session is None:
            import boto3

            session = boto3.session.Session(region_name=region)
        self.name, self.session = name, session
        self._clients: dict[str, Any] = {}
        self._described: dict[str, Any] | None = None
        self._resources: list[dict[str, str]] | None = None

    @property
    def region(self) -> str:
        return str(self.session.region_name or "no region")

    def client(self, service: str) -> Any:
        """The boto3 client for ``service``, made on first use."""
        if service not in self._clients:
            with self.guard():
                self._clients[service] = self.session.client(service)
        return self._clients[service]

    @contextmanager
    def guard(self) -> Iterator[None]:
        """AWS errors inside become ConfigError/RemoteError naming the stack and region."""
        from botocore.exceptions import (
            BotoCoreError,
            ClientError,
            NoCredentialsError,
            NoRegionError,
        )
        from botocore.exceptions import ConnectionError as BotoCoreConnectionError

        where = f"stack {self.name!r} in {self.region}"
        try:
            yield
        except (NoCredentialsError, NoRegionError) as exc:
            raise ConfigError(f"{where}: AWS: {exc} ({CHECK_STACK})") from None
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code, message = error.get("Code", "error"), error.get("Message", "")
            if code == "ValidationError" and "does not exist" in message:
                raise ConfigError(f"no stack named {self.name!r} in {self.region} "
                                  f"({CHECK_STACK})") from None
            if code in REFUSED_CREDENTIALS:
                raise ConfigError(f"{where}: AWS refused the credentials ({code}): renew them "
                                  "(aws sso login, or fresh AWS_ACCESS_KEY_ID / "
                                  "AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN)") from None
            raise RemoteError(f"{where}: AWS {exc.operation_name}: {code}: {message} "
                              f"({CHECK_STACK})") from None
        except BotoCoreConnectionError as exc:
            raise Unreachable(f"{where}: AWS unreachable: {exc} ({UNREACHABLE_FIX})",
                              UNREACHABLE_FIX) from None
        except BotoCoreError as exc:
            raise RemoteError(f"{where}: AWS: {exc} ({CHECK_STACK})") from None

    # --- the stack itself ----------------------------------------------------------

    def describe(self) -> dict[str, Any]:
        """``DescribeStacks``' answer for the stack (status, outputs)."""
        if self._described is None:
            with self.guard():
                self._described = self.client("cloudformation").describe_stacks(
                    StackName=self.name)["Stacks"][0]
        return self._described

    @property
    def status(self) -> str:
        return str(self.describe()["StackStatus"])

    def outputs(self) -> dict[str, str]:
        return {o["OutputKey"]: o["OutputValue"] for o in self.describe().get("Outputs") or []}

    def resources(self) -> list[dict[str, str]]:
        """Each resource: ``LogicalResourceId``, ``PhysicalResourceId``, ``ResourceType``."""
        if self._resources is None:
            with self.guard():
                pages = self.client("cloudformation").get_paginator("list_stack_resources")
                self._resources = [r for page in pages.paginate(StackName=self.name)
                                   for r in page["StackResourceSummaries"]]
        return self._resources

    def physical_ids(self) -> dict[str, str]:
        """``{logical id: physical id}`` of the resources made so far."""
        return {r["LogicalResourceId"]: r.get("PhysicalResourceId") or ""
                for r in self.resources() if r.get("LogicalResourceId")}

    def of_type(self, resource_type: str) -> list[str]:
        return sorted(r["PhysicalResourceId"] for r in self.resources()
                      if r.get("ResourceType") == resource_type and r.get("PhysicalResourceId"))

    # --- what it runs ------------------------------------------------------------

    def queue(self, url: str | None) -> Queue | None:
        """The queue's depth and in-flight count (None: no such queue)."""
        if not url:
            return None
        with self.guard():
            attributes = self.client("sqs").get_queue_attributes(
                QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages",
                                              "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
        return Queue(url, int(attributes.get("ApproximateNumberOfMessages", 0)),
                     int(attributes.get("ApproximateNumberOfMessagesNotVisible", 0)))

    def schedules(self) -> dict[str, str]:
        """``{name: ENABLED|DISABLED}``: the stack's schedules, else those named after it."""
        scheduler = self.client("scheduler")
        found: dict[str, str] = {}
        with self.guard():
            for name in self.of_type(SCHEDULE_TYPE):
                found[name] = scheduler.get_schedule(Name=name.split("|")[-1])["State"]
            if not found:
                found = {s["Name"]: s["State"] for s in _token_pages(
                    scheduler.list_schedules, "Schedules", NamePrefix=self.name)}
        return found

    def alarms(self) -> list[dict[str, str]]:
        """Each alarm of the stack: name, state (``OK``, ``ALARM``, ``INSUFFICIENT_DATA``), reason.

        The stack's alarm resources, and the alarms CloudFormation named itself
        ``<stack>-…`` (also where the resource list leaves them out).
        """
        cloudwatch = self.client("cloudwatch")
        found = []
        with self.guard():
            named = self.of_type(ALARM_TYPE)
            if named:
                found += cloudwatch.describe_alarms(AlarmNames=named).get("MetricAlarms", [])
            found += cloudwatch.describe_alarms(
                AlarmNamePrefix=f"{self.name}-").get("MetricAlarms", [])
        unique = {a["AlarmName"]: a for a in found}
        return [{"name": a["AlarmName"], "state": a["StateValue"],
                 "reason": a.get("StateReason", "")} for _, a in sorted(unique.items())]

    def secrets(self) -> dict[str, str]:
        """``{logical id: secret id}``: the stack's secrets.

        From its resource list, and the secrets tagged with the stack's name
        (CloudFormation tags what it makes; the tags find them where the list
        does not).
        """
        found = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in self.resources()
                 if r.get("ResourceType") == SECRET_TYPE and r.get("PhysicalResourceId")}
        tagged = [{"Key": "tag-key", "Values": [STACK_TAG]},
                  {"Key": "tag-value", "Values": [self.name]}]
        with self.guard():
            for secret in _token_pages(self.client("secretsmanager").list_secrets,
                                       "SecretList", Filters=tagged):
                tags = {t["Key"]: t["Value"] for t in secret.get("Tags") or []}
                if tags.get(STACK_TAG) == self.name and LOGICAL_ID_TAG in tags:
                    found.setdefault(tags[LOGICAL_ID_TAG], secret["ARN"])
        return found

    def secret_fields(self, secret_id: str) -> frozenset[str]:
        """The names of a JSON secret's filled-in fields; the values are dropped unread
        (what the doctor needs to know is which keys the functions will find)."""
        import json

        with self.guard():
            text = self.client("secretsmanager").get_secret_value(
                SecretId=secret_id).get("SecretString") or ""
        try:
            data = json.loads(text)
        except ValueError:
            return frozenset()
        return frozenset(k for k, v in data.items() if v) if isinstance(data, dict) \
            else frozenset()

    def rotation(self, secret_id: str) -> SecretRotation:
        """The secret's dates and rotation rule, read without its value."""
        manager = self.client("secretsmanager")
        with self.guard():
            info = manager.describe_secret(SecretId=secret_id)
            # the current version's date: the age sync.service.key_ages alarms on
            since = next((v["CreatedDate"] for v in _token_pages(
                manager.list_secret_version_ids, "Versions", SecretId=secret_id, MaxResults=100)
                if CURRENT in v.get("VersionStages", [])), None)
        enabled = bool(info.get("RotationEnabled"))
        days = (info.get("RotationRules") or {}).get("AutomaticallyAfterDays")
        return SecretRotation(
            secret_id=secret_id, since=_utc(since or info.get("CreatedDate")),
            last_rotated=_utc(info.get("LastRotatedDate")),
            next_rotation=_utc(info.get("NextRotationDate")) if enabled else None,
            rotation_days=int(days) if enabled and days else None)


def _token_pages(call: Any, key: str, **kwargs: Any) -> Iterator[dict[str, Any]]:
    """Every item under ``key`` of every page of a ``NextToken``-paged call."""
    token = None
    while True:
        page = call(**kwargs, **({"NextToken": token} if token else {}))
        yield from page.get(key) or []
        token = page.get("NextToken")
        if not token:
            return


def _utc(moment: Any) -> datetime | None:
    if isinstance(moment, int | float):
        return datetime.fromtimestamp(moment, UTC)
    return moment.astimezone(UTC) if isinstance(moment, datetime) else None


def read_stack(name: str, *, session: Any = None, region: str | None = None) -> StackFacts:
    """Describe stack ``name``: status, outputs, queue depths, schedules' and alarms' states.

    Raises:
        ConfigError: no AWS credentials or region, or no such stack.
        RemoteError: AWS unreachable or refusing (permission) — named with the call.
    """
    stack = StackReader(name, session=session, region=region)
    outputs, resources = stack.outputs(), stack.physical_ids()
    facts = StackFacts(
        name=name, region=stack.region, status=stack.status, outputs=outputs,
        resources=resources, queue=stack.queue(resources.get(QUEUE_ID)),
        dead_letters=stack.queue(outputs.get("DeadLetterQueueUrl")
                                 or resources.get(DEAD_LETTER_ID)),
        schedules=stack.schedules(), alarms=stack.alarms())
    facts.shopify_secret = stack.secrets().get(SHOPIFY_SECRET_ID)
    if facts.shopify_secret:
        try:  # the operator may list the stack yet not read its secrets: a finding, not a stop
            facts.shopify_secret_fields = stack.secret_fields(facts.shopify_secret)
        except (ConfigError, RemoteError) as exc:
            facts.shopify_secret_error = str(exc)
    return facts
