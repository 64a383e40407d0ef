"""The HTML of Amazon's hosted buyer pages as the simulator shows them: the sign-in page, the
address book and the wallet widget, and the page that hands a result to the shop's page.

Every value is escaped; what a page tells the shop's page travels as JSON inside a
``<script type="application/json">`` and is posted to the shop's origin only (``postMessage``
with that origin as its target), never to ``*``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

from .buyers import PAYMENT_METHODS, SANDBOX_ACCOUNTS, PaymentMethod
from .model import Address

Message = Mapping[str, object]

_STYLE = """
body{font:15px/1.4 system-ui,sans-serif;margin:0;padding:12px;color:#111;background:#fff}
h1{font-size:18px;margin:0 0 10px}h2{font-size:15px;margin:14px 0 6px}
ul{list-style:none;margin:0;padding:0}li{margin:0 0 6px}
.choice{display:block;width:100%;text-align:left;padding:8px 10px;border:1px solid #bbb;
border-radius:4px;background:#f7f7f7;font:inherit;cursor:pointer}
.choice[aria-current=true]{border:2px solid #e77600;background:#fef8f0}
.note{color:#8a1f11;font-size:13px}.error{color:#8a1f11;font-weight:600}
label{display:block;margin:8px 0 2px}
input{font:inherit;padding:6px;width:100%;box-sizing:border-box}
.submit{margin-top:12px;padding:8px 14px;background:#f0c14b;border:1px solid #a88734;
border-radius:3px;font:inherit;cursor:pointer}
table{border-collapse:collapse;font-size:13px}td{padding:2px 8px 2px 0}
"""

_POST_MESSAGES = """
(function () {
  var data = JSON.parse(document.getElementById("amazon-messages").textContent);
  var target = window.opener || (window.parent !== window ? window.parent : null);
  if (target) {
    data.messages.forEach(function (message) { target.postMessage(message, data.origin); });
  }
  if (data.close && window.opener) { window.close(); }
})();
"""


@dataclass(frozen=True)
class Hidden:
    """The fields a page's forms carry along (who asks, for whom, where to answer)."""

    fields: Mapping[str, str]

    def html(self) -> str:
        return "".join(
            f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
            for k, v in self.fields.items()
        )


def document(title: str, body: str, origin: str | None, messages: Sequence[Message] = ()) -> str:
    """A whole page; with an ``origin``, its ``messages`` are posted to the shop's page."""
    script = ""
    if origin is not None:
        data = {"origin": origin, "messages": list(messages), "close": _closes(messages)}
        text = json.dumps(data).replace("<", "\\u003c")
        script = (
            f'<script type="application/json" id="amazon-messages">{text}</script>'
            f"<script>{_POST_MESSAGES}</script>"
        )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{body}{script}</body></html>"
    )


def _closes(messages: Iterable[Message]) -> bool:
    return any(m.get("type") == "login" for m in messages)


def sign_in_form(hidden: Hidden, error: str | None, email: str = "") -> str:
    accounts = "".join(
        f"<tr><td>{escape(a.email)}</td><td>{escape(a.password)}</td><td>{escape(a.name)}</td></tr>"
        for a in SANDBOX_ACCOUNTS
    )
    problem = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    return (
        "<h1>Sign in with your Amazon account</h1>"
        f"{problem}"
        '<form method="post">'
        f"{hidden.html()}"
        '<label for="email">E-mail</label>'
        f'<input id="email" name="email" type="email" value="{escape(email)}" required>'
        '<label for="password">Password</label>'
        '<input id="password" name="password" type="password" required>'
        '<button class="submit" type="submit">Sign in</button></form>'
        "<h2>Sandbox test accounts</h2>"
        f"<table><tr><th>E-mail</th><th>Password</th><th>Name</th></tr>{accounts}</table>"
    )


def signed_in() -> str:
    return "<h1>Signed in</h1><p>You may close this window.</p>"


def address_book(
    hidden: Hidden, addresses: Sequence[Address], chosen: Address, read_only: bool
) -> str:
    entries = []
    for index, address in enumerate(addresses):
        current = "true" if address == chosen else "false"
        text = _address_text(address)
        if read_only:
            if address == chosen:
                entries.append(f'<li class="choice" aria-current="true">{text}</li>')
            continue
        entries.append(
            f'<li><button class="choice" name="address" value="{index}" '
            f'aria-current="{current}" data-address="{index}">{text}</button></li>'
        )
    return _chooser("Your addresses", "Ship to", hidden, entries, read_only)


def wallet(hidden: Hidden, chosen: str, read_only: bool) -> str:
    entries = []
    for key, method in PAYMENT_METHODS.items():
        current = "true" if key == chosen else "false"
        text = _method_text(method)
        if read_only:
            if key == chosen:
                entries.append(f'<li class="choice" aria-current="true">{text}</li>')
            continue
        entries.append(
            f'<li><button class="choice" name="payment_method" value="{escape(key)}" '
            f'aria-current="{current}" data-payment-method="{escape(key)}">{text}</button></li>'
        )
    return _chooser("Your payment methods", "Pay with", hidden, entries, read_only)


def failure(code: str, message: str) -> str:
    return f'<h1>Amazon Pay</h1><p class="error" role="alert">{escape(code)}: {escape(message)}</p>'


def _chooser(
    title: str, legend: str, hidden: Hidden, entries: Sequence[str], read_only: bool
) -> str:
    items = "".join(entries)
    if read_only:
        return f"<h1>{escape(legend)}</h1><ul>{items}</ul>"
    return f'<h1>{escape(title)}</h1><form method="post">{hidden.html()}<ul>{items}</ul></form>'


def _address_text(address: Address) -> str:
    parts = [address.name, address.line1, f"{address.postal_code} {address.city}"]
    parts += [address.country_code]
    return "<br>".join(escape(part) for part in parts)


def _method_text(method: PaymentMethod) -> str:
    text = escape(f"{method.name} ending in {method.tail}")
    outcome = method.constraint or method.decline_reason
    if outcome is None:
        return text
    return f'{text} <span class="note">(sandbox: {escape(outcome)})</span>'
