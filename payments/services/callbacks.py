"""Gateway callbacks: verify, store raw in the inbox, then process once.

1. The signature is checked first. A bad or missing one is stored (signature_ok=False) and
   logged, and nothing else changes: the view answers 400.
2. A verified event is inserted into the inbox in its own transaction (unique per gateway and
   event id), so it is kept even if processing fails.
3. Processing locks the inbox row and skips it if already processed: the same event sent five
   times changes the payment once. Out-of-order events follow the payment state map: a
   success after a failure wins; a late "pending" after "paid" is ignored."""

import json
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from oms.errors import DomainError
from oms.i18n import Message
from oms.money import quantize

from ..gateways import AUTHORIZED, FAILED, PENDING, SUCCEEDED, BadSignature, get_gateway
from ..models import GatewayEvent, Payment, PaymentStatus
from .core import lock_payment, mark_paid, notify_finance, transition_payment

logger = logging.getLogger("payments.callbacks")
SIGNATURE_HEADERS = ("X-Sandbox-Signature", "X-Sandbox-Timestamp", "Stripe-Signature")


@dataclass
class CallbackResult:
    status: int
    event: GatewayEvent | None
    outcome: str


def _headers(request):
    return {h: request.headers.get(h, "") for h in SIGNATURE_HEADERS if request.headers.get(h)}


def receive_callback(*, gateway, request) -> CallbackResult:
    gw = get_gateway(gateway)
    if gw is None:
        return CallbackResult(404, None, "unknown gateway")
    body_text = request.body.decode("utf-8", errors="replace")
    try:
        data = gw.verify_callback(request)
    except BadSignature as err:
        event = GatewayEvent.objects.create(gateway=gateway, event_id=err.event_id or "", payload=body_text[:100_000],
                                            headers=_headers(request), signature_ok=False, error=str(err)[:500],
                                            processed_at=timezone.now(), outcome="rejected")
        logger.warning("rejected %s callback (event %r): %s", gateway, err.event_id, err)
        return CallbackResult(400, event, "bad signature")
    try:
        with transaction.atomic():
            event = GatewayEvent.objects.create(gateway=gateway, event_id=data.event_id[:120], event_type=data.type[:60],
                                                payload=body_text[:100_000], headers=_headers(request), signature_ok=True)
    except IntegrityError:
        event = GatewayEvent.objects.get(gateway=gateway, event_id=data.event_id[:120], signature_ok=True)
    return process_event(event_pk=event.pk, data=data)


def process_event(*, event_pk, data) -> CallbackResult:
    with transaction.atomic():
        event = GatewayEvent.objects.select_for_update().get(pk=event_pk)
        if event.processed_at is not None:
            return CallbackResult(200, event, "duplicate")
        outcome, error = _apply(event, data)
        event.processed_at = timezone.now()
        event.outcome = outcome[:200]
        event.error = error[:2000]
        event.save(update_fields=["processed_at", "outcome", "error", "payment"])
        return CallbackResult(200, event, outcome)


def _apply(event, data) -> tuple[str, str]:
    """(outcome, error) for one verified event; the payment changes only when it should."""
    payment_pk = Payment.objects.filter(token=data.token).values_list("pk", flat=True).first() if data.token else None
    if payment_pk is None:
        return "ignored", _("No payment matches this event.")
    payment = lock_payment(payment_pk)
    event.payment = payment
    if data.gateway_ref and not payment.gateway_ref:
        clash = Payment.objects.filter(gateway=payment.gateway, gateway_ref=data.gateway_ref).exclude(pk=payment.pk).exists()
        if not clash:
            payment.gateway_ref = data.gateway_ref[:120]
            payment.save(update_fields=["gateway_ref", "updated_at"])
    if data.type == SUCCEEDED:
        if payment.status in (PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED):
            return "ignored: already paid", ""
        try:
            amount = quantize(data.amount, payment.currency) if data.amount is not None else None
        except Exception:
            amount = None
        if amount != payment.amount or data.currency.upper() != payment.currency:
            error = _("Amount mismatch: the gateway reports %(got)s %(gcur)s, payment %(number)s expects %(want)s %(wcur)s.") % {
                "got": data.amount, "gcur": data.currency, "number": payment.display_number,
                "want": payment.amount, "wcur": payment.currency}
            logger.error("gateway %s event %s: %s", event.gateway, event.event_id, error)
            notify_finance(Message(gettext_noop("Payment %(number)s: amount mismatch"), number=payment.display_number), error,
                           link=f"/console/payments/{payment.pk}/")
            return "error", error
        if payment.status == PaymentStatus.FAILED:
            logger.info("payment %s: success after failure — success wins", payment.pk)
        try:
            with transaction.atomic():
                mark_paid(actor=None, payment=payment)
        except DomainError as err:
            logger.error("gateway %s event %s: paid but could not be applied: %s", event.gateway, event.event_id, err)
            notify_finance(Message(gettext_noop("Payment %(number)s needs attention"), number=payment.display_number),
                           str(err.message),
                           link=f"/console/payments/{payment.pk}/")
            return "error", str(err.message)
        return "paid", ""
    if data.type == FAILED:
        if payment.status in (PaymentStatus.PENDING, PaymentStatus.AUTHORIZED):
            transition_payment(payment, PaymentStatus.FAILED)
            return "failed", ""
        return "ignored: late failure", ""
    if data.type == AUTHORIZED:
        if payment.status == PaymentStatus.PENDING:
            transition_payment(payment, PaymentStatus.AUTHORIZED)
            return "authorized", ""
        return "ignored: late authorization", ""
    if data.type == PENDING:
        return "ignored: pending", ""
    return "ignored: unknown type", ""


class SignedRequest:
    """What the sandbox hosted page hands to receive_callback: a body and its signature
    headers, exactly as the HTTP callback would carry them."""

    def __init__(self, body: bytes, headers: dict):
        self.body = body
        self.headers = headers


def sandbox_complete(*, payment, succeed: bool) -> CallbackResult:
    """The sandbox hosted page's pay / fail button: sign the callback and deliver it."""
    from ..gateways import sandbox

    body = sandbox.event_body(token=payment.token, type=SUCCEEDED if succeed else FAILED,
                              amount=payment.amount, currency=payment.currency)
    return receive_callback(gateway="sandbox", request=SignedRequest(body, sandbox.signed_headers(body)))


def payload_of(event) -> dict:
    try:
        return json.loads(event.payload)
    except ValueError:
        return {}
