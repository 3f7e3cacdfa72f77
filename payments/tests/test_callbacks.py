"""Gateway callbacks: signatures (sandbox HMAC, Stripe's t=...,v1=... scheme), idempotency by
event id, amount checks, out-of-order events, and a prepaid order released when paid."""

import json
import time
from decimal import Decimal

import pytest
import stripe
from django.urls import reverse

from oms.models import Notification
from payments.gateways import sandbox
from payments.models import GatewayEvent, Invoice, Payment
from payments.services import start_payment
from tests.factories import OrderFactory, PaymentFactory, StaffFactory

pytestmark = pytest.mark.django_db
URL = "/payments/callback/sandbox/"


def post(client, body, headers=None, url=URL):
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()}
    return client.post(url, data=body, content_type="application/json", **extra)


def event(payment, type="payment.succeeded", amount=None, currency=None, event_id=None):
    return sandbox.event_body(token=payment.token, type=type, amount=payment.amount if amount is None else amount,
                              currency=currency or payment.currency, event_id=event_id)


@pytest.fixture
def payment(db):
    order = OrderFactory(status="submitted", total=Decimal("100.00"))
    return PaymentFactory(company=order.company, order=order, amount=Decimal("100.00"))


def test_good_signature_marks_the_payment_paid(client, payment):
    body = event(payment)
    response = post(client, body, sandbox.signed_headers(body))
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == "paid" and payment.paid_at is not None
    ev = GatewayEvent.objects.get()
    assert ev.signature_ok and ev.processed_at and ev.payment == payment and json.loads(ev.payload)["type"] == "payment.succeeded"


@pytest.mark.parametrize("headers", [
    lambda body: sandbox.signed_headers(body, secret="not-the-secret"),
    lambda body: {},
    lambda body: sandbox.signed_headers(body, timestamp=int(time.time()) - 3600),
    lambda body: sandbox.signed_headers(b"something else"),
], ids=["wrong-secret", "missing", "too-old", "other-body"])
def test_bad_or_missing_signature_is_refused_and_changes_nothing(client, payment, headers):
    body = event(payment)
    response = post(client, body, headers(body))
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == "pending"
    ev = GatewayEvent.objects.get()
    assert ev.signature_ok is False and ev.error


def test_same_event_five_times_changes_the_payment_once(client, payment):
    body = event(payment, event_id="evt_same")
    for _ in range(5):
        assert post(client, body, sandbox.signed_headers(body)).status_code == 200
    payment.refresh_from_db()
    assert payment.status == "paid"
    assert GatewayEvent.objects.filter(event_id="evt_same").count() == 1
    assert payment.order.invoices.count() <= 1
    assert payment.order.events.filter(message="Payment received.").count() == 1


def test_amount_or_currency_mismatch_is_an_error_and_finance_is_told(client, payment):
    finance = StaffFactory(staff_role="finance")
    for body in (event(payment, amount="10.00"), event(payment, currency="USD")):
        assert post(client, body, sandbox.signed_headers(body)).status_code == 200
    payment.refresh_from_db()
    assert payment.status == "pending"
    assert all(e.outcome == "error" and "mismatch" in e.error for e in GatewayEvent.objects.all())
    assert Notification.objects.filter(recipient=finance, subject__contains="amount mismatch").exists()


def test_success_after_failure_wins_and_late_pending_is_ignored(client, payment):
    for kind in ("payment.failed", "payment.succeeded", "payment.pending", "payment.failed"):
        body = event(payment, type=kind)
        assert post(client, body, sandbox.signed_headers(body)).status_code == 200
    payment.refresh_from_db()
    assert payment.status == "paid"
    assert list(GatewayEvent.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "failed", "paid", "ignored: pending", "ignored: late failure"]


def test_unknown_gateway_is_404(client):
    assert client.post("/payments/callback/nope/", data=b"{}", content_type="application/json").status_code == 404


def test_prepaid_order_paid_through_the_sandbox_is_released_invoiced_and_allocated(client, prepaid_shop, place):
    # given a prepaid order on hold for payment, stock held
    order = place(prepaid_shop)
    assert order.status == "on_hold"
    dealer_company = order.company
    payment, url = start_payment(actor=None, company=dealer_company, gateway="sandbox", order=order)
    assert url == reverse("payments:sandbox_page", args=[payment.token])
    # when the customer pays on the hosted page
    response = client.post(url, {"action": "pay"})
    assert response.status_code == 302
    # then the payment is paid, the order released to allocation, and a paid invoice exists
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == "paid"
    assert order.is_paid and order.status == "allocated"
    invoice = Invoice.objects.get(order=order)
    assert invoice.status == "paid" and invoice.amount_paid == order.total == payment.amount_allocated


def _stripe_body(payment, event_id="evt_stripe_1"):
    return json.dumps({
        "id": event_id, "object": "event", "type": "checkout.session.completed",
        "data": {"object": {"id": "cs_test_1", "object": "checkout.session", "payment_intent": "pi_123",
                            "amount_total": int(payment.amount * 100), "currency": payment.currency.lower(),
                            "client_reference_id": payment.token, "metadata": {"oms_payment": payment.token}}},
    })


def test_stripe_webhook_verified_with_the_sdk(client, payment, settings):
    settings.PAYMENTS_GATEWAYS = ["sandbox", "stripe"]
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_secret"
    Payment.objects.filter(pk=payment.pk).update(gateway="stripe")
    body = _stripe_body(payment)
    # a forged header is refused
    bad = stripe.WebhookSignature.generate_signature_header(body, "whsec_other")
    assert post(client, body.encode(), {"Stripe-Signature": bad}, url="/payments/callback/stripe/").status_code == 400
    payment.refresh_from_db()
    assert payment.status == "pending"
    # the SDK's own header for the right secret is accepted
    good = stripe.WebhookSignature.generate_signature_header(body, "whsec_test_secret")
    assert post(client, body.encode(), {"Stripe-Signature": good}, url="/payments/callback/stripe/").status_code == 200
    payment.refresh_from_db()
    assert payment.status == "paid" and payment.gateway_ref == "pi_123"
