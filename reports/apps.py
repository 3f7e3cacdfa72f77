from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from . import handlers  # noqa: F401  (subscribes the sales rollup to order events)
        from .queries import dashboard  # noqa: F401  (drops the cached monthly revenue when orders change)
