"""Per-render state: the request, collected CSS/JS, HubDB call count and element counters.

HubL functions such as ``require_css`` or ``hubdb_table_rows`` act on "the page
being rendered", also from inside imported macros that have no Jinja context,
so the current page lives in a context variable set by the render boundary.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

from sync.site.hubl.errors import HublProblem

if TYPE_CHECKING:
    from sync.site.hubl.diagnostics import HublWarning

HEADER_MARK = "<!--hubshop:standard_header_includes-->"
FOOTER_MARK = "<!--hubshop:standard_footer_includes-->"


class QueryDict(dict[str, str]):
    """``request.query_dict``: a missing parameter is ``null``, as in HubL, not an error."""

    def __missing__(self, key: str) -> None:
        return None


@dataclass(frozen=True)
class RequestContext:
    """The request a page answers, as HubL's ``request`` variable exposes it.

    Build one with :meth:`from_url`; ``query_dict`` keeps only the first value
    of a repeated parameter and answers ``null`` for a missing one, like
    HubSpot. ``domain`` is the host name alone (HubSpot's has no port); a
    local server's port lives in ``port`` and only shows in ``full_url``.
    """

    scheme: str = "https"
    domain: str = "www.example.com"
    path: str = "/"
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    remote_ip: str = "127.0.0.1"
    port: int | None = None

    def __post_init__(self) -> None:
        host, _, port = self.domain.partition(":")
        if port.isdigit():
            object.__setattr__(self, "domain", host)
            if self.port is None:
                object.__setattr__(self, "port", int(port))

    @classmethod
    def from_url(cls, url: str, **extra: Any) -> RequestContext:
        """``RequestContext.from_url("https://shop.example/products?category=bags")``."""
        parts = urlsplit(url)
        return cls(scheme=parts.scheme or "https", domain=parts.hostname or "www.example.com",
                   path=parts.path or "/", query=parts.query, port=parts.port, **extra)

    @property
    def full_url(self) -> str:
        query = f"?{self.query}" if self.query else ""
        default_port = {"http": 80, "https": 443}.get(self.scheme)
        port = f":{self.port}" if self.port and self.port != default_port else ""
        return f"{self.scheme}://{self.domain}{port}{self.path}{query}"

    @property
    def query_dict(self) -> dict[str, str]:
        parsed = parse_qs(self.query, keep_blank_values=True)
        return QueryDict({key: values[0] for key, values in parsed.items()})

    def as_hubl(self) -> dict[str, Any]:
        """The ``request`` variable's fields, as HubSpot names them."""
        return {
            "path": self.path, "query": self.query, "query_dict": self.query_dict,
            "full_url": self.full_url, "domain": self.domain, "scheme": self.scheme,
            "path_and_query": self.path + (f"?{self.query}" if self.query else ""),
            "headers": dict(self.headers), "remote_ip": self.remote_ip,
            "referrer": self.headers.get("Referer", ""),
            "cookies": {}, "search_engine": None, "search_keyword": None,
        }

    def with_query(self, **params: str) -> str:
        """This request's path with query parameters replaced (for links in tests)."""
        query = {**self.query_dict, **params}
        return self.path + ("?" + urlencode(query) if query else "")


@dataclass
class PageState:
    """What one page render accumulates before ``standard_*_includes`` are filled in."""

    head: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    hubdb_calls: int = 0
    counters: dict[str, int] = field(default_factory=dict)
    widget_data: dict[str, Any] = field(default_factory=dict)
    dnd_stack: list[Any] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)
    attribute_stack: list[dict[str, Any]] = field(default_factory=list)
    module_stack: list[str] = field(default_factory=list)
    warnings: dict[HublWarning, None] = field(default_factory=dict)
    placeholders: list[str] = field(default_factory=list)  # hosted data stood in for

    def add_warning(self, warning: HublWarning) -> None:
        """Record a warning once (a loop repeating the same line adds it once)."""
        self.warnings.setdefault(warning, None)

    def add_head(self, html: str, key: str | None = None) -> None:
        """Add HTML to the head once; ``key`` deduplicates (a URL, a module name)."""
        self._add(self.head, html, key)

    def add_footer(self, html: str, key: str | None = None) -> None:
        """Add HTML before ``</body>`` once."""
        self._add(self.footer, html, key)

    def _add(self, where: list[str], html: str, key: str | None) -> None:
        key = key or html
        if key in self.seen:
            return
        self.seen.add(key)
        where.append(html)

    def next(self, kind: str) -> int:
        """A page-unique counter per kind (module ids, dnd sections)."""
        number = self.counters.get(kind, 0)
        self.counters[kind] = number + 1
        return number


_CURRENT: contextvars.ContextVar[PageState | None] = contextvars.ContextVar(
    "hubl_page", default=None)


def current_page() -> PageState:
    """The page being rendered; HubL page functions need one."""
    page = _CURRENT.get()
    if page is None:
        raise HublProblem("this HubL function needs a page render",
                          "call it through HublEnvironment.render_template/render_string")
    return page


def current_page_or_none() -> PageState | None:
    """The page being rendered, or ``None`` outside a page render."""
    return _CURRENT.get()


def enter_page(page: PageState) -> contextvars.Token[PageState | None]:
    """Make ``page`` current; returns the token for :func:`leave_page`."""
    return _CURRENT.set(page)


def leave_page(token: contextvars.Token[PageState | None]) -> None:
    """Restore the page that was current before."""
    _CURRENT.reset(token)
