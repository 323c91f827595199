"""The console page: server-rendered, accessible HTML from plain data; no build step, no JS needed.

What the owner opens inside Shopify's admin (the private app's embedded page) and
what ``hubshop console`` serves locally: inventory status and drift, dead letters,
the payouts summary, and two actions (reconcile now, retry dead letters) as
plain forms that carry a signed token. Every value is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import Any, Protocol

from sync.operator.payouts import NO_WITHDRAWAL_API, PayoutsSummary

APP_BRIDGE_SRC = "https://cdn.shopify.com/shopifycloud/app-bridge.js"
DRIFT_ROWS = 50
ACTIONS = {"reconcile": "Reconcile now", "retry-dead-letters": "Retry dead letters"}


class ConsoleSource(Protocol):
    """Where the page's figures come from and where its actions go.

    The embedded default reads the local store (``sync/jobs/console.py``); the
    deployed service plugs in its own (``sync/service/console_source.py``: DynamoDB,
    SQS, CloudWatch, Shopify) behind the same four calls.
    """

    where: str

    def inventory_status(self) -> Mapping[str, Any]:
        """``StatusReport.as_dict()``: paused, pending, drift, dead_letters, last_run.

        A deployed service adds ``queue`` (its depth), ``dead_letter_items``
        (kind, id, sent_at, receive_count) and ``alarms`` (name, state); ``drift``
        None means unknown, with ``drift_error`` saying why.
        """
        ...

    def payouts(self) -> PayoutsSummary: ...

    def reconcile(self) -> str:
        """Run a reconcile now; one sentence saying what it did."""
        ...

    def retry_dead_letters(self) -> str:
        """Send dead letters back to the queue; one sentence saying what it did."""
        ...


@dataclass
class ConsoleView:
    """Everything one render needs; built by the handler, rendered by :func:`render_page`."""

    shop: str
    where: str
    inventory: Mapping[str, Any] | None
    payouts: PayoutsSummary | None
    form_token: str
    message: str | None = None
    problems: tuple[str, ...] = ()
    client_id: str | None = None
    embedded: bool = False
    base_path: str = ""
    form_query: str = ""  # the admin's display parameters, carried through an action


def render_page(view: ConsoleView) -> str:
    """The whole page as one HTML string (UTF-8, lang, landmarks, labelled tables)."""
    head = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>hubshop console · {_e(view.shop)}</title>",
        f"<style>{_CSS}</style>",
    ]
    if view.embedded and view.client_id:
        head.append(f'<meta name="shopify-api-key" content="{_e(view.client_id)}">')
        head.append(f'<script src="{APP_BRIDGE_SRC}"></script>')
        head.append(f"<script>{_FRESH_ID_SCRIPT}</script>")
    body = [
        '<a class="skip" href="#main">Skip to content</a>',
        '<header class="top"><h1>hubshop console</h1>'
        f"<p>{_e(view.shop)} · {_e(view.where)}</p></header>",
        '<main id="main">',
    ]
    if view.message:
        body.append(f'<p class="notice" role="status">{_e(view.message)}</p>')
    for problem in view.problems:
        body.append(f'<p class="problem" role="alert">{_e(problem)}</p>')
    body += [_inventory(view.inventory), _actions(view.form_token, view.base_path,
                                                         view.form_query),
             _payouts(view.payouts), "</main>"]
    return ("<!doctype html>\n<html lang=\"en\"><head>" + "".join(head) + "</head><body>"
            + "\n".join(body) + "</body></html>\n")


def _inventory(status: Mapping[str, Any] | None) -> str:
    if status is None:
        return ('<section aria-labelledby="inv"><h2 id="inv">Inventory</h2>'
                "<p>Inventory status is unavailable right now.</p></section>")
    dead = status.get("dead_letters")
    known = status.get("drift") is not None
    drift = list(status.get("drift") or [])
    facts = [
        ("Writes", "paused" if status.get("paused") else "running"),
        ("Pending changes", str(status.get("pending", 0))),
        ("SKUs off the warehouse (drift)", str(len(drift)) if known else "unknown"),
        ("Dead letters", "none kept here (no queue)" if dead is None else str(dead)),
    ]
    queue = status.get("queue")
    if isinstance(queue, Mapping):
        facts.append(("Events waiting in the queue", str(queue.get("depth", 0))))
    last = status.get("last_run")
    if isinstance(last, Mapping) and last:
        facts.append(("Last run", _run(last)))
    rows = "".join(f"<div><dt>{_e(k)}</dt><dd>{_e(v)}</dd></div>" for k, v in facts)
    out = [f'<section aria-labelledby="inv"><h2 id="inv">Inventory</h2><dl class="facts">{rows}'
           "</dl>"]
    if drift:
        lines = "".join(
            f"<tr><td>{_e(d.get('sku'))}</td><td>{_e(d.get('location'))}</td>"
            f"<td class=\"num\">{_e(d.get('shopify'))}</td>"
            f"<td class=\"num\">{_e(d.get('target'))}</td></tr>"
            for d in drift[:DRIFT_ROWS])
        more = (f"<p>… and {len(drift) - DRIFT_ROWS} more.</p>"
                if len(drift) > DRIFT_ROWS else "")
        out.append('<table><caption>Drift: Shopify against the warehouse</caption><thead><tr>'
                   '<th scope="col">SKU</th><th scope="col">Location</th>'
                   '<th scope="col" class="num">Shopify</th>'
                   '<th scope="col" class="num">Warehouse says</th></tr></thead>'
                   f"<tbody>{lines}</tbody></table>{more}")
    elif known:
        out.append("<p>No drift: Shopify matches the warehouse.</p>")
    else:
        reason = status.get("drift_error")
        out.append("<p>Drift is unknown right now" + (f": {_e(reason)}" if reason else "")
                   + ".</p>")
    out.append(_dead_letters(status.get("dead_letter_items")))
    out.append(_alarms(status.get("alarms")))
    out.append("</section>")
    return "".join(out)


def _run(last: Mapping[str, Any]) -> str:
    when = last.get("end") or last.get("finished_at") or last.get("at") or last.get("start") or ""
    held = last.get("counts") if isinstance(last.get("counts"), Mapping) else last
    counts = ", ".join(f"{held[k]} {k}" for k in ("written", "unchanged", "conflicts")
                       if k in held)
    what = " ".join(str(x) for x in (last.get("kind"), when, last.get("result")) if x)
    return f"{what}{': ' + counts if counts else ''}" or "recorded"


def _dead_letters(items: Any) -> str:
    if not items:
        return ""
    lines = "".join(
        f"<tr><td>{_e(m.get('kind'))}</td><td>{_e(m.get('id'))}</td>"
        f"<td>{_e(m.get('sent_at'))}</td><td class=\"num\">{_e(m.get('receive_count'))}</td></tr>"
        for m in items)
    return ('<table><caption>Dead letters (failed five times; retry once the cause is fixed)'
            '</caption><thead><tr><th scope="col">Kind</th><th scope="col">Message</th>'
            '<th scope="col">Sent</th><th scope="col" class="num">Receives</th></tr></thead>'
            f"<tbody>{lines}</tbody></table>")


def _alarms(alarms: Any) -> str:
    if not alarms:
        return ""
    lines = "".join(
        f"<tr><td>{_e(a.get('name'))}</td><td>{_e(a.get('state'))}</td></tr>" for a in alarms)
    firing = sum(1 for a in alarms if a.get("state") == "ALARM")
    return (f"<table><caption>Alarms ({firing} firing)</caption><thead><tr>"
            '<th scope="col">Alarm</th><th scope="col">State</th></tr></thead>'
            f"<tbody>{lines}</tbody></table>")


def _actions(token: str, base: str, query: str = "") -> str:
    suffix = f"?{query}" if query else ""
    forms = "".join(
        f'<form method="post" action="{_e(base)}/actions/{name}{_e(suffix)}">'
        f'<input type="hidden" name="id_token" value="{_e(token)}">'
        f'<button type="submit">{_e(label)}</button></form>'
        for name, label in ACTIONS.items())
    return ('<section aria-labelledby="act"><h2 id="act">Actions</h2>'
            f'<div class="actions">{forms}</div></section>')


def _payouts(summary: PayoutsSummary | None) -> str:
    head = '<section aria-labelledby="pay"><h2 id="pay">Payouts</h2>'
    if summary is None:
        return head + "<p>Payouts are unavailable right now.</p></section>"
    if not summary.enabled:
        return (head + "<p>Shopify Payments is not set up for this shop.</p>"
                f'<p><a href="{_e(summary.settings_url)}">Payment settings</a></p></section>')
    balance = ", ".join(str(m) for m in summary.balance) or "0.00"
    demo = " (demo figures)" if summary.source == "local" else ""
    rows = "".join(
        f"<tr><td>{_e(p.issued_at[:10])}</td><td>{_e(p.status.title())}</td>"
        f'<td class="num">{_e(p.net)}</td></tr>' for p in summary.payouts)
    table = ('<table><caption>Recent payouts</caption><thead><tr><th scope="col">Issued</th>'
             '<th scope="col">Status</th><th scope="col" class="num">Net</th></tr></thead>'
             f"<tbody>{rows}</tbody></table>" if rows else "<p>No payouts yet.</p>")
    return (head + f'<dl class="facts"><div><dt>Balance{_e(demo)}</dt><dd>{_e(balance)}</dd>'
            f"</div><div><dt>Schedule</dt><dd>{_e(summary.schedule)}</dd></div></dl>{table}"
            f"<p>{_e(NO_WITHDRAWAL_API)}</p>"
            f'<p><a href="{_e(summary.settings_url)}" target="_top">Change the payout '
            "schedule in Shopify</a></p></section>")


# Inside Shopify's admin: swap the form's token for a fresh App Bridge one just before the
# action is sent (App Bridge tokens last a minute; the page may have sat open for hours).
# Without App Bridge (or if it fails) the form's own signed token goes as rendered.
_FRESH_ID_SCRIPT = (
    "document.addEventListener('submit',async function(e){var f=e.target;"
    "if(!(window.shopify&&shopify.idToken)||f.dataset.fresh)return;e.preventDefault();"
    "try{f.elements.id_token.value=await shopify.idToken();}catch(x){}"
    "f.dataset.fresh='1';f.submit();});"
)


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


_CSS = (
    "body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#f6f6f7}"
    ".skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px}"
    ".top{background:#fff;padding:12px 24px;border-bottom:1px solid #d2d5d8}"
    ".top h1{font-size:1.4rem;margin:0}.top p{margin:0;color:#4a4a4a}"
    "main{max-width:960px;margin:0 auto;padding:16px 24px}"
    "section{background:#fff;border:1px solid #d2d5d8;border-radius:8px;padding:12px 16px;"
    "margin:0 0 16px}h2{font-size:1.15rem;margin:0 0 8px}"
    ".facts{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:8px;"
    "margin:0 0 8px}.facts dt{color:#4a4a4a;font-size:.875rem}.facts dd{margin:0;"
    "font-weight:600}table{border-collapse:collapse;width:100%}caption{text-align:left;"
    "font-weight:600;padding:4px 0}th,td{border-bottom:1px solid #e1e3e5;padding:4px 8px;"
    "text-align:left}.num{text-align:right}.actions{display:flex;gap:8px;flex-wrap:wrap}"
    "button{font:inherit;padding:6px 14px;border-radius:6px;border:1px solid #1a1a1a;"
    "background:#1a1a1a;color:#fff;cursor:pointer}button:focus-visible{outline:3px solid "
    "#2c6ecb;outline-offset:2px}a{color:#1f5199}"
    ".notice{background:#e3f1df;border:1px solid #50b83c;padding:8px;border-radius:6px}"
    ".problem{background:#fbeae5;border:1px solid #d82c0d;padding:8px;border-radius:6px}"
)
