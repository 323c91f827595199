"""Jinjava's operator rules for ``null``: relational tests are false, arithmetic reads it as 0.

Jinjava evaluates expressions with Java EL, where ``null >= 0`` is false and
``null / 100`` is 0, so themes guard colour opacity or corner radius fields
that have no default with nothing more than that. Python raises on both, so
the parser routes ``< <= > >= + - * / // %`` through :func:`hubl_op`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from jinja2 import Undefined, nodes
from jinja2.visitor import NodeTransformer

from sync.site.hubl.errors import HublProblem

OP_FUNCTION = "__hubl_op__"
_RELATIONAL: dict[str, Callable[[Any, Any], bool]] = {
    "lt": operator.lt, "lteq": operator.le, "gt": operator.gt, "gteq": operator.ge}
_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "Add": operator.add, "Sub": operator.sub, "Mul": operator.mul, "Div": operator.truediv,
    "FloorDiv": operator.floordiv, "Mod": operator.mod}


def _is_null(value: Any) -> bool:
    return value is None or isinstance(value, Undefined)


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, str):
        return value
    try:
        return int(value) if value.strip().lstrip("-").isdigit() else float(value)
    except ValueError as exc:
        raise HublProblem(f"not a number: {value!r}", "compare numbers with numbers") from exc


def hubl_op(name: str, left: Any, right: Any) -> Any:
    """Apply the operator ``name`` (a Jinja node or compare op name) with EL's null rules."""
    if name in _RELATIONAL:
        if _is_null(left) or _is_null(right):
            return _is_null(left) and _is_null(right) and name in ("lteq", "gteq")
        try:
            return _RELATIONAL[name](left, right)
        except TypeError:
            return _RELATIONAL[name](_number(left), _number(right))
    function = _ARITHMETIC[name]
    if name == "Add" and (isinstance(left, str) or isinstance(right, str)):
        return ("" if _is_null(left) else str(left)) + ("" if _is_null(right) else str(right))
    left = 0 if _is_null(left) else left
    right = 0 if _is_null(right) else right
    try:
        return function(left, right)
    except ZeroDivisionError as exc:
        raise HublProblem("division by zero", "guard the divisor with an if") from exc
    except TypeError:
        return function(_number(left), _number(right))


class NullSafeOperators(NodeTransformer):
    """Rewrites relational comparisons and arithmetic into :func:`hubl_op` calls."""

    def visit_Compare(self, node: nodes.Compare) -> nodes.Node:  # noqa: N802 - visitor API
        self.generic_visit(node)
        if not any(op.op in _RELATIONAL for op in node.ops):
            return node
        tests: list[nodes.Expr] = []
        left = node.expr
        for operand in node.ops:
            if operand.op in _RELATIONAL:
                tests.append(_call(operand.op, left, operand.expr, node.lineno))
            else:
                tests.append(nodes.Compare(left, [operand], lineno=node.lineno))
            left = operand.expr
        result = tests[0]
        for test in tests[1:]:
            result = nodes.And(result, test, lineno=node.lineno)
        return result

    def generic_visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> nodes.Node:
        node = super().generic_visit(node, *args, **kwargs)
        if type(node).__name__ in _ARITHMETIC and isinstance(node, nodes.BinExpr):
            return _call(type(node).__name__, node.left, node.right, node.lineno)
        return node


def _call(name: str, left: nodes.Expr, right: nodes.Expr, lineno: int) -> nodes.Call:
    return nodes.Call(nodes.Name(OP_FUNCTION, "load", lineno=lineno),
                      [nodes.Const(name), left, right], [], None, None, lineno=lineno)
