"""Console finance pages and the dealer portal: rendering, forms, PDFs, isolation, aging."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from payments.models import Invoice, Payment
from payments.selectors import ar_aging
from tests.factories import CompanyFactory, InvoiceFactory, OrderFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def days_ago(n):
    return timezone.localdate() - timedelta(days=n)


def test_ar_aging_buckets_to_the_cent(client, staff_user):
    a, b = CompanyFactory(code="A1", name="Alpha"), CompanyFactory(code="B2", name="Beta")
    InvoiceFactory(company=a, total=Decimal("100.10"), due_date=days_ago(-3))           # current
    InvoiceFactory(company=a, total=Decimal("200.20"), due_date=days_ago(0))            # due today: current
    InvoiceFactory(company=a, total=Decimal("50.05"), due_date=days_ago(1))             # 1–30
    InvoiceFactory(company=a, total=Decimal("30.00"), due_date=days_ago(30),
                   amount_paid=Decimal("10.01"), status="partially_paid")              # 1–30, balance 19.99
    InvoiceFactory(company=a, total=Decimal("40.00"), due_date=days_ago(31))            # 31–60
    InvoiceFactory(company=b, total=Decimal("60.00"), due_date=days_ago(61))            # 61–90
    InvoiceFactory(company=b, total=Decimal("90.00"), due_date=days_ago(90))            # 61–90
    InvoiceFactory(company=b, total=Decimal("0.99"), due_date=days_ago(91))             # 90+
    InvoiceFactory(company=b, total=Decimal("999.00"), due_date=days_ago(200), status="paid", amount_paid=Decimal("999.00"))
    InvoiceFactory(company=b, total=Decimal("555.00"), due_date=days_ago(200), status="void")
    data = ar_aging()
    rows = {r["company__code"]: r for r in data["rows"]}
    assert (rows["A1"]["current"], rows["A1"]["d1_30"], rows["A1"]["d31_60"], rows["A1"]["total"]) == (
        Decimal("300.30"), Decimal("70.04"), Decimal("40.00"), Decimal("410.34"))
    assert (rows["B2"]["d61_90"], rows["B2"]["d90_plus"], rows["B2"]["total"]) == (
        Decimal("150.00"), Decimal("0.99"), Decimal("150.99"))
    [total] = data["totals"]
    assert total["total"] == Decimal("561.33") and total["current"] == Decimal("300.30")
    client.force_login(staff_user("finance"))
    response = client.get(reverse("console:ar_aging"))
    assert response.status_code == 200 and "¥561.33" in response.content.decode()


def test_finance_records_a_bank_transfer_against_an_invoice(client, staff_user):
    invoice = InvoiceFactory(total=Decimal("100.00"))
    client.force_login(staff_user("finance"))
    url = reverse("console:bank_transfer")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"document": "INV-NOPE", "amount": "10", "reference": "R1"})
    assert bad.status_code == 200 and "No order or invoice has this number." in bad.content.decode()
    response = client.post(url, {"document": invoice.number.lower(), "amount": "120.00", "reference": "BANK-77"})
    payment = Payment.objects.get(reference="BANK-77")
    assert response.status_code == 302 and response.url == reverse("console:payment_detail", args=[payment.pk])
    invoice.refresh_from_db()
    assert invoice.status == "paid" and payment.status == "paid"
    assert payment.amount_allocated == Decimal("100.00")  # 20.00 stays as customer credit
    dup = client.post(url, {"document": invoice.number, "amount": "1", "reference": "BANK-77"})
    assert "already recorded" in dup.content.decode()


def test_refund_form_shows_field_errors_and_refunds(client, staff_user):
    payment = PaymentFactory(status="paid", amount=Decimal("50.00"), method="bank_transfer", gateway="bank")
    client.force_login(staff_user("finance"))
    url = reverse("console:payment_refund", args=[payment.pk])
    too_much = client.post(url, {"amount": "60", "reason": "x"})
    assert too_much.status_code == 200 and "At most" in too_much.content.decode()
    assert client.post(url, {"amount": "abc", "reason": ""}).status_code == 200
    assert client.post(url, {"amount": "20", "reason": "Damaged"}).status_code == 302
    payment.refresh_from_db()
    assert payment.status == "partially_refunded"
    page = client.get(reverse("console:payment_detail", args=[payment.pk]))
    assert "Damaged" in page.content.decode()


def test_console_lists_and_invoice_pdf(client, staff_user, django_assert_max_num_queries):
    company = CompanyFactory(name="上海阀门有限公司")
    for _ in range(5):
        PaymentFactory(company=company, order=OrderFactory(company=company))
        InvoiceFactory(company=company, order=OrderFactory(company=company),
                       lines=[{"line_no": 1, "sku": "V-1", "name": "球阀 DN50", "quantity": 2, "unit_price": "50.00",
                               "tax": "0", "total": "100.00"}])
    client.force_login(staff_user("finance"))
    for name in ("console:payment_list", "console:invoice_list"):
        with django_assert_max_num_queries(12):
            assert client.get(reverse(name)).status_code == 200
    invoice = Invoice.objects.first()
    assert client.get(reverse("console:invoice_detail", args=[invoice.pk])).status_code == 200
    pdf = client.get(reverse("console:invoice_pdf", args=[invoice.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_dealer_sees_own_invoices_and_gets_404_for_another_company(client, dealer):
    mine, theirs = CompanyFactory(), CompanyFactory()
    own = InvoiceFactory(company=mine)
    other = InvoiceFactory(company=theirs)
    other_payment = PaymentFactory(company=theirs)
    client.force_login(dealer(company=mine))
    page = client.get(reverse("portal:invoices")).content.decode()
    assert own.number in page and other.number not in page
    assert client.get(reverse("portal:invoice_pdf", args=[own.pk])).status_code == 200
    assert client.get(reverse("portal:invoice_pdf", args=[other.pk])).status_code == 404
    assert client.get(reverse("portal:payment_detail", args=[other_payment.pk])).status_code == 404
    assert client.post(reverse("portal:pay"), {"invoice": other.pk}).status_code == 404
    assert client.post(reverse("portal:pay"), {"order": OrderFactory(company=theirs).pk}).status_code == 404
    assert client.get(reverse("portal:statement")).status_code == 200


def test_dealer_pays_an_open_invoice_through_the_sandbox(client, dealer):
    company = CompanyFactory()
    invoice = InvoiceFactory(company=company, total=Decimal("88.00"))
    client.force_login(dealer(company=company))
    choose = client.get(reverse("portal:pay"), {"invoice": invoice.pk}).content.decode()
    assert 'value="card"' in choose and "¥88.00" in choose
    response = client.post(reverse("portal:pay"), {"invoice": invoice.pk, "method": "card"})
    payment = Payment.objects.get(invoice=invoice)
    assert payment.method == "card"
    assert response.url == reverse("payments:sandbox_page", args=[payment.token])
    assert "¥88.00" in client.get(response.url).content.decode()
    back = client.post(response.url, {"action": "pay"})
    assert back.url == reverse("portal:payment_detail", args=[payment.pk])
    assert 'data-outcome="paid"' in client.get(back.url).content.decode()
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    # paying again is refused with a message, not a 500
    again = client.post(reverse("portal:pay"), {"invoice": invoice.pk, "method": "card"})
    assert again.status_code == 302 and again.url == reverse("portal:invoices")


def test_finance_issues_a_credit_note_and_managers_only_see_them(client, staff_user):
    company = CompanyFactory(code="ACME")
    url = reverse("console:credit_notes")
    client.force_login(staff_user("finance"))
    bad = client.post(url, {"company": "NOPE", "amount": "10", "currency": "CNY", "reason": "x"})
    assert "No customer has this code." in bad.content.decode()
    assert client.post(url, {"company": "acme", "amount": "25.50", "currency": "CNY", "reason": "Price fix"}).status_code == 302
    note = company.credit_notes.get()
    assert note.remaining == Decimal("25.50") and note.number in client.get(url).content.decode()
    client.force_login(staff_user("manager"))
    assert client.get(url).status_code == 200
    assert client.post(url, {"company": "ACME", "amount": "1", "currency": "CNY", "reason": "x"}).status_code == 403


def test_dealer_sees_own_credit_notes_with_what_is_left(client, dealer):
    from payments.services import issue_credit_note

    mine, theirs = CompanyFactory(), CompanyFactory()
    own = issue_credit_note(actor=None, company=mine, amount=Decimal("226.00"), currency="CNY", reason="Return",
                            source_ref="RMA-000001")
    other = issue_credit_note(actor=None, company=theirs, amount=Decimal("50.00"), currency="CNY", reason="Goodwill")
    client.force_login(dealer(company=mine))
    page = client.get(reverse("portal:invoices")).content.decode()
    row = page.split(f'data-credit-note="{own.number}"')[1].split("</tr>")[0]
    assert "RMA-000001" in row and row.count("¥226.00") == 2  # amount and what is left to use
    assert other.number not in page


def test_invoice_list_search_finds_by_invoice_order_or_customer(client, staff_user):
    acme, beta = CompanyFactory(code="ACME01", name="Acme Valves"), CompanyFactory(code="BETA02", name="Beta Pipes")
    order = OrderFactory(company=acme, status="completed")
    a = InvoiceFactory(company=acme, order=order, number="INV-2026-000101")
    b = InvoiceFactory(company=beta, number="INV-2026-000202")
    client.force_login(staff_user("finance"))

    def found(q):
        page = client.get(reverse("console:invoice_list"), {"q": q}).content.decode()
        return {n for n in (a.number, b.number) if f'data-invoice="{n}"' in page}, page

    assert found("000202")[0] == {b.number}
    assert found(order.number)[0] == {a.number}
    assert found("acme01")[0] == {a.number}  # a customer code, any case
    assert found("pipes")[0] == {b.number}   # part of a name
    nothing, page = found("no such thing")
    assert nothing == set() and "No invoices match “no such thing”." in page
    assert reverse("console:order_detail", args=[order.pk]) in found("")[1]  # the order column links to it


def test_order_page_shows_its_invoices_and_payments_to_finance_only(client, staff_user):
    company = CompanyFactory()
    order = OrderFactory(company=company, status="shipped", total=Decimal("300.00"),
                         amount_paid=Decimal("100.00"))
    invoice = InvoiceFactory(company=company, order=order, total=Decimal("300.00"), amount_paid=Decimal("100.00"),
                             status="partially_paid")
    void = InvoiceFactory(company=company, order=order, total=Decimal("300.00"), status="void")
    card = PaymentFactory(company=company, order=order, invoice=invoice, amount=Decimal("100.00"), status="paid")
    elsewhere = PaymentFactory(company=company, amount=Decimal("5.00"), status="paid")  # another order's
    url = reverse("console:order_detail", args=[order.pk])

    client.force_login(staff_user("finance"))
    page = client.get(url).content.decode()
    assert reverse("console:invoice_detail", args=[invoice.pk]) in page and f'data-invoice="{void.number}"' in page
    assert reverse("console:payment_detail", args=[card.pk]) in page
    assert f'data-payment="{elsewhere.display_number}"' not in page
    assert 'data-field="amount-paid"' in page and "¥100.00 of ¥300.00 paid." in page

    client.force_login(staff_user("sales"))  # sales sees that it is paid, not the finance documents
    assert 'id="billing"' not in client.get(url).content.decode()
