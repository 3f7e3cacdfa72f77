"""Returns (RMA): a dealer sends delivered goods back; staff authorize, receive, inspect and
resolve them by refund, credit note or an exchange order. The status machine is data
(ALLOWED_TRANSITIONS) and every change is a ReturnEvent row (the timeline)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oms import money
from oms.i18n import event_text

MONEY = {"max_digits": money.MAX_DIGITS, "decimal_places": money.DECIMAL_PLACES}


class Status(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    AUTHORIZED = "authorized", _("Authorized")
    REJECTED = "rejected", _("Rejected")
    RECEIVED = "received", _("Received")
    INSPECTED = "inspected", _("Inspected")
    RESOLVED = "resolved", _("Resolved")
    CANCELLED = "cancelled", _("Cancelled")


ALLOWED_TRANSITIONS = {
    Status.REQUESTED: {Status.AUTHORIZED, Status.REJECTED, Status.CANCELLED},
    Status.AUTHORIZED: {Status.RECEIVED, Status.CANCELLED},
    Status.RECEIVED: {Status.INSPECTED},
    Status.INSPECTED: {Status.RESOLVED},
}

# Returns that still hold their units against the order line (count as "already returned").
CLOSED_WITHOUT_GOODS = (Status.REJECTED, Status.CANCELLED)


class Reason(models.TextChoices):
    DAMAGED = "damaged", _("Damaged")
    WRONG_ITEM = "wrong_item", _("Wrong item")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    EXCESS = "excess", _("Excess / ordered too many")
    OTHER = "other", _("Other")


class Resolution(models.TextChoices):
    REFUND = "refund", _("Refund to the original payment method")
    CREDIT_NOTE = "credit_note", _("Credit note")
    EXCHANGE = "exchange", _("Exchange (replacement order)")


class FinanceStatus(models.TextChoices):
    NONE = "", _("—")
    AWAITING_FINANCE = "awaiting_finance", _("Awaiting finance")
    SETTLED = "settled", _("Settled")


def _label(choices, value):
    try:
        return choices(value).label
    except ValueError:
        return value


class ReturnRequest(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    company = models.ForeignKey("customers.Company", on_delete=models.PROTECT, related_name="returns",
                                verbose_name=_("customer"))
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="returns", verbose_name=_("order"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("requested by"))
    source = models.CharField(_("channel"), max_length=10, default="portal")
    notes = models.TextField(_("notes"), blank=True)
    decision_reason = models.TextField(_("decision comment"), blank=True)
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("received at"))
    resolution = models.CharField(_("resolution"), max_length=12, choices=Resolution.choices, blank=True)
    refund_amount = models.DecimalField(_("refund amount"), null=True, blank=True, **MONEY)
    currency = models.CharField(_("currency"), max_length=3, choices=money.CURRENCY_CHOICES)
    finance_status = models.CharField(_("finance"), max_length=20, choices=FinanceStatus.choices, blank=True, default="")
    finance_ref = models.CharField(_("credit note / refund reference"), max_length=60, blank=True)
    exchange_order = models.ForeignKey("orders.Order", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+", verbose_name=_("replacement order"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("return (RMA)")
        verbose_name_plural = _("returns (RMA)")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "-id"], name="rma_status_id_idx"),
            models.Index(fields=["company", "-id"], name="rma_company_id_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(refund_amount__isnull=True) | models.Q(refund_amount__gte=0),
                                   name="rma_refund_not_negative"),
        ]

    def __str__(self):
        return self.number

    @property
    def status_label(self):
        return _label(Status, self.status)

    @property
    def resolution_label(self):
        return _label(Resolution, self.resolution) if self.resolution else ""

    @property
    def finance_label(self):
        return _label(FinanceStatus, self.finance_status) if self.finance_status else ""

    @property
    def dealer_outcome(self):
        """What the dealer is told about the money or goods (the finance labels are for staff)."""
        if self.status != Status.RESOLVED or not self.resolution:
            return ""
        if self.resolution == Resolution.EXCHANGE:
            return _("Replacement order placed") if self.exchange_order_id else _("Replacement being arranged")
        if self.finance_status == FinanceStatus.SETTLED:
            return _("Refunded") if self.resolution == Resolution.REFUND else _("Credit note issued")
        return _("Refund in progress") if self.resolution == Resolution.REFUND else _("Credit note in progress")


class ReturnLine(models.Model):
    """What comes back from one order line, and what inspection made of each unit."""

    rma = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="lines", verbose_name=_("return"))
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="return_lines",
                                   verbose_name=_("order line"))
    quantity = models.PositiveIntegerField(_("quantity"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    notes = models.TextField(_("notes"), blank=True)
    received_quantity = models.PositiveIntegerField(_("received"), default=0)
    restock_quantity = models.PositiveIntegerField(_("restocked"), default=0)
    quarantine_quantity = models.PositiveIntegerField(_("quarantined"), default=0)
    scrap_quantity = models.PositiveIntegerField(_("scrapped"), default=0)
    # later decisions on the quarantined units (returns.services.release_quarantine / scrap_quarantine)
    quarantine_released = models.PositiveIntegerField(_("released from quarantine"), default=0)
    quarantine_scrapped = models.PositiveIntegerField(_("scrapped from quarantine"), default=0)

    class Meta:
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        ordering = ["rma", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rma", "order_line"], name="returnline_one_per_order_line"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="returnline_quantity_positive"),
            models.CheckConstraint(condition=models.Q(received_quantity__lte=models.F("quantity")),
                                   name="returnline_not_over_received"),
            models.CheckConstraint(
                condition=models.Q(restock_quantity__lte=models.F("received_quantity")
                                   - models.F("quarantine_quantity") - models.F("scrap_quantity")),
                name="returnline_outcomes_le_received",
            ),
            models.CheckConstraint(
                condition=models.Q(quarantine_released__gte=0) & models.Q(quarantine_scrapped__gte=0)
                & models.Q(quarantine_released__lte=models.F("quarantine_quantity") - models.F("quarantine_scrapped")),
                name="returnline_quarantine_decisions_le_quarantined",
            ),
        ]

    @property
    def reason_label(self):
        return _label(Reason, self.reason)

    @property
    def quarantine_left(self):
        return self.quarantine_quantity - self.quarantine_released - self.quarantine_scrapped

    @property
    def inspected_quantity(self):
        return self.restock_quantity + self.quarantine_quantity + self.scrap_quantity


class ReturnPhoto(models.Model):
    """A photo (or PDF) the dealer attached: type read from the content, at most 5 MB, 5 per
    return (customers.uploads)."""

    rma = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="photos", verbose_name=_("return"))
    file = models.FileField(_("file"), upload_to="returns/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        verbose_name = _("return photo")
        verbose_name_plural = _("return photos")
        ordering = ["id"]

    def __str__(self):
        return self.name


class ReturnEvent(models.Model):
    """The return's timeline: appended, never changed."""

    rma = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("return"))
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices, blank=True)
    message = models.TextField(_("message"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("return event")
        verbose_name_plural = _("return events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["rma", "created_at"], name="returnevent_rma_idx")]

    @property
    def to_label(self):
        return _label(Status, self.to_status) if self.to_status else ""

    @property
    def text(self):
        """The message in the reader's language (see oms.i18n)."""
        return event_text(self.message, self.data)

