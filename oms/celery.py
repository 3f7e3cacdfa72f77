import logging
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oms.settings")

app = Celery("oms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger("oms.celery")


@app.on_after_finalize.connect
def announce_mode(sender, **kwargs):
    from django.conf import settings

    if settings.CELERY_EMBEDDED and not settings.TESTING:
        logger.warning("No REDIS_URL: Celery runs tasks in-process (embedded mode); no worker or beat needed.")
