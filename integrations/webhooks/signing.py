"""HMAC-SHA256 signatures over "<timestamp>.<body>", used both ways: outbound webhooks sign
with the subscription's secret, inbound channel orders are verified with the channel's.

Headers: X-OMS-Timestamp (Unix seconds) and X-OMS-Signature ("sha256=" + hex digest).
A receiver recomputes the digest over the raw body and rejects stale timestamps."""

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-OMS-Signature"
TIMESTAMP_HEADER = "X-OMS-Timestamp"
EVENT_ID_HEADER = "X-OMS-Event-Id"
EVENT_TYPE_HEADER = "X-OMS-Event-Type"
TOLERANCE_SECONDS = 300


def _as_bytes(value) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()


def sign(secret: str, timestamp, body) -> str:
    message = _as_bytes(str(timestamp)) + b"." + _as_bytes(body)
    return "sha256=" + hmac.new(_as_bytes(secret), message, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body, *, timestamp=None) -> dict:
    timestamp = str(int(time.time()) if timestamp is None else int(timestamp))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: sign(secret, timestamp, body)}


def verify(secret: str, timestamp, body, signature, *, tolerance=TOLERANCE_SECONDS, now=None) -> bool:
    """True when `signature` is ours over timestamp + body and the timestamp is recent."""
    if not (secret and timestamp and signature):
        return False
    try:
        ts = int(str(timestamp).strip())
    except ValueError:
        return False
    now = time.time() if now is None else now
    if tolerance is not None and abs(now - ts) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, ts, body), str(signature).strip())
