"""Factories for the integrations tests (API clients, webhooks, imports). Append, per part."""


# --- REST API (issue #8) ------------------------------------------------------------------------

def api_client_with_token(*scopes, name=None, rate_limit_per_minute=600, actor=None):
    """(ApiClient, token) made through the service, as the console would; every scope if none given."""
    import uuid

    from integrations.api.services import create_api_client
    from integrations.models import ApiScope

    new = create_api_client(actor=actor, name=name or f"Client {uuid.uuid4().hex[:8]}",
                            scopes=list(scopes) or list(ApiScope.values), rate_limit_per_minute=rate_limit_per_minute)
    return new.client, new.token


def api_http(token=None):
    """A DRF test client that sends `Authorization: Bearer <token>`."""
    from rest_framework.test import APIClient

    http = APIClient()
    if token:
        http.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return http


# --- Webhooks, channels and SMS (issue #8) ------------------------------------------------------

import factory as _factory  # noqa: E402


class WebhookSubscriptionFactory(_factory.django.DjangoModelFactory):
    class Meta:
        model = "integrations.WebhookSubscription"

    name = _factory.Sequence(lambda n: f"Receiver {n}")
    url = "http://127.0.0.1:9/hook"
    event_types = _factory.LazyFunction(lambda: ["*"])
    secret = _factory.Sequence(lambda n: f"whsec-test-{n}")
    active = True


class SalesChannelFactory(_factory.django.DjangoModelFactory):
    class Meta:
        model = "integrations.SalesChannel"

    code = _factory.Sequence(lambda n: f"shop{n}")
    name = _factory.Sequence(lambda n: f"Web shop {n}")
    secret = _factory.Sequence(lambda n: f"chsec-test-{n}")
    active = True


# --- Imports and exports (issue #8) -------------------------------------------------------------

def csv_upload(rows, name="import.csv", encoding="utf-8"):
    """An uploaded .csv file from a list of rows (the first is the header)."""
    import csv as _csv
    import io as _io

    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = _io.StringIO()
    _csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def xlsx_upload(rows, name="import.xlsx"):
    """An uploaded .xlsx workbook (first sheet) from a list of rows (the first is the header)."""
    import io as _io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = _io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


class WebhookReceiver:
    """A real HTTP server on 127.0.0.1 in a thread (one thread per request), standing in for a
    customer's webhook endpoint. Each POST gets the next status of `statuses` (the last one
    repeats), after `delay` seconds for the first `slow_requests` requests. Every request is
    kept in `received` as {"headers": {...}, "body": bytes}.

        with WebhookReceiver(statuses=[500, 200]) as hook:
            sub = WebhookSubscriptionFactory(url=hook.url)"""

    def __init__(self, statuses=(200,), delay=0.0, slow_requests=0):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.statuses, self.delay, self.slow_requests = list(statuses), delay, slow_requests
        self.received, self._lock = [], threading.Lock()
        self.started = threading.Event()  # set when the first request arrives
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                import time

                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._lock:
                    n = len(receiver.received)
                    receiver.received.append({"headers": dict(self.headers.items()), "body": body})
                    status = receiver.statuses[min(n, len(receiver.statuses) - 1)]
                receiver.started.set()
                if n < receiver.slow_requests:
                    time.sleep(receiver.delay)
                payload = b'{"ok": true}' if 200 <= status < 300 else b"receiver says no"
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:  # the client went away (a killed worker)
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
