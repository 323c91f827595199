"""Jinja2 bent to HubL (Jinjava): map keys before attributes, bare dict keys, relative paths.

Jinjava differs from Jinja2 in ways real themes rely on: ``{r: 255, a: 1}``
has string keys, ``module.items`` reads the field called ``items``, an
undefined value prints as nothing and a method called on one does nothing
(both with a warning; only an unknown function is an error), ``null`` prints
as nothing, Java methods such as ``s.startsWith('x')`` work, and
``include``/``extends`` paths are relative to the including template.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

from jinja2 import (
    ChainableUndefined,
    Environment,
    FileSystemLoader,
    TemplateNotFound,
    Undefined,
    nodes,
)
from jinja2.lexer import Lexer
from jinja2.utils import missing

from sync.site.hubl.diagnostics import warn
from sync.site.hubl.el_ops import NullSafeOperators
from sync.site.hubl.errors import HublProblem
from sync.site.hubl.field_values import derived
from sync.site.hubl.java_methods import java_method
from sync.site.hubl.jinjava_syntax import PATH_FUNCTIONS, TEMPLATE_KEYWORD, HublLexer, HublParser

__all__ = ["PATH_FUNCTIONS", "TEMPLATE_KEYWORD", "HublJinja", "HublUndefined", "ThemeLoader",
           "resolve_theme_path", "strip_annotation"]

# HubSpot's template annotation: a leading ``<!-- templateType: … -->`` comment.
_ANNOTATION = re.compile(r"\A(\s*)<!--(?=[^>]*?templateType\s*:)(.*?)-->", re.DOTALL)

class HublUndefined(ChainableUndefined):
    """Jinjava's ``null`` for what is not there: prints as nothing and records a warning.

    Printing an undefined variable or property, reading a property of one, or
    calling a method on one (``{% do rel.append("x") %}`` with ``rel`` unset)
    renders on with a warning naming template:line, as Jinjava does. Calling a
    bare unknown name (``no_such_function()``) stays an error: Jinjava cannot
    resolve the function and HubSpot refuses the template.
    """

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        if name[:2] == "__":
            raise AttributeError(name)
        return self._member(name)

    def __getitem__(self, name: Any) -> Any:
        return self._member(name)

    def _member(self, name: Any) -> HublUndefined:
        return type(self)(obj=self, name=str(name))

    @property
    def hubl_path(self) -> str:
        """``a.b.c`` for the chain of names that led here."""
        parent = self._undefined_obj
        name = self._undefined_name or "value"
        if isinstance(parent, HublUndefined):
            return f"{parent.hubl_path}.{name}"
        return name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        parent = self._undefined_obj
        if isinstance(parent, Undefined) or parent is None:
            warn(f"method called on an undefined value: {self.hubl_path}() did nothing")
            return type(self)(obj=self, name="()")
        name = self._undefined_name or "value"
        if parent is missing:
            raise HublProblem(f"unknown function: {name}()",
                              "use a HubL function this renderer knows (`hubshop theme coverage`)")
        raise HublProblem(f"unknown method: {name}() on a {type(parent).__name__}",
                          "call a method the value has (HubSpot refuses unknown methods)")

    def __str__(self) -> str:
        parent = self._undefined_obj
        if parent is missing:
            warn(f"undefined variable printed as empty: {self.hubl_path}")
        elif isinstance(parent, Undefined):
            warn(f"property of an undefined value printed as empty: {self.hubl_path}")
        else:
            warn(f"unknown property printed as empty: {self._undefined_name}")
        return ""

    __html__ = __str__


class ThemeLoader(FileSystemLoader):
    """Loads templates by theme-relative path and remembers filename → name for errors."""

    def __init__(self, theme_dir: Path, modules_dirs: list[Path] | None = None) -> None:
        super().__init__(str(theme_dir), encoding="utf-8", followlinks=True)
        self.theme_dir = theme_dir
        self.modules_dirs = [FileSystemLoader(str(d), encoding="utf-8")
                             for d in modules_dirs or []]
        self.filenames: dict[str, str] = {}

    def get_source(self, environment: Environment, template: str) -> Any:
        try:
            source, filename, uptodate = super().get_source(environment, template)
        except TemplateNotFound:
            if not template.startswith("modules/"):
                raise
            source, filename, uptodate = self._from_modules_dirs(environment, template)
        self.filenames[filename] = template
        return strip_annotation(source), filename, uptodate

    def _from_modules_dirs(self, environment: Environment, template: str) -> Any:
        """``modules/x.module/module.html`` from a module source folder (merged at build)."""
        rest = template.removeprefix("modules/")
        for loader in self.modules_dirs:
            try:
                return loader.get_source(environment, rest)
            except TemplateNotFound:
                continue
        raise TemplateNotFound(template)


class HublJinja(Environment):
    """The Jinja environment the renderer compiles HubL with."""

    theme_dir: Path
    _hubl_lexer: Lexer | None = None

    @property
    def lexer(self) -> Lexer:  # type: ignore[override]
        """Jinja's lexer plus Jinjava's ``||``, ``&&``, ``!`` and ``?``."""
        if self._hubl_lexer is None:
            self._hubl_lexer = HublLexer(self)
        return self._hubl_lexer

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = HublParser(self, source, name, filename).parse()
        return NullSafeOperators().visit(tree)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, dict):
            if attribute in obj:
                return obj[attribute]
            computed = derived(obj, attribute)
            if computed is not None:
                return computed
        value = super().getattr(obj, attribute)
        if isinstance(value, Undefined):
            method = java_method(obj, attribute)
            if method is not None:
                return method
        return value

    def join_path(self, template: str, parent: str) -> str:
        return resolve_theme_path(self.theme_dir, template, parent)


def strip_annotation(source: str) -> str:
    """Drop the ``<!-- templateType: … -->`` header HubSpot never serves, keeping line numbers."""
    match = _ANNOTATION.match(source)
    if match is None:
        return source
    return match.group(1) + "\n" * match.group(2).count("\n") + source[match.end():]


def resolve_theme_path(theme_dir: Path, path: str, parent: str | None) -> str:
    """A HubL path (``../x``, ``./x``, ``x`` or ``/Theme/x``) as a theme-relative path.

    Relative paths start from the folder of ``parent`` (the template using
    them); an absolute design-manager path may start with the theme's folder
    name. A bare name that does not exist beside the parent falls back to the
    theme root.
    """
    if path.startswith("/"):
        parts = path.strip("/").split("/")
        if parts and parts[0] == theme_dir.name:
            parts = parts[1:]
        return "/".join(parts)
    base = posixpath.dirname(parent or "")
    joined = posixpath.normpath(posixpath.join(base, path))
    if joined.startswith("../") or joined == "..":
        raise HublProblem(f"path {path!r} leaves the theme folder (from {parent})",
                          "relative paths start from the folder of the template using them")
    beside_parent = (theme_dir / joined).exists()
    if not path.startswith(".") and not beside_parent and (theme_dir / path).exists():
        return posixpath.normpath(path)
    return joined
