"""SMS notices for shipments: who gets one (dealer users of the order's company who opted in
and gave a number) and the text, in each person's language. Each (notice, person) is sent at
most once: the SmsMessage row's dedupe key guards a task that runs twice."""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from oms.models import NotificationPreference
from orders.models import Shipment

from . import sms
from .models import SmsMessage

logger = logging.getLogger("integrations.sms")


def opted_in(company_id):
    """[(user, phone)] of the company's active dealer users who want text messages."""
    prefs = (NotificationPreference.objects.select_related("user")
             .filter(sms_opt_in=True, user__is_active=True, user__dealer_account__company_id=company_id,
                     user__dealer_account__is_active=True)
             .exclude(sms_phone="").order_by("user_id"))
    return [(p.user, p.sms_phone) for p in prefs]


def _text(kind, shipment):
    order = shipment.order
    if kind == "shipped":
        return _("%(company)s: order %(order)s shipped with %(carrier)s, tracking %(tracking)s.") % {
            "company": settings.OMS_COMPANY_NAME, "order": order.number, "carrier": shipment.carrier,
            "tracking": shipment.tracking_number}
    return _("%(company)s: order %(order)s (%(shipment)s) was delivered.") % {
        "company": settings.OMS_COMPANY_NAME, "order": order.number, "shipment": shipment.number}


def send_shipment_sms(*, shipment_id, kind):
    shipment = Shipment.objects.select_related("order").filter(pk=shipment_id).first()
    if shipment is None or kind not in ("shipped", "delivered"):
        return 0
    backend = sms.get_backend()
    sent = 0
    for user, phone in opted_in(shipment.order.company_id):
        with translation.override(user.language or settings.LANGUAGE_CODE):
            text = _text(kind, shipment)
        try:
            with transaction.atomic():
                msg = SmsMessage.objects.create(user=user, phone=phone, text=text, backend=backend.name,
                                                dedupe_key=f"shipment-{kind}:{shipment.pk}:{user.pk}")
        except IntegrityError:
            continue  # already sent by an earlier run
        try:
            msg.provider_ref = backend.send(phone, text) or ""
        except sms.SmsError as exc:
            msg.status, msg.error = SmsMessage.Status.FAILED, str(exc)[:300]
            logger.warning("SMS to user %s failed: %s", user.pk, exc)
        else:
            sent += 1
        msg.save(update_fields=["provider_ref", "status", "error"])
    return sent
