"""Celery tasks of the reports centre; all routed to the "reports" queue (CELERY_TASK_ROUTES),
so a big export never delays order notifications or reservations."""

from celery import shared_task

from . import services


@shared_task(name="reports.tasks.generate_report")
def generate_report(run_id):
    run = services.generate_report(run_id)
    return run.status if run else None


@shared_task(name="reports.tasks.run_due_schedules")
def run_due_schedules():
    return services.run_due_schedules()


@shared_task(name="reports.tasks.delete_expired_runs")
def delete_expired_runs():
    return services.delete_expired_runs()
