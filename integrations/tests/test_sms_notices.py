"""SMS for shipped and delivered notices, to dealer users who opted in and gave a number."""

import pytest

from integrations import sms
from integrations.models import SmsMessage
from integrations.notices import send_shipment_sms
from oms.preferences import update_preferences
from orders.services.fulfilment import record_delivery
from orders.services.intake import place_order
from tests.factories import dealer_user, ship_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def locmem_sms(settings):
    settings.SMS_BACKEND = "locmem"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def allocated_order(shop):
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=20)
    order, _ = place_order(actor=shop["sales"], company=shop["company"], channel="console",
                           lines=[{"sku": "VALVE", "quantity": 1}])
    order.refresh_from_db()
    return order


def test_opted_in_dealers_get_shipped_and_delivered_texts_after_commit(shop, locmem_sms, django_capture_on_commit_callbacks):
    texter = dealer_user(company=shop["company"])
    update_preferences(actor=texter, sms_opt_in=True, sms_phone="+86 138 0000 0001")
    dealer_user(company=shop["company"])  # no opt-in: e-mail and inbox only
    quiet = dealer_user(company=shop["company"])
    update_preferences(actor=quiet, sms_opt_in=False, sms_phone="+86 138 0000 0002")
    order = allocated_order(shop)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [shipment] = ship_order(order, shop["warehouse"], tracking_number="SF42")
    assert locmem_sms == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert len(locmem_sms) == 1
    phone, text = locmem_sms[0]
    assert phone == "+86 138 0000 0001" and order.number in text and "SF42" in text

    with django_capture_on_commit_callbacks(execute=True):
        record_delivery(actor=shop["warehouse"], shipment=shipment, received_by="Dock")
    assert len(locmem_sms) == 2 and "delivered" in locmem_sms[1][1]
    assert SmsMessage.objects.filter(user=texter, status=SmsMessage.Status.SENT).count() == 2


def test_a_repeated_task_does_not_text_twice(shop, locmem_sms):
    texter = dealer_user(company=shop["company"])
    update_preferences(actor=texter, sms_opt_in=True, sms_phone="13800000003")
    [shipment] = ship_order(allocated_order(shop), shop["warehouse"])
    assert send_shipment_sms(shipment_id=shipment.pk, kind="shipped") == 1
    assert send_shipment_sms(shipment_id=shipment.pk, kind="shipped") == 0
    assert len(locmem_sms) == 1


class RefusingBackend:
    name = "refusing"

    def send(self, phone, text):
        raise sms.SmsError("number blocked")


def test_a_provider_refusal_is_logged_on_the_message(shop, settings):
    settings.SMS_BACKEND = f"{__name__}.RefusingBackend"
    texter = dealer_user(company=shop["company"])
    update_preferences(actor=texter, sms_opt_in=True, sms_phone="13800000005")
    [shipment] = ship_order(allocated_order(shop), shop["warehouse"])
    assert send_shipment_sms(shipment_id=shipment.pk, kind="shipped") == 0
    msg = SmsMessage.objects.get()
    assert msg.status == SmsMessage.Status.FAILED and msg.error == "number blocked"


def test_disabled_backend_queues_nothing(shop, settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "disabled"
    texter = dealer_user(company=shop["company"])
    update_preferences(actor=texter, sms_opt_in=True, sms_phone="13800000006")
    with django_capture_on_commit_callbacks(execute=True):
        ship_order(allocated_order(shop), shop["warehouse"])
    assert not SmsMessage.objects.exists()
