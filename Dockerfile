# OMS production image: gunicorn serving oms.wsgi, static files collected at build time and
# served by WhiteNoise. The same image runs the Celery worker and beat (see docker-compose.yml).
#
#   docker build -t oms .
#   docker run --env-file .env -p 8000:8000 oms
#
# Configuration comes only from the environment (see .env.example). The image defaults to
# DJANGO_DEBUG=false, so DJANGO_SECRET_KEY must be provided at run time.

FROM python:3.12-slim-bookworm

# Extra Debian packages to add, e.g. --build-arg EXTRA_APT_PACKAGES=fonts-noto-cjk for
# wider CJK glyph coverage in PDFs (large; fonts-wqy-microhei is always installed).
ARG EXTRA_APT_PACKAGES=""

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_DEBUG=false

# WeasyPrint's system libraries (Pango, HarfBuzz incl. the subsetter) and fonts with CJK glyphs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fontconfig \
        fonts-wqy-microhei \
        ${EXTRA_APT_PACKAGES} \
    && rm -rf /var/lib/apt/lists/*

# Unprivileged runtime user, with a writable home for fontconfig's cache (WeasyPrint) and
# gunicorn's control socket.
RUN groupadd --system --gid 1000 oms \
    && useradd --system --uid 1000 --gid oms --create-home --home-dir /home/oms \
        --shell /usr/sbin/nologin oms

# Dependencies first, for layer caching: only pyproject.toml (and README.md, which setuptools
# reads as the readme; the [d] glob keeps the build working while the file does not exist).
# The project is not a package (packages = []), so this installs only the pinned dependencies.
# Built outside /app so setuptools' build/ and *.egg-info do not land in the code directory.
COPY pyproject.toml README.m[d] /tmp/oms-build/
RUN pip install --no-cache-dir /tmp/oms-build && rm -rf /tmp/oms-build

# The code stays owned by root (read-only for the app user); only the directories the app
# writes to belong to it: staticfiles (collectstatic below), media (uploads, a volume in
# compose) and var/celerybeat (beat's schedule file, a volume in compose).
WORKDIR /app
COPY . /app
RUN chmod -R a+rX /app \
    && chmod 0755 /app/docker/entrypoint.sh \
    && mkdir -p /app/staticfiles /app/media /app/var/celerybeat \
    && chown oms:oms /app/staticfiles /app/media /app/var /app/var/celerybeat

USER oms

# Collect static files into /app/staticfiles (hashed + compressed by WhiteNoise's manifest
# storage). Settings need a secret key when DEBUG is off: a throwaway one, for this step only,
# never stored in the image's environment.
RUN DJANGO_DEBUG=false \
    DJANGO_SECRET_KEY=collectstatic-only-not-a-secret \
    python manage.py collectstatic --noinput

EXPOSE 8000

# /healthz checks the database and Redis. No curl in the slim image: use Python's urllib. The
# Host header is the first usable entry of DJANGO_ALLOWED_HOSTS, so the probe passes host
# validation whatever the deployment allows (127.0.0.1 when the list is empty or "*").
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request as r; hosts = [h.strip().lstrip('.') for h in os.environ.get('DJANGO_ALLOWED_HOSTS', '').split(',') if h.strip() not in ('', '*')]; req = r.Request('http://127.0.0.1:8000/healthz', headers={'Host': hosts[0]} if hosts else {}); sys.exit(0 if r.urlopen(req, timeout=4).status == 200 else 1)"]

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "oms.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
