from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OmsConfig(AppConfig):
    name = "oms"
    verbose_name = _("Users and notifications")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .views import adopt_chosen_language

        user_logged_in.connect(adopt_chosen_language, dispatch_uid="oms.adopt_chosen_language")
