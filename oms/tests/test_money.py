from decimal import Decimal

import pytest

from oms.errors import ValidationFailed
from oms.money import Money, format_money, quantize


@pytest.mark.parametrize("amount,currency,expected", [
    ("1.005", "CNY", Decimal("1.01")),   # half-up, not banker's rounding
    ("1.004", "CNY", Decimal("1.00")),
    ("2.675", "USD", Decimal("2.68")),
    ("-1.005", "CNY", Decimal("-1.01")),
    ("1234.5", "JPY", Decimal("1235")),
    (7, "EUR", Decimal("7.00")),
])
def test_one_rounding_rule(amount, currency, expected):
    assert quantize(amount, currency) == expected


def test_floats_are_refused():
    with pytest.raises(TypeError):
        quantize(0.1, "CNY")
    with pytest.raises(TypeError):
        Money(0.1, "CNY")


def test_money_arithmetic_keeps_currency_and_rounds():
    total = Money("10.10", "CNY") + Money("0.205", "CNY")
    assert total == Money("10.31", "CNY")
    assert Money("9.99", "CNY") * 3 == Money("29.97", "CNY")
    assert Money("1.00", "CNY") - Money("1.00", "CNY") == Money.zero("CNY")


def test_currencies_never_mix():
    with pytest.raises(ValidationFailed) as err:
        Money("1", "CNY") + Money("1", "USD")
    assert err.value.code == "currency_mismatch"


def test_bad_input_is_a_clear_error_not_a_crash():
    with pytest.raises(ValidationFailed):
        quantize("twelve", "CNY")
    with pytest.raises(ValidationFailed):
        quantize("1", "XXX")


def test_format_money():
    assert format_money(Decimal("1234567.891"), "CNY") == "¥1,234,567.89"
    assert format_money(Decimal("-5"), "USD") == "-$5.00"
    assert str(Money("1000", "JPY")) == "¥1,000"
