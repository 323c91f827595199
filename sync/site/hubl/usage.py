"""Which HubL names a given theme uses, and how this renderer handles each (``coverage DIR``).

Scans the theme's templates, modules and CSS for tags (``{% name``), filters
(``|name``), function calls (``name(``) and default modules
(``@hubspot/name``), and joins them with the coverage report, so a theme's
author sees at a glance what will render, what is a placeholder and what is
unknown here, with the first file:line using each name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sync.site.hubl.coverage import CoverageRow, Status

_SUFFIXES = frozenset({".html", ".css", ".js"})
_TAG = re.compile(r"{%-?\s*([a-zA-Z_]\w*)")
_FILTER = re.compile(r"\|\s*([a-zA-Z_]\w*)")
_FUNCTION = re.compile(r"(?<![\w.])([a-zA-Z_]\w*)\s*\(")
_MODULE = re.compile(r"""["'](@hubspot/[\w-]+)["']""")
_STATEMENT = re.compile(r"({[{%].*?[}%]})", re.DOTALL)
_END_TAG = re.compile(r"^end(_)?")
_BRANCHES = frozenset({"else", "elif", "elseif"})


@dataclass(frozen=True)
class UsageRow:
    """A name the theme uses: kind, name, how it is handled, how often and where first."""

    kind: str
    name: str
    status: Status | str
    uses: int
    first: str
    note: str = ""


def theme_usage(theme_dir: Path, rows: list[CoverageRow]) -> list[UsageRow]:
    """Every HubL name ``theme_dir`` uses, with its coverage status (``unknown`` if absent)."""
    known = {(r.kind, r.name): r for r in rows}
    found: dict[tuple[str, str], list[str]] = {}
    for path in sorted(p for p in theme_dir.rglob("*") if p.suffix in _SUFFIXES and p.is_file()):
        text = path.read_text(encoding="utf-8", errors="replace")
        relative = path.relative_to(theme_dir).as_posix()
        for kind, name, line in _names(text):
            if (kind, name) in known or kind in ("tag", "module"):
                found.setdefault((kind, name), []).append(f"{relative}:{line}")
    result = []
    for (kind, name), places in sorted(found.items()):
        row = known.get((kind, name)) or _renderer_tag(kind, name)
        result.append(UsageRow(kind, name, row.status if row else "unknown", len(places),
                               places[0], row.note if row else "not in HubSpot's catalogue"))
    return result


def _renderer_tag(kind: str, name: str) -> CoverageRow | None:
    """A tag HubSpot's catalogue omits but themes use and this renderer knows."""
    from sync.site.hubl.tags import TAGS

    spec = TAGS.get(name) if kind == "tag" else None
    if spec is None:
        return None
    return CoverageRow("tag", name, "placeholder" if spec.placeholder else "supported",
                       "HubL tag (not in the catalogue)")


def _names(text: str) -> list[tuple[str, str, int]]:
    names: list[tuple[str, str, int]] = []
    for match in _STATEMENT.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        chunk = match.group(1)
        tag = _TAG.match(chunk)
        if tag and not _END_TAG.match(tag.group(1)) and tag.group(1) not in _BRANCHES:
            names.append(("tag", tag.group(1), line))
        names += [("filter", f, line) for f in _FILTER.findall(chunk)]
        names += [("function", f, line) for f in _FUNCTION.findall(chunk)]
        names += [("module", m, line) for m in _MODULE.findall(chunk)]
    return names
