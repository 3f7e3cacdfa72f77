"""Sales reports against hand-computed figures (to the cent), with the previous-period
comparison, the filters, and a bounded number of queries.

The fixture (tax 13 % unless said; period March 2026, previous period 29 Jan - 28 Feb 2026):
  A (east, rep Alice, CNY)   5 Mar console  V1 2 × 100.00 + P1 10 × 20.00   net 400.00
                            20 Mar portal   V1 1 × 99.99                    net  99.99 tax 13.00
                             6 Mar          V1 100 × 100.00, cancelled      -
                            10 Feb console  V1 1 × 100.00 (previous)        net 100.00
                             1 Apr          V1 1 × 7.00 (after the period)  -
                            31 Dec 2025     V1 1 × 50.00                    (only in the quarter test)
  B (south, rep Bob, CNY)   10 Mar console  P1 5 × 19.99, ships north       net  99.95 tax 12.99
                             7 Mar          draft                           -
                            29 Jan console  P1 10 × 20.00 (previous)        net 200.00
                            28 Jan          P1 1 × 1000.00 (before previous)
  C (north, no rep, USD)    15 Mar api      V1 3 × 10.00                    net  30.00 tax 3.90
V1 is in category Valves (a child of Tools), P1 in Pipes."""

from datetime import date
from decimal import Decimal

import pytest

import reports.definitions  # noqa: F401  (registers the reports)
from reports import rollup
from reports.forms import parse_params
from reports.registry import get_report
from reports.tests.factories import booked_order
from tests.factories import CategoryFactory, CompanyFactory, ProductFactory, StaffFactory

pytestmark = pytest.mark.django_db
D = Decimal
MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}


@pytest.fixture
def sales():
    tools = CategoryFactory(name="Tools")
    valves, pipes = CategoryFactory(name="Valves", parent=tools), CategoryFactory(name="Pipes")
    v1, p1 = ProductFactory(sku="V1", name="Valve", category=valves), ProductFactory(sku="P1", name="Pipe", category=pipes)
    alice = StaffFactory(username="alice", first_name="Alice", last_name="Li", staff_role="sales")
    bob = StaffFactory(username="bob", first_name="", last_name="", staff_role="sales")
    a = CompanyFactory(code="A", name="Alpha", region="east", sales_rep=alice, currency="CNY")
    b = CompanyFactory(code="B", name="Beta", region="south", sales_rep=bob, currency="CNY")
    c = CompanyFactory(code="C", name="Gamma", region="north", sales_rep=None, currency="USD")
    booked_order(company=a, day=date(2026, 3, 5), channel="console", lines=[(v1, 2, "100.00"), (p1, 10, "20.00")])
    booked_order(company=a, day=date(2026, 3, 20), channel="portal", lines=[(v1, 1, "99.99")])
    booked_order(company=a, day=date(2026, 3, 6), status="cancelled", lines=[(v1, 100, "100.00")])
    booked_order(company=a, day=date(2026, 2, 10), channel="console", lines=[(v1, 1, "100.00")])
    booked_order(company=a, day=date(2026, 4, 1), lines=[(v1, 1, "7.00")])
    booked_order(company=a, day=date(2025, 12, 31), lines=[(v1, 1, "50.00")])
    booked_order(company=b, day=date(2026, 3, 10), channel="console", ship_region="north", lines=[(p1, 5, "19.99")])
    booked_order(company=b, day=date(2026, 3, 7), status="draft", lines=[(p1, 5, "19.99")])
    booked_order(company=b, day=date(2026, 1, 29), channel="console", lines=[(p1, 10, "20.00")])
    booked_order(company=b, day=date(2026, 1, 28), lines=[(p1, 1, "1000.00")])
    booked_order(company=c, day=date(2026, 3, 15), channel="api", lines=[(v1, 3, "10.00")])
    rollup.rebuild_range(date(2025, 12, 1), date(2026, 4, 30))
    return {"a": a, "b": b, "c": c, "v1": v1, "p1": p1, "tools": tools, "alice": alice, "bob": bob}


def run(slug, **raw):
    return get_report(slug).compute(parse_params({**MARCH, **raw}), lambda pct: None)


def section(result, key):
    return next(s for s in result.sections if s.key == key)


def figures(rows, *keys):
    return [tuple(r[k] for k in keys) for r in rows]


def test_sales_by_product_compares_with_the_previous_period_per_currency(sales):
    result = run("sales-by-product")
    rows = section(result, "all").rows
    assert figures(rows, "sku", "currency", "quantity", "orders", "net", "tax", "gross", "prev_net", "change",
                   "change_pct") == [
        ("V1", "CNY", 3, 2, D("299.99"), D("39.00"), D("338.99"), D("100.00"), D("199.99"), D("200.0")),
        ("P1", "CNY", 15, 2, D("299.95"), D("38.99"), D("338.94"), D("200.00"), D("99.95"), D("50.0")),
        ("V1", "USD", 3, 1, D("30.00"), D("3.90"), D("33.90"), D("0.00"), D("30.00"), None),
    ]
    # Two currencies: no grand total across them, one total per currency instead.
    assert section(result, "all").totals is None
    assert figures(section(result, "currencies").rows, "currency", "net", "prev_net", "gross") == [
        ("CNY", D("599.94"), D("300.00"), D("677.93")), ("USD", D("30.00"), D("0.00"), D("33.90"))]
    top = section(result, "top")
    assert top.chart.kind == "bar" and top.chart.x == "sku" and top.chart.series == ("net", "prev_net")


def test_sales_by_category_and_the_category_filter_includes_subcategories(sales):
    rows = section(run("sales-by-category"), "all").rows
    assert figures(rows, "category", "currency", "lines", "net", "prev_net") == [
        ("Valves", "CNY", 2, D("299.99"), D("100.00")), ("Pipes", "CNY", 2, D("299.95"), D("200.00")),
        ("Valves", "USD", 1, D("30.00"), D("0.00"))]
    filtered = section(run("sales-by-product", category=sales["tools"].pk), "all").rows
    assert figures(filtered, "sku", "currency", "net") == [("V1", "CNY", D("299.99")), ("V1", "USD", D("30.00"))]


def test_sales_by_customer(sales):
    rows = section(run("sales-by-customer"), "all").rows
    assert figures(rows, "customer_code", "currency", "orders", "net", "prev_net", "change", "change_pct") == [
        ("A", "CNY", 2, D("499.99"), D("100.00"), D("399.99"), D("400.0")),
        ("B", "CNY", 1, D("99.95"), D("200.00"), D("-100.05"), D("-50.0")),  # -50.025 % rounds half up
        ("C", "USD", 1, D("30.00"), D("0.00"), D("30.00"), None),
    ]


def test_sales_by_region_uses_the_ship_to_region_and_keeps_regions_sold_only_before(sales):
    rows = section(run("sales-by-region"), "all").rows
    assert figures(rows, "region", "currency", "net", "prev_net", "change_pct") == [
        ("east", "CNY", D("499.99"), D("100.00"), D("400.0")),
        ("north", "CNY", D("99.95"), D("0.00"), None),
        ("north", "USD", D("30.00"), D("0.00"), None),
        ("south", "CNY", D("0.00"), D("200.00"), D("-100.0")),
    ]
    assert rows[0]["region_name"] == "East China"


def test_sales_by_channel_with_a_single_currency_has_a_totals_row(sales):
    result = run("sales-by-channel", region="east")
    all_rows = section(result, "all")
    assert figures(all_rows.rows, "channel", "orders", "net", "prev_net") == [
        ("console", 1, D("400.00"), D("100.00")), ("portal", 1, D("99.99"), D("0.00"))]
    totals = all_rows.totals
    assert (totals["channel_name"], totals["orders"], totals["net"], totals["prev_net"], totals["change_pct"]) == (
        "Total", 2, D("499.99"), D("100.00"), D("400.0"))
    assert all_rows.chart.x == "channel_name"


def test_sales_by_sales_rep_and_the_rep_and_customer_filters(sales):
    rows = section(run("sales-by-sales-rep"), "all").rows
    assert figures(rows, "sales_rep", "currency", "net", "prev_net") == [
        ("Alice Li", "CNY", D("499.99"), D("100.00")), ("bob", "CNY", D("99.95"), D("200.00")),
        ("No sales rep", "USD", D("30.00"), D("0.00"))]
    only_bob = section(run("sales-by-product", sales_rep=sales["bob"].pk), "all").rows
    assert figures(only_bob, "sku", "net", "prev_net") == [("P1", D("99.95"), D("200.00"))]
    only_b = section(run("sales-by-channel", customer=sales["b"].pk, channel="console"), "all").rows
    assert figures(only_b, "channel", "net", "prev_net") == [("console", D("99.95"), D("200.00"))]


def test_sales_by_period_in_days_compares_each_day_with_the_day_one_period_earlier(sales):
    result = run("sales-by-period")
    assert [s.key for s in result.sections] == ["periods_cny", "periods_usd"]  # one per currency
    rows = section(result, "periods_cny").rows
    cny = {r["bucket"]: r for r in rows}
    assert len(rows) == 31 and len(section(result, "periods_usd").rows) == 31  # every day, zeros included
    assert (cny[date(2026, 3, 1)]["net"], cny[date(2026, 3, 1)]["prev_net"]) == (D("0.00"), D("200.00"))  # 29 Jan
    assert (cny[date(2026, 3, 5)]["net"], cny[date(2026, 3, 5)]["orders"]) == (D("400.00"), 1)
    assert cny[date(2026, 3, 13)]["prev_net"] == D("100.00")  # 10 Feb + 31 days
    assert sum(r["net"] for r in cny.values()) == D("599.94")
    assert cny[date(2026, 3, 5)]["period"] == "2026-03-05"
    assert section(result, "periods_cny").chart.kind == "line"
    totals = section(result, "periods_cny").totals
    assert (totals["period"], totals["net"], totals["prev_net"], totals["orders"]) == (
        "Total", D("599.94"), D("300.00"), 3)


def test_sales_by_period_in_months_for_a_quarter(sales):
    rows = section(run("sales-by-period", date_from="2026-01-01", date_to="2026-03-31"), "periods_cny").rows
    # Previous period: 3 Oct - 31 Dec 2025, each month shifted forward by the 90 days.
    assert figures(rows, "period", "net", "prev_net", "orders") == [
        ("2026-01", D("1200.00"), D("0.00"), 2),
        ("2026-02", D("100.00"), D("0.00"), 1),
        ("2026-03", D("599.94"), D("50.00"), 3),  # 31 Dec 2025 + 90 days = 31 Mar
    ]


def test_every_sales_report_says_what_booked_sales_are_and_why_there_is_no_warehouse_filter(sales):
    for slug in ("sales-by-product", "sales-by-category", "sales-by-customer", "sales-by-region",
                 "sales-by-channel", "sales-by-sales-rep", "sales-by-period"):
        report = get_report(slug)
        assert "not a draft and not cancelled" in str(report.description)
        assert "warehouse" not in report.filters and "warehouse" in str(report.description)


@pytest.mark.parametrize("slug", ["sales-by-product", "sales-by-category", "sales-by-customer", "sales-by-region",
                                  "sales-by-channel", "sales-by-sales-rep", "sales-by-period"])
def test_query_count_is_bounded_whatever_the_number_of_rows(sales, slug, django_assert_max_num_queries):
    all_filters = {"category": sales["tools"].pk, "customer": sales["a"].pk, "sales_rep": sales["alice"].pk,
                   "region": "east", "channel": "console"}
    with django_assert_max_num_queries(6):  # 3 filter labels + category tree + the aggregation (+1 spare)
        run(slug, **all_filters)
    for i in range(30):
        company = CompanyFactory(region="east", sales_rep=sales["alice"])
        product = ProductFactory(category=sales["v1"].category)
        booked_order(company=company, day=date(2026, 3, 1 + i % 28), lines=[(product, 1 + i, "3.33")])
    rollup.rebuild_range(date(2026, 3, 1), date(2026, 3, 31))
    with django_assert_max_num_queries(6):
        result = run(slug, **{k: v for k, v in all_filters.items() if k != "customer"})
    assert result.row_count > 0
    with django_assert_max_num_queries(1):
        run(slug)


@pytest.mark.parametrize("slug", ["sales-by-product", "sales-by-category", "sales-by-customer", "sales-by-region",
                                  "sales-by-channel", "sales-by-sales-rep", "sales-by-period", "customer-purchasing",
                                  "customer-rfm", "top-customers"])
def test_with_no_sales_every_report_is_empty_not_an_error(slug):
    result = run(slug)
    assert result.row_count == 0 and result.sections


def test_a_report_page_reads_in_chinese_for_a_chinese_speaking_manager(client, sales):
    """The report definitions' own words (column titles, notes, charts) are translated too."""
    from django.urls import reverse

    from tests.factories import StaffFactory

    client.force_login(StaffFactory(staff_role="manager", language="zh-hans"))
    page = client.get(reverse("console:report_detail", args=["sales-by-region"]),
                      {"date_from": "2026-01-01", "date_to": "2026-12-31"}).content.decode()
    assert "净销售额" in page and "Net sales" not in page and "Gross sales" not in page
