"""Jinjava's expression syntax on Jinja's parser: ``||``/``&&``/``!``, ``a ? b : c``, ``null`` …

Real HubSpot themes (HubSpot's own boilerplate among them) write
``{% if a && !b %}``, ``{{ x || 'default' }}``, ``cond ? 'a' : 'b'``,
``{% import './macros.css' %}`` (no ``as``: the macros land in the
importing template) and string literals holding ``{{ … }}`` that Jinjava
resolves when they are used (``name='{{ module.icon.name }}'``). Jinja has
none of these; the lexer and parser here add them. Only literals written in
a template are interpreted this way, never data (HubDB, request, fields), so
product text cannot inject HubL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from jinja2 import nodes
from jinja2.exceptions import TemplateSyntaxError
from jinja2.lexer import TOKEN_NAME, TOKEN_OPERATOR, Lexer, operator_re
from jinja2.parser import Parser

# HubL functions whose path argument is relative to the template that calls them.
PATH_FUNCTIONS = frozenset({"get_asset_url", "get_asset_version", "require_css", "require_js",
                            "include_css", "include_javascript", "get_public_template_url"})
TEMPLATE_KEYWORD = "_hubl_template"
TERNARY = "__hubl_ternary__"
# Jinjava operators Jinja lacks, and the Jinja name token each becomes.
_EXTRA_OPERATORS = {"||": "or", "&&": "and", "!": "not", "?": TERNARY}
_OPERATOR_RE = re.compile(r"\|\||&&|!(?!=)|\?|" + operator_re.pattern)


class HublLexer(Lexer):
    """Jinja's lexer that also knows ``||``, ``&&``, ``!`` and ``?``."""

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        for state, rules in self.rules.items():
            self.rules[state] = [rule._replace(pattern=_OPERATOR_RE)
                                 if rule.pattern is operator_re else rule for rule in rules]

    def wrap(self, stream: Iterable[tuple[int, str, str]], name: str | None = None,
             filename: str | None = None) -> Iterator[Any]:
        def rewritten() -> Iterator[tuple[int, str, str]]:
            for lineno, token, value in stream:
                if token == TOKEN_OPERATOR and value in _EXTRA_OPERATORS:
                    yield lineno, TOKEN_NAME, _EXTRA_OPERATORS[value]
                else:
                    yield lineno, token, value

        return super().wrap(rewritten(), name, filename)


class HublParser(Parser):
    """Jinja's parser with Jinjava's literals, operators and imports."""

    def parse_dict(self) -> nodes.Dict:
        """``{r: 255, a: 1}``: a bare name before ``:`` is a string key, as in Jinjava."""
        token = self.stream.expect("lbrace")
        items: list[nodes.Pair] = []
        while self.stream.current.type != "rbrace":
            if items:
                self.stream.expect("comma")
            if self.stream.current.type == "rbrace":
                break
            if self.stream.current.type == "name" and self.stream.look().type == "colon":
                name_token = next(self.stream)
                key: nodes.Expr = nodes.Const(name_token.value, lineno=name_token.lineno)
            else:
                key = self.parse_expression()
            self.stream.expect("colon")
            value = self.parse_expression()
            items.append(nodes.Pair(key, value, lineno=key.lineno))
        self.stream.expect("rbrace")
        return nodes.Dict(items, lineno=token.lineno)

    def parse_call(self, node: nodes.Expr) -> nodes.Call:
        call = super().parse_call(node)
        if isinstance(node, nodes.Name) and node.name in PATH_FUNCTIONS and self.name:
            call.kwargs.append(nodes.Keyword(TEMPLATE_KEYWORD, nodes.Const(self.name)))
        return call

    def parse_condexpr(self) -> nodes.Expr:
        """Jinja's ``a if b else c`` plus Jinjava's ``b ? a : c``."""
        expr = super().parse_condexpr()
        while self.stream.current.test(f"name:{TERNARY}"):
            lineno = next(self.stream).lineno
            yes = self.parse_expression()
            self.stream.expect("colon")
            no = self.parse_expression()
            expr = nodes.CondExpr(expr, yes, no, lineno=lineno)
        return expr

    def parse_primary(self, with_namespace: bool = False) -> nodes.Expr:
        token = self.stream.current
        if token.type == "name" and token.value == "null":
            next(self.stream)
            return nodes.Const(None, lineno=token.lineno)
        node = super().parse_primary(with_namespace)
        if isinstance(node, nodes.Const) and isinstance(node.value, str):
            return self._nested_literal(node)
        return node

    def parse_import(self) -> nodes.Import | nodes.FromImport:  # type: ignore[override]
        """``{% import 'x' as y %}`` as in Jinja; ``{% import 'x' %}`` brings x's names in."""
        lineno = next(self.stream).lineno
        template = self.parse_expression()
        if self.stream.skip_if("name:as"):
            node = nodes.Import(template, self.parse_assign_target(name_only=True).name,
                                False, lineno=lineno)
            return self.parse_import_context(node, False)
        if not isinstance(template, nodes.Const) or not isinstance(template.value, str):
            self.fail("{% import %} without 'as' needs a quoted path", lineno)
        names = self._exported_names(str(template.value), lineno)
        from_import = nodes.FromImport(template, names, True, lineno=lineno)
        return self.parse_import_context(from_import, True)

    # -- helpers ------------------------------------------------------------------------

    def _exported_names(self, path: str, lineno: int) -> list[str]:
        """Top-level macros and ``set`` names of the imported template (Jinja's exports)."""
        environment = self.environment
        name = environment.join_path(path, self.name or "")
        try:
            source, filename, _ = environment.loader.get_source(environment, name)  # type: ignore[union-attr]
        except Exception as exc:
            raise TemplateSyntaxError(f"imported template not found: {path}", lineno,
                                      self.name, self.filename) from exc
        tree = environment.parse(source, name, filename)
        names: list[str] = []
        for node in tree.body:
            if isinstance(node, nodes.Macro):
                names.append(node.name)
            elif isinstance(node, nodes.Assign):
                target = node.target
                targets = [target] if isinstance(target, nodes.Name) else list(
                    target.find_all(nodes.Name))
                names.extend(n.name for n in targets)
        return list(dict.fromkeys(names))

    def _nested_literal(self, node: nodes.Const) -> nodes.Expr:
        """``'w="{{ x }}"'`` → ``'w="' ~ x ~ '"'``, as Jinjava's nested interpretation renders."""
        text = str(node.value)
        if "{{" not in text:
            return node
        try:
            body = type(self)(self.environment, text, self.name, self.filename).subparse()
        except TemplateSyntaxError:
            return node
        parts: list[nodes.Expr] = []
        for item in body:
            if not isinstance(item, nodes.Output):
                return node
            for child in item.nodes:
                if isinstance(child, nodes.TemplateData):
                    parts.append(nodes.Const(child.data))
                else:
                    parts.append(nodes.Filter(child, "string", [], [], None, None))
        concat = nodes.Concat(parts, lineno=node.lineno)
        concat.set_lineno(node.lineno, override=True)
        return concat

