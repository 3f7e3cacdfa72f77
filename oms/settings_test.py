"""Settings for the test suite: the real settings, with fast password hashing, e-mail kept in
memory and Celery tasks run in-process (the worker tests start a real worker themselves)."""

import os

os.environ.setdefault("OMS_TESTING", "true")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-key-" + "t" * 50)
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")

from .settings import *  # noqa: E402,F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CELERY_TASK_ALWAYS_EAGER = True
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
SECURE_SSL_REDIRECT = False
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, "local": CACHES["local"]}  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Concurrency tests run dozens of threads, each with its own connection.
if "pool" in DATABASES["default"].get("OPTIONS", {}):  # noqa: F405
    DATABASES["default"]["OPTIONS"]["pool"]["max_size"] = 60  # noqa: F405
    DATABASES["default"]["OPTIONS"]["pool"]["timeout"] = 30  # noqa: F405
# The webhook tests post to receivers on 127.0.0.1 (the private-address guard has its own tests).
WEBHOOK_ALLOW_PRIVATE_TARGETS = True
