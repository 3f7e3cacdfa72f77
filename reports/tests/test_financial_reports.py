"""Financial reports against hand-computed fixtures, to the cent and never across currencies."""

import importlib
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.registry import get_report
from payments.models import Refund
from returns.models import ReturnLine
from returns.services import return_value
from tests.factories import (CompanyFactory, CreditNoteFactory, InvoiceFactory, OrderFactory, OrderLineFactory,
                             PaymentFactory, ReturnRequestFactory)

pytestmark = pytest.mark.django_db

importlib.import_module("reports.definitions")  # registers every report

PERIOD = {"date_from": date(2026, 9, 1), "date_to": date(2026, 10, 31)}


def at(d: date, hour=12, minute=0):
    return datetime.combine(d, time(hour, minute), tzinfo=timezone.get_current_timezone())


def run(slug, **params):
    full = {"customer": None, "region": "", **params}
    return get_report(slug).compute(full, lambda pct: None)


def sections(result):
    return {s.key: s for s in result.sections}


def by(rows, key):
    return {r[key]: r for r in rows}


@pytest.fixture
def companies():
    return CompanyFactory(code="A1", name="Alpha", region="east"), CompanyFactory(code="B2", name="Beta", region="south")


def test_revenue_is_invoiced_minus_credit_notes_by_month_and_currency(companies):
    a, b = companies
    InvoiceFactory(company=a, issue_date=date(2026, 9, 5), total=Decimal("100.10"), subtotal=Decimal("88.58"),
                   tax=Decimal("11.52"))
    InvoiceFactory(company=a, issue_date=date(2026, 9, 30), total=Decimal("200.20"))
    InvoiceFactory(company=b, issue_date=date(2026, 10, 1), total=Decimal("50.05"))
    InvoiceFactory(company=b, issue_date=date(2026, 10, 15), total=Decimal("999.00"), status="void")  # void: out
    InvoiceFactory(company=a, issue_date=date(2026, 8, 31), total=Decimal("77.00"))  # before the period
    InvoiceFactory(company=b, issue_date=date(2026, 10, 20), total=Decimal("30.00"), currency="USD")
    CreditNoteFactory(company=a, amount=Decimal("10.01"), created_at=at(date(2026, 9, 10)))
    CreditNoteFactory(company=b, amount=Decimal("5.00"), created_at=at(date(2026, 10, 31), 23, 30))
    CreditNoteFactory(company=b, amount=Decimal("9.99"), created_at=at(date(2026, 11, 1), 0, 30))  # next month locally

    result = sections(run("financial-revenue", **PERIOD))
    assert set(result) == {"revenue_cny", "revenue_usd"}
    cny = by(result["revenue_cny"].rows, "month")
    assert (cny["2026-09"]["invoices"], cny["2026-09"]["invoiced"], cny["2026-09"]["credited"], cny["2026-09"]["net"]) == (
        2, Decimal("300.30"), Decimal("10.01"), Decimal("290.29"))
    assert (cny["2026-09"]["subtotal"], cny["2026-09"]["tax"]) == (Decimal("288.78"), Decimal("11.52"))
    assert (cny["2026-10"]["invoiced"], cny["2026-10"]["credited"], cny["2026-10"]["net"]) == (
        Decimal("50.05"), Decimal("5.00"), Decimal("45.05"))
    totals = result["revenue_cny"].totals
    assert (totals["invoiced"], totals["credited"], totals["net"], totals["invoices"]) == (
        Decimal("350.35"), Decimal("15.01"), Decimal("335.34"), 3)
    usd = by(result["revenue_usd"].rows, "month")
    assert usd["2026-10"]["net"] == Decimal("30.00") and usd["2026-09"]["net"] == Decimal("0")
    assert all(r["currency"] == "USD" for r in result["revenue_usd"].rows)

    south = sections(run("financial-revenue", region="south", **PERIOD))
    assert south["revenue_cny"].totals["net"] == Decimal("45.05")
    alpha = sections(run("financial-revenue", customer=a.pk, **PERIOD))
    assert set(alpha) == {"revenue_cny"} and alpha["revenue_cny"].totals["net"] == Decimal("290.29")


def test_payments_received_by_month_and_method(companies):
    a, b = companies
    PaymentFactory(company=a, method="card", amount=Decimal("100.00"), status="paid", paid_at=at(date(2026, 9, 3)))
    PaymentFactory(company=a, method="bank_transfer", amount=Decimal("250.50"), amount_refunded=Decimal("20.00"),
                   status="partially_refunded", paid_at=at(date(2026, 10, 5)))
    PaymentFactory(company=b, method="alipay", amount=Decimal("0.99"), status="partially_paid", paid_at=None,
                   created_at=at(date(2026, 10, 7)))
    PaymentFactory(company=b, method="card", amount=Decimal("40.00"), status="failed", created_at=at(date(2026, 10, 7)))
    PaymentFactory(company=b, method="card", amount=Decimal("12.34"), currency="USD", status="paid",
                   paid_at=at(date(2026, 10, 8)))
    PaymentFactory(company=a, method="card", amount=Decimal("500.00"), status="paid", paid_at=at(date(2026, 11, 2)))

    result = sections(run("financial-payments", **PERIOD))
    months = by(result["by_month_cny"].rows, "month")
    assert (months["2026-09"]["payments"], months["2026-09"]["amount"]) == (1, Decimal("100.00"))
    assert (months["2026-10"]["payments"], months["2026-10"]["amount"], months["2026-10"]["refunded"],
            months["2026-10"]["kept"]) == (2, Decimal("251.49"), Decimal("20.00"), Decimal("231.49"))
    assert result["by_month_cny"].totals["amount"] == Decimal("351.49")
    methods = by(result["by_method_cny"].rows, "method")
    assert (methods["Bank transfer"]["amount"], methods["Bank transfer"]["share"]) == (Decimal("250.50"), Decimal("71.3"))
    assert (methods["Card"]["amount"], methods["Card"]["share"]) == (Decimal("100.00"), Decimal("28.5"))
    assert methods["Alipay"]["amount"] == Decimal("0.99")
    assert result["by_month_usd"].totals["amount"] == Decimal("12.34")


def test_refunds_by_month_and_method(companies):
    a, b = companies
    bank = PaymentFactory(company=a, method="bank_transfer", amount=Decimal("250.50"), amount_refunded=Decimal("20.00"),
                          status="partially_refunded", paid_at=at(date(2026, 10, 5)))
    usd = PaymentFactory(company=b, method="card", amount=Decimal("12.34"), currency="USD", status="partially_refunded",
                         amount_refunded=Decimal("2.34"), paid_at=at(date(2026, 10, 8)))
    Refund.objects.create(payment=bank, amount=Decimal("20.00"), status="succeeded", reason="x",
                          created_at=at(date(2026, 10, 6)))
    Refund.objects.create(payment=bank, amount=Decimal("5.00"), status="pending", reason="x",
                          created_at=at(date(2026, 10, 6)))
    Refund.objects.create(payment=usd, amount=Decimal("2.34"), status="succeeded", reason="x",
                          created_at=at(date(2026, 10, 9)))
    result = sections(run("financial-refunds", **PERIOD))
    assert by(result["by_month_cny"].rows, "month")["2026-10"]["amount"] == Decimal("20.00")
    assert result["by_month_cny"].totals == {"month": "Total", "currency": "CNY", "refunds": 1, "amount": Decimal("20.00")}
    assert by(result["by_method_cny"].rows, "method")["Bank transfer"]["amount"] == Decimal("20.00")
    assert result["by_month_usd"].totals["amount"] == Decimal("2.34")


def _rma(company, created, resolution="", lines=(), status="resolved"):
    order = OrderFactory(company=company)
    rma = ReturnRequestFactory(order=order, company=company, status=status, resolution=resolution, created_at=created)
    for qty, total, returned, received, reason, restock, scrap in lines:
        ol = OrderLineFactory(order=order, quantity=qty, unit_price=Decimal(total) / qty,
                              total_amount=Decimal(total), net_amount=Decimal(total))
        ReturnLine.objects.create(rma=rma, order_line=ol, quantity=returned, received_quantity=received, reason=reason,
                                  restock_quantity=restock, scrap_quantity=scrap)
    if resolution:
        rma.refund_amount = return_value(rma) if resolution != "exchange" else Decimal("0")
        rma.save(update_fields=["refund_amount"])
    return rma


def test_returns_by_reason_with_credited_amounts(companies):
    a, b = companies
    refunded = _rma(a, at(date(2026, 10, 2)), "refund", [(3, "100.00", 1, 1, "damaged", 1, 0),
                                                           (7, "10.00", 2, 2, "wrong_item", 2, 0)])
    _rma(b, at(date(2026, 10, 3)), "credit_note", [(3, "10.00", 2, 2, "damaged", 1, 1)])
    _rma(a, at(date(2026, 10, 4)), "", [(4, "40.00", 4, 0, "damaged", 0, 0)], status="authorized")
    _rma(a, at(date(2026, 10, 5)), "exchange", [(1, "50.00", 1, 1, "excess", 1, 0)])
    _rma(a, at(date(2026, 11, 2)), "refund", [(1, "80.00", 1, 1, "damaged", 1, 0)])  # after the period

    result = sections(run("financial-returns", **PERIOD))
    reasons = by(result["by_reason"].rows, "reason")
    damaged = reasons["Damaged"]
    assert (damaged["returns"], damaged["lines"], damaged["requested"], damaged["received"], damaged["restocked"],
            damaged["scrapped"]) == (3, 3, 7, 3, 2, 1)
    assert (reasons["Wrong item"]["requested"], reasons["Excess / ordered too many"]["received"]) == (2, 1)
    credited = by(result["credited_cny"].rows, "reason")
    # 100.00 / 3 × 1 = 33.33 refunded; 10.00 / 3 × 2 = 6.67 credit note; 10.00 / 7 × 2 = 2.86 refunded
    assert (credited["Damaged"]["refunded"], credited["Damaged"]["credit_noted"], credited["Damaged"]["credited"]) == (
        Decimal("33.33"), Decimal("6.67"), Decimal("40.00"))
    assert credited["Wrong item"]["refunded"] == Decimal("2.86")
    assert credited["Excess / ordered too many"]["credited"] == Decimal("0")  # exchanged, nothing credited
    assert result["credited_cny"].totals["credited"] == Decimal("42.86")
    # per-reason split adds up to what the RMA itself refunded
    assert credited["Damaged"]["refunded"] + credited["Wrong item"]["refunded"] == refunded.refund_amount == Decimal("36.19")


def days_ago(n):
    return timezone.localdate() - timedelta(days=n)


def test_ar_aging_agrees_with_the_console_page(companies, client, staff_user):
    a, b = companies
    InvoiceFactory(company=a, total=Decimal("100.10"), due_date=days_ago(-3))
    InvoiceFactory(company=a, total=Decimal("50.05"), due_date=days_ago(1))
    InvoiceFactory(company=a, total=Decimal("30.00"), due_date=days_ago(30), amount_paid=Decimal("10.01"),
                   status="partially_paid")
    InvoiceFactory(company=b, total=Decimal("60.00"), due_date=days_ago(61))
    InvoiceFactory(company=b, total=Decimal("0.99"), due_date=days_ago(91))
    InvoiceFactory(company=b, total=Decimal("70.00"), due_date=days_ago(45), currency="USD")
    InvoiceFactory(company=b, total=Decimal("999.00"), due_date=days_ago(200), status="void")

    result = sections(run("financial-ar-aging"))
    client.force_login(staff_user("finance"))
    page = client.get(reverse("console:ar_aging"))
    assert page.status_code == 200
    page_totals = {t["currency"]: t for t in page.context["totals"]}
    keys = ("current", "d1_30", "d31_60", "d61_90", "d90_plus", "total")
    for cur in ("CNY", "USD"):
        assert result[f"customers_{cur.lower()}"].totals == {"customer_code": "Total", "customer": "", "currency": cur,
                                                            **{k: page_totals[cur][k] for k in keys}}
    page_rows = {(r["company__code"], r["currency"]): r for r in page.context["rows"]}
    for cur in ("CNY", "USD"):
        for row in result[f"customers_{cur.lower()}"].rows:
            assert {k: row[k] for k in keys} == {k: page_rows[row["customer_code"], cur][k] for k in keys}
    cny = by(result["customers_cny"].rows, "customer_code")
    assert (cny["A1"]["current"], cny["A1"]["d1_30"], cny["A1"]["total"]) == (Decimal("100.10"), Decimal("70.04"),
                                                                              Decimal("170.14"))
    assert (cny["B2"]["d61_90"], cny["B2"]["d90_plus"]) == (Decimal("60.00"), Decimal("0.99"))
    buckets = by(result["buckets_cny"].rows, "bucket")
    assert buckets["1–30 days"]["amount"] == Decimal("70.04") and result["buckets_cny"].totals["amount"] == Decimal("231.13")
    assert result["customers_usd"].totals["d31_60"] == Decimal("70.00")

    beta = sections(run("financial-ar-aging", customer=b.pk))
    assert [r["customer_code"] for r in beta["customers_cny"].rows] == ["B2"]
    assert beta["customers_cny"].totals["total"] == Decimal("60.99")
    east = sections(run("financial-ar-aging", region="east"))
    assert set(east) == {"buckets_cny", "customers_cny"} and east["customers_cny"].totals["total"] == Decimal("170.14")


@pytest.mark.parametrize("slug", ["financial-revenue", "financial-payments", "financial-refunds", "financial-returns",
                                  "financial-ar-aging"])
def test_query_count_does_not_grow_with_rows(companies, slug, django_assert_max_num_queries):
    a, _b = companies
    for i in range(20):
        company = CompanyFactory(region="east")
        day = date(2026, 9, 1) + timedelta(days=i * 3)
        InvoiceFactory(company=company, issue_date=day, due_date=days_ago(i * 7), total=Decimal("10.00") + i)
        CreditNoteFactory(company=company, amount=Decimal("1.00"), created_at=at(day))
        p = PaymentFactory(company=company, method=("card", "alipay")[i % 2], amount=Decimal("9.99"), status="paid",
                           paid_at=at(day), amount_refunded=Decimal("1.00"))
        Refund.objects.create(payment=p, amount=Decimal("1.00"), status="succeeded", reason="x", created_at=at(day))
        _rma(company, at(day), "refund", [(2, "20.00", 1, 1, ("damaged", "excess")[i % 2], 1, 0)])
    with django_assert_max_num_queries(3):  # the aggregations (2 at most) + the region filter label (none) + 1 spare
        result = run(slug, customer=None, region="east", **PERIOD)
    assert result.row_count >= 1


def test_a_return_credited_through_the_real_services_shows_in_returns_and_revenue(shop, settings, tmp_path):
    """Delivered order -> RMA requested, authorized, received, inspected and resolved by credit note."""
    from orders.services.intake import place_order
    from returns import services
    from tests.factories import deliver_order, dealer_user

    settings.MEDIA_ROOT = tmp_path
    p = shop["products"]
    shop["stock_of"](p["VALVE"], shop["sh"], on_hand=10)
    buyer = dealer_user(company=shop["company"])
    order, _ = place_order(actor=buyer, company=shop["company"], channel="portal", lines=[{"sku": "VALVE", "quantity": 3}])
    deliver_order(order, shop["warehouse"])
    line = order.lines.get()
    rma = services.request_return(actor=buyer, company=shop["company"], order=order,
                                  lines=[{"order_line": line.pk, "quantity": 2, "reason": "damaged"}])
    services.authorize_return(actor=shop["manager"], rma=rma)
    rl = rma.lines.get()
    services.receive_return(actor=shop["warehouse"], rma=rma, warehouse=shop["sh"], quantities={rl.pk: 2})
    services.inspect_return(actor=shop["warehouse"], rma=rma, outcomes={rl.pk: {"restock": 1, "quarantine": 0, "scrap": 1}})
    services.resolve_return(actor=shop["manager"], rma=rma, resolution="credit_note")
    rma.refresh_from_db()
    assert rma.refund_amount > 0
    today = timezone.localdate()
    period = {"date_from": today, "date_to": today}
    returns = sections(run("financial-returns", **period))
    damaged = by(returns["by_reason"].rows, "reason")["Damaged"]
    assert (damaged["returns"], damaged["requested"], damaged["received"], damaged["restocked"], damaged["scrapped"]) == (
        1, 2, 2, 1, 1)
    assert returns["credited_cny"].totals["credit_noted"] == rma.refund_amount
    revenue = sections(run("financial-revenue", **period))["revenue_cny"].totals
    assert revenue["credited"] == rma.refund_amount and revenue["credit_notes"] == 1


def test_financial_reports_are_for_finance_and_managers(companies, client, staff_user):
    from django.urls import reverse

    InvoiceFactory(company=companies[0], issue_date=date(2026, 10, 5), total=Decimal("1234.56"))
    url = reverse("console:report_detail", args=["financial-revenue"])
    client.force_login(staff_user("sales_manager"))  # sees reports, not money
    assert client.get(url, {"date_from": "2026-10-01", "date_to": "2026-10-31"}).status_code == 404
    client.force_login(staff_user("finance"))
    page = client.get(url, {"date_from": "2026-10-01", "date_to": "2026-10-31"})
    assert page.status_code == 200 and "1,234.56" in page.content.decode()
    for slug in ("financial-payments", "financial-refunds", "financial-returns", "financial-ar-aging"):
        assert client.get(reverse("console:report_detail", args=[slug])).status_code == 200, slug


@pytest.mark.parametrize("slug", ["financial-revenue", "financial-payments", "financial-refunds", "financial-returns",
                                  "financial-ar-aging"])
def test_an_empty_database_gives_zero_figures_not_errors(slug):
    result = run(slug, **PERIOD)
    assert result.sections
    for s in result.sections:
        if s.totals:
            assert all(v in (0, None) for k, v in s.totals.items() if k not in ("month", "method", "reason", "bucket",
                                                                                 "customer_code", "customer", "currency")), s.key
