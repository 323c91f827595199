"""The HubL tag registry: each tag's handler, whether it has a body, whether it is a placeholder.

Handlers live beside the feature they render (``dnd.py``, ``module_tags.py``,
``placeholders.py``, ``field_tags.py``) and register here with :func:`tag`.
``placeholder`` marks tags whose data only HubSpot hosts (forms, blog posts,
memberships): they render real-looking markup carrying
``data-hubshop-placeholder``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sync.site.hubl.page import PageState, current_page

if TYPE_CHECKING:
    from sync.site.hubl.environment import HublEnvironment


@dataclass
class TagCall:
    """One use of a tag: its arguments, where it is, and its body (block tags)."""

    name: str
    args: list[Any]
    params: dict[str, Any]
    template: str
    line: int
    body: Callable[[], str] | None
    hubl: HublEnvironment
    context: Any = None

    def variable(self, name: str, default: Any = None) -> Any:
        """A variable of the template where the tag is (``module`` inside module.html)."""
        if self.context is None:
            return default
        value = self.context.get(name, default)
        return default if value is None else value

    @property
    def page(self) -> PageState:
        return current_page()

    def render_body(self) -> str:
        return str(self.body()) if self.body else ""

    def arg(self, index: int = 0, default: Any = None) -> Any:
        """The positional argument at ``index`` (HubL's unique element name is the first)."""
        return self.args[index] if len(self.args) > index else default

    def get(self, key: str, default: Any = None) -> Any:
        value = self.params.get(key, default)
        return default if value is None else value


@dataclass(frozen=True)
class TagSpec:
    """How a tag is rendered."""

    handler: Callable[[TagCall], str]
    block: bool = False
    placeholder: bool = False


TAGS: dict[str, TagSpec] = {}


def tag(*names: str, block: bool = False, placeholder: bool = False,
        ) -> Callable[[Callable[[TagCall], str]], Callable[[TagCall], str]]:
    """Register a handler for one or more tag names."""

    def register(handler: Callable[[TagCall], str]) -> Callable[[TagCall], str]:
        for name in names:
            TAGS[name] = TagSpec(handler, block=block, placeholder=placeholder)
        return handler

    return register
