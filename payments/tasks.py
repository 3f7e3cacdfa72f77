from celery import shared_task


@shared_task
def payment_reminders():
    """Celery beat (daily): due / overdue invoice reminders, then the overdue credit hold."""
    from .services.receivables import hold_overdue_customers, send_payment_reminders

    return {"reminders": send_payment_reminders(), "held": hold_overdue_customers()}
