import subprocess

import pytest

from orders.documents import code128_svg, packing_slip, pick_list, shipping_label
from orders.services.intake import place_order

pytestmark = pytest.mark.django_db


def text_of(pdf, tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def shipment(shop):
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=10)
    shop["address"].recipient = "王伟"
    shop["address"].save()
    order, _ = place_order(actor=None, company=shop["company"], channel="console", lines=[{"sku": "VALVE", "quantity": 3}],
                           customer_po="PO-7788")
    s = order.shipments.get()
    s.carrier, s.tracking_number = "SF Express", "SF1234567890"
    s.save()
    return s


def test_pick_list_lists_products_and_orders(shipment, tmp_path):
    text = text_of(pick_list([shipment], title="Wave 1"), tmp_path)
    assert "Pick list" in text and "Wave 1" in text and "VALVE" in text and shipment.order.number in text


def test_packing_slip_renders_chinese_names(shipment, tmp_path):
    text = text_of(packing_slip(shipment), tmp_path)
    assert "王伟" in text and "PO-7788" in text and "VALVE" in text


def test_shipping_label_has_a_code128_barcode(shipment, tmp_path):
    svg = code128_svg("SF1234567890")
    assert svg.startswith("<svg") and "rect" in svg
    text = text_of(shipping_label(shipment), tmp_path)
    assert "SF1234567890" in text and "SF Express" in text
