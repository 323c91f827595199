"""``hubshop inventory dead-letters list|retry``: the deployed service's failed events."""

from __future__ import annotations

from dataclasses import asdict

import click

from sync.cli.context import AppContext, pass_app
from sync.cli.options import dry_run_option, emit_json, json_option

LOCAL_NOTE = ("The embedded default has no dead-letter queue (a failed local run reports its "
              "error at once); set --stack or HUBSHOP_STACK for the deployed service's.")


@click.group("dead-letters")
def dead_letters() -> None:
    """Events the deployed service failed five times, waiting in its dead-letter queue.

    \b
    Example:
      hubshop --stack hubshop-prod inventory dead-letters list
      hubshop --stack hubshop-prod inventory dead-letters retry --dry-run
    """


def _service(app: AppContext):  # type: ignore[no-untyped-def]
    settings = app.settings()
    if not settings.service.stack:
        return None
    from sync.jobs.stack import open_service

    return open_service(settings, app.clock)


@dead_letters.command("list")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True,
              help="At most this many messages.")
@json_option
@pass_app
def list_command(app: AppContext, limit: int, as_json: bool) -> None:
    """Show each dead letter: id, kind, when it was first sent, how often it was tried.

    \b
    Example:
      hubshop --stack hubshop-prod inventory dead-letters list --json
    """
    service = _service(app)
    letters = service.dead_letters(limit) if service else []
    where = f"stack {service.stack}" if service else "local store"
    if as_json:
        emit_json({"where": where, "count": len(letters),
                   "dead_letters": [asdict(m) for m in letters]})
        return
    if service is None:
        click.echo(LOCAL_NOTE)
        return
    click.echo(f"{len(letters)} dead letter(s) in {where}.")
    for m in letters:
        click.echo(f"  {m.message_id}  {m.kind:<10} sent {m.sent_at}  tried {m.receive_count}x")


@dead_letters.command("retry")
@dry_run_option
@json_option
@pass_app
def retry_command(app: AppContext, dry_run: bool, as_json: bool) -> None:
    """Move every dead letter back to the events queue, so the consumer tries it again.

    \b
    Example:
      hubshop --stack hubshop-prod inventory dead-letters retry
    """
    service = _service(app)
    moved = service.retry_dead_letters(dry_run=dry_run) if service else 0
    if as_json:
        emit_json({"where": f"stack {service.stack}" if service else "local store",
                   "retried": moved, "dry_run": dry_run})
        return
    if service is None:
        click.echo(LOCAL_NOTE)
        return
    click.echo(f"{'Would move' if dry_run else 'Moved'} {moved} dead letter(s) back to the "
               "events queue.")
