"""Product import: create and update by SKU, every bad cell reported, nothing half-applied."""

from decimal import Decimal

import pytest

from integrations.imports.services import ImportNotAllowed, apply_import, start_import
from integrations.models import ImportJob
from inventory.models import Product
from tests.factories import CategoryFactory, ProductFactory

from .factories import csv_upload, xlsx_upload
from . import imports_support

job_errors = imports_support.job_errors
media = imports_support.media

pytestmark = pytest.mark.django_db

HEADER = ["sku", "name", "category", "unit", "pack_size", "barcode", "tax_class", "average_cost", "active"]


@pytest.fixture
def admin(staff_user):
    return staff_user("admin")  # the role holding catalog.manage


def test_new_and_existing_products_are_created_and_updated_after_a_clean_dry_run(media, admin):
    CategoryFactory(slug="valves", name="Valves")
    old = ProductFactory(sku="OLD-1", name="Old name", pack_size=1)
    upload = csv_upload([HEADER,
                         ["new-1", "Ball valve DN25", "valves", "box", "6", "6901234567892", "reduced", "35.50", "yes"],
                         ["OLD-1", "New name", "", "", "12", "", "", "", "no"]])

    job = start_import(actor=admin, kind="products", upload=upload)

    assert job.status == ImportJob.Status.READY and job.errors == []
    assert job.dry_run["counts"] == {"create": 1, "update": 1}
    assert [i["rows"] for i in job.dry_run["items"]] == [[2], [3]]
    assert not Product.objects.filter(sku="NEW-1").exists()  # a dry run writes nothing
    assert Product.objects.get(pk=old.pk).name == "Old name"

    job = apply_import(actor=admin, job=job)

    assert job.status == ImportJob.Status.APPLIED and job.applied_at
    assert job.result["counts"] == {"create": 1, "update": 1}
    new = Product.objects.get(sku="NEW-1")
    assert (new.name, new.category.slug, new.unit, new.pack_size, new.barcode, new.tax_class, new.average_cost) == (
        "Ball valve DN25", "valves", "box", 6, "6901234567892", "reduced", Decimal("35.5"))
    old.refresh_from_db()
    assert (old.name, old.pack_size, old.active) == ("New name", 12, False)


def test_xlsx_upload_with_numeric_cells(media, admin):
    CategoryFactory(slug="tape", name="Tape")
    upload = xlsx_upload([HEADER, ["TAPE-9", "PTFE tape", "Tape", "pcs", 10, None, "standard", 1.25, "yes"]])

    job = apply_import(actor=admin, job=start_import(actor=admin, kind="products", upload=upload))

    product = Product.objects.get(sku="TAPE-9")
    assert job.status == ImportJob.Status.APPLIED
    assert (product.pack_size, product.average_cost) == (10, Decimal("1.25"))


def test_malformed_rows_are_each_reported_and_nothing_can_be_applied(media, admin):
    CategoryFactory(slug="valves", name="Valves")
    ProductFactory(sku="TAKEN", barcode="6901234567892")
    upload = csv_upload([HEADER,
                         ["GOOD-1", "Fine", "valves", "pcs", "1", "", "", "1.00", ""],
                         ["BAD-NUM", "Bad pack", "valves", "pcs", "two", "", "", "", ""],
                         ["BAD-CAT", "No category", "pumps", "pcs", "1", "", "", "", ""],
                         ["GOOD-1", "Twice", "valves", "pcs", "1", "", "", "", ""],
                         ["BAD-UNIT", "Unit", "valves", "barrel", "1", "", "", "-3", ""],
                         ["", "No SKU", "valves", "", "", "", "", "", ""]])

    job = start_import(actor=admin, kind="products", upload=upload)

    assert job.status == ImportJob.Status.INVALID
    assert job_errors(job) == {(3, "pack_size"), (4, "category"), (5, "sku"), (6, "unit"), (6, "average_cost"),
                               (7, "sku")}
    assert "already on row 2" in next(e["message"] for e in job.errors if e["row"] == 5)
    with pytest.raises(ImportNotAllowed):
        apply_import(actor=admin, job=job)
    assert not Product.objects.filter(sku="GOOD-1").exists()


def test_a_bad_barcode_is_caught_by_the_models_validation_in_the_dry_run(media, admin):
    CategoryFactory(slug="valves", name="Valves")
    upload = csv_upload([HEADER, ["BC-1", "Check digit", "valves", "pcs", "1", "6901234567890", "", "", ""]])

    job = start_import(actor=admin, kind="products", upload=upload)

    assert job.status == ImportJob.Status.INVALID
    assert job.errors == [{"row": 2, "column": "barcode", "message": "The barcode's check digit is wrong."}]


def test_missing_required_column_is_reported_on_the_header_row(media, admin):
    job = start_import(actor=admin, kind="products", upload=csv_upload([["sku", "name"], ["X-1", "Thing"]]))

    assert job.status == ImportJob.Status.INVALID
    assert job.errors == [{"row": 1, "column": "category",
                           "message": "The required column “category” is missing from the header."}]


def test_a_failure_during_apply_rolls_back_every_row(media, admin):
    """Row 3 breaks between the dry run and the apply (someone takes its barcode): the job
    fails and row 2's product, already saved in the transaction, is rolled back too."""
    CategoryFactory(slug="valves", name="Valves")
    upload = csv_upload([HEADER,
                         ["ROLL-1", "First", "valves", "pcs", "1", "", "", "", ""],
                         ["ROLL-2", "Second", "valves", "pcs", "1", "6901234567892", "", "", ""]])
    job = start_import(actor=admin, kind="products", upload=upload)
    assert job.status == ImportJob.Status.READY
    ProductFactory(sku="THIEF", barcode="6901234567892")

    job = apply_import(actor=admin, job=job)

    assert job.status == ImportJob.Status.FAILED and job.applied_at is None
    assert job_errors(job) == {(3, "barcode")}
    assert not Product.objects.filter(sku__in=["ROLL-1", "ROLL-2"]).exists()
    with pytest.raises(ImportNotAllowed):
        apply_import(actor=admin, job=job)


def test_wrong_file_type_and_encoding_are_refused_with_a_clear_message(media, admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from oms.errors import ValidationFailed

    cases = [
        (SimpleUploadedFile("x.pdf", b"%PDF-1.4", content_type="application/pdf"), "Upload a .csv or .xlsx file."),
        (SimpleUploadedFile("x.xlsx", b"not a zip", content_type=""), "This is not an Excel .xlsx workbook"),
        (SimpleUploadedFile("x.csv", "sku\n\u00e9".encode("utf-16"), content_type="text/csv"), "not a text CSV"),
        (SimpleUploadedFile("x.csv", b"sku,name\n", content_type="text/csv"), "a header but no rows"),
    ]
    for upload, message in cases:
        with pytest.raises(ValidationFailed) as err:
            start_import(actor=admin, kind="products", upload=upload)
        assert message in str(err.value.message) and err.value.field == "file"
    assert not ImportJob.objects.exists()


def test_gb18030_csv_from_chinese_excel_is_read(media, admin):
    CategoryFactory(slug="valves", name="阀门")
    upload = csv_upload([HEADER, ["CN-1", "球阀", "阀门", "pcs", "1", "", "", "", ""]], encoding="gb18030")

    job = apply_import(actor=admin, job=start_import(actor=admin, kind="products", upload=upload))

    assert job.status == ImportJob.Status.APPLIED
    assert Product.objects.get(sku="CN-1").name == "球阀"


def test_files_over_the_size_limit_are_refused(media, admin, settings):
    from oms.errors import ValidationFailed

    settings.IMPORT_MAX_BYTES = 200
    rows = [HEADER] + [[f"S-{i}", "A product with a long enough name", "valves"] for i in range(20)]
    for upload in (csv_upload(rows), xlsx_upload(rows)):
        with pytest.raises(ValidationFailed) as err:
            start_import(actor=admin, kind="products", upload=upload)
        assert "it may be at most" in str(err.value.message)
    assert not ImportJob.objects.exists()
