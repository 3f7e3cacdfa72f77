from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments and invoicing")

    def ready(self):
        from . import handlers  # noqa: F401  subscribes to order events
