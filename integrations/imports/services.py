"""Import jobs: upload -> dry run -> apply once, all rows or nothing.

    start_import(actor, kind, upload)   checks the file, stores it on an ImportJob and runs the
                                        dry run (in the request for small files, in Celery for
                                        more than IMPORT_SYNC_MAX_ROWS rows)
    run_dry_run(job)                    every cell is checked and every unit is applied inside a
                                        transaction that is rolled back, so the report names
                                        each row's errors and what applying would do
    apply_import(actor, job)            claims the job with a conditional update (so two clicks
                                        or two threads apply it once) and applies it
    run_apply(job)                      the application itself: one transaction, the job row
                                        locked, the first error rolls back everything

Progress of a running job is kept in the cache (a transaction's writes are invisible until it
commits) and read by the job page's htmx poll."""

import contextlib
import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oms.errors import DomainError, ValidationFailed

from ..models import ImportJob
from .kinds import Errors, get_kind
from .parsers import read_table

logger = logging.getLogger("oms.imports")

MAX_REPORTED_ERRORS = 1000
MAX_REPORTED_ITEMS = 5000
PROGRESS_EVERY = 25


class ImportNotAllowed(DomainError):
    code = "import_not_allowed"
    http_status = 409


# --- progress ----------------------------------------------------------------------------------

def _progress_key(job_pk):
    return f"imports:job:{job_pk}:progress"


def set_progress(job_pk, done, total, phase):
    """Best effort: with the cache (Redis) down the import goes on, its page just shows less."""
    try:
        cache.set(_progress_key(job_pk), {"done": done, "total": total, "phase": phase}, timeout=6 * 3600)
    except Exception:
        logger.warning("import %s: progress not recorded, the cache is unavailable", job_pk, exc_info=True)


def _cached_progress(job_pk):
    try:
        return cache.get(_progress_key(job_pk))
    except Exception:
        logger.warning("import %s: progress not read, the cache is unavailable", job_pk, exc_info=True)
        return None


def progress_of(job) -> dict:
    """{"done", "total", "percent", "phase"} for the job page."""
    data = _cached_progress(job.pk) if job.is_busy else None
    if not data:
        done = job.total_rows if not job.is_busy else job.progress
        data = {"done": done, "total": job.total_rows, "phase": job.status}
    total = max(data["total"] or 0, 1)
    return {**data, "percent": min(100, int(100 * (data["done"] or 0) / total))}


# --- the pipeline ---------------------------------------------------------------------------------

def _header_errors(kind, table, errors):
    missing = [c for c in kind.required_columns if c not in table.header]
    for column in missing:
        errors.add(1, column, _("The required column “%(column)s” is missing from the header.") % {"column": column})
    known = {c.name for c in kind.columns}
    return [c for c in table.header if c not in known]


def check_table(kind, table, *, actor, job=None, progress=None):
    """The dry run of a parsed table: (errors, units, unknown columns). Writes nothing."""
    errors = Errors()
    unknown = _header_errors(kind, table, errors)
    if errors:
        return errors, [], unknown
    units = kind.prepare(table, errors)
    bad_rows = {e["row"] for e in errors.items}
    if kind.batch:
        clean = [u for u in units if not bad_rows.intersection(u.rows)]
        with transaction.atomic():  # simulate, then roll everything back
            try:
                for unit, action in zip(clean, kind.apply_batch(clean, actor=actor, job=job)):
                    unit.action = action
            except DomainError as err:
                _batch_errors(kind, clean, err, errors)
            transaction.set_rollback(True)
        if progress:
            progress(len(table.rows))
        errors.items.sort(key=lambda e: (e["row"], e["column"]))
        return errors, units, unknown
    # Simulate: apply every clean unit, then roll everything back. Kinds whose units lock rows
    # that live traffic needs (orders reserve stock) roll back each unit at once instead, so a
    # long dry run never holds those locks for more than one unit.
    each = kind.isolated_dry_run
    with contextlib.nullcontext() if each else transaction.atomic():
        for i, unit in enumerate(units, start=1):
            if bad_rows.intersection(unit.rows):
                continue
            try:
                detail = unit.detail  # what apply reports (a new order's number) is rolled back with it
                with transaction.atomic():
                    unit.action = kind.apply(unit, actor=actor, job=job)
                    if each:
                        transaction.set_rollback(True)
                unit.detail = detail
            except DomainError as err:
                errors.add(unit.rows[0], kind.column_for(err.field), err.message)
            except DatabaseError as err:
                logger.warning("import dry run: row %s: %s", unit.rows[0], err)
                errors.add(unit.rows[0], "", _("The database refused this row: %(error)s") % {"error": str(err)[:200]})
            if progress and (i % PROGRESS_EVERY == 0 or i == len(units)):
                progress(sum(len(u.rows) for u in units[:i]))
        if not each:
            transaction.set_rollback(True)
    errors.items.sort(key=lambda e: (e["row"], e["column"]))
    return errors, units, unknown


def _batch_errors(kind, units, err, errors):
    """A batch service's error -> row errors (its extra["errors"] index the units)."""
    listed = (err.extra or {}).get("errors")
    if not listed:
        errors.add(units[0].rows[0] if units else 0, kind.column_for(err.field), err.message)
        return
    for e in listed:
        errors.add(units[e["index"]].rows[0], kind.column_for(e.get("field")), e["message"])


def _report(units, unknown):
    counts = {}
    for unit in units:
        counts[unit.action] = counts.get(unit.action, 0) + 1
    items = [{"rows": unit.rows[:50], "key": unit.key, "action": unit.action, "detail": str(unit.detail or "")}
             for unit in units[:MAX_REPORTED_ITEMS]]
    return {"counts": counts, "items": items, "units": len(units), "unknown_columns": unknown}


def start_import(*, actor, kind, upload) -> ImportJob:
    """Check the upload's type, size and shape, keep it on a new ImportJob and dry-run it —
    right away for small files, in Celery for large ones."""
    kind = get_kind(kind)
    table = read_table(upload)  # raises ValidationFailed(field="file") for a bad file
    upload.seek(0)
    name = (getattr(upload, "name", "") or "import").replace("\\", "/").rsplit("/", 1)[-1][:200]
    job = ImportJob(kind=kind.key, file_name=name, created_by=actor, total_rows=len(table.rows))
    job.file.save(name, upload, save=False)
    job.save()
    if len(table.rows) > settings.IMPORT_SYNC_MAX_ROWS:
        from .tasks import dry_run_import

        set_progress(job.pk, 0, job.total_rows, ImportJob.Status.PENDING)
        transaction.on_commit(partial(_queue, dry_run_import, job.pk, ImportJob.Status.PENDING))
    else:
        run_dry_run(job, table=table)
    return job


def _queue(task, job_pk, status):
    """Hand a job to Celery; if the broker cannot take it, put the job back where a person can
    act: a check becomes an error to upload again, an apply goes back to ready."""
    try:
        task.delay(job_pk)
    except Exception:  # the broker is down: nothing was queued
        logger.exception("could not queue import job %s", job_pk)
        if status == ImportJob.Status.APPLYING:
            ImportJob.objects.filter(pk=job_pk, status=status).update(status=ImportJob.Status.READY, applied_by=None)
        else:
            ImportJob.objects.filter(pk=job_pk, status=status).update(
                status=ImportJob.Status.INVALID, error_count=1,
                errors=[{"row": 0, "column": "", "message": str(_("The background worker could not be reached; "
                                                                      "upload the file again in a moment."))}])


def _load_table(job):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with job.file.open("rb") as handle:
        data = handle.read()
    return read_table(SimpleUploadedFile(job.file_name, data, content_type=""))


def run_dry_run(job, *, table=None) -> ImportJob:
    kind = get_kind(job.kind)
    try:
        table = table or _load_table(job)
    except ValidationFailed as err:
        errors, units, unknown = Errors(), [], []
        errors.add(0, "", err.message)
    else:
        total = len(table.rows)
        errors, units, unknown = check_table(
            kind, table, actor=job.created_by, job=job,
            progress=lambda done: set_progress(job.pk, done, total, ImportJob.Status.PENDING))
    job.errors = errors.items[:MAX_REPORTED_ERRORS]
    job.error_count = len(errors.items)
    job.dry_run = _report(units, unknown) if not errors else {"unknown_columns": unknown}
    job.status = ImportJob.Status.INVALID if errors else ImportJob.Status.READY
    job.progress = job.total_rows
    job.checked_at = timezone.now()
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PENDING).update(
        errors=job.errors, error_count=job.error_count, dry_run=job.dry_run, status=job.status,
        progress=job.progress, checked_at=job.checked_at)
    return job


def apply_import(*, actor, job) -> ImportJob:
    """Claim a checked job for application — exactly once, whoever asks first — and apply it
    (in this request for small files, in Celery for large ones)."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READY, applied_at__isnull=True).update(
        status=ImportJob.Status.APPLYING, applied_by=actor, progress=0, claimed_at=timezone.now())
    if not claimed:
        job.refresh_from_db()
        if job.status in (ImportJob.Status.APPLYING, ImportJob.Status.APPLIED):
            raise ImportNotAllowed(_("This import has already been applied."), code="already_applied")
        raise ImportNotAllowed(_("Only a checked import without errors can be applied."), code="not_ready")
    job.refresh_from_db()
    if job.total_rows > settings.IMPORT_SYNC_MAX_ROWS:
        from .tasks import apply_import_job

        set_progress(job.pk, 0, job.total_rows, ImportJob.Status.APPLYING)
        transaction.on_commit(partial(_queue, apply_import_job, job.pk, ImportJob.Status.APPLYING))
        return job
    return run_apply(job.pk)


def run_apply(job_pk) -> ImportJob:
    """Apply a claimed job in one transaction. Safe to run twice (a redelivered task): the job
    row is locked and only a job still APPLYING is applied. Returns the job."""
    try:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=job_pk)
            if job.status != ImportJob.Status.APPLYING:
                return job
            kind = get_kind(job.kind)
            table = _load_table(job)
            errors = Errors()
            _header_errors(kind, table, errors)
            if errors:
                raise _Failed(errors)
            units = kind.prepare(table, errors)
            if errors:
                raise _Failed(errors)
            total = len(table.rows)
            counts = {}
            if kind.batch:
                try:
                    for unit, action in zip(units, kind.apply_batch(units, actor=job.applied_by, job=job)):
                        unit.action = action
                except DomainError as err:
                    _batch_errors(kind, units, err, errors)
                    raise _Failed(errors)
                for unit in units:
                    counts[unit.action] = counts.get(unit.action, 0) + 1
                units_to_apply = []
            else:
                units_to_apply = units
            for i, unit in enumerate(units_to_apply, start=1):
                try:
                    unit.action = kind.apply(unit, actor=job.applied_by, job=job)
                except DomainError as err:
                    errors.add(unit.rows[0], kind.column_for(err.field), err.message)
                    raise _Failed(errors)
                counts[unit.action] = counts.get(unit.action, 0) + 1
                if i % PROGRESS_EVERY == 0:
                    set_progress(job.pk, sum(len(u.rows) for u in units[:i]), total, ImportJob.Status.APPLYING)
            job.status = ImportJob.Status.APPLIED
            job.applied_at = timezone.now()
            job.progress = job.total_rows
            job.result = {"counts": counts, "units": len(units),
                          "items": [{"rows": u.rows[:50], "key": u.key, "action": u.action, "detail": str(u.detail or "")}
                                    for u in units[:MAX_REPORTED_ITEMS]]}
            job.save(update_fields=["status", "applied_at", "progress", "result"])
            return job
    except _Failed as failed:
        return _mark_failed(job_pk, failed.errors.items)
    except (ValidationFailed, DatabaseError) as err:
        logger.exception("import %s failed", job_pk)
        errors = Errors()
        errors.add(0, "", getattr(err, "message", None) or _("The database refused the import: %(error)s")
                   % {"error": str(err)[:200]})
        return _mark_failed(job_pk, errors.items)


def requeue_stuck_jobs(*, now=None) -> dict:
    """Hand Celery again the jobs whose task was lost — the broker restarted empty, or a worker
    died and its message was never redelivered — so no upload waits forever. A job being applied
    holds its row lock for the whole apply, so SKIP LOCKED passes it by; both tasks check the
    job's status first, so a job that was only slow is not done twice. Run by beat."""
    from .tasks import apply_import_job, dry_run_import

    cutoff = (now or timezone.now()) - timedelta(minutes=settings.IMPORT_STUCK_MINUTES)
    with transaction.atomic():
        applying = list(ImportJob.objects.select_for_update(skip_locked=True).filter(
            status=ImportJob.Status.APPLYING, claimed_at__lt=cutoff).values_list("pk", flat=True))
        checking = list(ImportJob.objects.select_for_update(skip_locked=True).filter(
            status=ImportJob.Status.PENDING, created_at__lt=cutoff).values_list("pk", flat=True))
        for pk in applying:
            transaction.on_commit(partial(_queue, apply_import_job, pk, ImportJob.Status.APPLYING))
        for pk in checking:
            transaction.on_commit(partial(_queue, dry_run_import, pk, ImportJob.Status.PENDING))
    if applying or checking:
        logger.warning("re-queued stuck import jobs: applying %s, checking %s", applying, checking)
    return {"applying": len(applying), "checking": len(checking)}


class _Failed(Exception):
    def __init__(self, errors):
        super().__init__("import failed")
        self.errors = errors


def _mark_failed(job_pk, items):
    ImportJob.objects.filter(pk=job_pk, status=ImportJob.Status.APPLYING).update(
        status=ImportJob.Status.FAILED, errors=items[:MAX_REPORTED_ERRORS], error_count=len(items))
    return ImportJob.objects.get(pk=job_pk)
