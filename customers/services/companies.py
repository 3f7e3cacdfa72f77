"""Customer master data: create or update a company by code, with its primary contact and a
shipping address (used by the customer import). Validation is the models' own."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from oms.errors import ValidationFailed

from ..models import Address, Company, Contact
from .dealers import create_address

COMPANY_FIELDS = ("name", "tier", "region", "currency", "payment_terms", "credit_limit", "tax_id", "status",
                  "price_list", "shipping_policy", "notes")
CONTACT_FIELDS = ("name", "title", "email", "phone")


def _validation_failed(err: ValidationError, prefix=""):
    field, messages = next(iter(err.message_dict.items()))
    return ValidationFailed(messages[0], field=None if field == "__all__" else prefix + field, code="invalid")


def save_company(*, actor, code, contact=None, address=None, **fields) -> tuple[Company, bool]:
    """Create the company `code` or update the given fields of the existing one. `contact`
    (dict of name/title/email/phone) becomes or updates its primary contact; `address` (the
    address fields of customers.services.create_address) is added as a shipping address unless
    one with the same first line and city exists. Returns (company, created)."""
    unknown = set(fields) - set(COMPANY_FIELDS)
    if unknown:
        raise ValueError(f"not company fields: {sorted(unknown)}")
    code = (code or "").strip().upper()
    if not code:
        raise ValidationFailed(_("A customer needs a code."), field="code", code="required")
    with transaction.atomic():
        company = Company.objects.select_for_update(of=("self",)).filter(code__iexact=code).order_by("pk").first()
        created = company is None
        if created:
            company = Company(code=code)
        for name, value in fields.items():
            setattr(company, name, value)
        try:
            company.full_clean(exclude=["sales_rep"], validate_unique=False, validate_constraints=False)
        except ValidationError as err:
            raise _validation_failed(err) from None
        company.save()
        if contact and contact.get("name"):
            _save_primary_contact(company, contact)
        if address and address.get("line1"):
            exists = Address.objects.filter(company=company, kind=Address.Kind.SHIPPING,
                                            line1__iexact=address["line1"].strip(),
                                            city__iexact=(address.get("city") or "").strip()).exists()
            if not exists:
                create_address(actor=actor, company=company, kind=Address.Kind.SHIPPING, **address)
    return company, created


def _save_primary_contact(company, data):
    person = Contact.objects.filter(company=company, is_primary=True).first() or Contact(company=company, is_primary=True)
    for name in CONTACT_FIELDS:
        if name in data:
            setattr(person, name, (data[name] or "").strip())
    try:
        person.full_clean(exclude=["company"], validate_unique=False)
    except ValidationError as err:
        raise _validation_failed(err, prefix="contact_") from None
    person.save()
