"""What a deployed hubshop stack looks like from outside: status, outputs, queues, schedules.

Read through boto3 (CloudFormation, SQS, EventBridge Scheduler). Errors become
:class:`~sync.errors.ConfigError` or :class:`~sync.errors.RemoteError` naming the
stack and region, never a botocore traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sync.errors import ConfigError, RemoteError

QUEUE_ID = "EventsQueue"
DEAD_LETTER_ID = "EventsDeadLetterQueue"
STATE_TABLE_ID = "StateTable"
SCHEDULE_TYPE = "AWS::Scheduler::Schedule"


@dataclass
class Queue:
    url: str
    visible: int
    in_flight: int


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


def read_stack(name: str, *, session: Any = None, region: str | None = None) -> StackFacts:
    """Describe stack ``name``: status, outputs, queue depths and its schedules' states.

    Raises:
        ConfigError: no AWS credentials or region, or no such stack.
        RemoteError: AWS unreachable or refusing (permission) — named with the call.
    """
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError

    session = session or boto3.session.Session(region_name=region)
    try:
        cloudformation = session.client("cloudformation")
        where = cloudformation.meta.region_name
        try:
            stack = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
        except ClientError as exc:
            if "does not exist" in str(exc):
                raise ConfigError(f"no stack named {name!r} in {where}") from None
            raise
        facts = StackFacts(name=name, region=where, status=stack["StackStatus"],
                           outputs={o["OutputKey"]: o["OutputValue"]
                                    for o in stack.get("Outputs") or []})
        schedules: list[str] = []
        paginator = cloudformation.get_paginator("list_stack_resources")
        for page in paginator.paginate(StackName=name):
            for resource in page["StackResourceSummaries"]:
                physical = resource.get("PhysicalResourceId") or ""
                facts.resources[resource["LogicalResourceId"]] = physical
                if resource["ResourceType"] == SCHEDULE_TYPE and physical:
                    schedules.append(physical)
        sqs = session.client("sqs")
        facts.queue = _queue(sqs, facts.resources.get(QUEUE_ID))
        facts.dead_letters = _queue(sqs, facts.outputs.get("DeadLetterQueueUrl")
                                    or facts.resources.get(DEAD_LETTER_ID))
        facts.schedules = _schedules(session.client("scheduler"), name, schedules)
        return facts
    except (NoCredentialsError, NoRegionError) as exc:
        raise ConfigError(f"AWS: {exc}") from None
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise RemoteError(f"AWS {exc.operation_name} on stack {name!r}: "
                          f"{error.get('Code')}: {error.get('Message')}") from None
    except BotoCoreError as exc:
        raise RemoteError(f"AWS unreachable for stack {name!r}: {exc}") from None


def _queue(sqs: Any, url: str | None) -> Queue | None:
    if not url:
        return None
    attributes = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return Queue(url, int(attributes.get("ApproximateNumberOfMessages", 0)),
                 int(attributes.get("ApproximateNumberOfMessagesNotVisible", 0)))


def _schedules(scheduler: Any, stack: str, names: list[str]) -> dict[str, str]:
    """``{name: ENABLED|DISABLED}``: the stack's schedule resources, else those named after it."""
    found: dict[str, str] = {}
    for name in names:
        found[name] = scheduler.get_schedule(Name=name.split("|")[-1])["State"]
    if not found:
        token = None
        while True:
            page = scheduler.list_schedules(NamePrefix=stack, **({"NextToken": token}
                                                                 if token else {}))
            found.update({s["Name"]: s["State"] for s in page["Schedules"]})
            token = page.get("NextToken")
            if not token:
                break
    return found
