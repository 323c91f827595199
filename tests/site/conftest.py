"""Fixtures every site test file shares: one Chromium per test session, whichever files run."""

from __future__ import annotations

from tests.site.browser_support import browser

__all__ = ["browser"]
