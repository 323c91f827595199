"""HubSpot's default modules (``@hubspot/<name>``): the list every theme may use.

Taken from HubSpot's default-modules reference (developers.hubspot.com,
``reference/cms/modules/default-modules``, with its deprecated page) and the
list HubSpot's own VS Code extension offers for ``path='@hubspot/…'``
(``snippets/man_gen/default_modules.json`` in HubSpot/hubspot-cms-vscode).
``hubshop theme coverage`` reports each one, and a test checks that every one
renders (as markup or as a marked placeholder), so a theme using any of them
never fails as "unknown built-in module".
"""

from __future__ import annotations

# Modules for website pages, landing pages and blogs. ``image`` is the one HubSpot's own
# cms-theme-boilerplate places in its dnd areas (``dnd_module path='@hubspot/image'``).
WEB_MODULES = (
    "blog_comments", "blog_posts", "blog_subscribe", "button", "cta", "divider",
    "follow_me", "follow_me_lp", "form", "gallery", "header", "horizontal_spacer", "icon",
    "image", "image_grid", "image_slider_gallery", "language_switcher", "linked_image", "logo",
    "logo_grid", "meetings", "menu", "page_footer", "pagination", "payments", "post_filter",
    "post_listing", "product", "rich_text", "rss_listing", "search_input", "search_results",
    "section_header", "simple_menu", "social_follow", "social_sharing", "tabbed_card", "text",
    "video", "video_embed_lp", "whatsapp_link",
)
# Modules of system pages (subscriptions, password prompt, memberships) and quotes.
SYSTEM_MODULES = (
    "email_simple_subscription", "email_subscriptions", "email_subscriptions_confirmation",
    "membership_social_logins", "password_prompt", "quote_download", "quote_payment",
    "quote_signature",
)
# Modules only emails use; a page using one renders a placeholder, as nothing shows on the web.
EMAIL_MODULES = (
    "button_email", "email_body", "email_can_spam", "email_divider", "email_footer",
    "email_survey", "email_view_as_web_page", "email_web_version_link", "follow_me_email",
    "image_email", "raw_html_email", "video_email",
)
# Deprecated but still rendered on live pages that use them.
DEPRECATED_MODULES = ("blog_listing", "google_search", "image_slider")

DEFAULT_MODULES = WEB_MODULES + SYSTEM_MODULES + EMAIL_MODULES + DEPRECATED_MODULES
