"""Fixtures shared by the import/export tests (imported into each test module)."""

import pytest

from oms.celery import app as celery_app


@pytest.fixture
def media(settings, tmp_path, monkeypatch):
    """Uploaded import files go to a temporary MEDIA_ROOT (also for a worker process started after)."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    monkeypatch.setenv("MEDIA_ROOT", str(root))
    return root


@pytest.fixture
def eager_celery():
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.task_eager_propagates)
    conf.task_always_eager = conf.task_eager_propagates = True
    try:
        yield
    finally:
        conf.task_always_eager, conf.task_eager_propagates = saved


def job_errors(job):
    """{(row, column)} of a job's reported errors."""
    return {(e["row"], e["column"]) for e in job.errors}
