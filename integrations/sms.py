"""SMS provider adapter. `send(phone, text)` goes through the backend named by settings.SMS_BACKEND:

    "console"  (default) writes the message to the log — development
    "locmem"   keeps messages in `outbox` (tests)
    "disabled" sends nothing
    "http"     POSTs {"to", "text"} as JSON to SMS_HTTP_URL with "Authorization: Bearer SMS_HTTP_TOKEN"
               (the shape most SMS gateways and in-house relays accept)
    "package.module.Class"  any class with send(phone, text) -> provider reference

A backend raises SmsError when the provider refuses the message."""

import logging
import uuid

import requests
from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("integrations.sms")
outbox: list = []  # the locmem backend's sent messages: [(phone, text)]


class SmsError(Exception):
    pass


class ConsoleBackend:
    name = "console"

    def send(self, phone, text):
        ref = uuid.uuid4().hex[:12]
        logger.info("SMS to %s [%s]: %s", phone, ref, text)
        return ref


class LocmemBackend:
    name = "locmem"

    def send(self, phone, text):
        outbox.append((phone, text))
        return f"locmem-{len(outbox)}"


class DisabledBackend:
    name = "disabled"

    def send(self, phone, text):
        return ""


class HttpBackend:
    name = "http"

    def send(self, phone, text):
        if not settings.SMS_HTTP_URL:
            raise SmsError("SMS_HTTP_URL is not set")
        try:
            response = requests.post(settings.SMS_HTTP_URL, json={"to": phone, "text": text}, timeout=10,
                                     headers={"Authorization": f"Bearer {settings.SMS_HTTP_TOKEN}"})
        except requests.RequestException as exc:
            raise SmsError(str(exc)) from exc
        if not response.ok:
            raise SmsError(f"HTTP {response.status_code}: {response.text[:200]}")
        try:
            return str(response.json().get("id", ""))[:120]
        except ValueError:
            return ""


BACKENDS = {"console": ConsoleBackend, "locmem": LocmemBackend, "disabled": DisabledBackend, "http": HttpBackend}


def get_backend(name=None):
    name = name or settings.SMS_BACKEND
    cls = BACKENDS.get(name) or import_string(name)
    return cls()


def enabled() -> bool:
    return settings.SMS_BACKEND != "disabled"


def send(phone, text, *, backend=None):
    """Send one message; returns the provider's reference. Raises SmsError on refusal."""
    return get_backend(backend).send(phone, text)
