"""Celery tasks of customers: take ids, load, call a service."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


@shared_task
def check_ticket_sla():
    """Beat: remind the desk of tickets whose first answer is overdue (deduplicated)."""
    from .services import remind_overdue_tickets

    return remind_overdue_tickets()


@shared_task(bind=True, autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5)
def send_dealer_invitation(self, user_id, inviter=""):
    """E-mail an invited portal user the link to choose a password. Skipped once they have one."""
    from .services.dealers import set_password_link

    user = get_user_model().objects.select_related("dealer_account__company").filter(pk=user_id).first()
    if user is None or user.has_usable_password() or not user.email:
        return False
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {"user": user, "company": user.dealer_account.company, "inviter": inviter,
                   "link": set_password_link(user), "company_name": settings.OMS_COMPANY_NAME}
        subject = render_to_string("customers/emails/invitation_subject.txt", context).strip()
        text = render_to_string("customers/emails/invitation.txt", context)
        html = render_to_string("customers/emails/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return True
