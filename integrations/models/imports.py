"""Import jobs: one uploaded CSV/XLSX file of one kind, its dry-run report and its single
application. See integrations/imports/."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["ImportJob"]


class ImportJob(models.Model):
    class Kind(models.TextChoices):
        PRODUCTS = "products", _("Products")
        STOCK = "stock", _("Stock levels")
        CUSTOMERS = "customers", _("Customers")
        ORDERS = "orders", _("Orders")

    class Status(models.TextChoices):
        PENDING = "pending", _("Checking")          # dry run queued or running
        INVALID = "invalid", _("Has errors")        # dry run found errors: cannot be applied
        READY = "ready", _("Ready to apply")        # dry run clean
        APPLYING = "applying", _("Applying")
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Failed")              # the apply was rolled back

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    progress = models.PositiveIntegerField(_("rows processed"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True,
                              help_text=_("[{row, column, message}] from the dry run or the failed apply."))
    dry_run = models.JSONField(_("dry-run result"), default=dict, blank=True,
                               help_text=_("What applying would do: counts and one entry per row."))
    result = models.JSONField(_("apply result"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("applied by"))
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("apply started"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "-created_at"], name="importjob_kind_created_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(status="applied", applied_at__isnull=False)
                                   | ~models.Q(status="applied"), name="importjob_applied_has_time"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk} ({self.file_name})"

    @property
    def is_busy(self):
        return self.status in (self.Status.PENDING, self.Status.APPLYING)
