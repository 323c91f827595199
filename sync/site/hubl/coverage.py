"""How much of HubSpot's HubL catalogue the local renderer handles, asked of a live environment.

Reads ``hubl_*.json`` from the contracts folder (plus the drag-and-drop tags,
which the catalogue omits, and HubSpot's default modules) and asks a real
:class:`HublEnvironment` about each name: is the tag parsed, the
filter/test/function registered, and is its implementation a HubSpot-data
placeholder?
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sync.site.hubl.default_modules import DEFAULT_MODULES

Status = Literal["supported", "placeholder", "error"]

DND_TAGS = ("dnd_area", "dnd_section", "dnd_column", "dnd_row", "dnd_module")
_CATALOGUE = {"tag": "hubl_tags.json", "filter": "hubl_filters.json",
              "function": "hubl_functions.json", "test": "hubl_expTests.json",
              "variable": "hubl_required_page_template_variables.json",
              "hubdb_variable": "hubl_hubdb_variables.json"}


@dataclass(frozen=True)
class CoverageRow:
    """One catalogue name and how the renderer handles it."""

    kind: str
    name: str
    status: Status
    note: str = ""


def catalogue(contracts: Path) -> list[tuple[str, str]]:
    """``(kind, name)`` for every entry of the HubL catalogue plus the dnd tags."""
    folder = contracts / "hubl"
    if not folder.is_dir():
        raise FileNotFoundError(
            f"HubL catalogue not found at {folder}: theme coverage compares the renderer with "
            "HubSpot's HubL catalogue (hubl/hubl_*.json), which is not shipped with hubshop; "
            "set HUBSHOP_CONTRACTS to a contracts folder that holds hubl/ (the maintainers' "
            "shared contracts) to run it")
    names: list[tuple[str, str]] = []
    for kind, filename in _CATALOGUE.items():
        path = folder / filename
        if path.exists():
            names += [(kind, name) for name in json.loads(path.read_text(encoding="utf-8"))]
    names += [("tag", name) for name in DND_TAGS if ("tag", name) not in names]
    names += [("module", f"@hubspot/{name}") for name in DEFAULT_MODULES]
    return names


def coverage_report(contracts: Path | None = None) -> list[CoverageRow]:
    """Classify every catalogue name as supported / placeholder / error.

    Args:
        contracts: the contracts folder; defaults to :func:`sync.paths.contracts_dir`.
    """
    from sync.paths import contracts_dir

    with tempfile.TemporaryDirectory() as empty_theme:
        probe = _Probe(Path(empty_theme))
        return [probe.classify(kind, name)
                for kind, name in catalogue(contracts or contracts_dir())]


class _Probe:
    """Answers, for one name, what a fresh environment does with it."""

    def __init__(self, theme: Path) -> None:
        from sync.site.hubl.environment import HublEnvironment

        self.env = HublEnvironment(theme)
        self.jinja = self.env.jinja

    def classify(self, kind: str, name: str) -> CoverageRow:
        return getattr(self, f"_{kind}")(name)

    def _tag(self, name: str) -> CoverageRow:
        from jinja2 import TemplateSyntaxError

        from sync.site.hubl.tags import TAGS

        spec = TAGS.get(name)
        if spec is not None:
            status: Status = "placeholder" if spec.placeholder else "supported"
            return CoverageRow("tag", name, status, "HubL tag")
        source = f"{{% {name} x %}}{{% end{name} %}}" if name in ("block", "macro", "call") \
            else f"{{% {name} %}}"
        try:
            self.jinja.parse(source)
        except TemplateSyntaxError as exc:
            if "unknown tag" in exc.message or "Encountered unknown tag" in str(exc):
                return CoverageRow("tag", name, "error", "not parsed")
        return CoverageRow("tag", name, "supported", "Jinja statement")

    def _filter(self, name: str) -> CoverageRow:
        if name in self.jinja.filters:
            return CoverageRow("filter", name, "supported")
        return CoverageRow("filter", name, "error", "no such filter")

    def _test(self, name: str) -> CoverageRow:
        if name in self.jinja.tests:
            return CoverageRow("test", name, "supported")
        return CoverageRow("test", name, "error", "no such test")

    def _function(self, name: str) -> CoverageRow:
        from sync.site.hubl.functions import is_placeholder

        function = self.jinja.globals.get(name)
        if function is not None:
            status: Status = "placeholder" if is_placeholder(function) else "supported"
            return CoverageRow("function", name, status)
        if name == "super":
            source = "{% block a %}{{ super() }}{% endblock %}"
            self.jinja.parse(source)
            return CoverageRow("function", name, "supported", "Jinja block super()")
        return CoverageRow("function", name, "error", "no such function")

    def _variable(self, name: str) -> CoverageRow:
        html = self.env.render_string(f"{{{{ {name} is defined }}}}")
        return CoverageRow("variable", name, "supported" if html == "True" else "error")

    def _module(self, name: str) -> CoverageRow:
        from sync.site.hubl.builtin_modules import BUILTIN_MODULES

        module = BUILTIN_MODULES.get(name.removeprefix("@hubspot/"))
        if module is None:
            return CoverageRow("module", name, "error", "unknown built-in module")
        status: Status = "placeholder" if module.placeholder else "supported"
        return CoverageRow("module", name, status, "HubSpot default module")

    def _hubdb_variable(self, name: str) -> CoverageRow:
        row = {"id": "1", "path": "p", "name": "n", "values": {}, "childTableId": "0"}
        expression = "dynamic_page_hubdb_row" + name[3:] if name.startswith("row.") else name
        source = f"{{{{ {expression} is defined }}}}"
        html = self.env.render_string(source, dynamic_row=row)
        return CoverageRow("hubdb_variable", name, "supported" if html == "True" else "error")
