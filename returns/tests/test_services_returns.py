"""Returns: what may be returned, the window, the flow, the stock ledger and the resolution."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from inventory.models import Stock, StockMovement
from oms.errors import DomainError
from oms.models import Notification
from orders.models import Status as OrderStatus
from orders.models import Tag
from returns import services
from returns.errors import IllegalReturnTransition, ReturnInvalid
from returns.models import FinanceStatus, ReturnEvent, Status
from tests.factories import CompanyFactory


def ask(d, sku="VALVE", qty=1, reason="damaged", **kw):
    return services.request_return(actor=d["buyer"], company=d["company"], order=d["order"],
                                   lines=[{"order_line": d["lines"][sku].pk, "quantity": qty, "reason": reason}], **kw)


def on_hand(d, sku="VALVE"):
    return Stock.objects.get(product=d["products"][sku], warehouse=d["sh"]).on_hand


def take_through_inspection(d, rma, restock=0, quarantine=0, scrap=0):
    services.authorize_return(actor=d["manager"], rma=rma)
    line = rma.lines.get()
    received = restock + quarantine + scrap
    services.receive_return(actor=d["warehouse"], rma=rma, warehouse=d["sh"], quantities={line.pk: received})
    services.inspect_return(actor=d["warehouse"], rma=rma,
                            outcomes={line.pk: {"restock": restock, "quarantine": quarantine, "scrap": scrap}})
    rma.refresh_from_db()
    return rma


def test_a_dealer_requests_a_return_of_delivered_units(delivered):
    d = delivered

    rma = ask(d, qty=2, notes="Two arrived cracked")

    assert rma.number.startswith("RMA-") and rma.status == Status.REQUESTED
    assert rma.lines.get().quantity == 2
    assert ReturnEvent.objects.filter(rma=rma, to_status=Status.REQUESTED).exists()
    assert Notification.objects.filter(recipient=d["buyer"], kind="return").exists()
    assert Notification.objects.filter(recipient=d["manager"], kind="return").exists()


def test_rma_numbers_are_gapless(delivered):
    first = ask(delivered, qty=1)
    second = ask(delivered, qty=1)
    assert int(second.number.split("-")[1]) == int(first.number.split("-")[1]) + 1


def test_cannot_return_more_than_delivered(delivered):
    with pytest.raises(ReturnInvalid) as err:
        ask(delivered, qty=5)
    assert err.value.field == f"qty_{delivered['lines']['VALVE'].pk}"
    assert "at most 4" in str(err.value)


def test_units_already_on_a_return_cannot_be_returned_again(delivered):
    ask(delivered, qty=3)
    with pytest.raises(ReturnInvalid, match="at most 1"):
        ask(delivered, qty=2)


def test_rejected_returns_give_their_units_back(delivered):
    d = delivered
    rma = ask(d, qty=4)
    services.reject_return(actor=d["manager"], rma=rma, reason="Used, not defective")
    assert ask(d, qty=4).status == Status.REQUESTED


def test_the_return_window_closes_after_the_configured_days(delivered, settings):
    settings.RETURN_WINDOW_DAYS = 30
    with pytest.raises(ReturnInvalid, match="return window has closed"):
        ask(delivered, qty=1, now=timezone.now() + timedelta(days=31))
    assert ask(delivered, qty=1, now=timezone.now() + timedelta(days=29)).pk


def test_a_reason_is_required(delivered):
    with pytest.raises(ReturnInvalid) as err:
        ask(delivered, qty=1, reason="")
    assert err.value.code == "reason_required"


def test_undelivered_lines_cannot_be_returned(shop, media):
    from orders.services.intake import place_order
    from tests.factories import dealer_user

    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=10)
    buyer = dealer_user(company=shop["company"])
    order, _ = place_order(actor=buyer, company=shop["company"], channel="portal", lines=[{"sku": "VALVE", "quantity": 2}])
    line = order.lines.get()
    with pytest.raises(ReturnInvalid, match="not been delivered"):
        services.request_return(actor=buyer, company=shop["company"], order=order,
                                lines=[{"order_line": line.pk, "quantity": 1, "reason": "damaged"}])


def test_another_companys_order_is_refused(delivered):
    other = CompanyFactory()
    with pytest.raises(ReturnInvalid):
        services.request_return(actor=delivered["buyer"], company=other, order=delivered["order"],
                                lines=[{"order_line": delivered["lines"]["VALVE"].pk, "quantity": 1, "reason": "damaged"}])


def test_photos_are_checked_and_stored(delivered):
    png = SimpleUploadedFile("crack.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")
    rma = ask(delivered, qty=1, photos=[png])
    assert rma.photos.get().content_type == "image/png"

    fake = SimpleUploadedFile("virus.png", b"MZ" + b"0" * 100, content_type="image/png")
    with pytest.raises(DomainError, match="not an image"):
        ask(delivered, qty=1, photos=[fake])
    assert delivered["order"].returns.count() == 1


def test_rejection_needs_a_reason_and_tells_the_dealer(delivered):
    d = delivered
    rma = ask(d, qty=1)
    with pytest.raises(ReturnInvalid):
        services.reject_return(actor=d["manager"], rma=rma, reason=" ")
    services.reject_return(actor=d["manager"], rma=rma, reason="Outside warranty")
    rma.refresh_from_db()
    assert rma.status == Status.REJECTED and rma.decision_reason == "Outside warranty"
    assert Notification.objects.filter(recipient=d["buyer"], subject__contains="rejected").exists()
    with pytest.raises(IllegalReturnTransition):
        services.authorize_return(actor=d["manager"], rma=rma)


def test_receiving_posts_nothing_and_inspection_posts_the_ledger(delivered):
    d = delivered
    before = on_hand(d)  # 6 left after shipping 4 of 10
    rma = ask(d, qty=4)
    services.authorize_return(actor=d["manager"], rma=rma)
    line = rma.lines.get()
    services.receive_return(actor=d["warehouse"], rma=rma, warehouse=d["sh"], quantities={line.pk: 4})
    assert on_hand(d) == before
    stock = Stock.objects.get(product=d["products"]["VALVE"], warehouse=d["sh"])
    movements_before = set(stock.movements.values_list("pk", flat=True))

    services.inspect_return(actor=d["warehouse"], rma=rma, outcomes={line.pk: {"restock": 2, "quarantine": 1, "scrap": 1}})

    assert on_hand(d) == before + 2  # only restocked units are sellable again
    new = list(stock.movements.exclude(pk__in=movements_before).order_by("pk").values_list("kind", "on_hand_delta"))
    assert sorted(new) == sorted([
        (StockMovement.Kind.RETURN_RESTOCK, 1), (StockMovement.Kind.QUARANTINE, -1),
        (StockMovement.Kind.RETURN_RESTOCK, 1), (StockMovement.Kind.SCRAP, -1),
        (StockMovement.Kind.RETURN_RESTOCK, 2),
    ])
    assert all(rma.number in r for r in stock.movements.exclude(pk__in=movements_before).values_list("reason", flat=True))
    line.refresh_from_db()
    assert (line.restock_quantity, line.quarantine_quantity, line.scrap_quantity) == (2, 1, 1)
    from inventory.selectors import stock_drift

    assert list(stock_drift()) == []  # on hand still equals the sum of its ledger


def test_inspection_must_account_for_every_received_unit(delivered):
    d = delivered
    rma = ask(d, qty=2)
    services.authorize_return(actor=d["manager"], rma=rma)
    line = rma.lines.get()
    services.receive_return(actor=d["warehouse"], rma=rma, warehouse=d["sh"], quantities={line.pk: 2})
    before = on_hand(d)
    with pytest.raises(ReturnInvalid) as err:
        services.inspect_return(actor=d["warehouse"], rma=rma, outcomes={line.pk: {"restock": 1}})
    assert err.value.field == f"restock_{line.pk}"
    assert on_hand(d) == before


def test_receiving_more_than_authorized_is_refused(delivered):
    d = delivered
    rma = ask(d, qty=2)
    services.authorize_return(actor=d["manager"], rma=rma)
    line = rma.lines.get()
    with pytest.raises(ReturnInvalid):
        services.receive_return(actor=d["warehouse"], rma=rma, warehouse=d["sh"], quantities={line.pk: 3})


def test_a_refund_is_recorded_for_finance_with_the_value_paid(delivered, monkeypatch):
    d = delivered
    monkeypatch.setattr(services, "_payments_service", lambda name: None)
    rma = take_through_inspection(d, ask(d, qty=2), restock=2)

    services.resolve_return(actor=d["manager"], rma=rma, resolution="refund")

    rma.refresh_from_db()
    line = d["lines"]["VALVE"]
    assert rma.status == Status.RESOLVED and rma.finance_status == FinanceStatus.AWAITING_FINANCE
    assert rma.refund_amount == (line.total_amount / 4 * 2).quantize(Decimal("0.01"))
    assert rma.finance_ref == ""
    assert Notification.objects.filter(recipient=d["finance"], kind="return").exists()


def test_a_credit_note_is_issued_through_payments_when_it_exists(delivered, monkeypatch):
    d = delivered
    issued = {}

    def issue_credit_note(*, actor, company, amount, currency, reason, source_ref=""):
        issued.update(company=company, amount=amount, currency=currency, source_ref=source_ref)
        return type("Note", (), {"number": "CN-000001"})()

    monkeypatch.setattr(services, "_payments_service", lambda name: issue_credit_note if name == "issue_credit_note" else None)
    rma = take_through_inspection(d, ask(d, qty=1), scrap=1)
    services.resolve_return(actor=d["manager"], rma=rma, resolution="credit_note")
    rma.refresh_from_db()
    assert issued["source_ref"] == rma.number and issued["amount"] == rma.refund_amount > 0
    assert rma.finance_status == FinanceStatus.SETTLED and rma.finance_ref == "CN-000001"


def test_an_exchange_places_a_replacement_order_that_reserves_stock(delivered):
    d = delivered
    rma = take_through_inspection(d, ask(d, qty=2), scrap=2)
    stock = Stock.objects.get(product=d["products"]["VALVE"], warehouse=d["sh"])
    reserved_before = stock.reserved

    services.resolve_return(actor=d["manager"], rma=rma, resolution="exchange")

    rma.refresh_from_db()
    replacement = rma.exchange_order
    assert replacement is not None and replacement.company == d["company"]
    assert Tag.EXCHANGE in replacement.tags and replacement.total == 0
    assert replacement.status == OrderStatus.ALLOCATED
    assert replacement.lines.get().quantity == 2
    stock.refresh_from_db()
    assert stock.reserved == reserved_before + 2
    assert rma.number in replacement.notes


def test_resolving_before_inspection_is_illegal(delivered):
    d = delivered
    rma = ask(d, qty=1)
    with pytest.raises(IllegalReturnTransition):
        services.resolve_return(actor=d["manager"], rma=rma, resolution="refund")


def test_timeline_records_every_step(delivered):
    d = delivered
    rma = take_through_inspection(d, ask(d, qty=1), restock=1)
    services.resolve_return(actor=d["manager"], rma=rma, resolution="refund")
    steps = list(rma.events.order_by("pk").values_list("to_status", flat=True))
    assert steps == ["requested", "authorized", "received", "inspected", "resolved"]
    assert Notification.objects.filter(recipient=d["buyer"], kind="return").count() == 5


def test_a_credit_note_is_really_issued_by_payments(delivered):
    from payments.models import CreditNote

    d = delivered
    rma = take_through_inspection(d, ask(d, qty=1), quarantine=1)
    services.resolve_return(actor=d["manager"], rma=rma, resolution="credit_note")
    rma.refresh_from_db()
    note = CreditNote.objects.get(company=d["company"])
    assert note.amount == rma.refund_amount and rma.finance_ref == note.number
    assert rma.finance_status == FinanceStatus.SETTLED


def test_a_refund_goes_back_to_the_orders_payment(delivered):
    from tests.factories import PaymentFactory

    d = delivered
    payment = PaymentFactory(company=d["company"], order=d["order"], amount=d["order"].total, status="paid", gateway="")
    rma = take_through_inspection(d, ask(d, qty=1), restock=1)
    services.resolve_return(actor=d["manager"], rma=rma, resolution="refund")
    rma.refresh_from_db()
    payment.refresh_from_db()
    assert payment.amount_refunded == rma.refund_amount > 0
    assert rma.finance_status == FinanceStatus.SETTLED
