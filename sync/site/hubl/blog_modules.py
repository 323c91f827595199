"""Stand-ins for HubSpot's blog default modules (``@hubspot/blog_posts``, ``@hubspot/pagination``).

Blog posts live only in HubSpot, so both render HubSpot-shaped markup marked
``data-hubshop-placeholder``: the listing shows the page's ``contents`` when a
caller passed some (else sample cards so the layout can be judged), and the
pagination links follow ``current_page_num`` / ``contents.total_page_count``
as HubSpot's module does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import escape

from sync.site.hubl.page import current_page

if TYPE_CHECKING:
    from sync.site.hubl.environment import HublEnvironment

SAMPLE_POSTS = tuple({"name": f"Sample blog post {n}", "absolute_url": "#",
                      "post_summary": "A post HubSpot would list here."} for n in (1, 2, 3))


def _posts() -> list[dict[str, Any]]:
    contents = current_page().variables.get("contents")
    posts = list(contents) if isinstance(contents, list | tuple) else []
    return [p for p in posts if isinstance(p, dict)] or [dict(p) for p in SAMPLE_POSTS]


def blog_posts(env: HublEnvironment, values: dict[str, Any], name: str) -> str:
    """A listing of post cards in HubSpot's ``blog-posts`` markup."""
    layout = escape(values.get("layout") or "grid")
    cards = "".join(
        f'<article class="blog-post-card"><h3 class="blog-post-card__title">'
        f'<a href="{escape(post.get("absolute_url") or "#")}">{escape(post.get("name", ""))}'
        f'</a></h3><p class="blog-post-card__summary">{escape(post.get("post_summary", ""))}'
        f"</p></article>" for post in _posts())
    return (f'<div data-hubshop-placeholder="blog_posts"><section '
            f'class="blog-posts blog-posts--{layout}" aria-label="Blog posts">{cards}'
            f"</section></div>")


def pagination(env: HublEnvironment, values: dict[str, Any], name: str) -> str:
    """Previous / numbered / next links for the blog listing page being rendered."""
    variables = current_page().variables
    current = _int(variables.get("current_page_num"), 1)
    contents = variables.get("contents")
    total = _int(getattr(contents, "total_page_count", None)
                 or (contents.get("total_page_count") if isinstance(contents, dict) else None),
                 1)
    links = []
    if current > 1:
        links.append(_link(current - 1, values.get("prev_link_text") or "Prev",
                           "hs-pagination__link--prev"))
    for number in range(max(1, current - 2), min(total, current + 2) + 1):
        active = ' aria-current="page"' if number == current else ""
        links.append(f'<a class="hs-pagination__link hs-pagination__link--number" '
                     f'href="{_href(number)}"{active}>{number}</a>')
    if current < total:
        links.append(_link(current + 1, values.get("next_link_text") or "Next",
                           "hs-pagination__link--next"))
    return (f'<div data-hubshop-placeholder="pagination"><nav class="hs-pagination" '
            f'aria-label="Pagination">{"".join(links)}</nav></div>')


def _link(number: int, text: str, css: str) -> str:
    return f'<a class="hs-pagination__link {css}" href="{_href(number)}">{escape(text)}</a>'


def _href(number: int) -> str:
    return "?" if number == 1 else f"page/{number}"


def _int(value: Any, default: int) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return default
