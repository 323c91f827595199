"""``HublEnvironment``: renders a HubSpot theme's templates and modules locally.

One environment per theme folder; each ``render_*`` call is one page with its
own collected CSS/JS, HubDB call budget and element counters.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Template

from sync.plumbing.clock import SYSTEM_CLOCK, Clock
from sync.site.hubl import filters, functions, hubdb, module_tags, page, syntax
from sync.site.hubl.diagnostics import HublWarning
from sync.site.hubl.dialect import HublJinja, HublUndefined, ThemeLoader, strip_annotation
from sync.site.hubl.el_ops import OP_FUNCTION, hubl_op
from sync.site.hubl.errors import HublError, to_hubl_error
from sync.site.hubl.exptests import HUBL_TESTS
from sync.site.hubl.field_hubl import evaluate, has_marks
from sync.site.hubl.field_values import apply_inherited
from sync.site.hubl.fields import read_fields, values_from_fields
from sync.site.hubl.page import FOOTER_MARK, HEADER_MARK, PageState, RequestContext

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def _finalize(value: Any) -> Any:
    """Jinjava prints ``null`` as nothing, not ``None``, and a date as ``yyyy-MM-dd HH:mm:ss``.

    (Jinjava's ``PyishDate.toString()``: no microseconds, no zone.)
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value


class HublEnvironment:
    """A local HubL renderer for one theme folder.

    Args:
        theme_dir: the theme root (the folder holding ``theme.json``).
        hubdb: where ``hubdb_*`` functions read rows; ``None`` makes them an error.
        theme_settings: values overriding the defaults of the theme's ``fields.json``.
        modules_dirs: extra folders of ``name.module`` directories, consulted when
            ``<theme>/modules/name.module`` does not exist (our build merges them in).
        request: the default request; ``render_*`` may pass another.
        assets_base_url: prefix of every theme-relative asset URL (``get_asset_url``).
        portal_id: the HubSpot account id (``hub_id``/``portal_id``).
        clock: the time ``local_dt``, ``today()`` and ``year`` are taken from.
        brand_settings: HubSpot's ``brand_settings`` (logo, colours); defaults are empty.
        site_settings: HubSpot's ``site_settings`` (company name, domain …).
        menus: menu trees by name or id for ``menu``/``menu()``; absent ones render
            as placeholders.
        sample_menu: ``(label, url)`` links those placeholders show; neutral by default.
        timezone: IANA zone of the portal, used by date filters.
        autoescape: HubSpot does not autoescape, so neither do we by default;
            templates escape product text with ``|escape``.
    """

    def __init__(
        self,
        theme_dir: Path | str,
        *,
        hubdb: hubdb.HubDBSource | None = None,
        theme_settings: dict[str, Any] | None = None,
        modules_dirs: Iterable[Path | str] = (),
        request: RequestContext | None = None,
        assets_base_url: str = "/",
        portal_id: int = 0,
        clock: Clock = SYSTEM_CLOCK,
        brand_settings: dict[str, Any] | None = None,
        site_settings: dict[str, Any] | None = None,
        menus: dict[str, Any] | None = None,
        sample_menu: Iterable[tuple[str, str]] | None = None,
        timezone: str = "UTC",
        autoescape: bool = False,
    ) -> None:
        self.theme_dir = Path(theme_dir).resolve()
        if not self.theme_dir.is_dir():
            raise HublError(str(theme_dir), 0, "theme folder not found", "pass the theme root")
        self.hubdb = hubdb
        self.missing_tables: set[str] = set()  # HubDB tables pages asked for that do not exist
        self.modules_dirs = [Path(d).resolve() for d in modules_dirs]
        self.request = request or RequestContext()
        self.assets_base_url = assets_base_url if assets_base_url.endswith("/") \
            else assets_base_url + "/"
        self.portal_id = portal_id
        self.clock = clock
        self.timezone = timezone
        self.brand_settings = brand_settings or {}
        self.site_settings = site_settings or {}
        self.menus = menus or {}
        self.sample_menu = tuple(sample_menu) if sample_menu is not None \
            else functions.SAMPLE_MENU
        self.last_warnings: list[HublWarning] = []  # what the last render rendered on from
        self.last_placeholders: list[str] = []  # hosted-data functions it stood in for
        self._field_templates: dict[str, Template] = {}
        self.theme_json = self._read_theme_json()
        self.theme_settings = self._theme_values(theme_settings or {})
        self._theme_holds_hubl = has_marks(self.theme_settings)
        self.loader = ThemeLoader(self.theme_dir, self.modules_dirs)
        self.jinja = HublJinja(
            loader=self.loader,
            extensions=[syntax.HublTagExtension, syntax.JinjavaStatements,
                        "jinja2.ext.do", "jinja2.ext.loopcontrols"],
            undefined=HublUndefined, finalize=_finalize, autoescape=autoescape,
            keep_trailing_newline=True, trim_blocks=False,
        )
        self.jinja.theme_dir = self.theme_dir
        self.jinja.hubl = self  # type: ignore[attr-defined]
        self.jinja.filters.update(filters.hubl_filters(self))
        self.jinja.globals.update(functions.hubl_functions(self))
        self.jinja.tests.update(HUBL_TESTS)
        self.jinja.globals[OP_FUNCTION] = hubl_op

    # -- public API -----------------------------------------------------------------

    def render_template(
        self,
        path: str,
        *,
        content: dict[str, Any] | None = None,
        dynamic_row: dict[str, Any] | None = None,
        dynamic_table_id: int | str | None = None,
        request: RequestContext | None = None,
    ) -> str:
        """Render one page template (theme-relative path) to HTML.

        Args:
            path: e.g. ``templates/home.html``.
            content: the page's ``content`` fields (``html_title``, ``meta_description``,
                ``absolute_url``, ``widgets`` …) overriding defaults.
            dynamic_row: the HubDB row of a dynamic page, as HubDB v3 returns it
                (``{id, path, name, values}``) or as a HubL row.
            dynamic_table_id: ``dynamic_page_hubdb_table_id``.
            request: the request this page answers (defaults to the environment's).

        Raises:
            HublError: naming template:line for any syntax or render error.
        """
        name = path.lstrip("/")
        return self._render_page(lambda: self._get(name), name, content, dynamic_row,
                                 dynamic_table_id, request)

    def render_string(self, source: str, *, name: str = "templates/inline.html",
                      content: dict[str, Any] | None = None,
                      dynamic_row: dict[str, Any] | None = None,
                      request: RequestContext | None = None) -> str:
        """Render HubL source as if it were the theme file ``name`` (for tests and tools)."""
        filename = f"<string:{name}>"

        def compile_source() -> Template:
            self.loader.filenames[filename] = name
            code = self.jinja.compile(strip_annotation(source), name, filename)
            return self.jinja.template_class.from_code(self.jinja, code, self.jinja.globals)

        return self._render_page(compile_source, name, content, dynamic_row, None, request)

    def render_module(self, path: str, params: dict[str, Any] | None = None, *,
                      name: str = "module_1", request: RequestContext | None = None,
                      content: dict[str, Any] | None = None,
                      from_template: str = "templates/page.html") -> str:
        """Render one module (``../modules/x``, ``@hubspot/rich_text`` …) alone, with wrapper.

        The page's ``standard_header_includes`` are not part of the result; use
        :meth:`render_template` for a whole page.
        """
        def render() -> str:
            return module_tags.render_module(self, path, dict(params or {}), name=name,
                                             template=from_template, line=0)

        return self._render_page(render, from_template, content, None, None, request,
                                 raw=True)

    def module_fields(self, path: str, from_template: str = "templates/page.html"
                      ) -> dict[str, Any]:
        """The default ``module`` values of a module, from its ``fields.json``."""
        source = module_tags.resolve_module(self, path, from_template)
        return source.defaults()

    # -- used by tags and functions -----------------------------------------------

    def render_nested(self, template: str, variables: dict[str, Any]) -> str:
        """Render another template within the current page (modules, partials)."""
        current = page.current_page()
        try:
            return self._get(template).render({**current.variables, **variables})
        except Exception as exc:
            raise to_hubl_error(exc, self.loader.filenames, template) from exc

    def render_field_hubl(self, text: str, owner: str) -> str:
        """Evaluate HubL a field default holds, in the page being rendered.

        ``owner`` (the module folder; empty for the theme's own fields) names it
        in warnings as ``<owner>/fields.json``. HubL that does not compile prints as written,
        with a warning, as HubSpot leaves a broken token in the text.
        """
        name = f"{owner}/fields.json" if owner else "fields.json"
        try:
            template = self._field_templates.get(text) or self._compile(text, name)
            self._field_templates[text] = template
            return template.render(page.current_page().variables)
        except Exception as exc:  # noqa: BLE001 - any HubL failure: keep the text, tell
            error = to_hubl_error(exc, self.loader.filenames, name)
            page.current_page().add_warning(HublWarning(name, 0, "HubL in a field default "
                                                        f"printed as written: {error.message}"))
            return text

    def _compile(self, source: str, name: str) -> Template:
        filename = f"<field:{name}:{len(self._field_templates)}>"
        self.loader.filenames[filename] = name
        code = self.jinja.compile(source, name, filename)
        return self.jinja.template_class.from_code(self.jinja, code, self.jinja.globals)

    def now(self) -> datetime:
        return self.clock.now()

    # -- internals --------------------------------------------------------------------

    def _get(self, name: str) -> Template:
        return self.jinja.get_template(name)

    def _render_page(self, target: Any, name: str, content: dict[str, Any] | None,
                     dynamic_row: dict[str, Any] | None, dynamic_table_id: Any,
                     request: RequestContext | None, raw: bool = False) -> str:
        state = PageState()
        state.variables = self._page_variables(name, content, dynamic_row, dynamic_table_id,
                                               request or self.request)
        token = page.enter_page(state)
        try:
            if self._theme_holds_hubl:
                state.variables["theme"] = evaluate(
                    self.theme_settings, lambda text: self.render_field_hubl(text, ""))
            result = target()
            html = result if raw else result.render(state.variables)
        except Exception as exc:
            raise to_hubl_error(exc, self.loader.filenames, name) from exc
        finally:
            page.leave_page(token)
            self.last_warnings = list(state.warnings)
            self.last_placeholders = list(state.placeholders)
        return self._fill_includes(str(html), state)

    def _page_variables(self, name: str, content: dict[str, Any] | None,
                        dynamic_row: dict[str, Any] | None, dynamic_table_id: Any,
                        request: RequestContext) -> dict[str, Any]:
        from sync.site.hubl.variables import page_variables

        return page_variables(self, name, content or {}, dynamic_row, dynamic_table_id, request)

    def _fill_includes(self, html: str, state: PageState) -> str:
        head = "\n".join([VIEWPORT, *state.head])
        foot = "\n".join(state.footer)
        if HEADER_MARK in html:
            html = html.replace(HEADER_MARK, head, 1).replace(HEADER_MARK, "")
        if FOOTER_MARK in html:
            html = html.replace(FOOTER_MARK, foot, 1).replace(FOOTER_MARK, "")
        return html

    def _read_theme_json(self) -> dict[str, Any]:
        path = self.theme_dir / "theme.json"
        if not path.exists():
            return {}
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise HublError("theme.json", exc.lineno,
                            f"invalid JSON: {exc.msg} (column {exc.colno})",
                            "fix the JSON") from exc

    def _theme_values(self, overrides: dict[str, Any]) -> dict[str, Any]:
        fields_path = self.theme_dir / "fields.json"
        fields = read_fields(fields_path) if fields_path.exists() else []
        values = _deep_merge(values_from_fields(fields), overrides)
        apply_inherited(fields, values, values)
        return values


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged

