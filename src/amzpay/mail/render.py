"""A ``Mail`` rendered into an ``EmailMessage``: subject, plain text and HTML, in the order's
language (English when there are no templates for it), amounts formatted for its locale.

Templates live in ``templates/<language>/<kind>.{subject,txt,html}``; HTML is autoescaped.
"""

from __future__ import annotations

from decimal import Decimal
from email.message import EmailMessage
from email.utils import make_msgid

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from amzpay.domain.money import Money
from amzpay.mail.messages import Mail, Shop

LANGUAGES = frozenset({"en", "de"})
FALLBACK = "en"


def environment() -> Environment:
    """The template environment (built by the caller once; nothing happens at import)."""
    env = Environment(
        loader=PackageLoader("amzpay.mail", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def language_of(locale: str) -> str:
    """The templates' language for a locale such as "de_DE" or "de-AT"."""
    language = locale.replace("-", "_").split("_")[0].lower()
    return language if language in LANGUAGES else FALLBACK


def format_amount(amount: Money, locale: str) -> str:
    """ "12,30 €" for de_DE, "€12.30" for en_GB; exact, through Decimal, never a float."""
    value = Decimal(amount.minor).scaleb(-amount.exponent)
    try:
        babel_locale = Locale.parse(locale.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        babel_locale = Locale.parse(FALLBACK)
    # No rounding to CLDR's display digits: where they are fewer than ISO's (IQD, HUF...)
    # the amount is still shown in full.
    return format_currency(value, amount.currency, locale=babel_locale, decimal_quantization=False)


def render(env: Environment, mail: Mail, shop: Shop) -> EmailMessage:
    language = language_of(mail.locale)
    context = {
        "mail": mail,
        "shop": shop,
        "amount": None if mail.amount is None else format_amount(mail.amount, mail.locale),
    }
    base = f"{language}/{mail.kind.value}"
    subject = env.get_template(f"{base}.subject").render(context).strip()
    message = EmailMessage()
    message["Subject"] = " ".join(subject.splitlines())  # one line, whatever the template did
    message["From"] = shop.sender
    message["To"] = mail.to
    message["Message-ID"] = make_msgid(domain=shop.sender.rpartition("@")[2] or None)
    message.set_content(env.get_template(f"{base}.txt").render(context))
    message.add_alternative(env.get_template(f"{base}.html").render(context), subtype="html")
    return message
