"""The order queue: filters, search, htmx results, keyset pages, a bounded number of queries and
who may open it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    CompanyFactory, ContactFactory, OrderFactory, OrderLineFactory, ProductFactory, ShipmentFactory, SlaTargetFactory, WarehouseFactory,
)

pytestmark = pytest.mark.django_db
URL = reverse("console:order_list")


def numbers(response):
    return [o["number"] for o in response.context["page"].items]


@pytest.fixture
def orders(client, staff_user):
    """Four orders of two customers in different states, channels, tags and warehouses."""
    client.force_login(staff_user("sales"))
    acme, bolt = CompanyFactory(code="ACME", name="Acme Plumbing"), CompanyFactory(code="BOLT", name="Bolt Electrical")
    now = timezone.now()
    a = OrderFactory(number="SO-0000101", company=acme, status="allocated", channel="console", tags=["rush"],
                     customer_po="PO-778", created_at=now - timedelta(days=3))
    b = OrderFactory(number="SO-0000102", company=acme, status="on_hold", channel="portal", created_at=now - timedelta(days=2))
    c = OrderFactory(number="SO-0000103", company=bolt, status="pending_approval", channel="api", tags=["vip"],
                     status_changed_at=now - timedelta(hours=30), created_at=now - timedelta(days=1))
    d = OrderFactory(number="SO-0000104", company=bolt, status="shipped", channel="console", created_at=now)
    OrderLineFactory(order=a, product=ProductFactory(sku="BLV-015"))
    OrderLineFactory(order=c, product=ProductFactory(sku="PPR-020"))
    ShipmentFactory(order=a, warehouse=WarehouseFactory(code="SH01"))
    ShipmentFactory(order=d, warehouse=WarehouseFactory(code="GZ01"))
    SlaTargetFactory(status="pending_approval", hours=24)
    return {"a": a, "b": b, "c": c, "d": d, "acme": acme, "bolt": bolt, "client": client}


def test_newest_first_with_every_order(orders):
    response = orders["client"].get(URL)
    assert response.status_code == 200
    assert numbers(response) == ["SO-0000104", "SO-0000103", "SO-0000102", "SO-0000101"]
    html = response.content.decode()
    assert "<html" in html and 'id="results"' in html


@pytest.mark.parametrize("params,expected", [
    ({"status": "on_hold"}, ["SO-0000102"]),
    ({"status": ["on_hold", "allocated"]}, ["SO-0000102", "SO-0000101"]),
    ({"channel": "console"}, ["SO-0000104", "SO-0000101"]),
    ({"tag": "vip"}, ["SO-0000103"]),
    ({"overdue": "true"}, ["SO-0000103"]),
])
def test_filters(orders, params, expected):
    assert numbers(orders["client"].get(URL, params)) == expected


def test_filter_by_customer_warehouse_and_dates(orders):
    c = orders["client"]
    assert numbers(c.get(URL, {"company": orders["bolt"].pk})) == ["SO-0000104", "SO-0000103"]
    gz = orders["d"].shipments.get().warehouse
    assert numbers(c.get(URL, {"warehouse": gz.pk})) == ["SO-0000104"]
    today = timezone.localdate()
    since = (today - timedelta(days=1)).isoformat()
    assert numbers(c.get(URL, {"created_from": since})) == ["SO-0000104", "SO-0000103"]
    until = (today - timedelta(days=2)).isoformat()
    assert numbers(c.get(URL, {"created_to": until})) == ["SO-0000102", "SO-0000101"]


@pytest.mark.parametrize("q,expected", [
    ("SO-0000103", ["SO-0000103"]),   # order number
    ("0000102", ["SO-0000102"]),      # the end of the number, as said on the phone
    ("BLV-015", ["SO-0000101"]),      # a SKU on a line
    ("ppr-020", ["SO-0000103"]),      # any case
    ("Acme", ["SO-0000102", "SO-0000101"]),  # customer name
    ("BOLT", ["SO-0000104", "SO-0000103"]),  # customer code
    ("PO-778", ["SO-0000101"]),       # the customer's PO
])
def test_search(orders, q, expected):
    assert numbers(orders["client"].get(URL, {"q": q})) == expected


def test_overdue_rows_are_flagged(orders):
    html = orders["client"].get(URL).content.decode()

    def row(number):  # from the row's data-order attribute to its end
        return html.split(f'data-order="{number}"')[1].split("</tr>")[0]

    assert 'data-overdue="true"' in row("SO-0000103") and "Overdue" in row("SO-0000103")
    assert "data-overdue" not in row("SO-0000101") and "Overdue" not in row("SO-0000101")


def test_htmx_returns_only_the_results(orders):
    response = orders["client"].get(URL, {"status": "shipped"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and 'id="results"' in html
    assert "SO-0000104" in html and "SO-0000101" not in html


def test_keyset_pages_walk_the_queue_newest_first_without_gaps(client, staff_user):
    client.force_login(staff_user("manager"))
    OrderFactory.create_batch(45, company=CompanyFactory())
    seen, params = [], {"size": 10}
    while True:
        page = client.get(URL, params).context["page"]
        seen += [o["id"] for o in page.items]
        if not page.has_next:
            break
        params = {"size": 10, "after": page.next_after}
    assert len(seen) == 45 == len(set(seen))
    assert seen == sorted(seen, reverse=True)  # newest (highest id) first


def test_previous_page_walks_back_to_the_first_page(client, staff_user):
    client.force_login(staff_user("manager"))
    OrderFactory.create_batch(25, company=CompanyFactory())
    pages, params = [], {"size": 10, "status": ""}
    while True:  # forward: 10, 10, 5
        page = client.get(URL, params).context["page"]
        pages.append([o["id"] for o in page.items])
        if not page.has_next:
            break
        params = {"size": 10, "status": "", "after": page.next_after}
    assert [len(p) for p in pages] == [10, 10, 5] and not client.get(URL, {"size": 10}).context["page"].has_prev

    response = client.get(URL, params)  # the last page links back, keeping the filters
    html = response.content.decode()
    page = response.context["page"]
    assert page.has_prev and 'rel="prev"' in html and "size=10" in html.split('rel="prev"')[0].rsplit("<a", 1)[1]
    back = []
    while page.has_prev:
        page = client.get(URL, {"size": 10, "before": page.prev_before}).context["page"]
        back.append([o["id"] for o in page.items])
        assert page.has_next  # and forward again from there
    assert back == [pages[1], pages[0]]
    # a cursor edited by hand shows the first page
    assert [o["id"] for o in client.get(URL, {"size": 10, "before": "nonsense"}).context["page"].items] == pages[0]


def queries_for(client, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries), ctx


def make_orders(n):
    company = CompanyFactory()
    for i in range(n):
        order = OrderFactory(company=company, tags=["rush"] if i % 2 else [])
        OrderLineFactory(order=order)


def test_constant_number_of_queries_whatever_the_page_size(client, staff_user):
    client.force_login(staff_user("sales"))
    SlaTargetFactory(status="draft", hours=1)
    make_orders(3)
    few, _ = queries_for(client)
    few_htmx, _ = queries_for(client, {"q": "SO"})
    make_orders(57)
    many, ctx = queries_for(client)
    many_htmx, _ = queries_for(client, {"q": "SO"})
    assert few == many and few_htmx == many_htmx, (few, many)
    assert many <= 12
    # no count(*) of the whole table: keyset pagination never asks for one
    assert not any("COUNT(" in q["sql"].upper() and '"orders_order"' in q["sql"] for q in ctx.captured_queries)


def test_dealer_is_refused(client, dealer):
    client.force_login(dealer())
    assert client.get(URL).status_code == 403


def test_warehouse_can_view_the_queue(client, staff_user):
    client.force_login(staff_user("warehouse"))
    OrderFactory(number="SO-0000999")
    response = client.get(URL)
    assert response.status_code == 200 and "SO-0000999" in response.content.decode()
    # ... but the warehouse cannot key orders: no "New order" button
    assert reverse("console:order_create") not in response.content.decode()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response.url


# --- the dashboard's order counts ------------------------------------------------------------

def test_the_dashboard_counts_orders_by_status_and_links_to_the_queue(client, staff_user):
    company = CompanyFactory()
    OrderFactory.create_batch(3, company=company, status="on_hold")
    OrderFactory(company=company, status="allocated")
    OrderFactory(company=company, status="completed")
    late = OrderFactory(company=company, status="pending_approval",
                        status_changed_at=timezone.now() - timedelta(hours=30))
    SlaTargetFactory(status="pending_approval", hours=8)
    client.force_login(staff_user("finance"))
    response = client.get(reverse("console:home"))
    orders = response.context["orders"]
    assert orders["by_status"] == [("on_hold", "On hold", 3, 0), ("pending_approval", "Pending approval", 1, 1),
                                   ("allocated", "Allocated", 1, 0)]  # open statuses only, in workflow order
    assert orders["open"] == 5 and orders["overdue"] == 1
    html = response.content.decode()
    assert f'href="{URL}?status=on_hold"' in html and f'href="{URL}?overdue=true"' in html
    assert f'href="{URL}?status=pending_approval&amp;overdue=true"' in html
    assert late.number not in html  # counts only, no order list on the dashboard


def test_the_dashboard_counts_orders_in_one_query(client, staff_user):
    client.force_login(staff_user("warehouse"))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("console:home")).status_code == 200
        return [q["sql"] for q in ctx.captured_queries if '"orders_order"' in q["sql"]]

    OrderFactory(status="on_hold")
    few = count()
    OrderFactory.create_batch(20, status="allocated")
    many = count()
    assert len(few) == len(many) == 1


# --- the rows and the customer filter ------------------------------------------------------

def test_a_row_shows_the_order_and_escapes_what_customers_typed(client, staff_user):
    client.force_login(staff_user("sales"))
    shady = CompanyFactory(code="EVIL", name='<script>alert("x")</script> & Co')
    order = OrderFactory(number="SO-0000777", company=shady, channel="portal", status="on_hold", tags=["rush", "gift"],
                         customer_po='PO <b>1</b>', total="1234.5", currency="CNY")
    html = client.get(URL).content.decode()
    row = html.split('data-order="SO-0000777"')[1].split("</tr>")[0]
    assert f'href="{reverse("console:order_detail", args=[order.pk])}"' in row
    assert "<script>" not in html.split('id="results"')[1] and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in row
    assert "PO &lt;b&gt;1&lt;/b&gt;" in row
    assert 'data-status="on_hold">On hold</span>' in row and "<small>Dealer portal</small>" in row
    assert '<span class="tag tag-rush">Rush</span><span class="tag tag-gift">Gift</span>' in row
    assert "¥1,234.50" in row


def test_rows_are_in_the_reader_s_language(client, staff_user):
    client.force_login(staff_user("sales", language="zh-hans"))
    OrderFactory(number="SO-0000778", status="on_hold", tags=["rush"])
    html = client.get(URL, headers={"accept-language": "zh-hans"}).content.decode()
    row = html.split('data-order="SO-0000778"')[1].split("</tr>")[0]
    assert "On hold" not in row and "Rush" not in row


def test_an_empty_queue_says_so(client, staff_user):
    client.force_login(staff_user("sales"))
    assert "No orders match." in client.get(URL, {"q": "SO-9999999"}).content.decode()


def test_the_customer_filter_is_a_search_box_not_a_list_of_every_customer(orders):
    c = orders["client"]
    CompanyFactory.create_batch(5)
    html = c.get(URL).content.decode()
    assert '<select name="company"' not in html and "Bolt Electrical" not in html.split('id="results"')[0]
    assert 'name="company" id="id_company" value=""' in html
    filtered = c.get(URL, {"company": orders["bolt"].pk}).content.decode()
    assert 'value="BOLT — Bolt Electrical"' in filtered  # the picker shows who the queue is filtered by
    assert f'name="company" id="id_company" value="{orders["bolt"].pk}"' in filtered


def test_the_customer_search_finds_closed_customers_too(client, staff_user):
    client.force_login(staff_user("warehouse"))  # may view the queue, may not key orders
    CompanyFactory(code="OLDCO", name="Old Trading", status="closed")
    CompanyFactory(code="NEWCO", name="New Trading")
    html = client.get(reverse("console:order_queue_customers"), {"customer": "trading"}).content.decode()
    assert 'data-customer="OLDCO"' in html and 'data-customer="NEWCO"' in html
    assert "Type at least two characters." in client.get(reverse("console:order_queue_customers"), {"customer": "t"}).content.decode()


def test_dealers_cannot_search_customers(client, dealer):
    client.force_login(dealer())
    assert client.get(reverse("console:order_queue_customers"), {"customer": "trading"}).status_code == 403


def test_the_customer_filter_costs_no_query_for_the_customer_list(client, staff_user):
    client.force_login(staff_user("sales"))
    make_orders(3)
    queries_for(client)  # loads this process's copy of the warehouse list (oms.config_cache)
    few, _ = queries_for(client)
    CompanyFactory.create_batch(30)
    many, ctx = queries_for(client)
    assert few == many
    assert not any('FROM "customers_company"' in q["sql"] and "JOIN" not in q["sql"] for q in ctx.captured_queries)


def test_a_new_warehouse_shows_in_the_filter_at_once(client, staff_user):
    client.force_login(staff_user("sales"))
    WarehouseFactory(code="SH01", name="Shanghai DC")
    assert ">SH01 — Shanghai DC</option>" in client.get(URL).content.decode()
    WarehouseFactory(code="WH09", name="Wuhan DC")  # the process's copy of the list is re-read
    html = client.get(URL).content.decode()
    assert ">SH01 — Shanghai DC</option>" in html and ">WH09 — Wuhan DC</option>" in html


def test_the_queue_customer_search_does_not_look_into_contacts(client, staff_user):
    client.force_login(staff_user("warehouse"))  # views orders, not customers' contacts
    ContactFactory(company=CompanyFactory(code="ACME", name="Acme Plumbing"), email="boss@acme.cn", phone="13800138000")
    url = reverse("console:order_queue_customers")
    assert 'data-customer="ACME"' in client.get(url, {"customer": "acme"}).content.decode()
    assert 'data-customer="ACME"' not in client.get(url, {"customer": "boss@acme"}).content.decode()
    assert 'data-customer="ACME"' not in client.get(url, {"customer": "13800138000"}).content.decode()


def test_the_picker_names_the_customer_when_another_filter_is_wrong(orders):
    html = orders["client"].get(URL, {"company": orders["bolt"].pk, "created_from": "not-a-date"}).content.decode()
    assert 'value="BOLT — Bolt Electrical"' in html and 'role="alert"' in html


@pytest.mark.parametrize("typed", ["BOLT", "bolt", "BOLT — Bolt Electrical", "Bolt Electrical", "electrical"])
def test_without_javascript_the_typed_customer_filters_the_queue(orders, typed):
    """No script fills the picker's hidden id: the text alone arrives and is resolved."""
    res = orders["client"].get(URL, {"customer": typed})
    assert numbers(res) == ["SO-0000104", "SO-0000103"]
    html = res.content.decode()
    assert 'value="BOLT — Bolt Electrical"' in html
    # the picker's hidden id holds the customer too, so the next filter change keeps it
    assert f'name="company" id="id_company" value="{orders["bolt"].pk}"' in html


def test_a_customer_retyped_without_javascript_replaces_the_picked_one(orders):
    c = orders["client"]
    picked = {"company": orders["bolt"].pk, "customer": "BOLT — Bolt Electrical"}
    assert numbers(c.get(URL, picked)) == ["SO-0000104", "SO-0000103"]
    assert numbers(c.get(URL, {**picked, "customer": "ACME"})) == ["SO-0000102", "SO-0000101"]


def test_a_typed_customer_that_matches_none_or_several_says_so(orders):
    c = orders["client"]
    CompanyFactory(code="OLDCO", name="Old Trading", status="closed")
    CompanyFactory(code="NEWCO", name="New Trading")
    res = c.get(URL, {"customer": "nobody here"})
    html = res.content.decode()
    assert "No customer matches “nobody here”" in html and 'role="alert"' in html
    assert 'value="nobody here"' in html  # kept in the box to correct
    assert numbers(res) == []  # no one's orders, rather than everyone's under the message
    html = c.get(URL, {"customer": "trading"}).content.decode()
    assert "“trading” matches several customers" in html
    assert numbers(c.get(URL, {"customer": "OLDCO"})) == []  # a closed customer is found (it has no orders here)
    assert "No customer matches" not in c.get(URL, {"customer": "OLDCO"}).content.decode()


def test_a_sku_search_pages_through_every_order_holding_it(client, staff_user):
    """The SKU search reads its page's orders from the lines' (product, order) index below the
    page's bound, not by walking the orders: every holder appears once, newest first, even
    when the product's lines are all older than the orders around them."""
    client.force_login(staff_user("manager"))
    company, valve = CompanyFactory(), ProductFactory(sku="OLD-VALVE")
    holders = []
    for i in range(25):
        order = OrderFactory(company=company)
        if i < 13:  # only the oldest orders hold it, twice in some
            OrderLineFactory(order=order, product=valve, line_no=1)
            if i % 4 == 0:
                OrderLineFactory(order=order, product=valve, line_no=2)
            holders.append(order.pk)
        else:
            OrderLineFactory(order=order)
    seen, params = [], {"q": "old-valve", "size": 5}
    while True:
        page = client.get(URL, params).context["page"]
        seen += [o["id"] for o in page.items]
        if not page.has_next:
            break
        params = {"q": "old-valve", "size": 5, "after": page.next_after}
    assert seen == sorted(holders, reverse=True)
    back = []  # and back again, page by page, from the last one
    while page.has_prev:
        page = client.get(URL, {"q": "old-valve", "size": 5, "before": page.prev_before}).context["page"]
        back = [o["id"] for o in page.items] + back
    assert back == seen[:10]
    oldest, params = [], {"q": "old-valve", "size": 5, "sort": "oldest"}
    while True:
        page = client.get(URL, params).context["page"]
        oldest += [o["id"] for o in page.items]
        if not page.has_next:
            break
        params = {**params, "after": page.next_after}
    assert oldest == sorted(holders)


def test_a_sku_search_with_another_filter_finds_every_match(orders):
    """With another filter set the SKU is matched per order (EXISTS): the newest page of the
    product's orders may hold none that pass the other filter."""
    c = orders["client"]
    assert numbers(c.get(URL, {"q": "BLV-015", "status": "allocated"})) == ["SO-0000101"]
    assert numbers(c.get(URL, {"q": "BLV-015", "status": "shipped"})) == []
    assert numbers(c.get(URL, {"q": "BLV-015", "channel": "console", "tag": "rush"})) == ["SO-0000101"]


def test_the_queue_sorts_by_total_and_by_age_and_pages_each_way(client, staff_user):
    from decimal import Decimal

    client.force_login(staff_user("manager"))
    company = CompanyFactory()
    totals = [Decimal("50.00"), Decimal("10.00"), Decimal("50.00"), Decimal("99.99"), Decimal("10.00"),
              Decimal("75.50"), Decimal("50.00")]  # ties: the id breaks them
    made = [OrderFactory(company=company, total=t) for t in totals]
    by_total = [o.pk for o in sorted(made, key=lambda o: (o.total, o.pk), reverse=True)]

    def walk(sort):
        seen, params = [], {"size": 3, "sort": sort}
        while True:
            response = client.get(URL, params)
            page = response.context["page"]
            seen += [o["id"] for o in page.items]
            if not page.has_next:
                return seen, response
            params = {"size": 3, "sort": sort, "after": page.next_after}

    seen, last = walk("total_desc")
    assert seen == by_total
    assert walk("total_asc")[0] == by_total[::-1]
    assert walk("oldest")[0] == sorted(o.pk for o in made)
    page = last.context["page"]  # and back from the last page, by total
    back = client.get(URL, {"size": 3, "sort": "total_desc", "before": page.prev_before}).context["page"]
    assert [o["id"] for o in back.items] == by_total[3:6]

    html = client.get(URL, {"sort": "total_desc", "status": "draft"}).content.decode()
    assert 'aria-sort="descending"' in html and 'name="sort" value="total_desc"' in html  # filters keep the sort
    assert "sort=total_asc" in html and "status=draft" in html.split('data-sort="total"')[0].rsplit("href=", 1)[1]
    assert client.get(URL, {"sort": "nonsense"}).context["sort"] == "newest"


def test_a_deep_page_by_total_starts_at_its_cursor_with_one_row_comparison(client, staff_user):
    client.force_login(staff_user("manager"))
    company = CompanyFactory()
    for i in range(5):
        OrderFactory(company=company, total=10 + i)
    first = client.get(URL, {"size": 2, "sort": "total_desc"}).context["page"]
    with CaptureQueriesContext(connection) as ctx:
        client.get(URL, {"size": 2, "sort": "total_desc", "after": first.next_after})
    page_sql = [q["sql"] for q in ctx.captured_queries if 'FROM "orders_order" INNER JOIN' in q["sql"]]
    assert len(page_sql) == 1 and '("orders_order"."total", "orders_order"."id") <' in page_sql[0]
