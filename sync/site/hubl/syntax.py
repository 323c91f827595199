"""Jinja extensions that parse HubL's own statements into calls on the tag registry.

Every HubL tag shares one argument grammar: optional positional values (usually
the element's unique name) then ``key=value`` pairs, commas optional, and a
block form closed by ``end_<tag>`` (``end<tag>`` is accepted too). Jinjava's
control statements (``unless``, ``ifchanged``, ``cycle``, ``print``) become
plain Jinja nodes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from jinja2.runtime import Context
from markupsafe import Markup

from sync.site.hubl import dnd, field_tags, module_tags, placeholders  # noqa: F401 - register tags
from sync.site.hubl.tags import TAGS, TagCall


def parse_arguments(parser: Parser, tag: str) -> tuple[list[nodes.Expr], list[nodes.Pair]]:
    """Positional expressions and ``key=value`` pairs up to the end of the tag."""
    args: list[nodes.Expr] = []
    pairs: list[nodes.Pair] = []
    stream = parser.stream
    if tag in ("module_block", "widget_block") and stream.current.type == "name" \
            and stream.look().type != "assign":
        kind = next(stream)
        args.append(nodes.Const(kind.value, lineno=kind.lineno))
    while stream.current.type != "block_end":
        if stream.current.type == "comma":
            next(stream)
            continue
        if stream.current.type == "name" and stream.look().type == "assign":
            key = next(stream)
            next(stream)
            value = parse_value(parser)
            pairs.append(nodes.Pair(nodes.Const(key.value, lineno=key.lineno), value,
                                    lineno=key.lineno))
            continue
        args.append(parse_value(parser))
    return args, pairs


def parse_value(parser: Parser) -> nodes.Expr:
    """A tag argument: an expression, or ``{{ expression }}`` as HubL also allows there."""
    stream = parser.stream
    if stream.current.type == "lbrace" and stream.look().type == "lbrace":
        next(stream)
        next(stream)
        value = parser.parse_expression()
        stream.expect("rbrace")
        stream.expect("rbrace")
        return value
    return parser.parse_expression()


class HublTagExtension(Extension):
    """All HubL tags in :data:`sync.site.hubl.tags.TAGS`."""

    tags = set(TAGS)

    def parse(self, parser: Parser) -> nodes.Node:
        token = next(parser.stream)
        name = str(token.value)
        args, pairs = parse_arguments(parser, name)
        call = self.call_method("_tag", [
            nodes.ContextReference(), nodes.Const(name), nodes.List(args), nodes.Dict(pairs),
            nodes.Const(parser.name or ""), nodes.Const(token.lineno)], lineno=token.lineno)
        if TAGS[name].block:
            body = parser.parse_statements((f"name:end_{name}", f"name:end{name}"),
                                           drop_needle=True)
            return nodes.CallBlock(call, [], [], body, lineno=token.lineno)
        return nodes.Output([call], lineno=token.lineno)

    def _tag(self, context: Context, name: str, args: list[Any], kwargs: dict[str, Any],
             template: str, line: int, caller: Callable[[], str] | None = None) -> Markup:
        spec = TAGS[name]
        call = TagCall(name=name, args=args, params=kwargs, template=template, line=line,
                       body=caller, hubl=self.environment.hubl,  # type: ignore[attr-defined]
                       context=context)
        return Markup(spec.handler(call))  # noqa: S704 - renderer output is HTML


class JinjavaStatements(Extension):
    """``unless``, ``ifchanged``, ``cycle`` and ``print``: Jinjava statements Jinja lacks."""

    tags = {"unless", "ifchanged", "cycle", "print"}

    def parse(self, parser: Parser) -> nodes.Node:
        token = next(parser.stream)
        lineno = token.lineno
        if token.value == "unless":
            test = parser.parse_expression()
            body = parser.parse_statements(("name:else", "name:endunless"))
            else_: list[nodes.Node] = []
            if next(parser.stream).value == "else":
                else_ = parser.parse_statements(("name:endunless",), drop_needle=True)
            return nodes.If(nodes.Not(test), body, [], else_, lineno=lineno)
        if token.value == "print":
            return nodes.Output([parser.parse_expression()], lineno=lineno)
        if token.value == "cycle":
            return self._cycle(parser, lineno)
        values: list[nodes.Expr] = []
        while parser.stream.current.type != "block_end":
            values.append(parser.parse_expression())
            parser.stream.skip_if("comma")
        body = parser.parse_statements(("name:endifchanged",), drop_needle=True)
        key = f"{parser.name}:{lineno}"
        call = self.call_method("_ifchanged", [nodes.Const(key), nodes.List(values)])
        return nodes.CallBlock(call, [], [], body, lineno=lineno)

    def _cycle(self, parser: Parser, lineno: int) -> nodes.Node:
        values: list[nodes.Expr] = []
        target = None
        while parser.stream.current.type != "block_end":
            if parser.stream.skip_if("name:as"):
                target = parser.parse_assign_target(name_only=True)
                continue
            values.append(parser.parse_primary())
            parser.stream.skip_if("comma")
        cycled = nodes.Call(nodes.Getattr(nodes.Name("loop", "load"), "cycle", "load"),
                            values, [], None, None, lineno=lineno)
        if target is not None:
            return nodes.Assign(target, cycled, lineno=lineno)
        return nodes.Output([cycled], lineno=lineno)

    def _ifchanged(self, key: str, values: list[Any], caller: Callable[[], str]) -> str:
        from sync.site.hubl.page import current_page

        page = current_page()
        last = page.widget_data.setdefault("__ifchanged__", {})
        body = caller()
        marker = repr(values) if values else body
        if last.get(key) == marker:
            return ""
        last[key] = marker
        return body
