"""Payments, the gateway event inbox, refunds, invoices, allocations and credit notes.

Amounts are in the document's currency, rounded by oms.money. Every change goes through
payments.services; the CHECK constraints below are the last line against a negative amount,
a refund larger than the payment or an invoice paid beyond its total."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oms import money

MONEY = {"max_digits": money.MAX_DIGITS, "decimal_places": money.DECIMAL_PLACES}


def new_token():
    return secrets.token_urlsafe(24)


class Method(models.TextChoices):
    CARD = "card", _("Card")
    ALIPAY = "alipay", _("Alipay")
    WECHAT = "wechat", _("WeChat Pay")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CREDIT_TERMS = "credit_terms", _("Credit terms")
    COD = "cod", _("Cash on delivery")


# paid online through a gateway adapter (the others are settled by finance or by the terms)
ONLINE_METHODS = (Method.CARD, Method.ALIPAY, Method.WECHAT)
QR_METHODS = (Method.ALIPAY, Method.WECHAT)


class PaymentProfile(models.Model):
    """Which payment methods a customer may use. Without a row the customer gets the defaults
    (payments.selectors.allowed_methods): card, Alipay, WeChat Pay and bank transfer, plus
    credit terms or cash on delivery when those are the company's payment terms."""

    company = models.OneToOneField("customers.Company", on_delete=models.CASCADE, related_name="payment_profile",
                                   verbose_name=_("customer"))
    methods = models.JSONField(_("allowed payment methods"), default=list, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("changed by"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("payment methods of a customer")
        verbose_name_plural = _("payment methods of customers")

    def __str__(self):
        return f"{self.company}: {', '.join(self.methods)}"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    AUTHORIZED = "authorized", _("Authorized")
    PAID = "paid", _("Paid")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    FAILED = "failed", _("Failed")
    REFUNDED = "refunded", _("Refunded")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    CANCELLED = "cancelled", _("Cancelled")


class Payment(models.Model):
    Status = PaymentStatus

    company = models.ForeignKey("customers.Company", on_delete=models.PROTECT, related_name="payments", verbose_name=_("customer"))
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="payments",
                              verbose_name=_("order"))
    invoice = models.ForeignKey("payments.Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="payments",
                                verbose_name=_("invoice paid"))
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    gateway = models.CharField(_("gateway"), max_length=20, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, choices=money.CURRENCY_CHOICES)
    status = models.CharField(_("status"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    gateway_ref = models.CharField(_("gateway reference"), max_length=120, blank=True)
    reference = models.CharField(_("reference"), max_length=120, blank=True,
                                 help_text=_("Bank transfer reference or other note from the payer."))
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token, editable=False)
    amount_refunded = models.DecimalField(_("refunded"), default=Decimal("0"), **MONEY)
    amount_allocated = models.DecimalField(_("allocated to invoices"), default=Decimal("0"), **MONEY)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="payment_amount_not_negative"),
            models.CheckConstraint(condition=Q(amount_refunded__gte=0) & Q(amount_refunded__lte=F("amount")),
                                   name="payment_refunded_within_amount"),
            models.CheckConstraint(condition=Q(amount_allocated__gte=0)
                                   & Q(amount_allocated__lte=F("amount") - F("amount_refunded")),
                                   name="payment_allocated_within_kept"),
            models.UniqueConstraint(fields=["gateway", "gateway_ref"], condition=~Q(gateway_ref=""),
                                    name="payment_gateway_ref_unique"),
        ]
        indexes = [models.Index(fields=["company", "status"]), models.Index(fields=["created_at", "id"])]

    def __str__(self):
        return self.display_number

    @property
    def display_number(self):
        return f"PAY-{self.pk:06d}" if self.pk else "PAY-new"

    @property
    def refundable(self):
        if self.status not in (PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.PARTIALLY_PAID):
            return Decimal("0")
        return self.amount - self.amount_refunded

    @property
    def unallocated(self):
        if self.status not in (PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.PARTIALLY_PAID):
            return Decimal("0")
        return self.amount - self.amount_refunded - self.amount_allocated


class GatewayEvent(models.Model):
    """Inbox of gateway callbacks, stored raw before anything is processed."""

    gateway = models.CharField(_("gateway"), max_length=20)
    event_id = models.CharField(_("event id"), max_length=120)
    event_type = models.CharField(_("type"), max_length=60, blank=True)
    payment = models.ForeignKey(Payment, on_delete=models.SET_NULL, null=True, blank=True, related_name="events",
                                verbose_name=_("payment"))
    payload = models.TextField(_("raw payload"), blank=True)
    headers = models.JSONField(_("signature headers"), default=dict, blank=True)
    signature_ok = models.BooleanField(_("signature verified"), default=False)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("gateway event")
        verbose_name_plural = _("gateway events")
        ordering = ["-received_at", "-id"]
        constraints = [
            # only verified events count for idempotency: a forged copy cannot block the real one
            models.UniqueConstraint(fields=["gateway", "event_id"], condition=Q(signature_ok=True),
                                    name="gateway_event_unique_verified"),
        ]

    def __str__(self):
        return f"{self.gateway}:{self.event_id}"


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("payment"))
    amount = models.DecimalField(_("amount"), **MONEY)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.CharField(_("reason"), max_length=300)
    gateway_ref = models.CharField(_("gateway reference"), max_length=120, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("requested by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self):
        return f"{self.payment} −{self.amount}"


class Invoice(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        PARTIALLY_PAID = "partially_paid", _("Partially paid")
        PAID = "paid", _("Paid")
        VOID = "void", _("Void")

    number = models.CharField(_("number"), max_length=30, unique=True)
    company = models.ForeignKey("customers.Company", on_delete=models.PROTECT, related_name="invoices", verbose_name=_("customer"))
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="invoices",
                              verbose_name=_("order"))
    issue_date = models.DateField(_("issued"))
    due_date = models.DateField(_("due"))
    payment_terms = models.CharField(_("payment terms"), max_length=10, blank=True)
    lines = models.JSONField(_("lines"), default=list, blank=True, help_text=_("Snapshot of the order lines at issue."))
    subtotal = models.DecimalField(_("subtotal"), **MONEY)
    tax = models.DecimalField(_("tax"), **MONEY)
    total = models.DecimalField(_("total"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, choices=money.CURRENCY_CHOICES)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    amount_paid = models.DecimalField(_("paid"), default=Decimal("0"), **MONEY)
    bill_to = models.JSONField(_("bill to"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("issued by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    void_reason = models.CharField(_("void reason"), max_length=300, blank=True)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("voided by"))

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0) & Q(subtotal__gte=0) & Q(tax__gte=0), name="invoice_amounts_not_negative"),
            models.CheckConstraint(condition=Q(amount_paid__gte=0) & Q(amount_paid__lte=F("total")),
                                   name="invoice_paid_within_total"),
            models.UniqueConstraint(fields=["order"], condition=~Q(status="void") & Q(order__isnull=False),
                                    name="invoice_one_live_per_order"),
        ]
        indexes = [
            models.Index(fields=["company", "status"]),
            models.Index(fields=["due_date"], condition=Q(status__in=["open", "partially_paid"]), name="invoice_open_due"),
        ]

    def __str__(self):
        return self.number

    @property
    def balance(self):
        return self.total - self.amount_paid if self.status != self.Status.VOID else Decimal("0")

    @property
    def is_overdue(self):
        return self.status in (self.Status.OPEN, self.Status.PARTIALLY_PAID) and self.due_date < timezone.localdate()


class CreditNote(models.Model):
    number = models.CharField(_("number"), max_length=30, unique=True)
    company = models.ForeignKey("customers.Company", on_delete=models.PROTECT, related_name="credit_notes",
                                verbose_name=_("customer"))
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, choices=money.CURRENCY_CHOICES)
    reason = models.CharField(_("reason"), max_length=300)
    source_ref = models.CharField(_("source"), max_length=80, blank=True)
    remaining = models.DecimalField(_("remaining"), **MONEY)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("issued by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_note_amount_positive"),
            models.CheckConstraint(condition=Q(remaining__gte=0) & Q(remaining__lte=F("amount")),
                                   name="credit_note_remaining_within_amount"),
        ]

    def __str__(self):
        return self.number


class PaymentAllocation(models.Model):
    """Part of a payment (or a credit note) applied to an invoice."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("invoice"))
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="allocations",
                                verbose_name=_("payment"))
    credit_note = models.ForeignKey(CreditNote, on_delete=models.PROTECT, null=True, blank=True, related_name="allocations",
                                    verbose_name=_("credit note"))
    amount = models.DecimalField(_("amount"), **MONEY)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("payment allocation")
        verbose_name_plural = _("payment allocations")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_positive"),
            models.CheckConstraint(
                condition=(Q(payment__isnull=False) & Q(credit_note__isnull=True))
                | (Q(payment__isnull=True) & Q(credit_note__isnull=False)),
                name="allocation_one_source",
            ),
        ]

    def __str__(self):
        return f"{self.payment or self.credit_note} → {self.invoice}: {self.amount}"
