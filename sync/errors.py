"""Errors hubshop raises on purpose; the CLI turns them into one clear message.

Every error that comes from bad input names its place (file:line:column, SKU,
table/row/column) so the person can fix it without a debugger.
"""

from __future__ import annotations


class HubshopError(Exception):
    """Base of every error hubshop raises deliberately."""


class ConfigError(HubshopError):
    """A setting is missing or wrong; the message names the key and where it came from."""


class InputError(HubshopError):
    """Bad input data; ``where`` is ``file:line:column``, a SKU or a table/row/column."""

    def __init__(self, where: str, problem: str, fix: str = "") -> None:
        self.where = where
        self.problem = problem
        self.fix = fix
        text = f"{where}: {problem}"
        if fix:
            text += f" ({fix})"
        super().__init__(text)


class InputErrors(HubshopError):
    """Several input errors found in one pass, so the person can fix them all at once."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        lines = "\n".join(f"  {e}" for e in errors[:50])
        more = f"\n  … and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{len(errors)} problem(s) in the input:\n{lines}{more}")


class RemoteError(HubshopError):
    """A service answered with an error that retrying will not fix."""


class Unreachable(RemoteError):
    """Nothing answered (DNS, refused, timed out): the network or the address, not the
    credentials, is what to check; ``fix`` says where, for the service that failed."""

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.fix = fix
