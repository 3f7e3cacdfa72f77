"""Checks of what people type into addresses, shared by the address forms (through
Address.clean) and the customer import."""

import re

from django.utils.translation import gettext as _

PHONE_CHARS = re.compile(r"^\+?[0-9 ()\-]+((ext\.?|x|转)\s*[0-9]{1,6})?$", re.IGNORECASE)
POSTAL_CODES = {"CN": re.compile(r"^[0-9]{6}$")}


def phone_problem(value):
    """Why `value` is not a phone number (None when it is one): digits with spaces, dashes,
    brackets, a leading + and an optional extension; 7 to 20 digits in all."""
    value = (value or "").strip()
    if not value:
        return None
    digits = re.sub(r"\D", "", re.split(r"(?i)ext\.?|x|转", value)[0])
    if not PHONE_CHARS.match(value) or not 7 <= len(digits) <= 20:
        return _("Enter a phone number such as 138 0013 8000 or 021-6234 5678.")
    return None


def postal_code_problem(value, country):
    """Why `value` is not a postal code of `country` (None when it is one, or when we know no
    format for that country)."""
    value = (value or "").strip()
    pattern = POSTAL_CODES.get((country or "").upper())
    if value and pattern is not None and not pattern.match(value):
        return _("A postal code in China has 6 digits, such as 200120.")
    return None
