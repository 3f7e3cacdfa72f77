"""Inbound channel orders: POST /channels/<code>/orders/, signed like our outbound webhooks.

Body (JSON, UTF-8)::

    {
      "order_id": "SHOP-1001",            # the channel's own order id (required; the idempotency key)
      "customer_code": "C0001",           # required when the channel takes the customer by code
      "customer_po": "PO-77",             # optional
      "notes": "Leave at gate 3",         # optional
      "lines": [{"sku": "VALVE", "quantity": 2}],
      "ship_to": {"address_id": 12}       # optional: one of the customer's addresses by id or
                                          #   {"label": "Main store"}; default: its default address
    }

Headers: X-OMS-Timestamp (Unix seconds, within 5 minutes) and X-OMS-Signature =
"sha256=" + hex HMAC-SHA256(channel secret, "<timestamp>.<raw body>").

Answers: 201 {"order_id", "number", "status", "created": true} for a new order; 200 with
"created": false when that channel order id was already taken (the same order, never a second);
401 bad or missing signature (nothing created); 404 unknown or inactive channel; 400 JSON
errors by field; 422 when the intake service refuses the order (unknown SKU, credit, ...).
Every error has one shape: {"code": "...", "message": "...", "errors": {"lines.0.sku": [...]}}
("errors" only when a field is to blame).

The order's idempotency key is "channel:<code>:<order id>": its own namespace, so a channel's
order ids can never collide with the API's ("api:<client>:<key>") or the imports' keys."""

import json
import logging

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from rest_framework import serializers

from customers.models import Address, Company
from oms.errors import DomainError
from orders.models import Channel
from orders.services.intake import place_order

from ..models import SalesChannel
from . import signing

logger = logging.getLogger("integrations.channels")
KEY_MAX = 80
KEY_PREFIX = "channel:"
# Why a request was refused, kept on the channel in English and translated when shown.
BAD_SIGNATURE = gettext_noop("bad or missing signature (or stale timestamp)")


class LineSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=60)
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)


class ShipToSerializer(serializers.Serializer):
    address_id = serializers.IntegerField(required=False, min_value=1)
    label = serializers.CharField(required=False, max_length=80)


class ChannelOrderSerializer(serializers.Serializer):
    order_id = serializers.CharField(max_length=60)
    customer_code = serializers.CharField(required=False, max_length=30, allow_blank=True)
    customer_po = serializers.CharField(required=False, max_length=60, allow_blank=True)
    notes = serializers.CharField(required=False, max_length=2000, allow_blank=True)
    lines = LineSerializer(many=True, allow_empty=False, max_length=500)
    ship_to = ShipToSerializer(required=False, allow_null=True)


class ChannelResult:
    def __init__(self, status, body):
        self.status, self.body = status, body


def _flatten(errors, prefix=""):
    """DRF's nested errors as {"lines.0.sku": ["..."]}."""
    flat = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = prefix if prefix and key == "non_field_errors" else (f"{prefix}.{key}" if prefix else str(key))
            flat.update(_flatten(value, name))
    elif isinstance(errors, list) and errors and not all(isinstance(e, str) for e in errors):
        for i, value in enumerate(errors):
            if value:
                flat.update(_flatten(value, f"{prefix}.{i}" if prefix else str(i)))
    else:
        flat[prefix or "non_field_errors"] = [str(e) for e in (errors if isinstance(errors, list) else [errors])]
    return flat


def _invalid(message, errors):
    return ChannelResult(400, {"code": "invalid", "message": str(message), "errors": errors})


def _reject(channel, reason):
    """Log a refused request (bad signature) on the channel; nothing else is written."""
    logger.warning("channel %s: rejected request: %s", channel.code, reason)
    SalesChannel.objects.filter(pk=channel.pk).update(rejected_count=F("rejected_count") + 1,
                                                       last_rejected_at=timezone.now(), last_rejection=reason[:300])


def _company(channel, data):
    code = (data.get("customer_code") or "").strip()
    if channel.customer_by_code and code:
        company = Company.objects.filter(code__iexact=code).first()
        if company is None:
            raise DomainError(_("Unknown customer code %(code)s.") % {"code": code}, field="customer_code",
                              code="unknown_customer")
        return company
    if channel.default_company_id:
        return channel.default_company
    raise DomainError(_("Name the customer with customer_code."), field="customer_code", code="required")


def _address(company, ship_to):
    if not ship_to:
        return None
    qs = Address.objects.filter(company=company, kind=Address.Kind.SHIPPING)
    if ship_to.get("address_id"):
        address = qs.filter(pk=ship_to["address_id"]).first()
    elif ship_to.get("label"):
        address = qs.filter(label__iexact=ship_to["label"].strip()).first()
    else:
        return None
    if address is None:
        raise DomainError(_("The customer has no such shipping address."), field="ship_to", code="unknown_address")
    return address


def receive_channel_order(*, code, body: bytes, headers) -> ChannelResult:
    channel = SalesChannel.objects.select_related("default_company").filter(code=code, active=True).first()
    if channel is None:
        return ChannelResult(404, {"code": "not_found", "message": _("No active channel with that code.")})
    if not signing.verify(channel.secret, headers.get(signing.TIMESTAMP_HEADER), body, headers.get(signing.SIGNATURE_HEADER)):
        _reject(channel, BAD_SIGNATURE)
        return ChannelResult(401, {"code": "bad_signature", "message": _("The signature does not match.")})
    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return _invalid(_("The body is not valid JSON."), {"non_field_errors": [str(exc)]})
    if not isinstance(doc, dict):
        return _invalid(_("The body must be a JSON object."), {"non_field_errors": [_("Expected an object.")]})
    ser = ChannelOrderSerializer(data=doc)
    if not ser.is_valid():
        return _invalid(_("Some fields are wrong."), _flatten(ser.errors))
    data = ser.validated_data
    ref = data["order_id"].strip()
    key = f"{KEY_PREFIX}{channel.code}:{ref}"
    if len(key) > KEY_MAX:
        return _invalid(_("The order id is too long."), {"order_id": [_("At most %(n)d characters.") % {
            "n": KEY_MAX - len(KEY_PREFIX) - len(channel.code) - 1}]})
    try:
        company = _company(channel, data)
        order, created = place_order(
            actor=None, company=company, lines=[{"sku": ln["sku"], "quantity": ln["quantity"]} for ln in data["lines"]],
            channel=Channel.SALES_CHANNEL, ship_to=_address(company, data.get("ship_to")), idempotency_key=key, external_ref=ref,
            customer_po=data.get("customer_po", ""), notes=data.get("notes", ""), source=channel.code,
        )
    except DomainError as err:
        body = {"code": err.code, "message": str(err.message)}
        if err.field:
            body["errors"] = {err.field: [str(m) for m in (err.extra or {}).get(err.field) or [err.message]]}
        return ChannelResult(422, body)
    if created:
        SalesChannel.objects.filter(pk=channel.pk).update(last_order_at=timezone.now())
    return ChannelResult(201 if created else 200, {"order_id": order.pk, "number": order.number,
                                                   "status": order.status, "created": created})
