"""Faithful stand-ins for what only HubSpot hosts: forms, blog listings, memberships, CTAs.

Each renders the markup HubSpot would (wrapper, classes, accessible labels)
with ``data-hubshop-placeholder="<kind>"`` so tests and people can tell it is
not live data.
"""

from __future__ import annotations

from markupsafe import escape

from sync.site.hubl.tags import TagCall, tag

# Widgets HubSpot wraps in a <span>, not a <div>: they sit inside text (an icon in a link or a
# list item, a text field in a heading), so a block wrapper would break the line.
INLINE_KINDS = frozenset({"icon", "text"})


def wrapper(kind: str, name: str, inner: str, *, extra: str = "") -> str:
    """HubSpot's ``hs_cos_wrapper`` around a widget of type ``kind``."""
    element = "span" if kind in INLINE_KINDS else "div"
    return (f'<{element} id="hs_cos_wrapper_{escape(name)}" class="hs_cos_wrapper '
            f'hs_cos_wrapper_widget hs_cos_wrapper_type_{kind}{extra}" style="" '
            f'data-hs-cos-general-type="widget" data-hs-cos-type="{kind}">{inner}</{element}>')


def placeholder_html(kind: str, name: str, inner: str) -> str:
    """A wrapper marked as a placeholder."""
    return (f'<div id="hs_cos_wrapper_{escape(name)}" class="hs_cos_wrapper '
            f'hs_cos_wrapper_widget hs_cos_wrapper_type_{kind}" style="" '
            f'data-hs-cos-general-type="widget" data-hs-cos-type="{kind}" '
            f'data-hubshop-placeholder="{kind}">{inner}</div>')


def form_html(name: str, title: str = "", button: str = "Submit", message: bool = False) -> str:
    """HubSpot's form embed markup, with labelled fields.

    ``message`` adds the multi-line "Message" field a contact form has (HubSpot's
    default contact form asks for one), so a contact page reads as one locally.
    """
    heading = f"<h3 class=\"form-title\">{escape(title)}</h3>" if title else ""
    fields = "".join(
        f'<div class="hs_{key} hs-{key} hs-form-field"><label id="label-{key}-{escape(name)}" '
        f'for="{key}-{escape(name)}"><span>{label}</span><span class="hs-form-required">*</span>'
        f'</label><div class="input"><input id="{key}-{escape(name)}" name="{key}" '
        f'type="{kind}" class="hs-input" required autocomplete="{auto}"></div></div>'
        for key, label, kind, auto in (("firstname", "First name", "text", "given-name"),
                                       ("email", "Email", "email", "email")))
    if message:
        fields += (f'<div class="hs_message hs-message hs-form-field"><label id="label-message-'
                   f'{escape(name)}" for="message-{escape(name)}"><span>Message</span></label>'
                   f'<div class="input"><textarea id="message-{escape(name)}" name="message" '
                   f'class="hs-input hs-fieldtype-textarea" rows="5"></textarea></div></div>')
    return (f'<span id="hs_form_target_{escape(name)}"></span>{heading}'
            f'<form class="hs-form stacked hs-form-{escape(name)}" method="post" action="#" '
            f'novalidate>{fields}<div class="hs_submit hs-submit"><div class="actions">'
            f'<input type="submit" class="hs-button primary large" value="{escape(button)}">'
            f'</div></div></form>')


def _name(call: TagCall, kind: str) -> str:
    return str(call.arg(0) or f"{kind}_{call.page.next(kind)}")


@tag("form", placeholder=True)
def form_tag(call: TagCall) -> str:
    name = _name(call, "form")
    return placeholder_html("form", name, form_html(name, call.get("title", ""),
                                                    call.get("submit_button_text", "Submit"),
                                                    message=True))


@tag("blog_comments", placeholder=True)
def blog_comments(call: TagCall) -> str:
    inner = ('<div class="section post-footer"><div id="comments-listing" '
             'class="no-comments">' + str(escape(call.get("message", ""))) + "</div></div>")
    return placeholder_html("blog_comments", _name(call, "blog_comments"), inner)


@tag("blog_subscribe", "email_simple_subscription", placeholder=True)
def blog_subscribe(call: TagCall) -> str:
    name = _name(call, call.name)
    title = call.get("title", "Subscribe")
    return placeholder_html(call.name, name, form_html(name, title, "Subscribe"))


@tag("blog_social_sharing", "social_sharing", "follow_me", placeholder=True)
def social(call: TagCall) -> str:
    links = "".join(f'<a class="hs-{net}" href="#" aria-label="{label}">{label}</a>'
                    for net, label in (("facebook", "Share on Facebook"),
                                       ("linkedin", "Share on LinkedIn"),
                                       ("twitter", "Share on X")))
    return placeholder_html(call.name, _name(call, call.name),
                            f'<div class="hs-blog-social-share">{links}</div>')


@tag("post_filter", "post_listing", "related_blog_posts", "rss_listing", placeholder=True)
def post_list(call: TagCall) -> str:
    title = call.get("list_title", call.get("title", ""))
    heading = f"<h3>{escape(title)}</h3>" if title else ""
    inner = f'<div class="block">{heading}<div class="widget-module"><ul></ul></div></div>'
    return placeholder_html(call.name, _name(call, call.name), inner)


@tag("blog_post_summary_wrapper", "email_subscriptions", "email_subscriptions_confirmation",
     "member_login", "member_register", "password_prompt", "password_reset",
     "password_reset_request", "language_switcher", "google_search", "video_player",
     "gallery", "js_module", "js_partial", "react_partial", "require_personalization_properties",
     "page_footer", placeholder=True)
def hosted(call: TagCall) -> str:
    name = _name(call, call.name)
    if call.name in ("member_login", "member_register", "password_reset_request",
                     "email_subscriptions"):
        return placeholder_html(call.name, name, form_html(name, "", "Submit"))
    if call.name == "password_prompt":
        inner = (f'<form class="hs-password-prompt" method="post" action="#"><label '
                 f'for="hs-pwd-{escape(name)}">Password</label><input id="hs-pwd-{escape(name)}" '
                 f'type="password" name="password"><input type="submit" value="Submit"></form>')
        return placeholder_html(call.name, name, inner)
    if call.name == "video_player":
        inner = ('<div class="hs-video-wrapper" style="position:relative;aspect-ratio:16/9">'
                 '</div>')
        return placeholder_html("video_player", name, inner)
    return placeholder_html(call.name, name, "")
