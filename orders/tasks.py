from celery import shared_task


@shared_task
def reallocate_backorders():
    """Celery beat: orders waiting for stock get another try, oldest first."""
    from .services.workflow import reallocate_backorders as run

    return run()


@shared_task
def check_sla():
    """Celery beat: flag overdue orders, remind the responsible role, escalate to managers."""
    from .services.sla import check_sla as run

    return run()
