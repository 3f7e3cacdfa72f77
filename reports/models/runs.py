"""Report runs (one generated file, made by a Celery task) and schedules (runs made by beat).

A ReportRun goes queued -> running -> done | failed. Its file lives under
MEDIA_ROOT/reports/<yyyy>/<mm>/ until expires_at (REPORTS_KEEP_DAYS); the cleanup job deletes
expired files and the download view answers 404 after that."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["ReportFormat", "ReportRun", "ReportSchedule"]


class ReportFormat(models.TextChoices):
    PDF = "pdf", _("PDF")
    XLSX = "xlsx", _("Excel")
    CSV = "csv", _("CSV")


def _default_expiry():
    return timezone.now() + timedelta(days=getattr(settings, "REPORTS_KEEP_DAYS", 30))


class ReportRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_runs",
                                     verbose_name=_("requested by"))
    report = models.CharField(_("report"), max_length=60)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=4, choices=ReportFormat.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    duration = models.DurationField(_("duration"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    schedule = models.ForeignKey("reports.ReportSchedule", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="runs", verbose_name=_("schedule"))
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"), default=_default_expiry)

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "-id"], name="reportrun_user_id_idx"),
            models.Index(fields=["expires_at"], name="reportrun_expires_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="reportrun_progress_max_100"),
        ]

    def __str__(self):
        return f"{self.report} #{self.pk} ({self.format})"

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def report_title(self):
        from ..registry import get_report

        report = get_report(self.report)
        return str(report.title) if report else self.report

    @property
    def filename(self):
        stamp = timezone.localtime(self.created_at).strftime("%Y%m%d-%H%M")
        return f"{self.report}-{stamp}-{self.pk}.{self.format}"


class ReportSchedule(models.Model):
    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    report = models.CharField(_("report"), max_length=60)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=4, choices=ReportFormat.choices, default=ReportFormat.XLSX)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices, default=Weekday.MONDAY)
    day_of_month = models.PositiveSmallIntegerField(_("day of month"), default=1,
                                                    help_text=_("1-28, so every month has it."))
    hour = models.PositiveSmallIntegerField(_("hour"), default=7, help_text=_("Local time, 0-23."))
    # Rolling period: each run covers this many days up to the day before it runs (0: the saved dates).
    period_days = models.PositiveSmallIntegerField(_("period (days back)"), default=0)
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="report_schedules", blank=True,
                                        verbose_name=_("recipients"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("owner"))
    active = models.BooleanField(_("active"), default=True)
    next_run_at = models.DateTimeField(_("next run"), db_index=True)
    last_run = models.ForeignKey(ReportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("last run"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")
        ordering = ["next_run_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(hour__lte=23), name="reportschedule_hour_0_23"),
            models.CheckConstraint(condition=models.Q(day_of_month__gte=1, day_of_month__lte=28),
                                   name="reportschedule_day_1_28"),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="reportschedule_weekday_0_6"),
        ]

    def __str__(self):
        return f"{self.report} ({self.get_frequency_display()})"

    @property
    def report_title(self):
        from ..registry import get_report

        report = get_report(self.report)
        return str(report.title) if report else self.report

    def following_run(self, after):
        """The first time this schedule fires strictly after `after` (aware), in local time."""
        local = timezone.localtime(after)
        candidate = local.replace(hour=self.hour, minute=0, second=0, microsecond=0)
        if self.frequency == self.Frequency.DAILY:
            if candidate <= local:
                candidate += timedelta(days=1)
        elif self.frequency == self.Frequency.WEEKLY:
            candidate += timedelta(days=(self.weekday - candidate.weekday()) % 7)
            if candidate <= local:
                candidate += timedelta(days=7)
        else:
            candidate = candidate.replace(day=self.day_of_month)
            if candidate <= local:
                year, month = (candidate.year + 1, 1) if candidate.month == 12 else (candidate.year, candidate.month + 1)
                candidate = candidate.replace(year=year, month=month)
        # re-localize: crossing a DST change keeps the wall-clock hour
        naive = candidate.replace(tzinfo=None)
        return timezone.make_aware(naive, timezone.get_current_timezone())
