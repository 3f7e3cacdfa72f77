"""Writes on people (staff accounts). Dealer users are made by customers.services."""

from django.contrib.auth import get_user_model
from django.db import transaction

from .permissions import StaffRole

User = get_user_model()


def create_staff_user(*, actor=None, username, email, role, password=None, first_name="", last_name="",
                      language="en") -> User:
    """A console user with one staff role. Administrators also reach the Django admin."""
    role = StaffRole(role)
    with transaction.atomic():
        user = User(
            username=username, email=email, first_name=first_name, last_name=last_name,
            staff_role=role, language=language,
            is_staff=role == StaffRole.ADMIN, is_superuser=role == StaffRole.ADMIN,
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
    return user
