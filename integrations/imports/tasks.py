"""Celery tasks for large imports: they take a job id, load it and call the service."""

from celery import shared_task

from ..models import ImportJob
from . import services


@shared_task(acks_late=True)
def dry_run_import(job_pk):
    job = ImportJob.objects.select_related("created_by").filter(pk=job_pk, status=ImportJob.Status.PENDING).first()
    if job is not None:
        services.run_dry_run(job)


@shared_task(acks_late=True)
def apply_import_job(job_pk):
    services.run_apply(job_pk)


@shared_task
def requeue_stuck_imports():
    return services.requeue_stuck_jobs()
