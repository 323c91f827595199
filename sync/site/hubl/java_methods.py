"""Java methods Jinjava exposes on strings, lists and maps, for themes that call them.

Jinjava's values are Java objects, so HubL written for HubSpot may call
``href.startsWith('http')``, ``name.contains('x')``, ``items.size()`` or
``map.containsKey('k')``. Python's ``str``/``list``/``dict`` lack those names;
:func:`java_method` answers them with the same meaning, and anything else
stays an unknown method (which HubSpot refuses too).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_STRING: dict[str, Callable[[str], Callable[..., Any]]] = {
    "startsWith": lambda s: lambda prefix, start=0: s.startswith(str(prefix), int(start)),
    "endsWith": lambda s: lambda suffix: s.endswith(str(suffix)),
    "contains": lambda s: lambda part: str(part) in s,
    "length": lambda s: lambda: len(s),
    "isEmpty": lambda s: lambda: not s,
    "isBlank": lambda s: lambda: not s.strip(),
    "toLowerCase": lambda s: lambda *locale: s.lower(),
    "toUpperCase": lambda s: lambda *locale: s.upper(),
    "trim": lambda s: lambda: s.strip(),
    "indexOf": lambda s: lambda part, start=0: s.find(str(part), int(start)),
    "lastIndexOf": lambda s: lambda part: s.rfind(str(part)),
    "substring": lambda s: lambda start, end=None: s[int(start):None if end is None
                                                      else int(end)],
    "equals": lambda s: lambda other: s == other,
    "equalsIgnoreCase": lambda s: lambda other: s.lower() == str(other).lower(),
    "charAt": lambda s: lambda index: s[int(index)],
}
_LIST: dict[str, Callable[[list[Any]], Callable[..., Any]]] = {
    "size": lambda items: lambda: len(items),
    "isEmpty": lambda items: lambda: not items,
    "contains": lambda items: lambda item: item in items,
    "get": lambda items: lambda index: items[int(index)],
    "add": lambda items: lambda item: items.append(item) or True,
}
_MAP: dict[str, Callable[[dict[Any, Any]], Callable[..., Any]]] = {
    "size": lambda data: lambda: len(data),
    "isEmpty": lambda data: lambda: not data,
    "containsKey": lambda data: lambda key: key in data,
    "containsValue": lambda data: lambda value: value in data.values(),
    "put": lambda data: lambda key, value: data.__setitem__(key, value),
    "keySet": lambda data: lambda: list(data.keys()),
}


def java_method(obj: Any, name: str) -> Callable[..., Any] | None:
    """The Java method ``name`` of ``obj`` as Jinjava would call it, or ``None``."""
    table: dict[str, Any]
    if isinstance(obj, str):
        table = _STRING
    elif isinstance(obj, list):
        table = _LIST
    elif isinstance(obj, dict):
        table = _MAP
    else:
        return None
    factory = table.get(name)
    return factory(obj) if factory else None
