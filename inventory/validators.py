from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def ean13_check_digit(first12: str) -> int:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return (10 - total % 10) % 10


def validate_barcode(value: str):
    """EAN-13 (13 digits) or UPC-A (12 digits) with a correct check digit."""
    if not value:
        return
    if not value.isdigit() or len(value) not in (12, 13):
        raise ValidationError(_("A barcode is 13 digits (EAN-13) or 12 digits (UPC-A)."), code="barcode_format")
    digits = value if len(value) == 13 else "0" + value
    if ean13_check_digit(digits[:12]) != int(digits[12]):
        raise ValidationError(_("The barcode's check digit is wrong."), code="barcode_check_digit")
