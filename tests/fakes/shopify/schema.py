"""The Shopify Admin 2026-04 schema, built once per process, and the document check tests reuse."""

from __future__ import annotations

import functools
import gzip
from pathlib import Path

import graphql

from sync.paths import contracts_dir

API_VERSION = "2026-04"


def schema_path() -> Path:
    """Where the contract SDL lives (``HUBSHOP_CONTRACTS`` or ``../shared/contracts``)."""
    return contracts_dir() / "shopify" / f"admin-{API_VERSION}.graphql.gz"


def schema_available() -> bool:
    """False in a user's own clone without the shared contracts; tests skip then."""
    return schema_path().is_file()


@functools.cache
def admin_schema() -> graphql.GraphQLSchema:
    """Build the schema once per process (≈2-3 s).

    ``assume_valid=True`` because graphql-core's schema validation rejects
    Shopify's own SDL (deprecated interface fields); the documents are still
    validated in full against it.
    """
    path = schema_path()
    if not path.is_file():
        raise FileNotFoundError(
            f"Shopify Admin schema not found at {path}: set HUBSHOP_CONTRACTS to the"
            " folder holding shopify/admin-2026-04.graphql.gz"
        )
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        sdl = handle.read()
    return graphql.build_schema(sdl, assume_valid=True)


def validation_errors(document: str | graphql.DocumentNode) -> list[str]:
    """Every syntax or schema error in ``document``, as ``line:column: message``."""
    if isinstance(document, str):
        try:
            document = graphql.parse(document)
        except graphql.GraphQLError as error:
            return [_located(error)]
    return [_located(error) for error in graphql.validate(admin_schema(), document)]


def assert_valid(document: str, *, name: str = "document") -> None:
    """Fail a test unless ``document`` validates against the 2026-04 Admin schema.

    Later issues call this on their own ``.graphql`` files, so a field Shopify
    renamed or removed fails in CI instead of in production.
    """
    problems = validation_errors(document)
    if problems:
        listing = "\n  ".join(f"{name}:{problem}" for problem in problems)
        raise AssertionError(f"not valid against Shopify Admin {API_VERSION}:\n  {listing}")


def _located(error: graphql.GraphQLError) -> str:
    if error.locations:
        where = error.locations[0]
        return f"{where.line}:{where.column}: {error.message}"
    return error.message
