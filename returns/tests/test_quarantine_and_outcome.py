"""Quarantined return units: visible per warehouse, released to sellable or scrapped — each a
ledger movement — and the dealer-facing wording of a resolved return."""

import pytest
from django.urls import reverse

from inventory.models import Stock, StockMovement
from inventory.selectors import stock_drift
from returns import services
from returns.errors import ReturnInvalid
from returns.models import ReturnEvent
from returns.tests.test_services_returns import ask, on_hand, take_through_inspection

pytestmark = pytest.mark.django_db


def _valve_stock(d):
    return Stock.objects.get(product=d["products"]["VALVE"], warehouse=d["sh"])


def test_release_and_scrap_quarantined_units_through_the_ledger(delivered):
    d = delivered
    rma = take_through_inspection(d, ask(d, qty=3), restock=0, quarantine=3)
    line = rma.lines.get()
    before = on_hand(d)
    seen = set(_valve_stock(d).movements.values_list("pk", flat=True))

    services.release_quarantine(actor=d["warehouse"], line=line, quantity=2)
    assert on_hand(d) == before + 2  # sellable again
    services.scrap_quarantine(actor=d["warehouse"], line=line, quantity=1)
    assert on_hand(d) == before + 2  # written off: sellable unchanged

    new = list(_valve_stock(d).movements.exclude(pk__in=seen).order_by("pk").values_list("kind", "on_hand_delta", "reason"))
    assert [(k, n) for k, n, _r in new] == [
        (StockMovement.Kind.RETURN_RESTOCK, 2), (StockMovement.Kind.RETURN_RESTOCK, 1), (StockMovement.Kind.SCRAP, -1)]
    assert all(rma.number in r for _k, _n, r in new)
    line.refresh_from_db()
    assert (line.quarantine_released, line.quarantine_scrapped, line.quarantine_left) == (2, 1, 0)
    assert ReturnEvent.objects.filter(rma=rma, message__contains="from quarantine").count() == 2
    assert list(stock_drift()) == []
    with pytest.raises(ReturnInvalid):  # nothing left in quarantine
        services.release_quarantine(actor=d["warehouse"], line=line, quantity=1)


def test_cannot_decide_more_than_is_in_quarantine(delivered):
    d = delivered
    rma = take_through_inspection(d, ask(d, qty=2), restock=1, quarantine=1)
    line = rma.lines.get()
    before = on_hand(d)
    for bad in (2, 0, "x"):
        with pytest.raises(ReturnInvalid):
            services.scrap_quarantine(actor=d["warehouse"], line=line, quantity=bad)
    assert on_hand(d) == before
    line.refresh_from_db()
    assert line.quarantine_left == 1


def test_console_quarantine_page_per_warehouse_and_decisions(client, delivered, staff_user,
                                                             django_assert_max_num_queries):
    d = delivered
    rma = take_through_inspection(d, ask(d, qty=2), quarantine=2)
    line = rma.lines.get()
    client.force_login(staff_user("warehouse"))
    url = reverse("console:quarantine")
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert f'data-warehouse="{d["sh"].code}"' in page and rma.number in page and 'data-field="left">2<' in page
    before = on_hand(d)
    decide = reverse("console:quarantine_decide", args=[line.pk])
    too_many = client.post(decide, {f"q{line.pk}-quantity": "5", f"q{line.pk}-decision": "release"})
    assert too_many.status_code == 422 and "in quarantine" in too_many.content.decode()
    ok = client.post(decide, {f"q{line.pk}-quantity": "1", f"q{line.pk}-decision": "release"})
    assert ok.status_code == 302 and on_hand(d) == before + 1
    client.post(decide, {f"q{line.pk}-quantity": "1", f"q{line.pk}-decision": "scrap"})
    assert on_hand(d) == before + 1
    assert "Nothing is in quarantine" in client.get(url).content.decode()
    client.force_login(staff_user("sales"))
    assert client.post(decide, {f"q{line.pk}-quantity": "1", f"q{line.pk}-decision": "scrap"}).status_code == 403


@pytest.mark.parametrize("resolution, wording", [("credit_note", "Credit note issued"), ("exchange", "Replacement order placed")])
def test_dealer_sees_dealer_wording_not_the_finance_label(client, delivered, resolution, wording):
    d = delivered
    rma = take_through_inspection(d, ask(d, qty=1), restock=1)
    services.resolve_return(actor=d["manager"], rma=rma, resolution=resolution)
    client.force_login(d["buyer"])
    detail = client.get(reverse("portal:return_detail", args=[rma.pk])).content.decode()
    assert wording in detail and "Settled" not in detail
    assert wording in client.get(reverse("portal:return_list")).content.decode()


def test_dealer_sees_refunded(client, delivered):
    from tests.factories import PaymentFactory

    d = delivered
    PaymentFactory(company=d["company"], order=d["order"], amount=d["order"].total, status="paid", gateway="")
    rma = take_through_inspection(d, ask(d, qty=1), restock=1)
    services.resolve_return(actor=d["manager"], rma=rma, resolution="refund")
    client.force_login(d["buyer"])
    detail = client.get(reverse("portal:return_detail", args=[rma.pk])).content.decode()
    assert 'data-field="outcome">Refunded<' in detail and "Settled" not in detail
