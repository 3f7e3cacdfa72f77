"""Settings load from the environment and production settings are safe."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    """manage.py with the production settings module and only the given DJANGO_* variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "OMS_TESTING"}
    full_env = {**clean, "DJANGO_SETTINGS_MODULE": "oms.settings", **env}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120)


def test_settings_load_with_the_essentials():
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.USE_TZ is True
    assert settings.AUTH_USER_MODEL == "oms.User"
    assert [code for code, _ in settings.LANGUAGES] == ["en", "zh-hans"]
    assert "axes" in settings.INSTALLED_APPS and "simple_history" in settings.INSTALLED_APPS


def test_production_uses_a_strong_hasher_and_a_connection_pool():
    import oms.settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert "pool" in production.DATABASES["default"].get("OPTIONS", {})


def test_check_deploy_passes_with_production_environment():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_DEBUG="false", DJANGO_SECRET_KEY="k" + "x7Q!r2#pL9" * 6, DJANGO_ALLOWED_HOSTS="oms.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_env_example_documents_every_variable_read_by_settings():
    names = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', (ROOT / "oms" / "settings.py").read_text()))
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert names and names <= documented, sorted(names - documented)


def test_no_asset_comes_from_a_cdn():
    pattern = re.compile(r'<(script|link)[^>]+(src|href)="(https?:)?//', re.I)
    offenders = [str(p) for p in ROOT.glob("**/templates/**/*.html") if ".venv" not in p.parts and pattern.search(p.read_text())]
    assert offenders == []


def test_security_headers_on_pages(client, db):
    response = client.get("/console/login/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
