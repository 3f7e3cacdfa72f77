"""An integrator opens the API docs: Swagger UI renders in a real browser under the site's
CSP (no inline script, nothing fetched from a CDN) and lists the endpoints."""

import pytest

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_swagger_ui_lists_the_endpoints_without_csp_violations(page, live_server):
    problems, outside = [], []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((live_server.url, "data:")) else None)
    page.goto("/api/v1/docs/")
    page.wait_for_selector("text=/api/v1/orders/{id}/cancel/", timeout=20_000)
    assert page.locator(".opblock").count() >= 17
    assert page.locator("button.authorize").count() == 1  # bearer auth is offered
    scripts_blocked = [p for p in problems if "script" in p.lower()]
    assert scripts_blocked == [] and outside == [], (problems, outside)
