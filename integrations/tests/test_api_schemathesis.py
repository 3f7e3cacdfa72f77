"""Property-based run of schemathesis against the OpenAPI schema: for every operation,
generated valid and invalid requests (a bounded number each), authenticated with a
full-scope token; no answer may be a server error, and every error keeps the one shape."""

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from integrations.tests.factories import api_client_with_token

pytestmark = pytest.mark.django_db

class _Done(Exception):
    def __init__(self, response):
        self.response = response


EXAMPLES = 12  # per operation and mode: the whole run stays well under two minutes


@pytest.fixture
def wsgi_app():
    # As django.test.Client does: requests must not close the test's connection mid-transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_no_generated_request_gets_a_server_error(shop, wsgi_app):
    from orders.services.intake import place_order

    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=1000)
    place_order(actor=shop["sales"], company=shop["company"], channel="console", lines=[{"sku": "VALVE", "quantity": 1}])
    _client, token = api_client_with_token(rate_limit_per_minute=1_000_000)
    auth = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", wsgi_app)
    failures, operations, calls = [], 0, []
    raw = schema.raw_schema
    documented = {(m.upper(), path): set(op["responses"]) for path, ops in raw["paths"].items() for m, op in ops.items()}

    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                      suppress_health_check=list(HealthCheck))
            def run(case):
                try:  # each case in its own savepoint: a failed statement must not poison the next case
                    with transaction.atomic():
                        raise _Done(case.call(headers=auth))
                except _Done as done:
                    response = done.response
                calls.append(response.status_code)
                if str(response.status_code) not in documented[(case.method.upper(), case.operation.path)]:
                    failures.append(f"{case.method} {case.operation.path}: undocumented status {response.status_code}")
                if response.status_code >= 500:
                    failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: "
                                    f"{case.as_curl_command()}")
                elif response.status_code >= 400 and response.headers.get("Content-Type", [""])[0].startswith(
                        "application/json"):
                    if "error" not in response.json():
                        failures.append(f"{case.method} {case.formatted_path}: error without the shape")

            try:
                run()
            except Exception as exc:  # unsatisfiable strategies etc. are not server errors, but say so
                if "Unsatisfiable" not in type(exc).__name__:
                    raise
    assert operations >= 17 and len(calls) >= operations * EXAMPLES, (operations, len(calls))
    assert any(code < 300 for code in calls) and any(code == 400 for code in calls)
    assert failures == [], "\n".join(failures[:20])
