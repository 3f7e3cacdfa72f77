"""Payment methods per customer (card, Alipay, WeChat Pay online; bank transfer; credit terms;
COD), the dealer's choice on the Pay page, and the sandbox wallet QR flow: QR code of the scan
URL, the phone opening it, the signed callback, the dealer's page polling to "paid"."""

from decimal import Decimal

import pytest
import segno
from django.urls import reverse

from payments.errors import InvalidPaymentInput
from payments.models import GatewayEvent, Payment
from payments.selectors import allowed_methods, payable_online_methods
from payments.services import set_payment_methods, start_payment
from tests.factories import CompanyFactory, InvoiceFactory

pytestmark = pytest.mark.django_db


def test_defaults_follow_the_payment_terms_and_finance_can_narrow_them():
    net = CompanyFactory(payment_terms="net30")
    cod = CompanyFactory(payment_terms="cod")
    prepaid = CompanyFactory(payment_terms="prepaid")
    assert allowed_methods(net) == ["card", "alipay", "wechat", "bank_transfer", "credit_terms"]
    assert allowed_methods(cod) == ["card", "alipay", "wechat", "bank_transfer", "cod"]
    assert allowed_methods(prepaid) == ["card", "alipay", "wechat", "bank_transfer"]
    set_payment_methods(actor=None, company=net, methods=["wechat", "bank_transfer"])
    assert allowed_methods(net) == ["wechat", "bank_transfer"]
    assert payable_online_methods(net) == [("wechat", "WeChat Pay")]
    with pytest.raises(InvalidPaymentInput):
        set_payment_methods(actor=None, company=net, methods=[])
    with pytest.raises(InvalidPaymentInput):
        set_payment_methods(actor=None, company=net, methods=["bitcoin"])


def test_a_method_the_customer_may_not_use_is_refused():
    company = CompanyFactory()
    invoice = InvoiceFactory(company=company)
    set_payment_methods(actor=None, company=company, methods=["alipay"])
    with pytest.raises(InvalidPaymentInput) as err:
        start_payment(actor=None, company=company, method="card", invoice=invoice)
    assert err.value.field == "method"
    with pytest.raises(InvalidPaymentInput):  # not an online method at all
        start_payment(actor=None, company=company, method="bank_transfer", invoice=invoice)
    assert not Payment.objects.exists()


def test_pay_page_offers_only_the_allowed_online_methods_and_refuses_others(client, dealer):
    company = CompanyFactory()
    invoice = InvoiceFactory(company=company, total=Decimal("50.00"))
    set_payment_methods(actor=None, company=company, methods=["alipay", "wechat", "credit_terms"])
    client.force_login(dealer(company=company))
    page = client.get(reverse("portal:pay"), {"invoice": invoice.pk}).content.decode()
    assert 'value="alipay"' in page and 'value="wechat"' in page
    assert 'value="card"' not in page and 'value="credit_terms"' not in page
    refused = client.post(reverse("portal:pay"), {"invoice": invoice.pk, "method": "card"})
    assert refused.status_code == 422 and 'role="alert"' in refused.content.decode()
    assert not Payment.objects.exists()
    chosen = client.post(reverse("portal:pay"), {"invoice": invoice.pk, "method": "wechat"})
    payment = Payment.objects.get()
    assert payment.method == "wechat" and payment.gateway == "sandbox"
    assert chosen.status_code == 302 and chosen.url == reverse("payments:sandbox_page", args=[payment.token])


def test_no_online_method_tells_the_dealer_to_transfer(client, dealer):
    company = CompanyFactory()
    invoice = InvoiceFactory(company=company)
    set_payment_methods(actor=None, company=company, methods=["bank_transfer"])
    client.force_login(dealer(company=company))
    page = client.get(reverse("portal:pay"), {"invoice": invoice.pk}).content.decode()
    assert 'data-outcome="no-method"' in page and invoice.number in page


@pytest.mark.parametrize("method", ["alipay", "wechat"])
def test_wallet_qr_flow_pays_through_the_signed_callback(client, dealer, method):
    company = CompanyFactory()
    invoice = InvoiceFactory(company=company, total=Decimal("88.00"))
    client.force_login(dealer(company=company))
    start = client.post(reverse("portal:pay"), {"invoice": invoice.pk, "method": method})
    payment = Payment.objects.get()
    assert payment.method == method

    # the gateway page: a QR code that encodes the scan URL, and a status block that polls
    qr_page = client.get(start.url).content.decode()
    scan_url = "http://testserver" + reverse("payments:sandbox_scan", args=[payment.token])
    assert segno.make(scan_url, error="m").svg_inline(scale=5, border=2, title="QR") in qr_page
    assert 'name="action"' not in qr_page  # no pay button: the phone pays
    status_url = reverse("payments:sandbox_status", args=[payment.token])
    waiting = client.get(status_url).content.decode()
    assert 'data-outcome="waiting"' in waiting and 'hx-trigger="every 2s"' in waiting

    # the phone opens the scanned URL: the wallet pays, the gateway posts its signed callback
    phone = client.get(scan_url)
    assert phone.status_code == 200 and 'data-outcome="paid"' in phone.content.decode()
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert payment.status == "paid" and invoice.status == "paid"
    event = GatewayEvent.objects.get()
    assert event.signature_ok and event.event_type == "payment.succeeded" and event.payment == payment

    # the computer's next poll shows it paid and stops polling; scanning again changes nothing
    done = client.get(status_url).content.decode()
    assert 'data-outcome="paid"' in done and "hx-trigger" not in done and "¥88.00" in done
    client.get(scan_url)
    assert GatewayEvent.objects.count() == 1
    portal = client.get(reverse("portal:payment_detail", args=[payment.pk])).content.decode()
    assert 'data-outcome="paid"' in portal


def test_declined_scan_marks_the_payment_failed(client):
    company = CompanyFactory()
    invoice = InvoiceFactory(company=company)
    payment, _url = start_payment(actor=None, company=company, method="alipay", invoice=invoice)
    client.get(reverse("payments:sandbox_scan", args=[payment.token]), {"fail": "1"})
    payment.refresh_from_db()
    assert payment.status == "failed"


def test_card_payments_have_no_scan_url(client):
    company = CompanyFactory()
    payment, _url = start_payment(actor=None, company=company, method="card", invoice=InvoiceFactory(company=company))
    assert client.get(reverse("payments:sandbox_scan", args=[payment.token])).status_code == 404
    payment.refresh_from_db()
    assert payment.status == "pending"


def test_finance_edits_a_customers_methods_in_the_console(client, staff_user):
    company = CompanyFactory()
    url = reverse("console:customer_methods", args=[company.pk])
    client.force_login(staff_user("sales"))
    assert client.get(url).status_code in (200, 403)
    assert client.post(url, {"methods": ["card"]}).status_code == 403
    client.force_login(staff_user("finance"))
    page = client.get(url).content.decode()
    assert 'value="alipay"' in page and "checked" in page
    response = client.post(url, {"methods": ["card", "bank_transfer"]})
    assert response.status_code == 302
    assert allowed_methods(company) == ["card", "bank_transfer"]
    assert client.post(url, {}).status_code == 422  # at least one
    assert allowed_methods(company) == ["card", "bank_transfer"]
