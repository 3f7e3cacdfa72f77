import pytest


@pytest.mark.django_db
def test_healthz_reports_database_and_redis(client, settings):
    response = client.get("/healthz")
    data = response.json()
    assert data["database"] == "ok"
    if settings.REDIS_URL:
        assert response.status_code == 200 and data["redis"] == "ok"
    else:
        assert data["redis"] == "embedded"


@pytest.mark.django_db
def test_healthz_fails_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "redis": "error"}


@pytest.mark.django_db
def test_healthz_needs_no_login_and_is_not_cached(client):
    response = client.get("/healthz")
    assert "no-cache" in response.headers.get("Cache-Control", "") or "max-age=0" in response.headers.get("Cache-Control", "")
