import pytest

from tests.factories import PASSWORD, StaffFactory, dealer_user


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def staff_user(db):
    """staff_user("finance") -> a console user with that role."""

    def make(role="sales", **kwargs):
        return StaffFactory(staff_role=role, **kwargs)

    return make


@pytest.fixture
def dealer(db):
    """dealer(company=None, role="buyer") -> a portal user of that company."""
    return dealer_user
