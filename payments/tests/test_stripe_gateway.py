"""The Stripe adapter against the real stripe SDK, with only its HTTP layer replaced (nothing
leaves the machine): the Checkout Session it asks Stripe for, and the webhook verified with
Stripe's signature scheme."""

import json
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
import stripe
from stripe._http_client import HTTPClient

from payments.errors import GatewayError, InvalidPaymentInput
from payments.models import GatewayEvent, Payment
from payments.services import start_payment
from payments.services.callbacks import SignedRequest, receive_callback
from tests.factories import CompanyFactory, InvoiceFactory, OrderFactory

pytestmark = pytest.mark.django_db
SESSION_URL = "https://checkout.stripe.com/c/pay/cs_test_123"


class FakeStripeHTTP(HTTPClient):
    """Stands in for Stripe's API at the SDK's HTTP client seam: records each request and
    answers with a canned response."""

    name = "fake"

    def __init__(self, status=200, body=None):
        super().__init__()
        self.calls = []
        self.status = status
        self.body = body or {"id": "cs_test_123", "object": "checkout.session", "url": SESSION_URL}

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        self.calls.append({"method": method, "url": url, "headers": dict(headers or {}),
                           "data": dict(parse_qsl(post_data or "", keep_blank_values=True))})
        return json.dumps(self.body), self.status, {"request-id": "req_test"}


@pytest.fixture
def stripe_on(settings, monkeypatch):
    settings.PAYMENTS_GATEWAYS = ["stripe", "sandbox"]
    settings.STRIPE_API_KEY = "sk_test_not_a_real_key"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_secret"
    fake = FakeStripeHTTP()
    monkeypatch.setattr(stripe, "default_http_client", fake)
    monkeypatch.setattr(stripe, "max_network_retries", 0, raising=False)
    return fake


def test_card_payment_creates_a_checkout_session_with_our_amount_currency_and_payment_id(stripe_on):
    company = CompanyFactory()
    invoice = InvoiceFactory(company=company, total=Decimal("339.00"))
    payment, url = start_payment(actor=None, company=company, method="card", invoice=invoice,
                                 return_url="https://oms.example/portal/invoices/")
    assert url == SESSION_URL
    assert payment.gateway == "stripe" and payment.method == "card" and payment.amount == Decimal("339.00")
    (call,) = stripe_on.calls
    assert call["method"] == "post" and urlsplit(call["url"]).path == "/v1/checkout/sessions"
    assert call["headers"]["Authorization"] == "Bearer sk_test_not_a_real_key"
    data = call["data"]
    assert data["mode"] == "payment"
    assert data["line_items[0][price_data][unit_amount]"] == "33900"  # minor units
    assert data["line_items[0][price_data][currency]"] == "cny"
    assert data["line_items[0][quantity]"] == "1"
    assert data["metadata[oms_payment]"] == payment.token == data["client_reference_id"]
    assert data["payment_intent_data[metadata][oms_payment]"] == payment.token
    assert data["success_url"] == data["cancel_url"] == "https://oms.example/portal/invoices/"


def test_zero_decimal_currency_is_sent_in_whole_units(stripe_on):
    company = CompanyFactory(currency="JPY")
    order = OrderFactory(company=company, status="submitted", total=Decimal("12500"), currency="JPY")
    start_payment(actor=None, company=company, method="card", order=order, return_url="https://oms.example/")
    assert stripe_on.calls[0]["data"]["line_items[0][price_data][unit_amount]"] == "12500"


def test_stripe_error_becomes_a_gateway_error_and_no_payment_is_left(stripe_on):
    stripe_on.status, stripe_on.body = 400, {"error": {"type": "invalid_request_error", "message": "No such price"}}
    company = CompanyFactory()
    invoice = InvoiceFactory(company=company)
    with pytest.raises(GatewayError):
        start_payment(actor=None, company=company, method="card", invoice=invoice, return_url="https://oms.example/")
    assert not Payment.objects.exists()


def test_stripe_takes_cards_only(stripe_on):
    company = CompanyFactory()
    invoice = InvoiceFactory(company=company)
    with pytest.raises(InvalidPaymentInput) as err:
        start_payment(actor=None, company=company, method="alipay", gateway="stripe", invoice=invoice)
    assert err.value.field == "method"
    # without naming a gateway, Alipay goes to the live gateway that takes it (the sandbox)
    payment, _url = start_payment(actor=None, company=company, method="alipay", invoice=invoice)
    assert payment.gateway == "sandbox" and stripe_on.calls == []


def _completed(payment, event_id="evt_1"):
    return json.dumps({
        "id": event_id, "object": "event", "type": "checkout.session.completed",
        "data": {"object": {"id": "cs_test_123", "object": "checkout.session", "payment_intent": "pi_1",
                            "amount_total": 33900, "currency": "cny", "client_reference_id": payment.token,
                            "metadata": {"oms_payment": payment.token}}},
    })


@pytest.mark.parametrize("header", [
    lambda body: stripe.WebhookSignature.generate_signature_header(body, "whsec_someone_else"),
    lambda body: "t=1,v1=" + "0" * 64,
    lambda body: None,
], ids=["other-secret", "stale-forged", "missing"])
def test_webhook_with_a_bad_signature_is_400_and_changes_nothing(client, stripe_on, header):
    company = CompanyFactory()
    invoice = InvoiceFactory(company=company, total=Decimal("339.00"))
    payment, _url = start_payment(actor=None, company=company, method="card", invoice=invoice)
    body = _completed(payment)
    sig = header(body)
    extra = {"HTTP_STRIPE_SIGNATURE": sig} if sig else {}
    response = client.post("/payments/callback/stripe/", data=body, content_type="application/json", **extra)
    assert response.status_code == 400
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert payment.status == "pending" and invoice.amount_paid == 0 and invoice.status == "open"
    event = GatewayEvent.objects.get()
    assert not event.signature_ok and event.outcome == "rejected" and event.payment is None


def test_webhook_signed_with_our_secret_pays_once(stripe_on):
    company = CompanyFactory()
    invoice = InvoiceFactory(company=company, total=Decimal("339.00"))
    payment, _url = start_payment(actor=None, company=company, method="card", invoice=invoice)
    body = _completed(payment)
    for _ in range(3):  # Stripe retries: the same event id counts once
        header = stripe.WebhookSignature.generate_signature_header(body, "whsec_test_secret")
        result = receive_callback(gateway="stripe", request=SignedRequest(body.encode(), {"Stripe-Signature": header}))
        assert result.status == 200
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert payment.status == "paid" and payment.gateway_ref == "pi_1"
    assert invoice.status == "paid" and invoice.amount_paid == Decimal("339.00")
    assert GatewayEvent.objects.filter(signature_ok=True).count() == 1
