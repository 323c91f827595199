"""The GraphQL documents hubshop sends, read from ``queries/`` with the fragments they spread.

A selection several documents need (a product as the catalog reads it, an
order's lines as the inventory reads them) is written once, as a fragment in a
*fragment file*: a file under ``queries/`` that holds fragment definitions and
no operation. A document spreads it by name (``...CatalogProduct``) and
:func:`load_document` appends the definitions it uses, transitively. Only the
fragments a document uses are appended, because GraphQL refuses a document
with an unused fragment; a fragment the document defines itself wins.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    OperationDefinitionNode,
    Visitor,
    parse,
    visit,
)

QUERIES_DIR = Path(__file__).with_name("queries")


@cache
def load_document(name: str) -> str:
    """``queries/<name>.graphql`` as sent: the file, then each fragment it spreads (transitively).

    The text is stable from call to call (fragments appended in name order),
    which matters: the client keys what it learns about a document's cost by
    its text.

    Raises:
        FileNotFoundError: no such document.
        LookupError: it spreads a fragment that neither it nor any fragment file defines.
    """
    text = source(name)
    known = _fragments()
    defined = _defined(parse(text))
    while True:
        wanted = sorted(_spreads(parse(text)) - defined)
        if not wanted:
            return text
        for fragment in wanted:
            if fragment not in known:
                raise LookupError(
                    f"{name}.graphql spreads ...{fragment}, which no file under"
                    f" {QUERIES_DIR.name}/ defines")
            text += "\n" + known[fragment][1]
            defined.add(fragment)


def source(name: str) -> str:
    """``queries/<name>.graphql`` exactly as written, without the fragments it spreads."""
    return (QUERIES_DIR / f"{name}.graphql").read_text(encoding="utf-8")


def fragment_files() -> frozenset[str]:
    """Names of the files under ``queries/`` that define fragments and no operation."""
    return frozenset(path for path, _ in _fragments().values())


def document_names() -> list[str]:
    """Every document hubshop can send: the files under ``queries/`` that are not fragment files."""
    libraries = fragment_files()
    return sorted(p.stem for p in QUERIES_DIR.glob("*.graphql") if p.stem not in libraries)


@cache
def _fragments() -> dict[str, tuple[str, str]]:
    """Fragment name -> (fragment file, its definition's text), from every fragment file.

    Raises:
        LookupError: two fragment files define the same fragment.
    """
    found: dict[str, tuple[str, str]] = {}
    for path in sorted(QUERIES_DIR.glob("*.graphql")):
        text = path.read_text(encoding="utf-8")
        document = parse(text)
        if any(isinstance(d, OperationDefinitionNode) for d in document.definitions):
            continue
        for definition in document.definitions:
            if not isinstance(definition, FragmentDefinitionNode):
                continue
            fragment = definition.name.value
            if fragment in found:
                raise LookupError(f"fragment {fragment} is defined in both"
                                  f" {found[fragment][0]}.graphql and {path.name}")
            assert definition.loc is not None
            found[fragment] = (path.stem, text[definition.loc.start:definition.loc.end] + "\n")
    return found


def _defined(document: DocumentNode) -> set[str]:
    return {d.name.value for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def _spreads(document: DocumentNode) -> set[str]:
    names: set[str] = set()

    class Spreads(Visitor):
        def enter_fragment_spread(self, node: FragmentSpreadNode, *_: object) -> None:
            names.add(node.name.value)

    visit(document, Spreads())
    return names
