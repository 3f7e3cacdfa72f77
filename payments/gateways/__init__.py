"""Payment gateway adapters behind one interface.

    gateway = get_gateway("sandbox")
    start = gateway.create_payment(payment, return_url=...)   # -> Checkout(redirect_url | qr_payload)
    event = gateway.verify_callback(request)                  # -> CallbackEvent, or raises BadSignature
    ref = gateway.refund(payment, amount)                     # -> the gateway's refund reference

Card data never reaches the OMS: the customer pays on the gateway's hosted page and the
gateway tells us the outcome in a signed callback. Which gateways are live is a setting
(PAYMENTS_GATEWAYS)."""

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings


class BadSignature(Exception):
    """The callback is not from the gateway (or was altered, or is too old)."""

    def __init__(self, message, *, event_id=""):
        super().__init__(message)
        self.event_id = event_id


# normalised event types every adapter maps its own onto
SUCCEEDED = "payment.succeeded"
FAILED = "payment.failed"
PENDING = "payment.pending"
AUTHORIZED = "payment.authorized"


@dataclass
class CallbackEvent:
    event_id: str
    type: str
    token: str  # our Payment.token, echoed back by the gateway
    amount: Decimal | None = None
    currency: str = ""
    gateway_ref: str = ""
    raw: dict = field(default_factory=dict)


@dataclass
class Checkout:
    redirect_url: str = ""
    qr_payload: str = ""


class Gateway(ABC):
    """What every adapter implements (sandbox.py, stripe.py)."""

    name = ""
    label = ""
    methods: frozenset[str] = frozenset({"card"})  # payments.models.Method values the adapter can take

    @abstractmethod
    def create_payment(self, payment, *, return_url) -> Checkout:
        """Start a payment: where to send the payer (or a QR payload)."""

    @abstractmethod
    def verify_callback(self, request) -> CallbackEvent:
        """The gateway's signed callback as an event; raises BadSignature."""

    @abstractmethod
    def refund(self, payment, amount) -> str:
        """Refund `amount` of a captured payment; returns the gateway's refund reference."""


def _registry():
    from .sandbox import SandboxGateway
    from .stripe import StripeGateway

    return {g.name: g for g in (SandboxGateway, StripeGateway)}


def enabled_gateways() -> list[str]:
    known = _registry()
    return [name for name in settings.PAYMENTS_GATEWAYS if name in known]


def gateway_for_method(method: str) -> str | None:
    """The first live gateway (in PAYMENTS_GATEWAYS order) that takes `method`."""
    known = _registry()
    return next((name for name in enabled_gateways() if method in known[name].methods), None)


def online_methods() -> set[str]:
    """Methods some live gateway can take."""
    known = _registry()
    return {m for name in enabled_gateways() for m in known[name].methods}


def get_gateway(name: str) -> Gateway | None:
    """The live adapter called `name`, or None when it is unknown or switched off."""
    if name not in enabled_gateways():
        return None
    return _registry()[name]()
