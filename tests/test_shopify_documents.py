"""The documents under sync/shopify/queries/: each valid as sent, fragments written once."""

from __future__ import annotations

import graphql
import pytest

from sync.shopify import documents
from sync.shopify.documents import document_names, fragment_files, load_document, source

pytestmark = pytest.mark.usefixtures("contracts")


@pytest.mark.parametrize("name", document_names())
def test_every_document_validates_against_the_2026_04_schema_as_sent(name: str) -> None:
    from tests.fakes.shopify.schema import assert_valid

    # given the document with the fragments it spreads appended
    document = load_document(name)
    # then
    assert_valid(document, name=f"{name}.graphql")


def test_every_fragment_of_a_fragment_file_is_sent_by_some_document() -> None:
    # given
    defined = {d.name.value for name in fragment_files()
               for d in graphql.parse(source(name)).definitions}
    # when
    sent = {d.name.value for name in document_names()
            for d in graphql.parse(load_document(name)).definitions
            if isinstance(d, graphql.FragmentDefinitionNode)}
    # then
    assert defined - sent == set()


def test_no_document_repeats_a_fragment_file_selection() -> None:
    # given the fragments the fragment files hold
    shared = {d.name.value for name in fragment_files()
              for d in graphql.parse(source(name)).definitions}
    # then no document defines one of them (or one of its own) a second time
    for name in document_names():
        own = [d.name.value for d in graphql.parse(source(name)).definitions
               if isinstance(d, graphql.FragmentDefinitionNode)]
        assert set(own) & shared == set(), name


def test_the_order_documents_share_one_order_line_selection() -> None:
    # given the order catch-up and the read by id
    lines, by_id = load_document("inventory_order_lines"), load_document("inventory_orders_by_id")
    # then both carry the one order definition, written once in the fragment file
    for fragment in ("fragment InventoryOrder on Order", "fragment InventoryRefundLine"):
        assert fragment in lines and fragment in by_id
    assert "inventory_order_fields" in fragment_files()
    for name in ("inventory_order_parts", "inventory_order_more"):
        assert "lineItem {" not in source(name)


@pytest.fixture
def queries(tmp_path, monkeypatch):
    """A scratch queries/ folder in place of hubshop's, with the loader's caches emptied."""
    monkeypatch.setattr(documents, "QUERIES_DIR", tmp_path)
    documents.load_document.cache_clear()
    documents._fragments.cache_clear()
    yield tmp_path
    documents.load_document.cache_clear()
    documents._fragments.cache_clear()


def test_fragments_are_appended_transitively_once_and_in_a_stable_order(queries) -> None:
    # given a fragment file whose fragment spreads another, and a document using both
    (queries / "parts.graphql").write_text(
        "fragment B on Shop { name ...A }\nfragment A on Shop { id }\n"
        "fragment Unused on Shop { email }\n")
    (queries / "ask.graphql").write_text("query Ask { shop { ...B ...A } }\n")
    # when
    text = load_document("ask")
    # then each used fragment is appended once, by name; the unused one is left out
    assert text.startswith("query Ask")
    assert text.count("fragment A on Shop") == 1 and text.count("fragment B on Shop") == 1
    assert text.index("fragment A") < text.index("fragment B")
    assert "Unused" not in text
    assert document_names() == ["ask"]


def test_a_fragment_nobody_defines_is_named_with_the_document(queries) -> None:
    # given
    (queries / "ask.graphql").write_text("query Ask { shop { ...Missing } }\n")
    # when
    with pytest.raises(LookupError) as failure:
        load_document("ask")
    # then
    assert "ask.graphql" in str(failure.value) and "...Missing" in str(failure.value)


def test_a_fragment_defined_in_two_files_is_refused(queries) -> None:
    # given
    (queries / "one.graphql").write_text("fragment A on Shop { id }\n")
    (queries / "two.graphql").write_text("fragment A on Shop { name }\n")
    (queries / "ask.graphql").write_text("query Ask { shop { ...A } }\n")
    # when
    with pytest.raises(LookupError) as failure:
        load_document("ask")
    # then
    assert "one.graphql" in str(failure.value) and "two.graphql" in str(failure.value)
