"""Coverage of HubSpot's HubL catalogue, computed from the catalogue and a live environment."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from sync.paths import contracts_dir
from sync.site.hubl import coverage_report
from sync.site.hubl.coverage import DND_TAGS
from sync.site.hubl.default_modules import DEFAULT_MODULES

pytestmark = pytest.mark.skipif(not (contracts_dir() / "hubl").is_dir(),
                                reason="HubL catalogue not found (set HUBSHOP_CONTRACTS)")


def test_every_catalogue_name_and_dnd_tag_is_classified() -> None:
    # given the catalogue files
    folder = contracts_dir() / "hubl"
    expected = sum(len(json.loads(p.read_text())) for p in folder.glob("hubl_*.json"))
    # when
    rows = coverage_report()
    # then every name appears once, plus the dnd tags and default modules the catalogue omits
    assert len(rows) == expected + len(DND_TAGS) + len(DEFAULT_MODULES)
    assert {r.name for r in rows if r.kind == "tag"} >= set(DND_TAGS)


def test_large_majority_supported_and_the_rest_placeholders() -> None:
    counts = Counter(row.status for row in coverage_report())
    assert counts["error"] == 0
    assert counts["supported"] > 2 * counts["placeholder"]


def test_hosted_data_is_reported_as_placeholder() -> None:
    status = {(r.kind, r.name): r.status for r in coverage_report()}
    assert status[("tag", "form")] == "placeholder"
    assert status[("function", "crm_object")] == "placeholder"
    assert status[("tag", "dnd_area")] == "supported"
    assert status[("filter", "datetimeformat")] == "supported"
