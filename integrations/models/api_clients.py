"""API clients: a web shop, marketplace connector, ERP or WMS that calls the REST API.

The token is shown once, when the client is created; only its SHA-256 digest is stored
(a token is 32 random bytes, so a fast digest is enough — there is nothing to brute-force).
The first characters of the token (`token_prefix`) find the row without a scan.

Each client acts through its own service user (`user`): a User with no staff role, no usable
password and no dealer account, so it can never sign in to the console or the portal, but it
is the `actor` that services record on orders, stock movements and timelines ("placed by
Shop X (API)")."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

__all__ = ["ApiClient", "ApiIdempotencyKey", "ApiScope"]


class ApiScope(models.TextChoices):
    ORDERS_READ = "orders:read", _("Read orders and shipments")
    ORDERS_WRITE = "orders:write", _("Place and cancel orders")
    SHIPMENTS_WRITE = "shipments:write", _("Confirm picks and shipments (WMS)")
    PRODUCTS_READ = "products:read", _("Read products")
    STOCK_READ = "stock:read", _("Read stock levels")
    STOCK_WRITE = "stock:write", _("Adjust and count stock (WMS)")
    CUSTOMERS_READ = "customers:read", _("Read customers")
    PAYMENTS_READ = "payments:read", _("Read payments")
    RETURNS_READ = "returns:read", _("Read returns")
    RETURNS_WRITE = "returns:write", _("Open returns")


class ApiClient(models.Model):
    name = models.CharField(_("name"), max_length=120)  # unique among active clients (a revoked one frees its name)
    token_prefix = models.CharField(_("token prefix"), max_length=16, unique=True, editable=False)
    token_hash = models.CharField(_("token digest"), max_length=64, editable=False)
    scopes = ArrayField(models.CharField(max_length=30, choices=ApiScope.choices), default=list, blank=True,
                        verbose_name=_("scopes"))
    active = models.BooleanField(_("active"), default=True)
    rate_limit_per_minute = models.PositiveIntegerField(_("requests per minute"), default=600)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client",
                                verbose_name=_("service user"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(rate_limit_per_minute__gte=1), name="api_client_rate_limit_positive"),
            models.UniqueConstraint(Lower("name"), condition=models.Q(active=True), name="api_client_active_name_unique"),
        ]

    def __str__(self):
        return self.name

    def has_scope(self, scope):
        return scope in self.scopes

    @property
    def scope_labels(self):
        labels = dict(ApiScope.choices)
        return [labels.get(s, s) for s in self.scopes]


class ApiIdempotencyKey(models.Model):
    """A write a client sent with an `Idempotency-Key` (stock adjustments and counts, returns):
    the response it got, replayed when the same client retries the same request with that key.
    Orders keep their key on the order itself (orders.Order.idempotency_key)."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="idempotency_keys",
                               verbose_name=_("API client"))
    key = models.CharField(_("idempotency key"), max_length=80)
    endpoint = models.CharField(_("endpoint"), max_length=200)
    request_hash = models.CharField(_("request digest"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"))
    response_body = models.JSONField(_("response"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("API idempotency key")
        verbose_name_plural = _("API idempotency keys")
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="api_idempotency_key_once_per_client")]

    def __str__(self):
        return f"{self.client_id}:{self.key}"
