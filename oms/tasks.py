from celery import shared_task

from . import notifications


@shared_task(bind=True, autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5)
def deliver_notification_emails(self, notification_ids):
    return notifications.deliver_emails(notification_ids)


@shared_task
def ping():
    """Round-trip probe used by /healthz-style checks and the worker test."""
    return "pong"
