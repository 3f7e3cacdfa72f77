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


# --- customers: tickets, loyalty, notes (task B) ------------------------------------------------

def _now():
    from django.utils import timezone

    return timezone.now()


def _hours(n):
    from datetime import timedelta

    return timedelta(hours=n)


class TicketSlaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "customers.TicketSla"
        django_get_or_create = ("category",)

    category = "question"
    first_response_hours = 8


class TicketFactory(factory.django.DjangoModelFactory):
    """A ticket row as if opened; tests of behaviour open them through customers.services.open_ticket."""

    class Meta:
        model = "customers.Ticket"

    number = factory.Sequence(lambda n: f"TK-T{n:05d}")
    company = factory.SubFactory(CompanyFactory)
    subject = factory.Sequence(lambda n: f"Question {n}")
    category = "question"
    first_response_due = factory.LazyFunction(lambda: _now() + _hours(24))


class TicketMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "customers.TicketMessage"

    ticket = factory.SubFactory(TicketFactory)
    body = "Where is my delivery?"


class LoyaltyRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "customers.LoyaltyRule"

    name = factory.Sequence(lambda n: f"Loyalty rule {n}")
    tier = ""
    points_per_unit = Decimal("1")
    point_value = Decimal("0.01")
    min_redeem_points = 0


class CustomerNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "customers.CustomerNote"

    company = factory.SubFactory(CompanyFactory)
    body = factory.Sequence(lambda n: f"Called the buyer ({n})")


def _now():
    from django.utils import timezone

    return timezone.now()


class TrackingEventFactory(factory.django.DjangoModelFactory):
    """A carrier's tracking event (appended through orders.services.tracking in real life)."""

    class Meta:
        model = "orders.TrackingEvent"

    shipment = factory.SubFactory(ShipmentFactory, status="shipped", carrier="SF Express",
                                  tracking_number=factory.Sequence(lambda n: f"SF{n:010d}"))
    status = "in_transit"
    location = "Wuhan hub"
    occurred_at = factory.LazyFunction(_now)


class CartFactory(factory.django.DjangoModelFactory):
    """A dealer user's open portal cart (orders.services.cart adds to it in real life)."""

    class Meta:
        model = "orders.Cart"

    company = factory.SubFactory(CompanyFactory)
    user = factory.LazyAttribute(lambda c: dealer_user(company=c.company))
    status = "open"


class CartLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orders.CartLine"

    cart = factory.SubFactory(CartFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = 1


def ship_order(order, actor, carrier="SF Express", tracking_number="SF1234567890"):
    """Take an allocated order through picking, packing (scanning every unit) and shipping
    with the fulfilment services, as the warehouse would; returns its shipments."""
    from orders.services import fulfilment

    shipments = list(order.shipments.exclude(status="cancelled").order_by("pk"))
    for shipment in shipments:
        fulfilment.start_picking(actor=actor, shipments=[shipment])
        for line in shipment.lines.select_related("order_line__product"):
            fulfilment.pack_item(actor=actor, shipment=shipment, code=line.order_line.product.sku, quantity=line.quantity)
        fulfilment.ship_shipment(actor=actor, shipment=shipment, carrier=carrier, tracking_number=tracking_number)
        shipment.refresh_from_db()
    return shipments


# --- payments ---------------------------------------------------------------------------------

def _today():
    from django.utils import timezone

    return timezone.localdate()


def _days(n):
    from datetime import timedelta

    return timedelta(days=n)


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "payments.Payment"

    company = factory.SubFactory(CompanyFactory)
    method = "card"
    gateway = "sandbox"
    amount = Decimal("100.00")
    currency = "CNY"
    status = "pending"


class InvoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "payments.Invoice"

    number = factory.Sequence(lambda n: f"INV-T-{n:06d}")
    company = factory.SubFactory(CompanyFactory)
    issue_date = factory.LazyFunction(_today)
    due_date = factory.LazyAttribute(lambda i: i.issue_date + _days(30))
    payment_terms = "net30"
    subtotal = factory.LazyAttribute(lambda i: i.total)
    tax = Decimal("0")
    total = Decimal("100.00")
    currency = "CNY"


class CreditNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "payments.CreditNote"

    number = factory.Sequence(lambda n: f"CN-T-{n:06d}")
    company = factory.SubFactory(CompanyFactory)
    amount = Decimal("50.00")
    currency = "CNY"
    reason = "Goodwill"
    remaining = factory.LazyAttribute(lambda c: c.amount)


# --- returns (task E) ----------------------------------------------------------------------------

class ReturnRequestFactory(factory.django.DjangoModelFactory):
    """A return row as if requested; behaviour tests open them through returns.services.request_return."""

    class Meta:
        model = "returns.ReturnRequest"

    number = factory.Sequence(lambda n: f"RMA-T{n:05d}")
    order = factory.SubFactory(OrderFactory)
    company = factory.LazyAttribute(lambda r: r.order.company)
    currency = "CNY"
    status = "requested"


def deliver_order(order, actor, at=None):
    """Ship an allocated order (ship_order) and record every shipment as delivered at `at`."""
    from orders.services.fulfilment import record_delivery

    shipments = ship_order(order, actor)
    for shipment in shipments:
        record_delivery(actor=actor, shipment=shipment, received_by="Dock", at=at)
    order.refresh_from_db()
    return shipments
