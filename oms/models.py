from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .permissions import StaffRole


class User(AbstractUser):
    """A person who signs in: staff (with a staff role) or a dealer user (with a
    customers.DealerAccount linking them to one company). Never both."""

    staff_role = models.CharField(_("staff role"), max_length=20, choices=StaffRole.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Only administrators reach the Django admin.
            models.CheckConstraint(
                condition=models.Q(is_staff=False) | models.Q(staff_role=StaffRole.ADMIN) | models.Q(is_superuser=True),
                name="user_admin_site_only_for_admins",
            ),
        ]

    @property
    def is_staff_member(self):
        return bool(self.staff_role)

    def __str__(self):
        return self.get_full_name() or self.username


class Notification(models.Model):
    """One message in a person's in-app inbox; e-mailed too when `email` is set."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("General")
        ORDER = "order", _("Order")
        APPROVAL = "approval", _("Approval")
        STOCK = "stock", _("Stock")
        PAYMENT = "payment", _("Payment")
        RETURN = "return", _("Return")
        SLA = "sla", _("SLA")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GENERAL)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    email = models.BooleanField(_("send e-mail"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    dedupe_key = models.CharField(max_length=120, blank=True, help_text=_("Same key, same recipient: sent once."))

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_dedupe_unique",
            )
        ]

    def __str__(self):
        return self.subject


class Sequence(models.Model):
    """Gapless document numbers (transfers, purchase orders, invoices...). See oms.sequences."""

    name = models.CharField(max_length=40, unique=True)
    last_value = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.name}: {self.last_value}"


class NotificationPreference(models.Model):
    """What reaches one person by e-mail, per category. The in-app inbox always gets everything;
    a person without a row gets the defaults (everything but marketing). With sms_opt_in and a
    phone number, shipping and delivery notices also go out by text message (integrations.sms)."""

    class Category(models.TextChoices):
        ORDERS = "orders", _("Order status changes")
        SHIPMENTS = "shipments", _("Shipments and deliveries")
        APPROVALS = "approvals", _("Approvals")
        TICKETS = "tickets", _("Support tickets")
        PAYMENTS = "payments", _("Invoices and payments")
        MARKETING = "marketing", _("Promotions and news")

    # Notification.Kind -> category, for callers that do not name one. Kinds without a
    # category (general, stock, SLA) are operational and always e-mailed.
    KIND_CATEGORY = {
        "order": Category.ORDERS,
        "approval": Category.APPROVALS,
        "payment": Category.PAYMENTS,
        "return": Category.ORDERS,
    }

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference", verbose_name=_("user")
    )
    email_orders = models.BooleanField(_("order status changes"), default=True)
    email_shipments = models.BooleanField(_("shipments and deliveries"), default=True)
    email_approvals = models.BooleanField(_("approvals"), default=True)
    email_tickets = models.BooleanField(_("support tickets"), default=True)
    email_payments = models.BooleanField(_("invoices and payments"), default=True)
    email_marketing = models.BooleanField(_("promotions and news"), default=False)
    sms_opt_in = models.BooleanField(_("text messages (SMS)"), default=False)
    sms_phone = models.CharField(_("mobile number for SMS"), max_length=40, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.CheckConstraint(condition=models.Q(sms_opt_in=False) | ~models.Q(sms_phone=""),
                                   name="notificationpreference_sms_needs_phone"),
        ]

    def __str__(self):
        return str(self.user)

    def wants_email(self, category) -> bool:
        if not category:
            return True
        return getattr(self, f"email_{category}", True)
