"""The end-of-build summary: warnings and placeholders by template, as text and as JSON.

A page that renders is not necessarily right: an undefined variable prints
nothing, a blog listing is a stand-in. Every build ends with this summary so
such output is never reported as a plain success.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sync.site.build import BuildResult


def warnings_by_template(result: BuildResult) -> dict[str, list[dict[str, Any]]]:
    """``{template: [{line, message, pages}]}``: each warning once, with the pages it hit."""
    pages: dict[tuple[str, int, str], list[str]] = defaultdict(list)
    for page, warning in result.warnings:
        key = (warning.template, warning.line, warning.message)
        if page not in pages[key]:
            pages[key].append(page)
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (template, line, message), hit in sorted(pages.items()):
        grouped[template or "(unknown template)"].append(
            {"line": line, "message": message, "pages": hit})
    return dict(grouped)


def placeholders_by_page(result: BuildResult) -> dict[str, dict[str, int]]:
    """``{page template: {placeholder kind: count}}``."""
    grouped: dict[str, Counter[str]] = defaultdict(Counter)
    for page, kind in result.placeholders:
        grouped[page][kind] += 1
    return {page: dict(sorted(kinds.items())) for page, kinds in sorted(grouped.items())}


def summary_json(result: BuildResult) -> dict[str, Any]:
    """The summary as ``theme build --json`` prints it."""
    warnings = warnings_by_template(result)
    placeholders = placeholders_by_page(result)
    return {
        "warnings": [{"template": template, **item}
                     for template, items in warnings.items() for item in items],
        "placeholders": [{"page": page, "kinds": kinds} for page, kinds in placeholders.items()],
        "summary": {"warnings": sum(len(items) for items in warnings.values()),
                    "warning_templates": len(warnings),
                    "placeholders": sum(sum(k.values()) for k in placeholders.values()),
                    "placeholder_pages": len(placeholders)},
    }


def placeholders_by_template(result: BuildResult) -> dict[str, tuple[dict[str, int], int]]:
    """``{template: ({placeholder kind: count}, pages)}``: a dynamic page's rows folded into
    their template, so 155 product pages are one line, not 155."""
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    pages: dict[str, set[str]] = defaultdict(set)
    for page, kind in result.placeholders:
        template = page.split(" [", 1)[0]
        kinds[template][kind] += 1
        pages[template].add(page)
    return {template: (dict(sorted(kinds[template].items())), len(pages[template]))
            for template in sorted(kinds)}


def summary_lines(result: BuildResult, *, verbose: bool = False) -> list[str]:
    """The summary as text: a count line, then warnings by template, then placeholders.

    Placeholders are counted per template (with how many pages printed them);
    ``verbose`` lists every page instead, which for a shop is one line per product.
    """
    data = summary_json(result)
    counts = data["summary"]
    lines = [f"Summary: {counts['warnings']} warning(s) in {counts['warning_templates']} "
             f"template(s); {counts['placeholders']} placeholder(s) on "
             f"{counts['placeholder_pages']} page(s)."]
    for template, items in warnings_by_template(result).items():
        lines.append(f"  warnings {template}:")
        for item in items:
            where = f":{item['line']}" if item["line"] else ""
            on = item["pages"][0] + (f" and {len(item['pages']) - 1} more"
                                     if len(item["pages"]) > 1 else "")
            lines.append(f"    {template}{where} {item['message']} (on {on})")
    if verbose:
        for page, kinds in placeholders_by_page(result).items():
            listed = ", ".join(f"{kind}×{count}" for kind, count in kinds.items())
            lines.append(f"  placeholders {page}: {listed}")
        return lines
    for template, (kinds, pages) in placeholders_by_template(result).items():
        listed = ", ".join(f"{kind}×{count}" for kind, count in kinds.items())
        lines.append(f"  placeholders {template}: {listed} on {pages} page(s)")
    if result.placeholders:
        lines.append("  (-v lists the placeholders page by page)")
    return lines
