"""Dealer admin: inviting colleagues, roles, deactivation, addresses; and staff notes and credit holds."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail

from customers.errors import CreditStateError, LastDealerAdmin
from customers.models import Address, Company, CustomerNote
from customers.services import (
    add_customer_note, change_dealer_role, create_address, deactivate_dealer_user, hold_credit, invite_dealer_user,
    reactivate_dealer_user, release_credit, set_default_address, update_address,
)
from oms.errors import PermissionDeniedError, ValidationFailed
from oms.models import Notification
from oms.permissions import Perm, has_perm
from tests.factories import AddressFactory, CompanyFactory, StaffFactory, dealer_user


@pytest.fixture
def dealer_company(db):
    company = CompanyFactory(name="Alpha Hardware")
    admin = dealer_user(company=company, role="admin", username="alpha-admin")
    return company, admin


def test_invited_colleague_gets_a_set_password_link(dealer_company, django_capture_on_commit_callbacks, client):
    company, admin = dealer_company
    with django_capture_on_commit_callbacks(execute=True):
        account = invite_dealer_user(actor=admin, company=company, email=" New.Buyer@Alpha.cn ", role="approver",
                                     first_name="Li", last_name="Na")
    user = account.user
    assert (user.username, user.email, account.role, account.company) == ("new.buyer@alpha.cn", "new.buyer@alpha.cn",
                                                                          "approver", company)
    assert not user.has_usable_password()
    [message] = mail.outbox
    assert message.to == ["new.buyer@alpha.cn"] and "Alpha Hardware" in message.subject
    link = next(w for w in message.body.split() if "/accounts/reset/" in w)
    path = link.split("://", 1)[1].split("/", 1)[1]
    # the link is Django's password-reset confirm page: it accepts a new password
    response = client.get("/" + path, follow=True)
    assert response.status_code == 200
    response = client.post(response.redirect_chain[-1][0], {"new_password1": "Fresh-Pass-2026!", "new_password2": "Fresh-Pass-2026!"})
    user.refresh_from_db()
    assert user.check_password("Fresh-Pass-2026!")
    assert has_perm(get_user_model().objects.get(pk=user.pk), Perm.PORTAL_APPROVE)


def test_invitation_token_is_valid_for_the_new_user(dealer_company):
    from customers.services.dealers import set_password_link

    company, admin = dealer_company
    user = invite_dealer_user(actor=admin, company=company, email="x@alpha.cn").user
    token = set_password_link(user).rstrip("/").rsplit("/", 1)[1]
    assert default_token_generator.check_token(user, token)


def test_cannot_invite_an_address_already_in_use(dealer_company):
    company, admin = dealer_company
    with pytest.raises(ValidationFailed) as err:
        invite_dealer_user(actor=admin, company=company, email=admin.email.upper())
    assert err.value.field == "email"


def test_role_change_keeps_at_least_one_admin(dealer_company):
    company, admin = dealer_company
    buyer = dealer_user(company=company).dealer_account
    with pytest.raises(LastDealerAdmin):
        change_dealer_role(actor=admin, company=company, account=admin.dealer_account, role="buyer")
    change_dealer_role(actor=admin, company=company, account=buyer, role="admin")
    change_dealer_role(actor=admin, company=company, account=admin.dealer_account, role="buyer")
    admin.dealer_account.refresh_from_db()
    assert admin.dealer_account.role == "buyer"


def test_cannot_deactivate_yourself_or_the_last_admin(dealer_company):
    company, admin = dealer_company
    other_admin = dealer_user(company=company, role="admin")
    with pytest.raises(LastDealerAdmin) as err:
        deactivate_dealer_user(actor=admin, company=company, account=admin.dealer_account)
    assert err.value.code == "cannot_deactivate_self"
    deactivate_dealer_user(actor=admin, company=company, account=other_admin.dealer_account)
    with pytest.raises(LastDealerAdmin):
        deactivate_dealer_user(actor=other_admin, company=company, account=admin.dealer_account)
    reactivate_dealer_user(actor=admin, company=company, account=other_admin.dealer_account)
    other_admin.dealer_account.refresh_from_db()
    assert other_admin.dealer_account.is_active


def test_deactivated_user_loses_the_portal(dealer_company, client):
    company, admin = dealer_company
    buyer = dealer_user(company=company)
    deactivate_dealer_user(actor=admin, company=company, account=buyer.dealer_account)
    client.force_login(buyer)
    assert client.get("/portal/").status_code == 403


def test_cannot_manage_another_companys_user(dealer_company):
    company, admin = dealer_company
    stranger = dealer_user(company=CompanyFactory())
    with pytest.raises(PermissionDeniedError):
        change_dealer_role(actor=admin, company=company, account=stranger.dealer_account, role="admin")


def test_addresses_first_is_default_and_default_moves(dealer_company):
    company, admin = dealer_company
    data = dict(kind="shipping", recipient="Wang", phone="138 0013 8000", line1="1 Road", city="Hangzhou", province="ZJ",
                region="east")
    first = create_address(actor=admin, company=company, label="Main", **data)
    second = create_address(actor=admin, company=company, label="Depot", **data)
    assert first.is_default and not second.is_default
    set_default_address(actor=admin, company=company, address=second)
    first.refresh_from_db()
    assert not first.is_default and Address.objects.get(company=company, is_default=True) == second
    update_address(actor=admin, company=company, address=first, city="Ningbo")
    first.refresh_from_db()
    assert first.city == "Ningbo"
    with pytest.raises(ValidationFailed) as err:
        update_address(actor=admin, company=company, address=second, kind="billing")
    assert err.value.field == "kind"
    with pytest.raises(ValidationFailed) as err:
        create_address(actor=admin, company=company, **{**data, "recipient": ""})
    assert err.value.field == "recipient"


def test_cannot_touch_another_companys_address(dealer_company):
    company, admin = dealer_company
    theirs = AddressFactory(company=CompanyFactory())
    with pytest.raises(Address.DoesNotExist):
        set_default_address(actor=admin, company=company, address=theirs)


# --- staff side -------------------------------------------------------------------------------

def test_credit_hold_and_release_are_noted_and_the_rep_is_told(db):
    rep, finance = StaffFactory(staff_role="sales"), StaffFactory(staff_role="finance")
    company = CompanyFactory(sales_rep=rep)
    hold_credit(actor=finance, company=company, reason="Invoice 2026-118 unpaid 60 days")
    company.refresh_from_db()
    assert company.status == Company.Status.ON_HOLD
    assert company.history.first().history_change_reason == "Invoice 2026-118 unpaid 60 days"
    with pytest.raises(CreditStateError):
        hold_credit(actor=finance, company=company, reason="again")
    release_credit(actor=finance, company=company, reason="Paid")
    company.refresh_from_db()
    assert company.status == Company.Status.ACTIVE
    assert list(CustomerNote.objects.filter(company=company).values_list("kind", flat=True)) == [
        "credit_release", "credit_hold"]
    assert Notification.objects.filter(recipient=rep).count() == 2


def test_only_credit_managers_hold_credit_and_a_reason_is_needed(db):
    company = CompanyFactory()
    with pytest.raises(PermissionDeniedError):
        hold_credit(actor=StaffFactory(staff_role="sales_manager"), company=company, reason="x")
    with pytest.raises(ValidationFailed):
        hold_credit(actor=StaffFactory(staff_role="manager"), company=company, reason=" ")


def test_notes_are_kept_with_author(db):
    sales = StaffFactory(staff_role="sales")
    company = CompanyFactory()
    note = add_customer_note(actor=sales, company=company, body="Asked for Q3 price list")
    assert (note.author, note.kind) == (sales, "note")
    with pytest.raises(ValidationFailed):
        add_customer_note(actor=sales, company=company, body="")
