"""Which payment methods a customer may use (payments.models.PaymentProfile)."""

from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import InvalidPaymentInput
from ..models import Method, PaymentProfile


def set_payment_methods(*, actor, company, methods) -> PaymentProfile:
    """Replace the customer's allowed payment methods (at least one, known values only)."""
    chosen = {str(m) for m in methods or ()}
    unknown = chosen - set(Method.values)
    if unknown:
        raise InvalidPaymentInput(_("Unknown payment method: %(m)s.") % {"m": ", ".join(sorted(unknown))}, field="methods")
    if not chosen:
        raise InvalidPaymentInput(_("Allow at least one payment method."), field="methods")
    with transaction.atomic():
        profile, _created = PaymentProfile.objects.select_for_update().get_or_create(company=company)
        profile.methods = [m for m in Method.values if m in chosen]
        profile.updated_by = actor if actor is not None and actor.pk else None
        profile.save()
        return profile
