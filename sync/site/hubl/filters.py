"""HubL filters that Jinja lacks or defines differently (``datetimeformat``, ``split``, ``md5`` …).

Jinja's own filters cover the rest (``escape``, ``join``, ``map``, ``selectattr``
…); where HubL's arguments differ (``unique(attr)``, ``split(sep, limit)``)
HubL's meaning wins.
"""

from __future__ import annotations

import base64
import hashlib
import html
import ipaddress
import json
import math
import random
import re
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote_plus

import yaml
from bs4 import BeautifulSoup
from jinja2 import Undefined
from jinja2.filters import FILTERS as DEFAULT_FILTERS
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from sync.site.hubl import colors, timefmt
from sync.site.hubl.errors import HublProblem

if TYPE_CHECKING:
    from sync.site.hubl.environment import HublEnvironment

_CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$",
                     "AUD": "A$", "CHF": "CHF ", "SEK": "kr ", "DKK": "kr. ", "NOK": "kr "}
_SAFE_TAGS = frozenset({"a", "abbr", "b", "blockquote", "br", "code", "em", "h1", "h2", "h3",
                        "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "small",
                        "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
                        "tr", "u", "ul", "div", "figure", "figcaption"})
_SAFE_ATTRS = frozenset({"href", "src", "alt", "title", "width", "height", "class", "colspan",
                         "rowspan", "loading"})


def _number(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except ArithmeticError as exc:
        raise HublProblem(f"not a number: {value!r}", "pass a number") from exc


def format_currency(value: Any, locale: str = "en-US", currency: str = "USD",
                    use_default_decimal_digits: bool = False) -> str:
    """``$1,234.50``: the symbol, grouped thousands, two decimals (zero for JPY)."""
    places = 0 if str(currency).upper() == "JPY" else 2
    amount = _number(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{abs(amount):,.{places}f}"
    if str(locale).lower().startswith(("de", "fr", "es", "it", "nl")):
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    symbol = _CURRENCY_SYMBOLS.get(str(currency).upper(), f"{currency} ")
    return ("-" if amount < 0 else "") + symbol + text


_ROUNDING = {"common": ROUND_HALF_UP, "ceil": ROUND_CEILING, "floor": ROUND_FLOOR}


def hubl_round(value: Any, precision: int = 0, method: str = "common") -> int | float:
    """``round`` as Jinjava does it: half up (not to even), and a whole number at precision 0,
    so ``(5 / 2)|round(0, 'ceil')`` prints ``3`` and can be passed to ``range``."""
    mode = _ROUNDING.get(str(method))
    if mode is None:
        raise HublProblem(f"round: unknown method {method!r}", "use common, ceil or floor")
    places = int(precision)
    amount = _number(value).quantize(Decimal(1).scaleb(-places), rounding=mode)
    return int(amount) if places <= 0 else float(amount)


def format_number(value: Any, locale: str = "en-US", decimals: int | None = None) -> str:
    number = _number(value)
    if decimals is not None:
        return f"{number:,.{int(decimals)}f}"
    return f"{number:,}"


def truncatehtml(value: Any, length: int = 255, end: str = "...",
                 breakword: bool = False) -> Markup:
    """Truncate to ``length`` visible characters, keeping tags balanced."""
    soup = BeautifulSoup(str(value), "html.parser")
    remaining = int(length)
    last = None
    for node in list(soup.find_all(string=True)):
        text = str(node)
        if remaining <= 0:
            if last is not None and text.strip():
                last.replace_with(str(last) + end)
                last = None
            node.extract()
            continue
        if len(text) > remaining:
            cut = text[:remaining]
            if not breakword and " " in cut:
                cut = cut.rsplit(" ", 1)[0]
            node.replace_with(cut + end)
            remaining, last = 0, None
        else:
            remaining -= len(text)
            last = node
    return Markup(str(soup))  # noqa: S704 - renderer output is HTML


def sanitize_html(value: Any, *args: Any) -> Markup:
    """Keep a safe subset of tags and attributes; drop scripts, styles and event handlers."""
    soup = BeautifulSoup(str(value), "html.parser")
    for bad in soup.find_all(["script", "style", "iframe", "object", "embed", "form"]):
        bad.decompose()
    for element in soup.find_all(True):
        if element.name not in _SAFE_TAGS:
            element.unwrap()
            continue
        for attr in list(element.attrs):
            target = str(element.attrs[attr]).strip().lower()
            if attr not in _SAFE_ATTRS or target.startswith(("javascript:", "data:text")):
                del element.attrs[attr]
    return Markup(str(soup))  # noqa: S704 - renderer output is HTML


def _split(value: Any, separator: str = " ", limit: int = 0) -> list[str]:
    parts = [p for p in str(value).split(separator or " ") if p != ""]
    if limit and len(parts) > limit:
        parts = parts[: limit - 1] + [separator.join(parts[limit - 1:])]
    return parts


def _unique(value: Any, attr: str | None = None) -> list[Any]:
    seen: list[Any] = []
    result = []
    for item in value or []:
        key = (item.get(attr) if isinstance(item, dict) else getattr(item, attr, None)) \
            if attr else item
        if key not in seen:
            seen.append(key)
            result.append(item)
    return result


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on")
    return bool(value)


def _between_times(start: Any, end: Any, unit: str) -> int:
    seconds = (timefmt.to_datetime(end) - timefmt.to_datetime(start)).total_seconds()
    per = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800,
           "month": 2629746, "year": 31556952}.get(str(unit).lower().rstrip("s"))
    if per is None:
        raise HublProblem(f"unknown time unit {unit!r}", "use seconds … years")
    return int(seconds // per)


def _ipaddr(value: Any, version: int | None = None) -> bool:
    try:
        address = ipaddress.ip_address(str(value).split("/")[0])
    except ValueError:
        return False
    return version is None or address.version == version


def _flatten(value: Any) -> list[Any]:
    out: list[Any] = []
    for item in value or []:
        out.extend(_flatten(item) if isinstance(item, list | tuple) else [item])
    return out


def _regex_replace(value: Any, pattern: str, replacement: str = "") -> str:
    try:
        return re.sub(pattern, replacement, str(value))
    except re.error as exc:
        raise HublProblem(f"bad regular expression {pattern!r}: {exc}", "fix the pattern") from exc


def _render(env: HublEnvironment) -> Any:
    def render(value: Any) -> Markup:
        from sync.site.hubl.page import current_page

        template = env.jinja.from_string(str(value))
        return Markup(template.render(current_page().variables))  # noqa: S704 - renderer output is HTML

    return render


def hubl_filters(env: HublEnvironment) -> dict[str, Any]:
    """HubL's filters, bound to ``env`` where they need its time zone or renderer."""
    tz = env.timezone
    return {
        "add": lambda v, n: _number(v) + _number(n) if not isinstance(v, list) else v + n,
        "minus": lambda v, n: _number(v) - _number(n),
        "multiply": lambda v, n: _number(v) * _number(n),
        "divide": lambda v, n: _number(v) / _number(n),
        "round": hubl_round,
        "divisible": lambda v, n: _number(n) != 0 and _number(v) % _number(n) == 0,
        "log": lambda v, base=math.e: math.log(float(v), float(base)),
        "root": lambda v, n=2: float(v) ** (1 / float(n)),
        "allow_snake_case": lambda v: v,
        "b64encode": lambda v, enc="utf-8": base64.b64encode(str(v).encode(enc)).decode("ascii"),
        "b64decode": lambda v, enc="utf-8": base64.b64decode(str(v)).decode(enc),
        "between_times": _between_times,
        "bool": _bool,
        "convert_rgb": lambda v: "" if _null(v) else colors.rgb(v),
        "cut": lambda v, s: str(v).replace(str(s), ""),
        "datetimeformat": lambda v, f="%H:%M / %d-%m-%Y", zone=None: timefmt.strftime(
            v, f, zone or tz),
        "date": lambda v, f="%H:%M / %d-%m-%Y", zone=None: timefmt.strftime(v, f, zone or tz),
        "format_date": lambda v, f="medium", zone=None, loc=None: timefmt.ldml(
            v, f, zone or tz, "date"),
        "format_time": lambda v, f="medium", zone=None, loc=None: timefmt.ldml(
            v, f, zone or tz, "time"),
        "format_datetime": lambda v, f="medium", zone=None, loc=None: timefmt.ldml(
            v, f, zone or tz, "datetime"),
        "unixtimestamp": timefmt.millis,
        "strtotime": lambda v, f=None, zone=None: timefmt.parse(str(v), f, zone),
        "strtodate": lambda v, f=None, zone=None: timefmt.parse(str(v), f, zone).date(),
        "plus_time": lambda v, n, unit: timefmt.shift(v, int(n), unit),
        "minus_time": lambda v, n, unit: timefmt.shift(v, -int(n), unit),
        "difference": lambda a, b: [x for x in a if x not in b],
        "intersect": lambda a, b: [x for x in a if x in b],
        "union": lambda a, b: list(a) + [x for x in b if x not in a],
        "symmetric_difference": lambda a, b: [x for x in a if x not in b] + [
            x for x in b if x not in a],
        "escape_attr": lambda v: escape(str(v)),
        "escape_html": lambda v: escape(str(v)),
        "escape_jinjava": lambda v: str(v).replace("{", "&lbrace;").replace("}", "&rbrace;"),
        "escape_js": lambda v: json.dumps(str(v))[1:-1],
        "escapejs": lambda v: json.dumps(str(v))[1:-1],
        "escapejson": lambda v: json.dumps(str(v))[1:-1],
        "escape_url": lambda v: quote(str(v), safe=""),
        "urldecode": lambda v: unquote_plus(str(v)),
        "flatten": _flatten,
        "format_currency": format_currency,
        "format_currency_value": lambda v, locale="en-US", currency="USD", *a, **k:
            format_currency(v, locale, currency),
        "format_number": format_number,
        "fromjson": lambda v: json.loads(str(v)),
        "tojson": tojson,
        "fromyaml": lambda v: yaml.safe_load(str(v)),
        "toyaml": lambda v: yaml.safe_dump(v, sort_keys=False),
        "geo_distance": lambda v, lat, lon, unit="MILES": _geo(v, lat, lon, unit),
        "ipaddr": _ipaddr,
        "ipv4": lambda v: _ipaddr(v, 4),
        "ipv6": lambda v: _ipaddr(v, 6),
        "md5": lambda v: hashlib.md5(str(v).encode(), usedforsecurity=False).hexdigest(),
        "pprint": lambda v: f"({type(v).__name__}: {v})",
        "regex_replace": _regex_replace,
        "render": _render(env),
        "sanitize_html": sanitize_html,
        "shuffle": lambda v: random.sample(list(v), len(list(v))),
        "split": _split,
        "truncatehtml": truncatehtml,
        "unescape_html": lambda v: html.unescape(str(v)),
        "unique": _unique,
        "string": lambda v: "" if v is None else str(v),
        **list_filters(),
        "int": lambda v, default=0, base=10: default if _null(v) else DEFAULT_FILTERS["int"](
            v, default, base),
        "float": lambda v, default=0.0: default if _null(v) else DEFAULT_FILTERS["float"](
            v, default),
        "default": _default, "d": _default,
    }


def _null(value: Any) -> bool:
    return value is None or isinstance(value, Undefined) or value == ""


def tojson(value: Any, indent: int | None = None) -> Markup:
    """JSON safe inside ``<script>`` (ld+json too): ``<``, ``>``, ``&``, ``'`` escaped."""
    return htmlsafe_json_dumps(value, dumps=json.dumps, default=str, indent=indent)


def _listing(name: str, jinja_filter: Any) -> Any:
    """Jinjava's sequence filters return lists (``|length``, ``|last`` work on them)."""
    def as_list(*args: Any, **kwargs: Any) -> list[Any]:
        return list(jinja_filter(*args, **kwargs))

    as_list.__name__ = name
    if getattr(jinja_filter, "jinja_pass_arg", None) is not None:
        as_list.jinja_pass_arg = jinja_filter.jinja_pass_arg  # type: ignore[attr-defined]
    return as_list


def _default(value: Any, default: Any = "", boolean: bool = False) -> Any:
    """Jinjava's ``default``: also replaces ``null`` (Jinja's only replaces undefined)."""
    if value is None or isinstance(value, Undefined) or (boolean and not value):
        return default
    return value


def _length(value: Any) -> int:
    if _null(value):
        return 0
    try:
        return len(value)
    except TypeError:
        return sum(1 for _ in value)


def list_filters() -> dict[str, Any]:
    """``select``/``reject``/``selectattr``/``rejectattr``/``map`` as lists; ``length`` of any."""
    listing = {name: _listing(name, DEFAULT_FILTERS[name])
               for name in ("select", "reject", "selectattr", "rejectattr", "map")}
    return {**listing, "length": _length, "count": _length}


def _geo(value: Any, lat: float, lon: float, unit: str) -> float:
    from sync.site.hubl.functions import _geo_distance

    return _geo_distance(value, lat, lon, unit)
