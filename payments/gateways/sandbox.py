"""An offline gateway for the demo and the tests: a hosted payment page inside the app
(/payments/sandbox/<token>/) whose pay / fail buttons send a callback signed exactly like a real
gateway's: HMAC-SHA256 over "<timestamp>.<body>" with PAYMENTS_SANDBOX_SECRET.

Card payments use the hosted page. Alipay and WeChat Pay are a QR flow, as with the real
wallets: the hosted page shows a QR code of the "scan" URL (/payments/sandbox/<token>/scan/);
opening that URL — what the payer's phone does — completes the payment and delivers the signed
callback, while the page the payer left on the computer polls until it shows the outcome."""

import hashlib
import hmac
import json
import secrets
import time
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.urls import reverse

from . import BadSignature, CallbackEvent, Checkout, Gateway

SIGNATURE_HEADER = "X-Sandbox-Signature"
TIMESTAMP_HEADER = "X-Sandbox-Timestamp"
TOLERANCE_SECONDS = 300


def sign(body: bytes, timestamp: int, secret: str | None = None) -> str:
    secret = secret or settings.PAYMENTS_SANDBOX_SECRET
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(body: bytes, *, timestamp=None, secret=None) -> dict:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(body, timestamp, secret)}


def event_body(*, token, type, amount, currency, event_id=None) -> bytes:
    return json.dumps({
        "id": event_id or f"evt_{secrets.token_hex(12)}",
        "type": type,
        "data": {"token": token, "amount": str(amount), "currency": currency, "reference": f"sbx_{token[:12]}"},
    }, sort_keys=True).encode()


class SandboxGateway(Gateway):
    name = "sandbox"
    label = "Sandbox"
    methods = frozenset({"card", "alipay", "wechat"})

    def create_payment(self, payment, *, return_url) -> Checkout:
        page = reverse("payments:sandbox_page", args=[payment.token])
        if payment.method in ("alipay", "wechat"):
            return Checkout(redirect_url=page, qr_payload=reverse("payments:sandbox_scan", args=[payment.token]))
        return Checkout(redirect_url=page)

    def verify_callback(self, request) -> CallbackEvent:
        body = request.body
        timestamp = request.headers.get(TIMESTAMP_HEADER, "")
        signature = request.headers.get(SIGNATURE_HEADER, "")
        claimed = _claimed_id(body)
        if not timestamp or not signature:
            raise BadSignature("missing signature", event_id=claimed)
        try:
            ts = int(timestamp)
        except ValueError:
            raise BadSignature("bad timestamp", event_id=claimed)
        if abs(time.time() - ts) > TOLERANCE_SECONDS:
            raise BadSignature("timestamp outside the tolerance", event_id=claimed)
        if not hmac.compare_digest(sign(body, ts), signature):
            raise BadSignature("signature mismatch", event_id=claimed)
        try:
            data = json.loads(body)
            inner = data["data"]
            amount = Decimal(str(inner["amount"]))
            return CallbackEvent(event_id=str(data["id"]), type=str(data["type"]), token=str(inner["token"]),
                                 amount=amount, currency=str(inner.get("currency", "")),
                                 gateway_ref=str(inner.get("reference", "")), raw=data)
        except (ValueError, KeyError, TypeError, InvalidOperation):
            raise BadSignature("signed but unreadable payload", event_id=claimed)

    def refund(self, payment, amount) -> str:
        return f"sbx_rf_{secrets.token_hex(8)}"


def _claimed_id(body):
    try:
        return str(json.loads(body).get("id", ""))[:120]
    except (ValueError, AttributeError):
        return ""
