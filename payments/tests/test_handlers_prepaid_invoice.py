"""A prepaid order is invoiced as soon as it waits for its payment, so the dealer has an
invoice to pay; paying it releases the order."""

import pytest

from orders.services.intake import place_order
from payments.models import Invoice

pytestmark = pytest.mark.django_db


def test_prepaid_order_is_invoiced_when_it_starts_waiting_for_payment(shop, django_capture_on_commit_callbacks):
    shop["company"].payment_terms = "prepaid"
    shop["company"].save()
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=10)
    with django_capture_on_commit_callbacks(execute=True):
        order, _ = place_order(actor=shop["sales"], company=shop["company"], channel="console",
                               lines=[{"sku": "VALVE", "quantity": 1}])
    invoice = Invoice.objects.get(order=order)
    assert invoice.total == order.total and invoice.payment_terms == "prepaid"


def test_credit_order_is_not_invoiced_before_it_ships(shop, django_capture_on_commit_callbacks):
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=10)
    with django_capture_on_commit_callbacks(execute=True):
        order, _ = place_order(actor=shop["sales"], company=shop["company"], channel="console",
                               lines=[{"sku": "VALVE", "quantity": 1}])
    assert not Invoice.objects.filter(order=order).exists()


def test_portal_order_page_offers_the_invoice_and_pay_now(client, shop, django_capture_on_commit_callbacks):
    from django.urls import reverse

    from tests.factories import dealer_user

    shop["company"].payment_terms = "prepaid"
    shop["company"].save()
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=10)
    buyer = dealer_user(company=shop["company"])
    with django_capture_on_commit_callbacks(execute=True):
        order, _ = place_order(actor=buyer, company=shop["company"], channel="portal",
                               lines=[{"sku": "VALVE", "quantity": 1}])
    invoice = Invoice.objects.get(order=order)
    client.force_login(buyer)
    html = client.get(reverse("portal:order_detail", args=[order.pk])).content.decode()
    assert reverse("portal:invoice_pdf", args=[invoice.pk]) in html
    assert f'name="invoice" value="{invoice.pk}"' in html and "Pay ¥113.00 now" in html
