"""Console page for API clients (token shown once, revoke) and the API's schema and docs page."""

import pytest
from django.urls import reverse

from integrations.models import ApiClient
from integrations.tests.factories import api_client_with_token, api_http

pytestmark = pytest.mark.django_db


def test_an_admin_creates_a_client_sees_the_token_once_and_revokes_it(client, staff_user):
    admin = staff_user("admin")
    client.force_login(admin)
    url = reverse("console:api_clients")
    res = client.post(url, {"name": "Web shop", "scopes": ["orders:read", "orders:write"], "rate_limit_per_minute": 120})
    assert res.status_code == 200
    api = ApiClient.objects.get(name="Web shop")
    token = res.context["created"].token
    assert token in res.content.decode() and api.created_by == admin and api.rate_limit_per_minute == 120
    assert "no-store" in res["Cache-Control"]
    assert api_http(token).get("/api/v1/orders/").status_code == 200
    listing = client.get(url).content.decode()
    assert "Web shop" in listing and token not in listing  # never shown again
    res = client.post(reverse("console:api_client_revoke", args=[api.pk]))
    assert res.status_code == 302
    assert api_http(token).get("/api/v1/orders/").status_code == 401


def test_a_duplicate_name_or_no_scope_is_a_form_error(client, staff_user):
    client.force_login(staff_user("admin"))
    api_client_with_token("orders:read", name="ERP")
    res = client.post(reverse("console:api_clients"), {"name": "erp", "scopes": ["orders:read"], "rate_limit_per_minute": 60})
    assert "exists already" in res.content.decode()
    res = client.post(reverse("console:api_clients"), {"name": "WMS", "rate_limit_per_minute": 60})
    assert res.context["form"].errors["scopes"]
    assert ApiClient.objects.count() == 1


def test_a_revoked_clients_name_can_be_given_to_a_new_client(staff_user):
    from django.db import IntegrityError, transaction

    from integrations.api.services import create_api_client, revoke_api_client

    admin = staff_user("admin")
    old = create_api_client(actor=admin, name="Web shop", scopes=["orders:read"]).client
    revoke_api_client(actor=admin, client=old)
    new = create_api_client(actor=admin, name="web shop", scopes=["orders:read"])  # the same shop, a new token
    assert new.client.active and new.client.pk != old.pk
    assert api_http(new.token).get("/api/v1/orders/").status_code == 200
    with pytest.raises(IntegrityError), transaction.atomic():  # two active clients of one name: the database says no
        ApiClient.objects.create(name="WEB SHOP", token_prefix="feedbeef", token_hash="x" * 64, user=staff_user("sales"))


def test_other_roles_cannot_manage_clients(client, staff_user):
    client.force_login(staff_user("sales_manager"))
    assert client.get(reverse("console:api_clients")).status_code == 403


def test_the_schema_is_valid_openapi_with_bearer_security():
    res = api_http().get("/api/v1/schema/?format=json")
    assert res.status_code == 200
    schema = res.json()
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": schema["components"]["securitySchemes"]["bearerAuth"]["description"]}
    params = {p["name"] for p in schema["paths"]["/api/v1/orders/"]["post"]["parameters"]}
    assert "Idempotency-Key" in params
    from drf_spectacular.validation import validate_schema

    validate_schema(schema)  # against the OpenAPI 3 JSON schema


def test_the_docs_page_loads_local_assets_with_no_inline_script(client):
    from django.contrib.staticfiles import finders

    res = client.get("/api/v1/docs/")
    assert res.status_code == 200
    html = res.content.decode()
    assert "<style" not in html and "<script>" not in html  # the CSP allows neither
    srcs = [part.split('"')[0] for part in html.split('src="')[1:]]
    assert len(srcs) == 3 and all(s.startswith("/") and "//" not in s for s in srcs)
    for src in srcs[:2]:
        assert finders.find(src.removeprefix("/static/")), src
    init = client.get(srcs[2])
    assert init.status_code == 200 and init["Content-Type"].startswith("application/javascript")
    assert b"/api/v1/schema/" in init.content
    assert "script-src 'self'" in res["Content-Security-Policy"]


def test_schema_generation_has_no_warnings(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert (tmp_path / "schema.yml").read_text().startswith("openapi: 3")
