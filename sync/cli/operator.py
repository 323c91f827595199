"""The operator's commands in one list, so the root group registers them with one line."""

from __future__ import annotations

import click


def register_operator_commands(group: click.Group) -> None:
    """Add ``payouts``, ``doctor``, ``console`` and ``deploy``, and the two rollbacks."""
    from sync.cli.console import console
    from sync.cli.deploy import deploy
    from sync.cli.doctor import doctor
    from sync.cli.payouts import payouts
    from sync.cli.rollback import catalog_rollback, theme_rollback

    for command in (console, deploy, doctor, payouts):
        group.add_command(command)
    subgroups = group.commands
    for parent, command in (("catalog", catalog_rollback), ("theme", theme_rollback)):
        target = subgroups.get(parent)
        if isinstance(target, click.Group):
            target.add_command(command)
