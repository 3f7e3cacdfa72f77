"""Money: Decimal amounts with a currency, rounded by one rule in one place.

Every amount stored or shown goes through `quantize()`: ROUND_HALF_UP to the currency's minor
unit. Floats are refused outright."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed

# ISO 4217 code -> (minor-unit digits, symbol)
CURRENCIES = {
    "CNY": (2, "¥"),
    "USD": (2, "$"),
    "EUR": (2, "€"),
    "HKD": (2, "HK$"),
    "JPY": (0, "¥"),
}
CURRENCY_CHOICES = [(code, code) for code in CURRENCIES]
ROUNDING = ROUND_HALF_UP

# Model field sizes for money columns, shared so every table agrees.
MAX_DIGITS = 14
DECIMAL_PLACES = 2


def to_decimal(value) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money never takes a float; pass a Decimal, int or str")
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("“%(value)s” is not a valid amount.") % {"value": value}, code="invalid_amount")


def quantize(amount, currency: str) -> Decimal:
    """The one rounding rule: half-up to the currency's minor unit."""
    if currency not in CURRENCIES:
        raise ValidationFailed(_("Unknown currency “%(code)s”.") % {"code": currency}, code="unknown_currency")
    digits = CURRENCIES[currency][0]
    return to_decimal(amount).quantize(Decimal(1).scaleb(-digits), rounding=ROUNDING)


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self):
        object.__setattr__(self, "amount", quantize(self.amount, self.currency))

    def _same(self, other):
        if not isinstance(other, Money):
            return NotImplemented
        if other.currency != self.currency:
            raise ValidationFailed(
                _("Cannot combine %(a)s and %(b)s amounts.") % {"a": self.currency, "b": other.currency},
                code="currency_mismatch",
            )
        return other

    def __add__(self, other):
        other = self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other):
        other = self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor):
        return Money(self.amount * to_decimal(factor), self.currency)

    __rmul__ = __mul__

    def __neg__(self):
        return Money(-self.amount, self.currency)

    def __bool__(self):
        return bool(self.amount)

    @classmethod
    def zero(cls, currency):
        return cls(Decimal(0), currency)

    def __str__(self):
        return format_money(self.amount, self.currency)


def format_money(amount, currency: str) -> str:
    amount = quantize(amount, currency)
    symbol = CURRENCIES[currency][1]
    digits = CURRENCIES[currency][0]
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol}{abs(amount):,.{digits}f}"
