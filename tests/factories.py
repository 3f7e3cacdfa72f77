"""factory_boy factories for every model the tests need."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from customers.models import Address, Company, Contact, DealerAccount, PriceList, PriceListItem, Tier
from inventory.models import Category, Product, Warehouse
from inventory.validators import ean13_check_digit
from oms.models import Notification
from oms.permissions import DealerRole, StaffRole
from oms.regions import Region

PASSWORD = "correct-horse-battery"


def _ean(n):
    first12 = f"690{n:09d}"
    return first12 + str(ean13_check_digit(first12))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    language = "en"
    password = factory.django.Password(PASSWORD)


class StaffFactory(UserFactory):
    staff_role = StaffRole.SALES
    is_staff = factory.LazyAttribute(lambda u: u.staff_role == StaffRole.ADMIN)
    is_superuser = factory.LazyAttribute(lambda u: u.staff_role == StaffRole.ADMIN)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    category = factory.SubFactory(CategoryFactory)
    pack_size = 1
    barcode = factory.Sequence(_ean)
    weight_kg = Decimal("1.000")


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse

    code = factory.Sequence(lambda n: f"WH{n:02d}")
    name = factory.Sequence(lambda n: f"Warehouse {n}")
    region = Region.EAST
    address = "1 Dock Rd"
    city = "Shanghai"


class PriceListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceList

    code = factory.Sequence(lambda n: f"PL{n}")
    name = factory.Sequence(lambda n: f"Price list {n}")
    currency = "CNY"


class PriceListItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceListItem

    price_list = factory.SubFactory(PriceListFactory)
    product = factory.SubFactory(ProductFactory)
    min_quantity = 1
    unit_price = Decimal("10.00")


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    code = factory.Sequence(lambda n: f"C{n:04d}")
    name = factory.Sequence(lambda n: f"Dealer Company {n}")
    tier = Tier.STANDARD
    region = Region.EAST
    credit_limit = Decimal("100000.00")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@example.cn")


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    company = factory.SubFactory(CompanyFactory)
    kind = Address.Kind.SHIPPING
    label = factory.Sequence(lambda n: f"Site {n}")
    recipient = "Wang Wei"
    phone = "13800000000"
    line1 = factory.Sequence(lambda n: f"{n} Renmin Rd")
    city = "Hangzhou"
    province = "Zhejiang"
    region = Region.EAST


class DealerAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DealerAccount

    user = factory.SubFactory(UserFactory, language="en")
    company = factory.SubFactory(CompanyFactory)
    role = DealerRole.BUYER


def dealer_user(company=None, role=DealerRole.BUYER, **user_kwargs):
    """A portal user (User + DealerAccount) for `company` (a new one when None)."""
    account = DealerAccountFactory(
        company=company or CompanyFactory(), role=role, user=UserFactory(**user_kwargs)
    )
    return account.user


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    subject = factory.Sequence(lambda n: f"Notice {n}")


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "inventory.Supplier"

    code = factory.Sequence(lambda n: f"SUP{n:03d}")
    name = factory.Sequence(lambda n: f"Supplier {n}")
    email = factory.LazyAttribute(lambda s: f"{s.code.lower()}@supplier.example.cn")
    lead_time_days = 10


def stock_of(product, warehouse, on_hand=0, **fields):
    """A stock row with `on_hand` units received through the ledger (so check_stock agrees)."""
    from inventory.models import Stock
    from inventory.services import receive_stock

    if on_hand:
        receive_stock(actor=None, product=product, warehouse=warehouse, quantity=on_hand, unit_cost=Decimal("10"),
                      reason="opening stock")
    stock, _ = Stock.objects.get_or_create(product=product, warehouse=warehouse)
    if fields:
        for k, v in fields.items():
            setattr(stock, k, v)
        stock.save(update_fields=list(fields))
    return stock


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orders.Order"

    number = factory.Sequence(lambda n: f"SO-T{n:06d}")
    company = factory.SubFactory(CompanyFactory)
    channel = "console"
    currency = "CNY"
    payment_terms = "net30"
    status = "draft"


class ApprovalRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orders.ApprovalRule"

    name = factory.Sequence(lambda n: f"Rule {n}")
    condition = "total_above"
    threshold = Decimal("10000")
    levels = factory.LazyFunction(lambda: ["sales_manager"])


class PromotionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "customers.Promotion"

    name = factory.Sequence(lambda n: f"Promo {n}")
    kind = "percent"
    value = Decimal("5")
    starts_on = factory.LazyFunction(lambda: __import__("datetime").date(2026, 1, 1))
    ends_on = factory.LazyFunction(lambda: __import__("datetime").date(2026, 12, 31))


class TaxRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "customers.TaxRate"
        django_get_or_create = ("tax_class", "region")

    tax_class = "standard"
    region = ""
    rate = Decimal("13")


class CustomerPriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "customers.CustomerPrice"

    company = factory.SubFactory(CompanyFactory)
    product = factory.SubFactory(ProductFactory)
    unit_price = Decimal("9.00")


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orders.OrderLine"

    order = factory.SubFactory(OrderFactory)
    line_no = factory.Sequence(lambda n: n + 1)
    product = factory.SubFactory(ProductFactory)
    quantity = 1
    list_price = Decimal("10.00")
    unit_price = Decimal("10.00")
    net_amount = factory.LazyAttribute(lambda ln: ln.unit_price * ln.quantity)
    total_amount = factory.LazyAttribute(lambda ln: ln.unit_price * ln.quantity)
    price_explanation = "Test price"


class ShipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orders.Shipment"

    number = factory.Sequence(lambda n: f"SH-T{n:06d}")
    order = factory.SubFactory(OrderFactory)
    warehouse = factory.SubFactory(WarehouseFactory)


class SlaTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orders.SlaTarget"
        django_get_or_create = ("status",)

    status = "pending_approval"
    hours = 24
    responsible_role = StaffRole.SALES_MANAGER
