from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from oms.errors import ValidationFailed
from oms.permissions import DealerRole

from .models import Company, DealerAccount

User = get_user_model()


def create_dealer_user(*, actor=None, company: Company, username, email, role=DealerRole.BUYER, password=None,
                       first_name="", last_name="", language="zh-hans") -> DealerAccount:
    """A portal user who buys for exactly one company."""
    if company.status == Company.Status.CLOSED:
        raise ValidationFailed(_("Closed accounts cannot get new portal users."), code="company_closed")
    with transaction.atomic():
        user = User(username=username, email=email, first_name=first_name, last_name=last_name, language=language)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        return DealerAccount.objects.create(user=user, company=company, role=DealerRole(role))
