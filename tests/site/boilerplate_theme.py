"""A small theme rebuilt (not copied) around the constructs of HubSpot's cms-theme-boilerplate
that failed to build here: a module appending to a ``rel`` list it never set on that path,
a blog listing made of ``@hubspot/blog_posts`` and ``@hubspot/pagination`` in a dnd area,
a blog post reading ``group``/``blog_author`` values only a blog has, and a footer whose
rich text default holds HubL (``{{ year }}``).
"""

from __future__ import annotations

import json
from pathlib import Path

_PAGE = "<!--\n  templateType: {kind}\n  isAvailableForNewContent: true\n  label: {label}\n-->\n"

_BASE = """<!--
  templateType: none
-->
<!doctype html>
<html lang="{{ html_lang }}">
<head>
  <meta charset="utf-8">
  {% if page_meta.html_title or pageTitle %}
  <title>{{ page_meta.html_title or pageTitle }}</title>{% endif %}
  {{ require_css(get_asset_url('../../css/main.css')) }}
  {{ standard_header_includes }}
</head>
<body>
  {% global_partial path='../partials/header.html' %}
  {% block body %}{% endblock body %}
  {% global_partial path='../partials/footer.html' %}
  {{ standard_footer_includes }}
</body>
</html>
"""

_HEADER = """<!--
  templateType: global_partial
  label: Header
-->
<header class="header">
  {% module "site_logo" path="@hubspot/logo" %}
  {% module "navigation" path="@hubspot/menu" id="main" %}
  {% module "search" path="@hubspot/search_input" %}
</header>
"""

_FOOTER = """<!--
  templateType: global_partial
  label: Footer
-->
<footer class="footer">
  {% module "copyright" path="../../modules/footer-text" %}
  {% module "social" path="../../modules/social-links" %}
</footer>
"""

# The button appends to ``rel`` in a branch where it was never set: Jinjava warns, renders on.
_SOCIAL = """{# Social links #}
<div class="social-links">
  {% for item in module.links %}
    {% if item.link.open_in_new_tab %}{% set rel = [] %}{% endif %}
    {% if item.link.no_follow %}
      {% do rel.append("nofollow") %}
    {% endif %}
    <a class="social-links__link" href="{{ item.link.url.href }}"
      {% if rel %}rel="{{ rel|join(' ') }}"{% endif %}>{{ item.label }}</a>
  {% endfor %}
</div>
"""

_BLOG_INDEX = _PAGE.format(kind="blog_listing", label="Blog listing") + """\
{% extends './layouts/base.html' %}
{% block body %}
<main class="body-container--blog-index">
  <h1>{{ group.public_title }}</h1>
  {% dnd_area "main" label="Main" %}
    {% dnd_section %}
      {% dnd_column %}
        {% dnd_row %}
          {% dnd_module path="@hubspot/blog_posts" %}{% end_dnd_module %}
        {% end_dnd_row %}
        {% dnd_row %}
          {% dnd_module path="@hubspot/pagination" %}{% end_dnd_module %}
        {% end_dnd_row %}
      {% end_dnd_column %}
    {% end_dnd_section %}
  {% end_dnd_area %}
</main>
{% endblock body %}
"""

_BLOG_POST = _PAGE.format(kind="blog_post", label="Blog post") + """\
{% extends './layouts/base.html' %}
{% block body %}
<article class="blog-post">
  <h1>{{ content.name }}</h1>
  <a href="{{ blog_author_url(group.id, content.blog_post_author.slug) }}">
    {{ content.blog_post_author.display_name }}</a>
  {{ content.post_body }}
  {% module "blog_comments" path="@hubspot/blog_comments" %}
</article>
{% endblock body %}
"""

# A system page titles itself: HubSpot gives it no html_title.
_NOT_FOUND = _PAGE.format(kind="error_page", label="Boilerplate - 404") + """\
{% extends '../layouts/base.html' %}
{% set pageTitle = "Error 404 | Page not found" %}
{% block body %}<h1>Page not found.</h1>{% endblock body %}
"""

_HOME = _PAGE.format(kind="page", label="Home") + """\
{% extends './layouts/base.html' %}
{% block body %}
{% dnd_area "main" %}
  {% dnd_section %}
    {% dnd_module path="@hubspot/linked_image" img={"src": "hero.png", "alt": "Hero",
       "size_type": "auto_custom_max", "max_width": 600, "width": 1200, "height": 600} %}
    {% end_dnd_module %}
    {% dnd_module path="@hubspot/image" img={"src": "team.png", "alt": "Team"} %}
    {% end_dnd_module %}
  {% end_dnd_section %}
{% end_dnd_area %}
{% endblock body %}
"""


def write_boilerplate_theme(root: Path) -> Path:
    """Write the theme under ``root`` and return its folder."""
    theme = root / "boilerplate"
    files = {
        "theme.json": json.dumps({"label": "Boilerplate", "preview_path":
                                  "./templates/home.html"}),
        "fields.json": "[]",
        "css/main.css": "body { margin: 0; }",
        "templates/layouts/base.html": _BASE,
        "templates/partials/header.html": _HEADER,
        "templates/partials/footer.html": _FOOTER,
        "templates/home.html": _HOME,
        "templates/blog-index.html": _BLOG_INDEX,
        "templates/blog-post.html": _BLOG_POST,
        "templates/system/404.html": _NOT_FOUND,
        "modules/social-links.module/module.html": _SOCIAL,
        "modules/social-links.module/meta.json": json.dumps(
            {"label": "Social links", "host_template_types": ["ANY"],
             "content_types": ["ANY"], "is_available_for_new_content": True}),
        "modules/social-links.module/fields.json": json.dumps([
            {"name": "links", "label": "Links", "type": "group", "occurrence": {"min": 1},
             "children": [{"name": "label", "label": "Label", "type": "text"},
                          {"name": "link", "label": "Link", "type": "link"}],
             "default": [{"label": "LinkedIn", "link": {
                 "url": {"href": "https://linkedin.com", "type": "EXTERNAL"},
                 "no_follow": True, "open_in_new_tab": False}}]}]),
        "modules/footer-text.module/module.html": "<div class=\"footer__copy\">"
                                                  "{{ module.text }}</div>",
        "modules/footer-text.module/meta.json": json.dumps(
            {"label": "Footer text", "host_template_types": ["ANY"]}),
        "modules/footer-text.module/fields.json": json.dumps([
            {"name": "text", "label": "Text", "type": "richtext",
             "default": "<p>&copy;&nbsp;{{ year }} Boilerplate</p>"}]),
    }
    for relative, text in files.items():
        path = theme / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return theme
