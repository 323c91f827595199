"""``hubshop catalog rollback`` and ``hubshop theme rollback``: back to the previous release."""

from __future__ import annotations

import click

from sync.cli.context import AppContext, pass_app
from sync.cli.options import dry_run_option, emit_json, json_option


@click.command("rollback")
@click.option("--target", type=click.Choice(["hubdb", "local"]),
              help="Where the table lives (default: hubdb with HubSpot credentials, else local).")
@click.option("--table", help="HubDB table name (default: [catalog] table, 'products').")
@dry_run_option
@json_option
@pass_app
def catalog_rollback(app: AppContext, target: str | None, table: str | None, dry_run: bool,
                     as_json: bool) -> None:
    """Restore the rows of the table's previous published version, and publish them.

    Each publish by `hubshop catalog sync` keeps the rows it replaced; this puts
    them back (rows updated in place, so page ids stay). The rollback's own
    publish keeps what it replaced, so running it again goes forward again.

    \b
    Example:
      hubshop catalog rollback --dry-run
    """
    from sync.jobs.catalog_history import rollback_catalog

    settings = app.settings()
    if not as_json:
        app.announce(settings)
    plan = rollback_catalog(settings, target=target, table=table, dry_run=dry_run,
                            clock=app.clock)
    if as_json:
        emit_json(plan.as_dict())
        return
    verb = "Would restore" if dry_run else "Restored"
    click.echo(f"{verb} table {plan.table} to its version before {plan.taken_at}: "
               f"{len(plan.create)} created, {len(plan.update)} updated, {len(plan.purge)} "
               f"deleted, {plan.unchanged} unchanged" + ("; published." if plan.published
                                                          else "."))


@click.command("rollback")
@click.option("--env", "environment", type=click.Choice(["draft", "published"]),
              default="draft", show_default=True, help="Design manager environment.")
@dry_run_option
@json_option
@pass_app
def theme_rollback(app: AppContext, environment: str, dry_run: bool, as_json: bool) -> None:
    """Re-upload the theme as it was before the last `theme upload` to this environment.

    Every upload that changes files keeps the manifest it replaced and a copy
    of each file it sent; this re-uploads the previous release's files that
    differ and deletes files it did not have. Running it again goes forward.

    \b
    Example:
      hubshop theme rollback --env published --dry-run
    """
    from sync.jobs.inventory import open_state
    from sync.jobs.theme import rollback_theme

    settings = app.settings()
    if not settings.hubspot.configured:
        from sync.cli.errors import CliFailure

        missing = ", ".join(settings.hubspot.missing())
        raise CliFailure(f"HubSpot is not configured: set {missing}", kind="config",
                         hint=f"set {missing} (README: 'Configuration for real services')")
    app.announce(settings)
    report = rollback_theme(settings, environment=environment, dry_run=dry_run,
                            clock=app.clock, state=open_state(app.connection()))
    if as_json:
        emit_json(report.as_dict())
        return
    verb = ("Would re-upload", "would delete") if dry_run else ("Re-uploaded", "deleted")
    click.echo(f"{verb[0]} {len(report.uploaded)} file(s) of the previous release to "
               f"{environment}, {verb[1]} {len(report.deleted)}.")
    for path in report.uploaded:
        click.echo(f"  + {path}")
    for path in report.deleted:
        click.echo(f"  - {path}")
