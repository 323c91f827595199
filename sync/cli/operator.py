"""The operator's commands in one list, so the root group registers them with one line."""

from __future__ import annotations

import click


def register_operator_commands(group: click.Group) -> None:
    """Add ``payouts``, ``doctor``, ``console`` and ``deploy`` to ``group``."""
    from sync.cli.console import console
    from sync.cli.doctor import doctor
    from sync.cli.payouts import payouts

    for command in (console, doctor, payouts):
        group.add_command(command)
