"""Portal users and addresses: what a dealer admin manages for their own company."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from oms.errors import PermissionDeniedError, ValidationFailed
from oms.events import after_commit
from oms.money import quantize, to_decimal
from oms.permissions import DealerRole

from ..errors import LastDealerAdmin
from ..models import Address, Company, DealerAccount

User = get_user_model()

ADDRESS_FIELDS = ("kind", "label", "recipient", "phone", "line1", "line2", "city", "province", "postal_code", "region",
                  "country")


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


def set_password_link(user) -> str:
    """An absolute link to Django's password-reset confirm page for `user` (valid until used or
    PASSWORD_RESET_TIMEOUT passes): the invitation uses the reset token machinery."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.OMS_BASE_URL + reverse("password_reset_confirm", args=[uid, token])


def invite_dealer_user(*, actor, company: Company, email, role=DealerRole.BUYER, first_name="", last_name="",
                       language=None) -> DealerAccount:
    """A dealer admin invites a colleague: a user with no usable password (the e-mail address
    is the username) and a DealerAccount in the admin's company; after commit they get an
    e-mail with a link to choose their password."""
    email = (email or "").strip().lower()
    if not email:
        raise ValidationFailed(_("Enter an e-mail address."), field="email", code="required")
    if role not in DealerRole.values:
        raise ValidationFailed(_("Choose a role."), field="role", code="invalid_choice")
    taken = User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).select_related("dealer_account").first()
    if taken is not None:
        account = getattr(taken, "dealer_account", None)
        if account is not None and account.company_id == company.pk:
            raise ValidationFailed(_("%(user)s already uses the portal for your company.") % {"user": taken},
                                   field="email", code="taken")
        # someone else's account: say no more than that it cannot be invited (whose it is stays private)
        raise ValidationFailed(_("This e-mail address cannot be invited. Ask your colleague for another address, "
                                 "or your sales contact for help."), field="email", code="taken")
    language = language or (actor.language if actor is not None else settings.LANGUAGE_CODE)
    try:
        with transaction.atomic():
            account = create_dealer_user(actor=actor, company=company, username=email, email=email, role=role,
                                         first_name=(first_name or "").strip(), last_name=(last_name or "").strip(),
                                         language=language)
            from ..tasks import send_dealer_invitation

            after_commit(send_dealer_invitation, account.user_id, str(actor) if actor else "")
    except ValidationError as err:
        field, messages = next(iter(err.message_dict.items()))
        raise ValidationFailed(messages[0], field="email" if field == "username" else field, code="invalid")
    return account


def _lock_accounts(company_id):
    """All of the company's dealer accounts, locked in pk order (so "the last admin" checks
    cannot race each other)."""
    return list(DealerAccount.objects.select_for_update().filter(company_id=company_id).order_by("pk"))


def _target(accounts, account):
    for a in accounts:
        if a.pk == account.pk:
            return a
    raise PermissionDeniedError(_("This user belongs to another company."))


def _admins_left(accounts, *, without):
    return [a for a in accounts if a.pk != without.pk and a.is_active and a.role == DealerRole.ADMIN]


def change_dealer_role(*, actor, company: Company, account: DealerAccount, role) -> DealerAccount:
    """Change a portal user's dealer role. The company always keeps one active dealer admin."""
    if role not in DealerRole.values:
        raise ValidationFailed(_("Choose a role."), field="role", code="invalid_choice")
    with transaction.atomic():
        accounts = _lock_accounts(company.pk)
        target = _target(accounts, account)
        if target.role == DealerRole.ADMIN and role != DealerRole.ADMIN and target.is_active \
                and not _admins_left(accounts, without=target):
            raise LastDealerAdmin(_("%(user)s is your only dealer admin; make someone else admin first.")
                                  % {"user": target.user}, field="role")
        if target.role != role:
            target.role = role
            target.save(update_fields=["role"])
        return target


def deactivate_dealer_user(*, actor, company: Company, account: DealerAccount) -> DealerAccount:
    """Stop a portal user from signing in to the portal (their history stays). You cannot
    deactivate yourself, nor the company's last active dealer admin."""
    with transaction.atomic():
        accounts = _lock_accounts(company.pk)
        target = _target(accounts, account)
        if actor is not None and target.user_id == actor.pk:
            raise LastDealerAdmin(_("You cannot deactivate yourself."), code="cannot_deactivate_self")
        if target.role == DealerRole.ADMIN and not _admins_left(accounts, without=target):
            raise LastDealerAdmin(_("%(user)s is your only dealer admin; make someone else admin first.")
                                  % {"user": target.user})
        if target.is_active:
            target.is_active = False
            target.save(update_fields=["is_active"])
        return target


def reactivate_dealer_user(*, actor, company: Company, account: DealerAccount) -> DealerAccount:
    with transaction.atomic():
        target = _target(_lock_accounts(company.pk), account)
        if not target.is_active:
            target.is_active = True
            target.save(update_fields=["is_active"])
        return target


def set_buyer_order_limit(*, actor, company: Company, limit) -> Company:
    """The dealer's own rule: a buyer's portal order above `limit` (in the company's currency;
    None for no limit) waits for the company's approver. Kept in the company's history."""
    if limit is not None:
        limit = quantize(to_decimal(limit), company.currency)
        if limit < 0:
            raise ValidationFailed(_("The limit cannot be below zero."), field="buyer_order_limit", code="min_value")
    with transaction.atomic():
        company = Company.objects.select_for_update(no_key=True).get(pk=company.pk)
        if company.buyer_order_limit != limit:
            company.buyer_order_limit = limit
            company._change_reason = "buyer order limit set in the portal"
            company.save(update_fields=["buyer_order_limit"])
        return company


# --- addresses ---------------------------------------------------------------------------------

def _save_address(address, data):
    for name in ADDRESS_FIELDS:
        if name in data:
            setattr(address, name, (data[name] or "").strip() if isinstance(data[name], str) else data[name])
    try:
        address.full_clean(exclude=["company", "is_default"])
    except ValidationError as err:
        field, messages = next(iter(err.message_dict.items()))
        raise ValidationFailed(messages[0], field=field if field != "__all__" else None, code="invalid")
    address.save()
    return address


def create_address(*, actor, company: Company, make_default=False, **data) -> Address:
    """Add a shipping or billing address; the first of its kind becomes the default."""
    with transaction.atomic():
        Company.objects.select_for_update().filter(pk=company.pk).first()  # serialise default changes per company
        address = _save_address(Address(company=company), data)
        first = not Address.objects.filter(company=company, kind=address.kind, is_default=True).exists()
        if make_default or first:
            return set_default_address(actor=actor, company=company, address=address)
        return address


def update_address(*, actor, company: Company, address: Address, **data) -> Address:
    """Edit an address of the company's own (its kind can change only if it is not the default)."""
    with transaction.atomic():
        address = Address.objects.select_for_update().get(pk=address.pk, company=company)
        if address.is_default and data.get("kind", address.kind) != address.kind:
            raise ValidationFailed(_("This is your default %(kind)s address; make another one the default first.")
                                   % {"kind": address.get_kind_display().lower()}, field="kind")
        return _save_address(address, data)


def delete_address(*, actor, company: Company, address: Address) -> Address:
    """Remove an address the company no longer uses. Orders keep the copy they were placed
    with; the default of its kind cannot go until another address is made the default."""
    with transaction.atomic():
        Company.objects.select_for_update().filter(pk=company.pk).first()  # as for default changes
        address = Address.objects.select_for_update().filter(pk=address.pk, company=company).first()
        if address is None:
            raise PermissionDeniedError(_("This address belongs to another company."))
        if address.is_default:
            raise ValidationFailed(_("This is your default %(kind)s address; make another one the default first.")
                                   % {"kind": address.get_kind_display().lower()}, code="default_address")
        address.delete()
        return address


def set_default_address(*, actor, company: Company, address: Address) -> Address:
    """Make `address` the company's default for its kind (the previous default stops being one)."""
    with transaction.atomic():
        Company.objects.select_for_update().filter(pk=company.pk).first()
        address = Address.objects.select_for_update().get(pk=address.pk, company=company)
        for previous in Address.objects.filter(company=company, kind=address.kind, is_default=True).exclude(pk=address.pk):
            previous.is_default = False
            previous.save(update_fields=["is_default"])  # saved one by one: the address history records it
        if not address.is_default:
            address.is_default = True
            address.save(update_fields=["is_default"])
        return address
