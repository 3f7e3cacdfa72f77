"""Domain events integrations acts on (registered in IntegrationsConfig.ready): the webhook
outbox recorder (integrations.webhooks.outbox, on oms.events.publish) and SMS notices."""

from oms.events import subscribe

from .webhooks import outbox  # importing it registers the outbox recorder with oms.events.on_publish

__all__ = ["outbox", "on_shipment_shipped", "on_shipment_delivered"]


def _queue_sms(shipment_id, kind):
    from . import sms
    from .tasks import send_shipment_sms

    if sms.enabled():
        send_shipment_sms.delay(shipment_id, kind)


@subscribe("shipment.shipped")
def on_shipment_shipped(payload):  # runs after commit
    _queue_sms(payload["shipment_id"], "shipped")


@subscribe("shipment.delivered")
def on_shipment_delivered(payload):
    _queue_sms(payload["shipment_id"], "delivered")
