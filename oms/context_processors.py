from django.conf import settings

from .permissions import Perm, dealer_account, perms_of


def surface(request):
    """What every page's layout needs: the user's permissions, their company (dealers),
    unread inbox count and the demo/embedded-mode notices."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"oms_perms": frozenset(), "Perm": Perm, "company_name": settings.OMS_COMPANY_NAME}
    from .models import Notification

    account = dealer_account(user)
    return {
        "oms_perms": perms_of(user),
        "Perm": Perm,
        "dealer_company": account.company if account else None,
        "unread_count": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
        "company_name": settings.OMS_COMPANY_NAME,
        "celery_embedded": settings.CELERY_EMBEDDED and settings.DEBUG,
    }
