"""The one error the HubL renderer raises: what went wrong, at which template:line, and the fix."""

from __future__ import annotations

import types

from jinja2 import TemplateSyntaxError, UndefinedError
from jinja2.exceptions import TemplateNotFound

from sync.errors import InputError


class HublError(InputError):
    """A template could not be rendered; ``where`` is ``template:line``.

    Args:
        template: the template's path inside the theme (``templates/home.html``).
        line: 1-based line in that template, or 0 when no line is known.
        message: what is wrong, in HubSpot's vocabulary.
        fix: what to change so it renders.
    """

    def __init__(self, template: str, line: int, message: str, fix: str = "") -> None:
        self.template = template
        self.line = line
        self.message = message
        where = f"{template}:{line}" if line else template
        super().__init__(where, message, fix)


class HublProblem(Exception):  # noqa: N818 - an internal signal, not user-facing
    """Raised by tag, filter and function code that has no template position.

    The render boundary turns it into a :class:`HublError` with template:line
    taken from the Jinja frame that called the code.
    """

    def __init__(self, message: str, fix: str = "") -> None:
        self.message = message
        self.fix = fix
        super().__init__(message)


def to_hubl_error(exc: BaseException, filenames: dict[str, str], fallback: str) -> HublError:
    """Translate whatever a render raised into a :class:`HublError` naming template:line.

    Args:
        exc: the exception raised while compiling or rendering.
        filenames: absolute filename → theme-relative template name, for every
            template loaded so far.
        fallback: the template being rendered, used when no frame is known.
    """
    if isinstance(exc, HublError):
        return exc
    name, line = _frame_position(exc.__traceback__, filenames)
    name = name or fallback
    if isinstance(exc, TemplateSyntaxError):
        template = filenames.get(exc.filename or "", exc.name or name)
        return HublError(template, exc.lineno or 0, _syntax_message(exc.message or str(exc)),
                         _syntax_fix(exc.message or ""))
    if isinstance(exc, TemplateNotFound):
        return HublError(name, line, f"template or file not found: {exc.name}",
                         "check the path; relative paths start from the including template")
    if isinstance(exc, HublProblem):
        return HublError(name, line, exc.message, exc.fix)
    if isinstance(exc, UndefinedError):
        return HublError(name, line, _undefined_message(str(exc)),
                         "use a HubL function, filter or variable this renderer knows "
                         "(see `hubshop theme coverage`)")
    return HublError(name, line, f"{type(exc).__name__}: {exc}")


def _frame_position(tb: types.TracebackType | None, filenames: dict[str, str]) -> tuple[str, int]:
    where = ("", 0)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename in filenames:
            where = (filenames[filename], tb.tb_lineno)
        tb = tb.tb_next
    return where


def _syntax_message(message: str) -> str:
    if message.startswith("No filter named"):
        return "unknown filter: " + message.removeprefix("No filter named ").rstrip(".")
    if message.startswith("No test named"):
        return "unknown expression test: " + message.removeprefix("No test named ").rstrip(".")
    if _is_unknown_tag(message):
        inside = _innermost_block(message)
        return f"unknown tag: '{_unknown_tag(message)}'" + (
            f" (inside an open '{inside}' block)" if inside else "")
    if message.startswith("Encountered unknown tag") and "looking for" in message:
        return "syntax error: unclosed block: " + message.split(". ", 1)[1]
    return "syntax error: " + message


def _syntax_fix(message: str) -> str:
    if _is_unknown_tag(message):
        return "check the spelling against HubSpot's HubL reference (`hubshop theme coverage`)"
    if "looking for" in message:
        return "close the block the message names"
    if message.startswith(("No filter named", "No test named", "Encountered unknown tag")):
        return "check the spelling against HubSpot's HubL reference (`hubshop theme coverage`)"
    return "fix the HubL syntax at that line"


_STRUCTURAL = ("end", "else", "elif", "elseif", "pluralize")


def _unknown_tag(message: str) -> str:
    """The tag name in Jinja's "Encountered unknown tag 'x'" message."""
    return message.removeprefix("Encountered unknown tag ").split(".")[0].strip("'\"")


def _is_unknown_tag(message: str) -> bool:
    """True for a tag no extension knows; false for a misplaced end/else of a known block.

    Jinja reports both the same way when a block is open ("… looking for the
    following tags"); only the second is really an unclosed block.
    """
    if not message.startswith("Encountered unknown tag"):
        return False
    return "looking for" not in message or not _unknown_tag(message).startswith(_STRUCTURAL)


def _innermost_block(message: str) -> str:
    marker = "The innermost block that needs to be closed is "
    return message.split(marker, 1)[1].strip(" .'\"") if marker in message else ""


def _undefined_message(message: str) -> str:
    if message.endswith("is undefined"):
        return "unknown function or undefined value called: " + message.removesuffix(
            " is undefined")
    return message
