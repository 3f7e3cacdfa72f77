"""Stock-level import: counted quantities go through the cycle-count service into the ledger."""

import pytest

from integrations.imports.services import apply_import, start_import
from integrations.models import ImportJob
from inventory.models import Stock, StockMovement
from inventory.services import reserve_stock

from .factories import csv_upload
from . import imports_support

job_errors = imports_support.job_errors
media = imports_support.media

pytestmark = pytest.mark.django_db

HEADER = ["sku", "warehouse", "counted", "reason"]


def test_counted_quantities_become_on_hand_through_the_ledger(media, shop):
    valve, tape = shop["products"]["VALVE"], shop["products"]["TAPE"]
    shop["stock_of"](valve, shop["sh"], on_hand=10)
    upload = csv_upload([HEADER, ["valve", "sh", "14", "Year-end count"], ["TAPE", "GZ", "0", ""]])

    job = start_import(actor=shop["warehouse"], kind="stock", upload=upload)

    assert job.status == ImportJob.Status.READY
    assert [i["detail"] for i in job.dry_run["items"]] == ["10 → 14", "0 → 0"]
    assert Stock.objects.get(product=valve, warehouse=shop["sh"]).on_hand == 10

    job = apply_import(actor=shop["warehouse"], job=job)

    assert job.status == ImportJob.Status.APPLIED
    assert job.result["counts"] == {"update": 1, "unchanged": 1}
    assert Stock.objects.get(product=valve, warehouse=shop["sh"]).on_hand == 14
    assert Stock.objects.get(product=tape, warehouse=shop["gz"]).on_hand == 0
    movement = StockMovement.objects.filter(stock__product=valve, kind=StockMovement.Kind.CYCLE_COUNT).get()
    assert (movement.on_hand_delta, movement.on_hand_after, movement.user) == (4, 14, shop["warehouse"])
    assert movement.reason == f"Import #{job.pk}: Year-end count"


def test_unknown_sku_bad_warehouse_bad_number_and_duplicates_are_listed(media, shop):
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=10)
    upload = csv_upload([HEADER,
                         ["VALVE", "SH", "12", ""],
                         ["NOPE", "SH", "1", ""],
                         ["VALVE", "XX", "1", ""],
                         ["TAPE", "SH", "1.5", ""],
                         ["TAPE", "GZ", "-1", ""],
                         ["VALVE", "sh", "13", ""]])

    job = start_import(actor=shop["warehouse"], kind="stock", upload=upload)

    assert job.status == ImportJob.Status.INVALID
    assert job_errors(job) == {(3, "sku"), (4, "warehouse"), (5, "counted"), (6, "counted"), (7, "sku")}
    assert Stock.objects.get(product=shop["products"]["VALVE"], warehouse=shop["sh"]).on_hand == 10
    assert not StockMovement.objects.filter(kind=StockMovement.Kind.CYCLE_COUNT).exists()


def test_the_dry_run_reports_the_services_rules_too(media, shop):
    """Counting below what orders have reserved is refused by count_stock: the dry run runs the
    service (and rolls back), so the row is reported before anything is applied."""
    valve = shop["products"]["VALVE"]
    shop["stock_of"](valve, shop["sh"], on_hand=10)
    reserve_stock(ref_type="order", ref_id="SO-1", lines=[(valve.pk, shop["sh"].pk, 6)])
    upload = csv_upload([HEADER, ["TAPE", "SH", "5", ""], ["VALVE", "SH", "4", ""]])

    job = start_import(actor=shop["warehouse"], kind="stock", upload=upload)

    assert job.status == ImportJob.Status.INVALID
    assert job_errors(job) == {(3, "counted")}
    assert "reserved" in job.errors[0]["message"]
    assert not StockMovement.objects.filter(kind=StockMovement.Kind.CYCLE_COUNT).exists()


def test_missing_counted_column(media, shop):
    job = start_import(actor=shop["warehouse"], kind="stock", upload=csv_upload([["sku", "warehouse"], ["VALVE", "SH"]]))

    assert job.status == ImportJob.Status.INVALID and job_errors(job) == {(1, "counted")}
