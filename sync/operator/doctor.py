"""``hubshop doctor``'s engine: run named probes, one line per check, each failure with its fix.

A probe is a function returning checks; the wiring (``sync/jobs/doctor.py``)
builds probes over real adapters or the embedded default. Whatever a probe
raises becomes one failed check with a redacted message, never a traceback,
so one broken service never hides the state of the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from sync.errors import HubshopError
from sync.plumbing.redact import redact

OK = "ok"
FAIL = "fail"
INFO = "info"
MARKS = {OK: "ok  ", FAIL: "FAIL", INFO: "info"}


@dataclass(frozen=True)
class Check:
    """One line of the doctor's answer; ``fix`` says what to do when ``status`` is ``fail``."""

    area: str
    name: str
    status: str
    detail: str
    fix: str = ""


@dataclass(frozen=True)
class Probe:
    """A named group of checks; ``fix`` is the advice when the probe itself raises."""

    area: str
    name: str
    run: Callable[[], Iterable[Check]]
    fix: str = ""


@dataclass
class DoctorReport:
    """Every check, in the order run; the command exits non-zero when any failed."""

    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(c.status == FAIL for c in self.checks)

    def count(self, status: str) -> int:
        return sum(1 for c in self.checks if c.status == status)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "passed": self.count(OK), "failed": self.count(FAIL),
                "info": self.count(INFO), "checks": [asdict(c) for c in self.checks]}

    def lines(self) -> list[str]:
        out = []
        for check in self.checks:
            out.append(f"{MARKS.get(check.status, check.status)}  {check.area}: {check.name}"
                       f" — {check.detail}")
            if check.status == FAIL and check.fix:
                out.append(f"      fix: {check.fix}")
        verdict = "all checks passed" if self.ok else f"{self.count(FAIL)} check(s) failed"
        out.append(f"{verdict} ({self.count(OK)} ok, {self.count(FAIL)} failed, "
                   f"{self.count(INFO)} info)")
        return out


def run_probes(probes: Iterable[Probe]) -> DoctorReport:
    """Run every probe; an error in one becomes a failed check naming it, and the rest still run."""
    report = DoctorReport()
    for probe in probes:
        try:
            report.checks.extend(probe.run())
        except HubshopError as exc:
            fix = _unreachable_fix(probe.area, exc) if is_unreachable(exc) else probe.fix
            report.checks.append(Check(probe.area, probe.name, FAIL, redact(_one_line(exc)),
                                       fix))
        except Exception as exc:  # noqa: BLE001 - the doctor reports, it never crashes
            detail = f"{type(exc).__name__}: {redact(_one_line(exc))}"
            report.checks.append(Check(probe.area, probe.name, FAIL, detail, probe.fix))
    return report


UNREACHABLE_FIX = ("nothing answered: check the address, the network or proxy, and that the "
                   "service is up")
ADDRESS_SETTINGS = {"shopify": "SHOPIFY_STORE (and SHOPIFY_ADMIN_URL, if set)",
                    "hubspot": "HUBSPOT_API_BASE (default https://api.hubapi.com)",
                    "warehouse": "WAREHOUSE_URL"}


def is_unreachable(exc: HubshopError) -> bool:
    """The service never answered (so the probe's fix, about credentials, does not apply)."""
    from sync.errors import Unreachable
    from sync.plumbing.retry import BudgetExceeded, RetriesExhausted

    if isinstance(exc, Unreachable):
        return True
    if isinstance(exc, RetriesExhausted):
        return exc.last_reason.startswith("cannot reach")
    return isinstance(exc, BudgetExceeded) and exc.reason.startswith("cannot reach")


def _unreachable_fix(area: str, exc: HubshopError) -> str:
    """The fix for a service that never answered, naming only that service's settings."""
    fix = getattr(exc, "fix", "")
    if fix:
        return str(fix)
    if area in ADDRESS_SETTINGS:
        return (f"nothing answered: check {ADDRESS_SETTINGS[area]}, the network or proxy, "
                "and that the service is up")
    return UNREACHABLE_FIX


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:400]
