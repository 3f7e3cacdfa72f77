"""Order import: rows grouped into orders by external ref, placed through the intake service
with an idempotency key, so importing the same file again creates nothing."""

import pytest

from integrations.imports.services import apply_import, start_import
from integrations.models import ImportJob
from orders.models import Order
from tests.factories import AddressFactory

from .factories import csv_upload
from . import imports_support

job_errors = imports_support.job_errors
media = imports_support.media

pytestmark = pytest.mark.django_db

HEADER = ["external_ref", "customer", "sku", "quantity", "unit_price", "customer_po", "requested_date", "ship_to"]


def _file(shop):
    code = shop["company"].code
    return [HEADER,
            ["ERP-1", code, "VALVE", "2", "", "PO-1", "2030-01-31", ""],
            ["ERP-1", code, "TAPE", "5", "1.50", "PO-1", "2030-01-31", ""],
            ["ERP-2", code.lower(), "PIPE", "20", "", "", "", ""]]


def test_rows_become_orders_through_intake_and_reimporting_adds_nothing(media, shop):
    sales = shop["sales"]

    job = start_import(actor=sales, kind="orders", upload=csv_upload(_file(shop)))
    assert job.status == ImportJob.Status.READY, job.errors
    assert job.dry_run["counts"] == {"create": 2}
    assert [i["rows"] for i in job.dry_run["items"]] == [[2, 3], [4]]
    assert not Order.objects.exists()

    job = apply_import(actor=sales, job=job)

    assert job.status == ImportJob.Status.APPLIED
    orders = {o.external_ref: o for o in Order.objects.prefetch_related("lines__product")}
    assert set(orders) == {"ERP-1", "ERP-2"}
    first = orders["ERP-1"]
    assert (first.channel, first.company, first.customer_po, str(first.requested_date)) == (
        "import", shop["company"], "PO-1", "2030-01-31")
    assert sorted((ln.product.sku, ln.quantity) for ln in first.lines.all()) == [("TAPE", 5), ("VALVE", 2)]
    assert [ln.unit_price for ln in first.lines.all() if ln.product.sku == "TAPE"] == [pytest.approx(1.5)]
    assert first.idempotency_key == f"import:{shop['company'].code}:ERP-1"

    again = start_import(actor=sales, kind="orders", upload=csv_upload(_file(shop)))
    assert again.status == ImportJob.Status.READY
    assert again.dry_run["counts"] == {"skip": 2}
    assert {i["detail"] for i in again.dry_run["items"]} == {
        f"already imported as {first.number}", f"already imported as {orders['ERP-2'].number}"}
    again = apply_import(actor=sales, job=again)
    assert again.result["counts"] == {"skip": 2}
    assert Order.objects.count() == 2


def test_malformed_order_rows_are_listed_and_no_order_is_placed(media, shop):
    code = shop["company"].code
    upload = csv_upload([HEADER,
                         ["ERP-1", code, "VALVE", "2", "", "", "", ""],
                         ["ERP-2", "NOBODY", "VALVE", "1", "", "", "", ""],
                         ["ERP-3", code, "GHOST", "1", "", "", "", ""],
                         ["ERP-4", code, "VALVE", "lots", "", "", "", ""],
                         ["ERP-1", code, "VALVE", "3", "", "", "", ""],
                         ["ERP-5", code, "VALVE", "1", "", "", "31/01/2030", "Nowhere"]])

    job = start_import(actor=shop["sales"], kind="orders", upload=upload)

    assert job.status == ImportJob.Status.INVALID
    assert job_errors(job) == {(3, "customer"), (4, "sku"), (5, "quantity"), (6, "sku"), (7, "requested_date"),
                               (7, "ship_to")}
    assert not Order.objects.exists()


def test_the_intake_services_rules_are_reported_per_order(media, shop):
    """PIPE is sold in packs of 10: the intake service refuses 15, found by the dry run."""
    code = shop["company"].code
    upload = csv_upload([HEADER, ["ERP-1", code, "VALVE", "1", "", "", "", ""],
                         ["ERP-2", code, "PIPE", "15", "", "", "", ""]])

    job = start_import(actor=shop["sales"], kind="orders", upload=upload)

    assert job.status == ImportJob.Status.INVALID
    assert job_errors(job) == {(3, "sku")}
    assert "packs of 10" in job.errors[0]["message"]
    assert not Order.objects.exists()


def test_ship_to_by_address_label(media, shop):
    depot = AddressFactory(company=shop["company"], label="Depot 2", city="Suzhou")
    upload = csv_upload([HEADER, ["ERP-9", shop["company"].code, "VALVE", "1", "", "", "", "depot 2"]])

    job = apply_import(actor=shop["sales"], job=start_import(actor=shop["sales"], kind="orders", upload=upload))

    assert job.status == ImportJob.Status.APPLIED
    assert Order.objects.get(external_ref="ERP-9").ship_to == depot


def test_a_failure_at_a_later_order_rolls_back_the_orders_already_placed(media, shop):
    """ERP-2's product is withdrawn between the dry run and the apply: placing ERP-2 fails, and
    ERP-1 — placed a moment before in the same transaction — is rolled back with it."""
    job = start_import(actor=shop["sales"], kind="orders", upload=csv_upload(_file(shop)))
    assert job.status == ImportJob.Status.READY
    pipe = shop["products"]["PIPE"]
    pipe.active = False
    pipe.save()

    job = apply_import(actor=shop["sales"], job=job)

    assert job.status == ImportJob.Status.FAILED
    assert job_errors(job) == {(4, "sku")} and "no longer sold" in job.errors[0]["message"]
    assert not Order.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_dry_run_really_rolls_back_outside_a_test_transaction(media, shop):
    """With real commits (no test transaction around it), the dry run placed and reserved
    nothing: no order, no reservation, stock as before."""
    from inventory.models import Reservation, Stock

    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=10)

    job = start_import(actor=shop["sales"], kind="orders", upload=csv_upload(_file(shop)))

    assert job.status == ImportJob.Status.READY
    assert not Order.objects.exists() and not Reservation.objects.exists()
    assert Stock.objects.get(product=shop["products"]["VALVE"], warehouse=shop["sh"]).reserved == 0
    apply_import(actor=shop["sales"], job=job)
    assert Order.objects.count() == 2
