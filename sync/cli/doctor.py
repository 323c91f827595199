"""``hubshop doctor``: every setting, credential and scope each feature needs, one line each."""

from __future__ import annotations

import click

from sync import env_names as E
from sync.cli.context import AppContext, pass_app
from sync.cli.options import finish, json_option


@click.command("doctor")
@click.option("--stack", envvar=E.HUBSHOP_STACK, metavar="NAME",
              help=f"Also check this deployed CloudFormation stack (env {E.HUBSHOP_STACK}).")
@json_option
@pass_app
def doctor(app: AppContext, stack: str | None, as_json: bool) -> None:
    """Check settings, credentials and scopes for every feature; exit 1 if any check fails.

    Shopify: the token, and the app's access scopes against each feature's.
    HubSpot: the token, its portal, the hubdb and content scopes, the products
    table present and published. Warehouse: reachable, key accepted. AWS (with
    --stack): stack status and outputs, events queue, dead letters, schedules.
    Services that are not configured are named as info lines, not failures.

    \b
    Example:
      hubshop doctor
      hubshop doctor --stack hubshop --json
    """
    from sync.errors import HubshopError
    from sync.jobs.doctor import doctor_probes
    from sync.operator.doctor import FAIL, Check, DoctorReport, run_probes

    try:
        settings = app.settings()
    except HubshopError as exc:
        report = DoctorReport([Check("settings", "load", FAIL, str(exc),
                                     "fix the key named above (README: 'Configuration')")])
    else:
        stack = stack or settings.service.stack  # the root --stack / [service] stack
        report = run_probes(doctor_probes(settings, stack=stack, clock=app.clock))
    finish(report, as_json)
