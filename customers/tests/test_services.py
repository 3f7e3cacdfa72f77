import pytest

from customers.services import create_dealer_user
from oms.errors import ValidationFailed
from oms.permissions import Perm, has_perm
from oms.services import create_staff_user
from tests.factories import CompanyFactory


def test_create_dealer_user_links_one_company_with_a_role(db):
    company = CompanyFactory()
    account = create_dealer_user(company=company, username="buyer1", email="b@x.cn", role="approver", password="s3cret-pass-word")
    assert account.company == company and account.user.check_password("s3cret-pass-word")
    assert has_perm(account.user, Perm.PORTAL_APPROVE) and not has_perm(account.user, Perm.CONSOLE)


def test_closed_company_gets_no_new_users(db):
    with pytest.raises(ValidationFailed):
        create_dealer_user(company=CompanyFactory(status="closed"), username="late", email="l@x.cn")


def test_create_staff_user_only_admins_reach_django_admin(db):
    admin = create_staff_user(username="a1", email="a@x.cn", role="admin")
    sales = create_staff_user(username="s1", email="s@x.cn", role="sales")
    assert admin.is_staff and admin.is_superuser
    assert not sales.is_staff and not sales.is_superuser
    assert has_perm(sales, Perm.ORDERS_MANAGE) and not has_perm(sales, Perm.ADMIN_SITE)


def test_username_clash_is_a_validation_error_not_a_crash(db):
    from django.core.exceptions import ValidationError

    create_staff_user(username="dup", email="d@x.cn", role="sales")
    with pytest.raises(ValidationError) as err:
        create_staff_user(username="dup", email="d2@x.cn", role="sales")
    assert "username" in err.value.message_dict
