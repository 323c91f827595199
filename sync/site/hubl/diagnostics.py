"""Warnings a render records and carries on from, as Jinjava does, each naming template:line.

Jinjava (HubSpot's renderer) does not stop a page for an undefined variable,
an unknown property or a method called on ``null``: it records a
``TemplateError`` of severity ``WARNING`` and prints nothing. Only fatal
errors (syntax, unknown functions and filters, missing templates or modules)
make HubSpot refuse a template. This renderer does the same; the warnings of
each page are kept so a build can say where output is empty, never silently.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from types import FrameType

from sync.site.hubl.page import current_page_or_none


@dataclass(frozen=True)
class HublWarning:
    """Something HubSpot would render on from, at ``template:line``."""

    template: str
    line: int
    message: str

    @property
    def where(self) -> str:
        return f"{self.template}:{self.line}" if self.line else self.template

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def template_position(frame: FrameType | None = None) -> tuple[str, int]:
    """The innermost template (name, line) on the Python stack, or ``("", 0)``.

    Compiled Jinja code runs with the template in its globals
    (``__jinja_template__``), whose debug info maps Python lines back to
    template lines.
    """
    frame = frame or sys._getframe(1)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None and frame.f_code.co_filename == template.filename:
            return str(template.name or ""), template.get_corresponding_lineno(frame.f_lineno)
        frame = frame.f_back
    return "", 0


def warn(message: str) -> None:
    """Record a warning for the page being rendered, at the template line running now.

    Outside a page render (a bare ``Template.render``) there is nobody to tell,
    so nothing is recorded.
    """
    page = current_page_or_none()
    if page is None:
        return
    template, line = template_position(sys._getframe(1))
    page.add_warning(HublWarning(template, line, message))


def note_placeholder(kind: str) -> None:
    """Record that the page used a stand-in for data only HubSpot hosts (``menu()`` …)."""
    page = current_page_or_none()
    if page is not None:
        page.placeholders.append(kind)
