"""Static checks of the container setup: Dockerfile, docker-compose.yml, docker/entrypoint.sh,
.dockerignore and .env.example. No Docker engine and no database needed: the files are parsed
as text/YAML and checked against what the app and its settings expect."""

import os
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERIGNORE = ROOT / ".dockerignore"
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"
SETTINGS = ROOT / "oms" / "settings.py"

APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


@pytest.fixture(scope="module")
def dockerfile():
    # Join continuation lines so each instruction is one logical line.
    return re.sub(r"\\\n", " ", DOCKERFILE.read_text())


def documented_names():
    """Names assigned in .env.example, commented out (`# NAME=`) or not (`NAME=`)."""
    names = set()
    for line in ENV_EXAMPLE.read_text().splitlines():
        m = re.match(r"^\s*#?\s*(?:export\s+)?([A-Z][A-Z0-9_]*)=", line)
        if m:
            names.add(m.group(1))
    return names


def settings_env_names():
    """Every variable oms/settings.py reads: env("X"), env.str("X"), env.bool("X"), env.db("X")..."""
    text = SETTINGS.read_text()
    return set(re.findall(r"\benv(?:\.[a-z_]+)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']", text))


def interpolated_names(text):
    """${VAR...} and $VAR references Compose would interpolate ($$ is a literal dollar)."""
    text = text.replace("$$", "")
    return set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", text)) | set(
        re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", text)
    )


def env_mapping(service):
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return env


def healthcheck_text(service):
    test = service["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else test


# ---- docker-compose.yml ------------------------------------------------------------------------


def test_compose_has_no_obsolete_version_key(compose):
    assert "version" not in compose


def test_all_services_exist(services):
    assert {"web", "worker", "beat", "db", "redis"} <= set(services)


def test_app_services_build_from_the_dockerfile_or_share_the_image(services):
    images = set()
    for name in APP_SERVICES:
        svc = services[name]
        build = svc.get("build")
        if build is not None:
            context = build if isinstance(build, str) else build.get("context", ".")
            dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
            assert (ROOT / context / dockerfile).resolve() == DOCKERFILE, name
        else:
            assert "image" in svc, f"{name} neither builds nor names an image"
        if "image" in svc:
            images.add(svc["image"])
    assert len(images) <= 1, f"app services use different images: {images}"


def test_app_service_commands(services):
    def cmd(name):
        c = services[name]["command"]
        return " ".join(c) if isinstance(c, list) else c

    assert "gunicorn oms.wsgi:application" in cmd("web")
    assert re.search(r"celery -A oms worker\b", cmd("worker"))
    assert re.search(r"celery -A oms beat\b", cmd("beat"))


def test_db_and_redis_have_healthchecks(services):
    assert "pg_isready" in healthcheck_text(services["db"])
    assert "redis-cli" in healthcheck_text(services["redis"])
    assert "ping" in healthcheck_text(services["redis"])


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_healthy_db_and_redis(services, name):
    depends = services[name]["depends_on"]
    assert isinstance(depends, dict), "depends_on needs the long form to carry a condition"
    for dep in ("db", "redis"):
        assert depends[dep]["condition"] == "service_healthy", (name, dep)


def test_named_volume_for_database_data(compose, services):
    declared = set(compose.get("volumes") or {})
    sources = []
    for vol in services["db"]["volumes"]:
        if isinstance(vol, str):
            source, _, target = vol.partition(":")
            target = target.split(":")[0]
        else:
            source, target = vol.get("source"), vol.get("target")
        sources.append((source, target))
    assert ("db-data", "/var/lib/postgresql/data") in sources or any(
        s in declared and t == "/var/lib/postgresql/data" for s, t in sources
    ), sources
    db_source = next(s for s, t in sources if t == "/var/lib/postgresql/data")
    assert db_source in declared, f"{db_source} is not a declared named volume"


def test_beat_schedule_and_media_live_in_named_volumes(compose, services):
    declared = set(compose.get("volumes") or {})
    beat_cmd = " ".join(services["beat"]["command"])
    schedule = re.search(r"(?:--schedule[= ]|-s )(\S+)", beat_cmd).group(1)
    mounts = {v.split(":")[1]: v.split(":")[0] for v in services["beat"]["volumes"]}
    schedule_mount = next(target for target in mounts if schedule.startswith(target + "/"))
    assert mounts[schedule_mount] in declared
    web_mounts = {v.split(":")[1]: v.split(":")[0] for v in services["web"]["volumes"]}
    assert web_mounts.get("/app/media") in declared


def test_web_has_healthcheck_hitting_healthz(services):
    web = services["web"]
    check = healthcheck_text(web)
    assert "/healthz" in check
    assert "127.0.0.1:8000" in check or "localhost:8000" in check
    assert "8000:8000" in " ".join(str(p) for p in web["ports"]) or any(
        str(p).endswith(":8000") for p in web["ports"]
    )


def test_web_environment_wiring(services):
    env = env_mapping(services["web"])
    assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/oms" in env["DATABASE_URL"]
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert str(env["DJANGO_SECURE_SSL_REDIRECT"]).lower() == "false"
    assert "localhost" in env["DJANGO_ALLOWED_HOSTS"]
    assert re.fullmatch(r"\$\{DJANGO_DEBUG:-false\}|false", str(env["DJANGO_DEBUG"]))
    assert str(env["RUN_MIGRATIONS"]) == "1"


def test_app_services_read_optional_env_file(services):
    for name in APP_SERVICES:
        entries = services[name]["env_file"]
        entries = entries if isinstance(entries, list) else [entries]
        dotenv = [e for e in entries if Path(e if isinstance(e, str) else e["path"]).name == ".env"]
        assert dotenv and isinstance(dotenv[0], dict) and dotenv[0]["required"] is False, name


@pytest.mark.parametrize("name", APP_SERVICES)
def test_secret_key_is_interpolated_never_literal(services, name):
    value = env_mapping(services[name]).get("DJANGO_SECRET_KEY")
    assert value is not None, f"{name} does not pass DJANGO_SECRET_KEY"
    assert re.fullmatch(r"\$\{DJANGO_SECRET_KEY:\?[^}]*\}", value), value


def test_no_literal_secret_anywhere_in_compose():
    text = COMPOSE_FILE.read_text()
    for m in re.finditer(r"DJANGO_SECRET_KEY\s*[:=]\s*(\S+)", text):
        assert m.group(1).startswith("${DJANGO_SECRET_KEY"), m.group(0)


def _strings(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
    elif isinstance(node, str):
        yield node


def test_every_interpolated_variable_is_documented(compose):
    # Walk the parsed YAML (Compose interpolates values, never comments).
    used = set()
    for text in _strings(compose):
        used |= interpolated_names(text)
    assert {"DJANGO_SECRET_KEY", "POSTGRES_PASSWORD"} <= used
    missing = used - documented_names()
    assert not missing, f"document these in .env.example: {sorted(missing)}"


# ---- .env.example --------------------------------------------------------------------------------


def test_settings_regex_finds_the_variables():
    names = settings_env_names()
    # Guard against a regex that silently matches nothing.
    assert {"DJANGO_DEBUG", "DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "LOG_LEVEL"} <= names
    assert len(names) >= 25


def test_every_settings_variable_is_documented():
    missing = settings_env_names() - documented_names()
    assert not missing, f"document these in .env.example: {sorted(missing)}"


def test_every_entrypoint_variable_is_documented():
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", ENTRYPOINT.read_text()))
    missing = used - documented_names()
    assert not missing, f"document these in .env.example: {sorted(missing)}"


def test_env_example_carries_no_secret_key():
    for line in ENV_EXAMPLE.read_text().splitlines():
        m = re.match(r"^\s*#?\s*DJANGO_SECRET_KEY=(.*)$", line)
        if m:
            assert m.group(1).strip() == "", "the example must not ship a secret key value"


def test_env_example_documents_each_variable_once_with_a_comment():
    lines = ENV_EXAMPLE.read_text().splitlines()
    seen = []
    for i, line in enumerate(lines):
        m = re.match(r"^\s*#?\s*([A-Z][A-Z0-9_]*)=", line)
        if m:
            seen.append(m.group(1))
            prev = lines[i - 1].strip()
            assert prev.startswith("#") and not re.match(r"^#\s*[A-Z][A-Z0-9_]*=", prev), (
                f"{m.group(1)} has no description line above it"
            )
    assert len(seen) == len(set(seen)), "a variable is documented twice"


# ---- Dockerfile, entrypoint, .dockerignore ------------------------------------------------------


def test_dockerfile_base_image(dockerfile):
    assert re.search(r"^FROM python:3\.12-slim-bookworm\b", dockerfile, re.M)


def test_dockerfile_has_healthcheck_on_healthz(dockerfile):
    m = re.search(r"^HEALTHCHECK .*$", dockerfile, re.M)
    assert m and "/healthz" in m.group(0) and "urllib" in m.group(0)


def test_dockerfile_runs_as_non_root(dockerfile):
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.M)
    assert users, "no USER instruction"
    assert users[-1].split(":")[0] not in ("root", "0")


def test_dockerfile_cmd_runs_gunicorn(dockerfile):
    cmds = re.findall(r"^CMD\s+(.*)$", dockerfile, re.M)
    assert cmds
    cmd = cmds[-1]
    assert "gunicorn" in cmd and "oms.wsgi:application" in cmd and "0.0.0.0:8000" in cmd
    assert re.search(r"^EXPOSE\s+8000\b", dockerfile, re.M)


def test_dockerfile_installs_weasyprint_libraries(dockerfile):
    for pkg in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b", "libharfbuzz-subset0", "fonts-wqy-microhei"):
        assert pkg in dockerfile, pkg


def test_dockerfile_installs_deps_before_copying_code_and_collects_static(dockerfile):
    lines = dockerfile.splitlines()
    pip_at = next(i for i, line in enumerate(lines) if re.match(r"RUN .*pip install", line))
    copy_all_at = next(i for i, line in enumerate(lines) if re.match(r"COPY (--\S+ )*\. ", line))
    assert pip_at < copy_all_at
    assert any("collectstatic --noinput" in line for line in lines)


def test_dockerfile_bakes_in_no_secret_key(dockerfile):
    for line in dockerfile.splitlines():
        if re.match(r"^(ENV|ARG)\b", line):
            assert "DJANGO_SECRET_KEY" not in line, line


def test_entrypoint_is_executable_and_execs_the_command():
    text = ENTRYPOINT.read_text()
    assert text.startswith("#!/bin/sh") or text.startswith("#!/usr/bin/env bash") or text.startswith("#!/bin/bash")
    assert os.access(ENTRYPOINT, os.X_OK)
    assert 'exec "$@"' in text
    assert "RUN_MIGRATIONS" in text and "migrate --noinput" in text


def test_dockerignore_keeps_local_state_out_of_the_image():
    patterns = {line.strip() for line in DOCKERIGNORE.read_text().splitlines() if line.strip() and not line.startswith("#")}
    for required in (".venv", ".local", ".git", ".env", "staticfiles", "media", "bench/results", ".pytest_cache"):
        assert required in patterns, required
    assert any("__pycache__" in p for p in patterns)
    # The entrypoint and the dependency manifest must stay in the build context.
    assert not {"docker", "docker/", "pyproject.toml"} & patterns
