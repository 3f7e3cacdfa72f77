"""Stripe Checkout: the customer pays on Stripe's hosted page; Stripe's webhook
(/payments/callback/stripe/) is verified with the official SDK (stripe.Webhook.construct_event,
the `Stripe-Signature: t=...,v1=...` scheme)."""

import json
from decimal import Decimal

import stripe as stripe_sdk
from django.conf import settings

from oms.money import CURRENCIES

from ..errors import GatewayError
from . import AUTHORIZED, FAILED, PENDING, SUCCEEDED, BadSignature, CallbackEvent, Checkout, Gateway

TYPE_MAP = {
    "checkout.session.completed": SUCCEEDED,
    "checkout.session.async_payment_succeeded": SUCCEEDED,
    "checkout.session.async_payment_failed": FAILED,
    "checkout.session.expired": FAILED,
    "payment_intent.succeeded": SUCCEEDED,
    "payment_intent.payment_failed": FAILED,
    "payment_intent.processing": PENDING,
    "payment_intent.amount_capturable_updated": AUTHORIZED,
}


def to_minor(amount: Decimal, currency: str) -> int:
    return int(amount * (10 ** CURRENCIES[currency][0]))


def from_minor(value: int, currency: str) -> Decimal:
    return Decimal(value) / (10 ** CURRENCIES[currency.upper()][0])


class StripeGateway(Gateway):
    name = "stripe"
    label = "Stripe"
    # card only: Stripe's Alipay / WeChat Pay need separate account activation and a different
    # Checkout setup (payment_method_types) that this adapter does not offer
    methods = frozenset({"card"})

    def create_payment(self, payment, *, return_url) -> Checkout:
        try:
            session = stripe_sdk.checkout.Session.create(
                api_key=settings.STRIPE_API_KEY,
                mode="payment",
                client_reference_id=payment.token,
                metadata={"oms_payment": payment.token},
                payment_intent_data={"metadata": {"oms_payment": payment.token}},
                line_items=[{"quantity": 1, "price_data": {
                    "currency": payment.currency.lower(), "unit_amount": to_minor(payment.amount, payment.currency),
                    "product_data": {"name": str(payment.order or payment.invoice or payment)}}}],
                success_url=return_url, cancel_url=return_url,
            )
        except stripe_sdk.StripeError as err:
            raise GatewayError(str(err))
        return Checkout(redirect_url=session.url)

    def verify_callback(self, request) -> CallbackEvent:
        header = request.headers.get("Stripe-Signature")
        try:
            event = stripe_sdk.Webhook.construct_event(request.body, header, settings.STRIPE_WEBHOOK_SECRET)
        except (stripe_sdk.SignatureVerificationError, ValueError) as err:
            try:
                claimed = str(json.loads(request.body).get("id", ""))[:120]
            except (ValueError, AttributeError):
                claimed = ""
            raise BadSignature(str(err) or "signature mismatch", event_id=claimed)
        event = event.to_dict() if hasattr(event, "to_dict") else dict(event)
        obj = event["data"]["object"]
        metadata = obj.get("metadata") or {}
        token = metadata.get("oms_payment") or obj.get("client_reference_id") or ""
        currency = (obj.get("currency") or "").upper()
        minor = obj.get("amount_total") if obj.get("amount_total") is not None else obj.get("amount_received", obj.get("amount"))
        amount = from_minor(minor, currency) if minor is not None and currency in CURRENCIES else None
        ref = obj.get("payment_intent") or obj.get("id") or ""
        return CallbackEvent(event_id=event["id"], type=TYPE_MAP.get(event["type"], event["type"]), token=token,
                             amount=amount, currency=currency, gateway_ref=str(ref), raw=event)

    def refund(self, payment, amount) -> str:
        try:
            refund = stripe_sdk.Refund.create(api_key=settings.STRIPE_API_KEY, payment_intent=payment.gateway_ref,
                                              amount=to_minor(amount, payment.currency))
        except stripe_sdk.StripeError as err:
            raise GatewayError(str(err))
        return refund.id
