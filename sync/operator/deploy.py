"""``hubshop deploy``'s plan and report: theme, products table, the AWS stack, webhooks.

Each step says what it did, would do (``--dry-run``), skipped (and why) or left
for the person (with the exact command), so one run shows everything between
this checkout and a working shop. The steps themselves are wired in
``sync/jobs/deploy.py``; this module holds the pieces that need no I/O.
"""

from __future__ import annotations

import shlex
from dataclasses import asdict, dataclass, field
from typing import Any

from sync.config import Settings

DONE = "done"
WOULD = "would"
SKIPPED = "skipped"
LEFT = "left"
FAILED = "failed"
CAPABILITIES = ("CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND")


@dataclass
class Step:
    """One deploy step: its outcome, a sentence, and commands left for the person to run."""

    name: str
    status: str
    detail: str
    commands: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class DeployReport:
    """Every step in order; ``ok`` is False when a step failed."""

    dry_run: bool
    stack: str
    steps: list[Step] = field(default_factory=list)
    app_url: str | None = None  # the stack's ConsoleUrl: the app's URL in its settings

    @property
    def ok(self) -> bool:
        return not any(s.status == FAILED for s in self.steps)

    def as_dict(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "stack": self.stack, "ok": self.ok,
                "steps": [asdict(s) for s in self.steps],
                "left": [c for s in self.steps if s.status == LEFT for c in s.commands],
                "app_url": self.app_url}

    def lines(self) -> list[str]:
        marks = {DONE: "done", WOULD: "would", SKIPPED: "skip", LEFT: "left", FAILED: "FAIL"}
        out = []
        for step in self.steps:
            out.append(f"{marks.get(step.status, step.status):<5} {step.name}: {step.detail}")
            out += [f"        $ {c}" for c in step.commands]
        if self.app_url:  # information, not a step: it is set once in the Dev Dashboard
            out.append(f"App URL (the app's settings in the Dev Dashboard, embedded): "
                       f"{self.app_url}")
        left = [s for s in self.steps if s.status in (LEFT, FAILED)]
        if self.dry_run:
            out.append("Dry run: nothing was changed.")
        out.append("Nothing left to do." if not left else
                   f"Left to do: {len(left)} step(s) above ({', '.join(s.name for s in left)}).")
        return out


def sam_parameters(settings: Settings) -> dict[str, str]:
    """The template's parameters from hubshop's settings (only those hubshop knows)."""
    params: dict[str, str] = {}
    if settings.shopify.store:
        params["ShopDomain"] = settings.shopify.store
    params["StoreTimeZone"] = settings.inventory.timezone
    params["PollMinutes"] = str(settings.inventory.poll_minutes)
    warehouse = settings.warehouse
    if warehouse.kind == "rest" and warehouse.url:
        params["WarehouseUrl"] = warehouse.url
    if warehouse.kind == "csv" and (warehouse.feed or "").startswith("s3://"):
        params["WarehouseFeed"] = str(warehouse.feed)
        params["WarehouseFeedBucket"] = str(warehouse.feed)[5:].split("/", 1)[0]
    return params


def sam_commands(stack: str, params: dict[str, str],
                 region: str | None = None) -> list[list[str]]:
    """``scripts/build_lambda.sh all --install`` and a non-interactive ``sam deploy``.

    No ``sam build``: it would rebuild the packages and strip the 3.12 bytecode the
    build script compiles (the template's CodeUri points at the built folders).
    """
    overrides = [f"{k}={v}" for k, v in sorted(params.items())]
    where = ["--region", region] if region else []
    return [
        ["scripts/build_lambda.sh", "all", "--install"],
        ["sam", "deploy", "--stack-name", stack, *where, "--resolve-s3", "--capabilities",
         *CAPABILITIES, "--no-confirm-changeset", "--no-fail-on-empty-changeset",
         "--parameter-overrides", *overrides],
    ]


def shell(command: list[str]) -> str:
    """A command as the person would type it."""
    return " ".join(shlex.quote(part) for part in command)
