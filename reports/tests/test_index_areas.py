"""The reports index groups the cards by area, and long descriptions are shortened there (the
report page shows them in full) — helper qa7's walk-through found a flat alphabetical wall."""

import html
import re

import pytest
from django.urls import reverse

import reports.definitions  # noqa: F401  (registers the reports)
from reports.registry import REPORTS
from reports.views.pages import AREAS, area_of

pytestmark = pytest.mark.django_db


def test_every_real_report_has_an_area():
    real = [r for r in REPORTS.values() if not r.slug.startswith("test-")]
    assert real and all(area_of(r) != "other" for r in real), [r.slug for r in real if area_of(r) == "other"]
    assert area_of(REPORTS["sales-by-warehouse"]) == "sales"
    assert area_of(REPORTS["top-customers"]) == "customers"
    assert {area_of(r) for r in real} <= {key for key, _label in AREAS}


def test_index_shows_areas_in_order_with_short_descriptions(client, staff_user):
    client.force_login(staff_user("manager"))
    page = client.get(reverse("console:report_index")).content.decode()
    areas = re.findall(r'data-area="([a-z]+)"', page)
    assert areas[:5] == ["sales", "customers", "inventory", "fulfilment", "financial"]
    sales = page.split('data-area="sales"', 1)[1].split('data-area="customers"', 1)[0]
    assert 'data-report="sales-by-warehouse"' in sales and 'data-report="sales-by-product"' in sales
    rfm = page.split('data-report="customer-rfm"', 1)[1].split("</article>", 1)[0]
    shown = html.unescape(re.search(r"<p[^>]*>(.*?)</p>", rfm, re.S).group(1))
    assert len(shown) <= 160 and shown.endswith("…")
    # The booked-sales reports share one long description: their cards show a one-line summary each.
    product = page.split('data-report="sales-by-product"', 1)[1].split("</article>", 1)[0]
    assert "Booked sales per product (SKU), compared with the previous period." in product


def test_open_orders_figure_links_to_the_open_orders_only(client, staff_user):
    """The "Open orders" figure counts orders not completed or cancelled; its link used to open the
    whole order list (every completed and cancelled order too)."""
    from django.core.cache import cache

    from tests.factories import CompanyFactory, OrderFactory

    cache.clear()
    company = CompanyFactory()
    for status in ("submitted", "allocated", "shipped", "completed", "cancelled", "completed"):
        OrderFactory(company=company, status=status)
    client.force_login(staff_user("manager"))
    dashboard = client.get(reverse("console:home")).context
    assert dashboard["orders"]["open"] == 3
    listed = client.get(dashboard["orders"]["url"]).context["page"].items
    assert sorted(o["status"] for o in listed) == ["allocated", "shipped", "submitted"]
