"""Customer reports against a small crafted set (period March 2026, tax 13 %):

  K1  4 orders × 225.00 on 10, 20, 25, 30 Mar (and 1 × 100.00 on 15 Feb, previous period)
  K2  1 order  × 100.00 on 29 Mar
  K3  3 orders × 200.00 on 2, 3, 5 Mar
  K4  2 orders × 150.00 on 12, 20 Mar
  K5  1 order  ×  50.00 on 1 Mar
  X   1 order  × 80.00 USD on 3 Mar (another currency: scored and summed apart)
"""

from datetime import date
from decimal import Decimal

import pytest

import reports.definitions  # noqa: F401  (registers the reports)
from reports import rollup
from reports.forms import parse_params
from reports.registry import get_report
from reports.tests.factories import booked_order
from tests.factories import CompanyFactory, ProductFactory

pytestmark = pytest.mark.django_db
D = Decimal
MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}
PLAN = {
    "K1": [(30, "225.00"), (25, "225.00"), (20, "225.00"), (10, "225.00")],
    "K2": [(29, "100.00")],
    "K3": [(5, "200.00"), (3, "200.00"), (2, "200.00")],
    "K4": [(20, "150.00"), (12, "150.00")],
    "K5": [(1, "50.00")],
}


@pytest.fixture
def crafted():
    product = ProductFactory()
    companies = {}
    for code, orders in PLAN.items():
        companies[code] = company = CompanyFactory(code=code, name=f"Customer {code}", region="east", currency="CNY")
        for day, price in orders:
            booked_order(company=company, day=date(2026, 3, day), lines=[(product, 1, price)])
    booked_order(company=companies["K1"], day=date(2026, 2, 15), lines=[(product, 1, "100.00")])
    usd = CompanyFactory(code="X", name="Export", region="south", currency="USD")
    booked_order(company=usd, day=date(2026, 3, 3), lines=[(product, 1, "80.00")])
    rollup.rebuild_range(date(2026, 1, 1), date(2026, 3, 31))
    return companies


def run(slug, **raw):
    return get_report(slug).compute(parse_params({**MARCH, **raw}), lambda pct: None)


def section(result, key):
    return next(s for s in result.sections if s.key == key)


def test_repeat_purchase_rate_and_average_order_value_per_currency(crafted):
    rows = section(run("customer-purchasing"), "purchasing").rows
    cny, usd = rows
    # 3 of 5 customers ordered twice or more; 11 orders, net 1950.00, gross 2203.50.
    assert (cny["currency"], cny["customers"], cny["repeat_customers"], cny["repeat_rate"]) == ("CNY", 5, 3, D("60.0"))
    assert (cny["orders"], cny["net"], cny["aov_net"], cny["aov_gross"]) == (11, D("1950.00"), D("177.27"), D("200.32"))
    # Previous period: K1's one order of 100.00.
    assert (cny["prev_repeat_rate"], cny["prev_aov_net"], cny["aov_change"], cny["aov_change_pct"]) == (
        D("0.0"), D("100.00"), D("77.27"), D("77.3"))
    assert (usd["currency"], usd["customers"], usd["repeat_rate"], usd["aov_net"], usd["prev_aov_net"]) == (
        "USD", 1, D("0.0"), D("80.00"), None)


def test_rfm_scores_and_segments_on_a_crafted_set(crafted):
    result = run("customer-rfm")
    rows = {r["customer_code"]: r for r in section(result, "customers").rows}
    got = {code: (r["recency_days"], r["frequency"], r["monetary"], r["score"], r["segment_key"])
           for code, r in rows.items()}
    assert got == {
        "K1": (1, 4, D("900.00"), "555", "champions"),
        "K2": (2, 1, D("100.00"), "412", "new"),  # F: tied with K5 at one order, both score 1
        "K3": (26, 3, D("600.00"), "244", "at_risk"),
        "K4": (11, 2, D("300.00"), "333", "loyal"),
        "K5": (30, 1, D("50.00"), "111", "lost"),
        "X": (28, 1, D("80.00"), "111", "lost"),  # alone in USD: NTILE has one group
    }
    assert rows["K1"]["segment"] == "Champions" and rows["K1"]["last_day"] == date(2026, 3, 30)
    segments = section(result, "segments").rows
    assert [(s["currency"], s["segment_key"], s["customers"], s["share"], s["net"]) for s in segments] == [
        ("CNY", "champions", 1, D("20.0"), D("900.00")),
        ("CNY", "loyal", 1, D("20.0"), D("300.00")),
        ("CNY", "new", 1, D("20.0"), D("100.00")),
        ("CNY", "at_risk", 1, D("20.0"), D("600.00")),
        ("CNY", "lost", 1, D("20.0"), D("50.00")),
        ("USD", "lost", 1, D("100.0"), D("80.00")),
    ]
    assert section(result, "segments").chart.series == ("customers",)


def test_equal_values_never_split_into_different_scores():
    product = ProductFactory()
    for i in range(10):  # ten customers, one order of 10.00 each, on the same day
        booked_order(company=CompanyFactory(currency="CNY"), day=date(2026, 3, 15), lines=[(product, 1, "10.00")])
    rollup.rebuild_range(date(2026, 3, 15), date(2026, 3, 15))
    rows = section(run("customer-rfm"), "customers").rows
    # equally recent: all share the top recency score; equally occasional and small: the lowest
    assert {(r["score"], r["segment_key"]) for r in rows} == {("511", "new")} and len(rows) == 10


def test_top_customers_with_share_of_total_and_running_share(crafted):
    rows = section(run("top-customers"), "customers").rows
    assert [(r["rank"], r["customer_code"], r["currency"], r["orders"], r["net"], r["share"], r["cumulative_share"])
            for r in rows] == [
        (1, "K1", "CNY", 4, D("900.00"), D("46.2"), D("46.2")),
        (2, "K3", "CNY", 3, D("600.00"), D("30.8"), D("76.9")),
        (3, "K4", "CNY", 2, D("300.00"), D("15.4"), D("92.3")),
        (4, "K2", "CNY", 1, D("100.00"), D("5.1"), D("97.4")),
        (5, "K5", "CNY", 1, D("50.00"), D("2.6"), D("100.0")),
        (1, "X", "USD", 1, D("80.00"), D("100.0"), D("100.0")),
    ]
    assert (rows[0]["prev_net"], rows[0]["change"], rows[0]["change_pct"]) == (D("100.00"), D("800.00"), D("800.0"))


def test_the_top_list_is_cut_but_shares_are_of_all_customers(crafted):
    from reports.queries.customers import top_customers

    rows = top_customers(parse_params(MARCH), limit=2)
    assert [(r["customer_code"], r["share"]) for r in rows] == [("K1", D("46.2")), ("K3", D("30.8")), ("X", D("100.0"))]


@pytest.mark.parametrize("slug", ["customer-purchasing", "customer-rfm", "top-customers"])
def test_query_count_is_bounded_whatever_the_number_of_customers(crafted, slug, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        run(slug)
    product = ProductFactory()
    for i in range(40):
        booked_order(company=CompanyFactory(currency="CNY"), day=date(2026, 3, 1 + i % 28), lines=[(product, 1, "1.00")])
    rollup.rebuild_range(date(2026, 3, 1), date(2026, 3, 31))
    with django_assert_max_num_queries(1):
        result = run(slug)
    assert result.row_count > 0
