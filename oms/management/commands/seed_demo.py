"""Demo data that looks like a real distributor's: a building-supplies wholesaler with four
warehouses, a few hundred products, dozens of dealers across China's regions and tiers,
tiered price lists with volume breaks, and staff for every role.

On a fresh database it also writes about two years of order history (OrderHistory, at the end:
seasonal, growing, shipped, delivered, invoiced and mostly paid, through the real services,
then moved back to its dates) so the reports, the dashboard and the demand forecast have data,
and 80 orders of today in every state of the workflow.

Idempotent: every row is keyed by its natural key (SKU, code, username) and only missing rows
are created, so running it twice leaves the same counts; orders are only written when there
are none."""

import random
from time import monotonic
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.db.models.signals import pre_save
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from customers.models import Address, Company, Contact, DealerAccount, PriceList, PriceListItem, Tier
from inventory.models import Category, Product, Supplier, Warehouse
from inventory.services.stock import load_opening_stock
from inventory.validators import ean13_check_digit
from oms.permissions import DealerRole, StaffRole
from oms.regions import Region

DEMO_PASSWORD = "oms-demo-2026"

WAREHOUSES = [
    ("SH01", "Shanghai Central DC", Region.EAST, "Shanghai", "Shanghai", "88 Jiangchang Rd, Jing'an", 10),
    ("GZ01", "Guangzhou South DC", Region.SOUTH, "Guangzhou", "Guangdong", "12 Huangpu East Rd", 20),
    ("BJ01", "Beijing North DC", Region.NORTH, "Beijing", "Beijing", "5 Jinghai 3rd Rd, Daxing", 30),
    ("CD01", "Chengdu West DC", Region.SOUTHWEST, "Chengdu", "Sichuan", "301 Xinyuan Ave, Gaoxin", 40),
]

# category slug -> (name, parent slug or None)
CATEGORIES = {
    "plumbing": ("Plumbing", None),
    "pipes": ("Pipes & fittings", "plumbing"),
    "valves": ("Valves", "plumbing"),
    "electrical": ("Electrical", None),
    "cable": ("Cable & wire", "electrical"),
    "switches": ("Switches & sockets", "electrical"),
    "lighting": ("Lighting", "electrical"),
    "tools": ("Tools", None),
    "power-tools": ("Power tools", "tools"),
    "hand-tools": ("Hand tools", "tools"),
    "hardware": ("Hardware", None),
    "fasteners": ("Fasteners", "hardware"),
    "sealants": ("Adhesives & sealants", "hardware"),
    "safety": ("Safety equipment", None),
}

# (category slug, SKU prefix, name pattern, variants, unit, pack sizes, base price range, weight kg)
PRODUCT_FAMILIES = [
    ("pipes", "PPR", "PPR pipe {v} × 4 m", ["DN16", "DN20", "DN25", "DN32", "DN40", "DN50", "DN63"], "pcs", [10, 20], (8, 60), "1.2"),
    ("pipes", "PVC", "PVC drain pipe {v} × 4 m", ["DN50", "DN75", "DN110", "DN160", "DN200"], "pcs", [5, 10], (15, 120), "2.5"),
    ("pipes", "ELB", "PPR elbow 90° {v}", ["DN16", "DN20", "DN25", "DN32", "DN40", "DN50"], "pcs", [50, 100], (1, 9), "0.05"),
    ("pipes", "TEE", "PPR equal tee {v}", ["DN16", "DN20", "DN25", "DN32", "DN40", "DN50"], "pcs", [50, 100], (1, 12), "0.06"),
    ("valves", "BLV", "Brass ball valve {v}", ["DN15", "DN20", "DN25", "DN32", "DN40", "DN50"], "pcs", [10, 20], (25, 180), "0.4"),
    ("valves", "GTV", "Gate valve cast iron {v}", ["DN50", "DN65", "DN80", "DN100", "DN150"], "pcs", [1, 2], (180, 900), "9"),
    ("valves", "CHV", "Check valve stainless {v}", ["DN15", "DN20", "DN25", "DN32", "DN40"], "pcs", [10], (40, 160), "0.5"),
    ("cable", "BVW", "BV copper wire {v} mm² × 100 m", ["1.5", "2.5", "4", "6", "10", "16"], "box", [1], (160, 1800), "4"),
    ("cable", "RVV", "RVV sheathed cable 3×{v} mm² × 100 m", ["0.75", "1.0", "1.5", "2.5", "4"], "box", [1], (280, 1600), "7"),
    ("cable", "CAT", "{v} network cable × 305 m", ["Cat5e UTP", "Cat6 UTP", "Cat6 FTP", "Cat6A S/FTP"], "box", [1], (300, 1500), "9"),
    ("switches", "SWT", "Wall switch {v}", ["1-gang 1-way", "1-gang 2-way", "2-gang 1-way", "2-gang 2-way", "3-gang 1-way", "dimmer"], "pcs", [10, 20], (9, 60), "0.1"),
    ("switches", "SKT", "Wall socket {v}", ["5-pin 10A", "3-pin 16A", "USB 5-pin", "5-pin with switch", "waterproof 5-pin", "floor socket"], "pcs", [10, 20], (12, 90), "0.12"),
    ("lighting", "LDP", "LED panel light {v}", ["300×300 18W", "300×600 24W", "600×600 36W", "600×1200 48W"], "pcs", [4, 8], (45, 220), "2"),
    ("lighting", "LDB", "LED bulb E27 {v}", ["5W warm", "9W warm", "9W cool", "12W cool", "15W cool", "20W cool"], "pcs", [20, 50], (4, 25), "0.06"),
    ("lighting", "LDT", "LED tube T8 {v}", ["0.6 m 9W", "1.2 m 18W", "1.5 m 22W"], "pcs", [25], (10, 35), "0.2"),
    ("power-tools", "DRL", "Cordless drill {v}", ["12V", "18V brushless", "20V hammer", "20V compact"], "set", [1], (299, 1299), "1.8"),
    ("power-tools", "GRD", "Angle grinder {v}", ["100 mm 750W", "125 mm 1000W", "150 mm 1400W", "cordless 125 mm"], "pcs", [1], (189, 999), "2.2"),
    ("power-tools", "HMR", "Rotary hammer {v}", ["SDS-plus 800W", "SDS-plus 1000W", "SDS-max 1500W"], "pcs", [1], (399, 1899), "4"),
    ("hand-tools", "WRN", "Adjustable wrench {v}", ["150 mm", "200 mm", "250 mm", "300 mm"], "pcs", [6, 12], (18, 65), "0.4"),
    ("hand-tools", "SCR", "Screwdriver set {v}", ["6-piece", "12-piece insulated", "32-bit precision"], "set", [6], (29, 160), "0.6"),
    ("hand-tools", "PLR", "Pliers {v}", ["combination 8\"", "long nose 6\"", "diagonal 6\"", "wire stripper"], "pcs", [6, 12], (15, 70), "0.3"),
    ("hand-tools", "TPM", "Tape measure {v}", ["3 m", "5 m", "7.5 m", "10 m"], "pcs", [12, 24], (6, 40), "0.25"),
    ("fasteners", "SCW", "Self-tapping screw {v} (box of 500)", ["ST3.5×16", "ST3.5×25", "ST4.2×32", "ST4.8×38", "ST4.8×50"], "box", [10], (12, 45), "1.5"),
    ("fasteners", "ANC", "Expansion anchor {v} (box of 100)", ["M6×60", "M8×80", "M10×100", "M12×120"], "box", [5, 10], (25, 120), "3"),
    ("fasteners", "BLT", "Hex bolt zinc {v} (box of 100)", ["M6×30", "M8×40", "M10×50", "M12×60", "M16×80"], "box", [5, 10], (18, 140), "2.5"),
    ("sealants", "SIL", "Silicone sealant 300 ml {v}", ["clear", "white", "black", "sanitary white", "high-temp red"], "pcs", [24], (9, 38), "0.35"),
    ("sealants", "PTF", "PTFE thread tape {v}", ["12 mm × 10 m", "19 mm × 15 m", "heavy-duty 19 mm"], "pcs", [100], (1, 6), "0.02"),
    ("sealants", "FOM", "PU expanding foam 750 ml {v}", ["manual", "gun-grade", "fire-rated"], "pcs", [12], (18, 55), "0.9"),
    ("safety", "GLV", "Work gloves {v}", ["nitrile-coated M", "nitrile-coated L", "cut-resistant L", "leather welding"], "pcs", [12, 120], (3, 45), "0.1"),
    ("safety", "HLM", "Safety helmet {v}", ["ABS white", "ABS yellow", "ABS red", "vented blue"], "pcs", [10, 20], (15, 60), "0.4"),
    ("safety", "GOG", "Safety goggles {v}", ["clear anti-fog", "tinted", "over-glasses"], "pcs", [10, 12], (8, 40), "0.08"),
]

CITIES = [
    ("Shanghai", "Shanghai", Region.EAST), ("Hangzhou", "Zhejiang", Region.EAST), ("Nanjing", "Jiangsu", Region.EAST),
    ("Suzhou", "Jiangsu", Region.EAST), ("Ningbo", "Zhejiang", Region.EAST), ("Hefei", "Anhui", Region.EAST),
    ("Guangzhou", "Guangdong", Region.SOUTH), ("Shenzhen", "Guangdong", Region.SOUTH), ("Foshan", "Guangdong", Region.SOUTH),
    ("Nanning", "Guangxi", Region.SOUTH), ("Xiamen", "Fujian", Region.SOUTH),
    ("Beijing", "Beijing", Region.NORTH), ("Tianjin", "Tianjin", Region.NORTH), ("Shijiazhuang", "Hebei", Region.NORTH),
    ("Jinan", "Shandong", Region.NORTH), ("Qingdao", "Shandong", Region.NORTH),
    ("Shenyang", "Liaoning", Region.NORTHEAST), ("Dalian", "Liaoning", Region.NORTHEAST), ("Harbin", "Heilongjiang", Region.NORTHEAST),
    ("Wuhan", "Hubei", Region.CENTRAL), ("Changsha", "Hunan", Region.CENTRAL), ("Zhengzhou", "Henan", Region.CENTRAL),
    ("Chengdu", "Sichuan", Region.SOUTHWEST), ("Chongqing", "Chongqing", Region.SOUTHWEST), ("Kunming", "Yunnan", Region.SOUTHWEST),
    ("Xi'an", "Shaanxi", Region.NORTHWEST), ("Lanzhou", "Gansu", Region.NORTHWEST), ("Urumqi", "Xinjiang", Region.NORTHWEST),
]
TRADE_NAMES = ["Xinda", "Hengtong", "Jiahe", "Longsheng", "Huamei", "Dingfeng", "Ruitai", "Yuanhang", "Jinqiao",
               "Baoli", "Tianyi", "Fuxing", "Mingde", "Zhongyuan", "Kaiyuan", "Shunfa"]
TRADES = ["Building Materials", "Hardware", "Electrical Supply", "Plumbing Supply", "Home Improvement", "Industrial Supply"]
SURNAMES = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo"]
GIVEN = ["Wei", "Fang", "Na", "Min", "Jing", "Lei", "Qiang", "Yan", "Jun", "Tao", "Ming", "Chao", "Xia", "Hui", "Bo", "Ying"]

SUPPLIERS = [
    ("SUP-RIFENG", "Guangdong Rifeng Pipe Industry", 10),
    ("SUP-DELIXI", "Delixi Electric Supply", 7),
    ("SUP-BULL", "Ningbo Bull Electrical", 5),
    ("SUP-DONGCHENG", "Jiangsu Dongcheng Power Tools", 14),
    ("SUP-GREATWALL", "Great Wall Precision Tools", 9),
    ("SUP-HUAYI", "Shanghai Huayi Hardware", 6),
]
SUPPLIER_OF_FAMILY = {
    "PPR": "SUP-RIFENG", "PVC": "SUP-RIFENG", "ELB": "SUP-RIFENG", "TEE": "SUP-RIFENG", "BLV": "SUP-RIFENG",
    "GTV": "SUP-RIFENG", "CHV": "SUP-RIFENG", "BVW": "SUP-DELIXI", "RVV": "SUP-DELIXI", "CAT": "SUP-DELIXI",
    "SWT": "SUP-BULL", "SKT": "SUP-BULL", "LDP": "SUP-BULL", "LDB": "SUP-BULL", "LDT": "SUP-BULL",
    "DRL": "SUP-DONGCHENG", "GRD": "SUP-DONGCHENG", "HMR": "SUP-DONGCHENG", "WRN": "SUP-GREATWALL",
    "SCR": "SUP-GREATWALL", "PLR": "SUP-GREATWALL", "TPM": "SUP-GREATWALL", "SCW": "SUP-HUAYI", "ANC": "SUP-HUAYI",
    "BLT": "SUP-HUAYI", "SIL": "SUP-HUAYI", "PTF": "SUP-HUAYI", "FOM": "SUP-HUAYI", "GLV": "SUP-HUAYI",
    "HLM": "SUP-HUAYI", "GOG": "SUP-HUAYI",
}

STAFF = [
    ("admin", StaffRole.ADMIN, "Ada", "Admin"),
    ("manager", StaffRole.MANAGER, "Zhou", "Ming"),
    ("salesmgr", StaffRole.SALES_MANAGER, "Chen", "Jing"),
    ("sales", StaffRole.SALES, "Li", "Lei"),
    ("sales2", StaffRole.SALES, "Wang", "Fang"),
    ("sales3", StaffRole.SALES, "Zhang", "Tao"),
    ("finance", StaffRole.FINANCE, "Liu", "Yan"),
    ("warehouse", StaffRole.WAREHOUSE, "Zhao", "Qiang"),
    ("warehouse2", StaffRole.WAREHOUSE, "Sun", "Bo"),
]

TIER_DISCOUNT = {Tier.STANDARD: Decimal("0"), Tier.SILVER: Decimal("0.05"), Tier.GOLD: Decimal("0.10"), Tier.PLATINUM: Decimal("0.15")}
BREAKS = [(1, Decimal("0")), (50, Decimal("0.03")), (200, Decimal("0.06"))]
N_COMPANIES = 48
CENT = Decimal("0.01")
OPENING_REASON = "Opening balance (demo data)"
HISTORY_MONTHS = 26  # of past orders (see OrderHistory at the end)
ORDERS_PER_MONTH = 7  # at the start of the history, before the season; grows by GROWTH_PER_YEAR


def ean13(seq: int) -> str:
    first12 = f"692{seq:09d}"
    return first12 + str(ean13_check_digit(first12))


class Command(BaseCommand):
    help = "Load demo data (idempotent: running it again adds nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--history-months", type=int, default=HISTORY_MONTHS,
                            help="months of past orders to write on a fresh database (0: none)")
        parser.add_argument("--orders-per-month", type=int, default=ORDERS_PER_MONTH,
                            help="past orders in an average month at the start of the history (it grows)")

    def handle(self, *args, history_months=HISTORY_MONTHS, orders_per_month=ORDERS_PER_MONTH, **options):
        rng = random.Random(2026)
        started = monotonic()
        with connection.cursor() as cursor:
            # Thousands of small transactions: no need to wait for each one's WAL flush (a crash
            # mid-seed loses at most the last few, and seeding is rerun anyway).
            cursor.execute("SET synchronous_commit TO off")
        try:
            created = self.seed(rng, history_months, orders_per_month)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        summary = ", ".join(f"{n} {what}" for what, n in created.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {monotonic() - started:.0f} s (created now: {summary})."))
        self.stdout.write(f"Demo logins use the password {DEMO_PASSWORD!r}; see README.md.")

    def seed(self, rng, history_months, orders_per_month):
        with transaction.atomic():
            created = {
                "warehouses": self.warehouses(),
                "categories": self.categories(),
                "products": self.products(rng),
                "suppliers": self.suppliers(),  # after the products: it links each product to its supplier
                "staff": self.staff(),
                "price lists": self.price_lists(),
                "companies": self.companies(rng),
            }
            created["dealer users"] = self.dealer_users(rng)
            from orders.models import Order

            targets = {} if history_months > 0 and not Order.objects.exists() else None
            created["stock rows"] = self.stock(rng, targets=targets)
            created["pricing and approval rules"] = self.rules()
        created["orders"] = self.orders(rng, history_months=history_months, per_month=orders_per_month,
                                        stock_targets=targets or {})
        return created

    # --- catalog ------------------------------------------------------------------------
    def warehouses(self):
        existing = set(Warehouse.objects.values_list("code", flat=True))
        rows = [
            Warehouse(code=code, name=name, region=region, city=city, province=province, address=address, priority=prio)
            for code, name, region, city, province, address, prio in WAREHOUSES if code not in existing
        ]
        bulk_create_with_history(rows, Warehouse)
        return len(rows)

    def categories(self):
        n = 0
        for slug, (name, parent_slug) in CATEGORIES.items():
            parent = Category.objects.get(slug=parent_slug) if parent_slug else None
            _, created = Category.objects.get_or_create(slug=slug, defaults={"name": name, "parent": parent})
            n += created
        return n

    def products(self, rng):
        categories = {c.slug: c for c in Category.objects.all()}
        existing = set(Product.objects.values_list("sku", flat=True))
        rows, seq = [], 0
        for slug, prefix, pattern, variants, unit, packs, (lo, hi), weight in PRODUCT_FAMILIES:
            for grade in ("", "P"):  # standard and professional grade of each variant
                for i, variant in enumerate(variants, start=1):
                    seq += 1
                    sku = f"{prefix}-{grade}{i:03d}"
                    name = pattern.format(v=variant) + (" (pro)" if grade else "")
                    if sku in existing:
                        continue
                    rows.append(Product(
                        sku=sku, name=name, category=categories[slug], unit=unit, pack_size=rng.choice(packs),
                        barcode=ean13(seq), weight_kg=Decimal(weight),
                        description=f"{name}. Category: {categories[slug].name}.",
                        active=rng.random() > 0.03,
                    ))
        bulk_create_with_history(rows, Product)
        return len(rows)

    def suppliers(self):
        n = 0
        for code, name, lead in SUPPLIERS:
            _, created = Supplier.objects.get_or_create(
                code=code, defaults={"name": name, "lead_time_days": lead, "email": f"sales@{code.lower()}.example.cn"}
            )
            n += created
        by_code = {s.code: s for s in Supplier.objects.all()}
        for prefix, code in SUPPLIER_OF_FAMILY.items():
            Product.objects.filter(sku__startswith=prefix + "-", supplier__isnull=True).update(supplier=by_code[code])
        return n

    def stock(self, rng, targets=None):
        """Opening stock in every warehouse through the ledger, with reorder settings; about
        one row in twelve starts below its reorder point so the low-stock board has work.
        With `targets` (a dict, when order history follows) active products start empty and
        their quantities go into `targets`: the history receives them on purchase orders in
        the last months, so the stock is as old as such stock would be."""
        warehouses = list(Warehouse.objects.order_by("code"))
        rows = []
        for product in Product.objects.order_by("sku"):
            cost = (self.list_price(product) * Decimal("0.62")).quantize(CENT, ROUND_HALF_UP)
            for wh in warehouses:
                point = rng.choice([10, 20, 40, 60])
                low = rng.random() < 0.08
                quantity = rng.randint(0, point) if low else rng.randint(point + 1, point * 6)
                if targets is not None and product.active and product.supplier_id:
                    targets[(wh.pk, product.pk)], quantity = quantity, 0
                rows.append((product, wh, quantity, cost, {
                    "reorder_point": point, "reorder_quantity": point * 2, "safety_stock": point // 4,
                }))
        return load_opening_stock(actor=None, rows=rows, reason=OPENING_REASON)

    def rules(self):
        """Tax, a promotion, approval rules and SLA targets — once."""
        from customers.models import Promotion, TaxRate
        from orders.models import ApprovalRule, SlaTarget

        self.service_rules()  # idempotent, so databases seeded before these rules existed get them too
        if ApprovalRule.objects.exists():
            return 0
        for tax_class, rate in (("standard", "13"), ("reduced", "9"), ("exempt", "0")):
            TaxRate.objects.get_or_create(tax_class=tax_class, region="", defaults={"rate": Decimal(rate)})
        today = date.today()
        Promotion.objects.create(name="Lighting spring promotion", kind="percent", value=Decimal("5"),
                                 category=Category.objects.get(slug="lighting"), starts_on=today - timedelta(days=10),
                                 ends_on=today + timedelta(days=60))
        ApprovalRule.objects.create(name="Large orders", condition="total_above", threshold=Decimal("20000"),
                                    levels=[StaffRole.SALES_MANAGER])
        ApprovalRule.objects.create(name="Very large orders", condition="total_above", threshold=Decimal("100000"),
                                    levels=[StaffRole.SALES_MANAGER, StaffRole.FINANCE])
        ApprovalRule.objects.create(name="Deep discounts", condition="discount_above", threshold=Decimal("12"),
                                    levels=[StaffRole.SALES_MANAGER])
        ApprovalRule.objects.create(name="Manual prices", condition="manual_price", levels=[StaffRole.SALES_MANAGER])
        ApprovalRule.objects.create(name="Credit overrun", condition="credit_overrun", levels=[StaffRole.FINANCE])
        for status, hours, role in (("on_hold", 24, StaffRole.SALES), ("pending_approval", 8, StaffRole.SALES_MANAGER),
                                    ("allocated", 24, StaffRole.WAREHOUSE), ("picking", 8, StaffRole.WAREHOUSE),
                                    ("packed", 8, StaffRole.WAREHOUSE), ("backordered", 72, StaffRole.MANAGER)):
            SlaTarget.objects.get_or_create(status=status, defaults={"hours": hours, "responsible_role": role})
        return 1

    def service_rules(self):
        """Loyalty (1 point per ¥10, a point worth ¥0.10, Gold earns double) and ticket SLAs."""
        from customers.models import LoyaltyRule, TicketCategory, TicketSla

        LoyaltyRule.objects.get_or_create(name="Dealer points", tier="", defaults={
            "points_per_unit": Decimal("0.1"), "point_value": Decimal("0.10"), "min_redeem_points": 100})
        LoyaltyRule.objects.get_or_create(name="Gold dealer points", tier="gold", defaults={
            "points_per_unit": Decimal("0.2"), "point_value": Decimal("0.10"), "min_redeem_points": 100})
        for category, hours in ((TicketCategory.CLAIM, 4), (TicketCategory.RETURN, 8), (TicketCategory.BILLING, 8),
                                (TicketCategory.QUESTION, 24), (TicketCategory.OTHER, 24)):
            TicketSla.objects.get_or_create(category=category, defaults={"first_response_hours": hours})

    def orders(self, rng, count=80, history_months=HISTORY_MONTHS, per_month=ORDERS_PER_MONTH, stock_targets=None):
        """About two years of order history (see OrderHistory), then `count` current orders
        through the intake service, some of them along the workflow, so every queue and board
        has something in it; finally the sales rollups for the whole range."""
        from orders.models import Order

        if Order.objects.exists():
            return 0
        history = (OrderHistory(rng, months=history_months, per_month=per_month, stock_targets=stock_targets)
                   if history_months > 0 else None)
        made = history.write() if history else 0
        made += self.current_orders(rng, count)
        if history:
            history.finish()
        return made

    def current_orders(self, rng, count):
        """Today's orders, some of them along the workflow, so every queue and board has work."""
        from orders.services.fulfilment import pack_item, ship_shipment, start_picking
        from orders.services.intake import place_order

        User = get_user_model()
        reps = list(User.objects.filter(staff_role=StaffRole.SALES))
        companies = list(Company.objects.filter(status=Company.Status.ACTIVE).order_by("code"))
        products = list(Product.objects.filter(active=True).order_by("sku"))
        made = 0
        for i in range(count):
            company = companies[i % len(companies)]
            lines = []
            for product in rng.sample(products, rng.randint(1, 4)):
                lines.append({"sku": product.sku, "quantity": product.pack_size * rng.randint(1, 6)})
            order, _created = place_order(actor=rng.choice(reps), company=company, lines=lines,
                                          channel=rng.choice(["console", "console", "portal", "api"]),
                                          idempotency_key=f"demo-{i}", customer_po=f"PO-{2026000 + i}",
                                          tags=rng.choice([[], [], ["rush"], ["vip"]]))
            made += 1
            if order.status == "allocated" and i % 3 == 0:
                for shipment in order.shipments.all():
                    start_picking(actor=None, shipments=[shipment])
                    if i % 2 == 0:
                        for line in shipment.lines.select_related("order_line__product"):
                            pack_item(actor=None, shipment=shipment, code=line.order_line.product.sku, quantity=line.quantity)
                        ship_shipment(actor=None, shipment=shipment, carrier=rng.choice(["SF Express", "ZTO", "JD Logistics"]),
                                      tracking_number=f"SF{rng.randrange(10**11, 10**12)}", service="Standard")
        return made

    # --- people -------------------------------------------------------------------------
    def staff(self):
        User = get_user_model()
        password = make_password(DEMO_PASSWORD)
        existing = set(User.objects.values_list("username", flat=True))
        rows = [
            User(username=u, email=f"{u}@oms.example.com", first_name=first, last_name=last, staff_role=role,
                 password=password, is_staff=role == StaffRole.ADMIN, is_superuser=role == StaffRole.ADMIN,
                 language="en")
            for u, role, first, last in STAFF if u not in existing
        ]
        User.objects.bulk_create(rows)
        return len(rows)

    def price_lists(self):
        products = list(Product.objects.order_by("sku"))
        n = 0
        for tier, discount in TIER_DISCOUNT.items():
            plist, created = PriceList.objects.get_or_create(
                code=f"CNY-{tier.upper()}", defaults={"name": f"{tier.label} dealer prices", "currency": "CNY", "tier": tier},
            )
            n += created
            have = set(PriceListItem.objects.filter(price_list=plist).values_list("product_id", "min_quantity"))
            items = []
            for p in products:
                base = self.list_price(p)
                for min_q, break_off in BREAKS:
                    if (p.pk, min_q) in have:
                        continue
                    price = (base * (1 - discount) * (1 - break_off)).quantize(CENT, ROUND_HALF_UP)
                    items.append(PriceListItem(price_list=plist, product=p, min_quantity=min_q, unit_price=price))
            bulk_create_with_history(items, PriceListItem, batch_size=1000)
        return n

    @staticmethod
    def list_price(product):
        # Deterministic per SKU, so reruns and new price lists agree.
        family = next(f for f in PRODUCT_FAMILIES if product.sku.startswith(f[1] + "-"))
        lo, hi = family[6]
        h = sum(ord(c) * (i + 7) for i, c in enumerate(product.sku)) % 1000
        price = Decimal(lo) + (Decimal(hi - lo) * h / 1000)
        return (price * (Decimal("1.25") if "-P" in product.sku else 1)).quantize(CENT, ROUND_HALF_UP)

    def companies(self, rng):
        User = get_user_model()
        reps = list(User.objects.filter(staff_role__in=[StaffRole.SALES, StaffRole.SALES_MANAGER]).order_by("username"))
        lists = {pl.tier: pl for pl in PriceList.objects.all()}
        existing = set(Company.objects.values_list("code", flat=True))
        made = 0
        for i in range(1, N_COMPANIES + 1):
            code = f"D{i:04d}"
            if code in existing:
                continue
            city, province, region = CITIES[(i - 1) % len(CITIES)]
            tier = rng.choices(list(TIER_DISCOUNT), weights=[5, 4, 2, 1])[0]
            name = f"{city} {rng.choice(TRADE_NAMES)} {rng.choice(TRADES)} Co., Ltd."
            status = Company.Status.ACTIVE if i % 12 else Company.Status.ON_HOLD
            company = Company.objects.create(
                code=code, name=name, tier=tier, region=region, currency="CNY",
                payment_terms=rng.choice(list(Company.PaymentTerms)),
                credit_limit=Decimal(rng.choice([50_000, 100_000, 200_000, 500_000, 1_000_000])),
                tax_id=f"91{rng.randrange(10**15, 10**16)}",
                status=status, sales_rep=reps[i % len(reps)] if reps else None, price_list=lists.get(tier),
                shipping_policy=rng.choice(list(Company.ShippingPolicy)),
            )
            person = f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}"
            Contact.objects.create(company=company, name=person, title="Purchasing manager",
                                   email=f"purchasing@{code.lower()}.example.cn",
                                   phone=f"1{rng.randrange(3, 9)}{rng.randrange(10**8, 10**9)}", is_primary=True)
            for kind, label in ((Address.Kind.BILLING, "Head office"), (Address.Kind.SHIPPING, "Main warehouse")):
                Address.objects.create(
                    company=company, kind=kind, label=label, recipient=person,
                    phone=f"1{rng.randrange(3, 9)}{rng.randrange(10**8, 10**9)}",
                    line1=f"{rng.randrange(1, 999)} {rng.choice(['Renmin', 'Jiefang', 'Zhongshan', 'Jianshe', 'Xinhua'])} Rd",
                    city=city, province=province, postal_code=f"{rng.randrange(100000, 999999)}", region=region,
                    is_default=True,
                )
            if i % 3 == 0:
                Address.objects.create(
                    company=company, kind=Address.Kind.SHIPPING, label="Branch store", recipient=person,
                    phone=f"1{rng.randrange(3, 9)}{rng.randrange(10**8, 10**9)}",
                    line1=f"{rng.randrange(1, 999)} Industrial Park Rd", city=city, province=province, region=region,
                )
            made += 1
        return made

    def dealer_users(self, rng):
        """dealer (admin), buyer and approver at D0001; one buyer at every other company."""
        User = get_user_model()
        password = make_password(DEMO_PASSWORD)
        existing = set(User.objects.values_list("username", flat=True))
        wanted = [("dealer", "D0001", DealerRole.ADMIN), ("buyer", "D0001", DealerRole.BUYER),
                  ("approver", "D0001", DealerRole.APPROVER)]
        wanted += [(f"buyer.{c.lower()}", c, DealerRole.BUYER) for c in
                   Company.objects.exclude(code="D0001").order_by("code").values_list("code", flat=True)]
        companies = {c.code: c for c in Company.objects.all()}
        made = 0
        for username, code, role in wanted:
            if username in existing:
                continue
            user = User.objects.create(
                username=username, email=f"{username}@{code.lower()}.example.cn", password=password,
                first_name=rng.choice(GIVEN), last_name=rng.choice(SURNAMES), language="zh-hans",
            )
            DealerAccount.objects.create(user=user, company=companies[code], role=role)
            made += 1
        return made


# --- order history ---------------------------------------------------------------------------
GROWTH_PER_YEAR = 0.15
# Building supplies in China: a spring and an autumn ("golden September, silver October") peak,
# quiet around the Spring Festival and in the summer heat.
SEASON = {1: 0.75, 2: 0.55, 3: 1.1, 4: 1.3, 5: 1.25, 6: 1.0, 7: 0.8, 8: 0.8, 9: 1.2, 10: 1.35, 11: 1.2, 12: 0.9}
N_STAPLES = 24  # SKUs nearly every dealer buys every month: enough history for the forecast
CARRIERS = [("SF Express", "SF"), ("ZTO Express", "ZTO"), ("JD Logistics", "JD"), ("Deppon", "DPK")]
CHANNELS = ["console"] * 9 + ["portal"] * 8 + ["api"] * 2 + ["import"]
TIER_WEIGHT = {Tier.STANDARD: 1.0, Tier.SILVER: 1.5, Tier.GOLD: 2.2, Tier.PLATINUM: 3.0}
CANCEL_SHARE = 0.02  # withdrawn by the customer before picking
UNPAID_SHARE = 0.04  # invoices past due that were never paid: the overdue ones
MAX_ORDER_VALUE = Decimal("45000")  # keeps most orders within the smallest credit limit


def month_start(day, back=0):
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


class Timeline:
    """Which demo time each stretch of real time stands for.

    History is written through the real services, which stamp rows with the real clock
    (timezone.now(), auto_now, the database's now()). Before each step the seeder calls
    at(demo_time): everything written from then until the next mark happened at demo_time
    (plus the few milliseconds the step took). shift_history() then moves every such row."""

    def __init__(self):
        self.marks = []  # [(real start, demo time)], real starts increasing
        self.end = None

    def at(self, when):
        self.marks.append((timezone.now(), when))

    def close(self):
        self.end = timezone.now()

    @property
    def start(self):
        return self.marks[0][0]


class OrderHistory:
    """About two years of believable past orders (seasonal, growing, over the demo customers,
    channels and products), written through the real services — intake, approval, picking,
    packing, shipping, tracking, invoicing, bank transfers, purchase-order receipts — and then
    moved back to their demo dates (shift_history)."""

    def __init__(self, rng, months=HISTORY_MONTHS, per_month=ORDERS_PER_MONTH, stock_targets=None):
        self.rng = random.Random(rng.random())
        self.stock_targets = stock_targets or {}
        self.months = months
        self.per_month = per_month
        self.timeline = Timeline()
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.tz = timezone.get_current_timezone()
        self.first_day = month_start(self.today, months)
        self.po_ids = []
        self.settled_long_ago = 0
        self.made = 0

    # --- plan --------------------------------------------------------------------------
    def plan(self):
        rng = self.rng
        companies = list(Company.objects.filter(status=Company.Status.ACTIVE).select_related("sales_rep").order_by("code"))
        products = list(Product.objects.filter(active=True, supplier__isnull=False).order_by("sku"))
        staples = rng.sample(products, N_STAPLES)
        staple_w = [1 / (i + 1) ** 0.5 for i in range(len(staples))]
        tail = [p for p in products if p not in staples]
        company_w = [TIER_WEIGHT.get(c.tier, 1.0) for c in companies]
        last_day = self.today - timedelta(days=2)
        orders = []
        for m in range(self.months + 1):
            first = month_start(self.today, self.months - m)
            days = [first + timedelta(days=d) for d in range(31)
                    if (first + timedelta(days=d)).month == first.month and first + timedelta(days=d) <= last_day
                    and (first + timedelta(days=d)).weekday() != 6]
            if not days:
                continue
            season = SEASON[first.month]
            n = self.per_month * season * (1 + GROWTH_PER_YEAR * m / 12) * rng.uniform(0.92, 1.08)
            n = round(n * len(days) / 26)
            for _i in range(n):
                day = rng.choice(days)
                at = timezone.make_aware(datetime.combine(day, time(rng.randint(8, 17), rng.randint(0, 59))), self.tz)
                company = rng.choices(companies, weights=company_w)[0]
                picks = rng.choices(staples, weights=staple_w, k=rng.choice([2, 3, 3, 4, 4, 5, 6]))
                picks += rng.sample(tail, rng.choice([0, 1, 1, 2, 2, 3]))
                lines, value = {}, Decimal(0)
                for p in picks:
                    if p.pk in lines:
                        continue
                    packs = max(1, round(rng.randint(1, 5) * season * rng.uniform(0.7, 1.3)))
                    qty = p.pack_size * packs
                    price = Command.list_price(p)
                    if value + price * qty > MAX_ORDER_VALUE:
                        qty = p.pack_size
                        if value + price * qty > MAX_ORDER_VALUE:
                            continue
                    lines[p.pk] = (p, qty)
                    value += price * qty
                if lines:
                    orders.append((at, company, list(lines.values())))
        orders.sort(key=lambda o: o[0])
        return orders

    # --- write -------------------------------------------------------------------------
    def write(self):
        from oms.models import Notification

        User = get_user_model()
        self.by_role = {}
        for u in User.objects.exclude(staff_role="").order_by("username"):
            self.by_role.setdefault(u.staff_role, u)
        self.dealer_user = {a.company_id: a.user for a in DealerAccount.objects.select_related("user").order_by("pk")}
        planned = self.plan()
        self.preferred = self.warehouse_by_region()
        quarters = {}
        for at, company, lines in planned:
            q = self.quarter(at.date())
            wh = self.preferred.get(company.region, self.default_wh)
            for p, qty in lines:
                quarters.setdefault(q, {})
                quarters[q][(wh.pk, p.pk)] = quarters[q].get((wh.pk, p.pk), 0) + qty
        products = {p.pk: p for p in Product.objects.filter(pk__in={pk for _w, pk in self.stock_targets})}
        products.update({p.pk: p for _a, _c, lines in planned for p, _q in lines})
        notifications_before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        # Nobody is e-mailed about the history (notify() queues e-mail only for rows with
        # email set), and its inbox messages are deleted below: two-year-old news would bury today's.
        pre_save.connect(no_email, sender=Notification, dispatch_uid="seed_demo_no_email")
        try:
            done_quarters = set()
            topups = self.topups()
            for n, (at, company, lines) in enumerate(planned, start=1):
                while topups and topups[0][0] <= at:
                    self.restock(*topups.pop(0), products=products, note="Stock build-up (demo history)")
                q = self.quarter(at.date())
                if q not in done_quarters:
                    done_quarters.add(q)
                    start = month_start(self.first_day, -3 * q)
                    self.restock(self.moment(start - timedelta(days=3), 14), quarters[q], products=products, lead_days=7,
                                 note="Quarterly stock order (demo history)")
                self.live_order(n, at, company, lines)
            for received, demand in topups:
                self.restock(received, demand, products=products, note="Stock build-up (demo history)")
        finally:
            pre_save.disconnect(sender=Notification, dispatch_uid="seed_demo_no_email")
        if not self.timeline.marks:
            return 0
        self.timeline.close()
        Notification.objects.filter(pk__gt=notifications_before).delete()
        shift_history(self.timeline, po_ids=self.po_ids, today=self.today,
                      opening_at=timezone.make_aware(datetime.combine(self.first_day - timedelta(days=30), time(9)), self.tz))
        return self.made

    def finish(self):
        """After the current orders: invoice numbers by issue year, and the sales rollups."""
        from reports.rollup import rebuild_range

        renumber_invoices()
        rebuild_range(self.first_day - timedelta(days=1), self.today)

    def quarter(self, day):
        return ((day.year * 12 + day.month - 1) - (self.first_day.year * 12 + self.first_day.month - 1)) // 3

    def warehouse_by_region(self):
        warehouses = list(Warehouse.objects.filter(active=True).order_by("priority", "code"))
        self.default_wh = warehouses[0]
        return {wh.region: wh for wh in reversed(warehouses)}

    def moment(self, day, hour):
        return timezone.make_aware(datetime.combine(day, time(hour)), self.tz)

    def topups(self):
        """[(received at, {(warehouse pk, product pk): units})]: the stock the demo shows today,
        received in two rounds, about eleven and four weeks ago."""
        first = {k: q // 2 for k, q in self.stock_targets.items()}
        second = {k: q - first[k] for k, q in self.stock_targets.items()}
        rounds = [(self.moment(self.today - timedelta(days=75), 11), first),
                  (self.moment(self.today - timedelta(days=26), 15), second)]
        return [(at, {k: q for k, q in demand.items() if q > 0}) for at, demand in rounds]

    def restock(self, received, demand, *, products, lead_days=7, note=""):
        """A purchase order per warehouse and supplier for `demand`, sent `lead_days` before
        it is received."""
        from inventory.services import create_purchase_order, receive_purchase_order, send_purchase_order

        if not demand:
            return
        sent = received - timedelta(days=lead_days, hours=4)
        groups = {}
        for (wh_pk, p_pk), qty in sorted(demand.items()):
            p = products[p_pk]
            groups.setdefault((p.supplier_id, wh_pk), []).append((p, qty, (Command.list_price(p) * Decimal("0.62")).quantize(CENT)))
        warehouses = {w.pk: w for w in Warehouse.objects.all()}
        suppliers = {s.pk: s for s in Supplier.objects.all()}
        buyer = self.by_role.get(StaffRole.WAREHOUSE)
        pos = []
        self.timeline.at(sent)
        for (sup_pk, wh_pk), lines in sorted(groups.items()):
            po = create_purchase_order(actor=buyer, supplier=suppliers[sup_pk], warehouse=warehouses[wh_pk], lines=lines,
                                       notes=note)
            pos.append(send_purchase_order(actor=buyer, order=po))
        self.timeline.at(received)
        for po in pos:
            receive_purchase_order(actor=buyer, order=po)
        self.po_ids += [po.pk for po in pos]

    def live_order(self, n, at, company, lines):
        """One order's life, each step marked with the demo time it happened at."""
        from orders.models import Channel, Status
        from orders.review import only_awaiting_payment
        from orders.services.fulfilment import complete_order, pack_item, record_delivery, ship_shipment, start_picking
        from orders.services.intake import place_order
        from orders.services.tracking import record_tracking_event
        from orders.services.workflow import approve_order, cancel_order, current_approval
        from payments.services import live_invoice, record_bank_transfer

        rng, tl = self.rng, self.timeline
        channel = rng.choice(CHANNELS)
        actor = self.dealer_user.get(company.pk) if channel == Channel.PORTAL else company.sales_rep
        tl.at(at)
        order, _created = place_order(
            actor=actor, company=company, lines=[{"sku": p.sku, "quantity": q} for p, q in lines], channel=channel,
            idempotency_key=f"demo-h{n}", customer_po=f"PO-{at:%y%m}-{n:04d}", today=at.date(),
            tags=rng.choice([[]] * 8 + [["rush"], ["vip"]]), source="demo history",
        )
        self.made += 1
        finance = self.by_role.get(StaffRole.FINANCE)
        if order.status == Status.ON_HOLD and only_awaiting_payment(order.hold_reasons):
            tl.at(at + timedelta(minutes=rng.randint(20, 180)))
            record_bank_transfer(actor=finance, amount=order.total, reference=f"BT{at:%y%m%d}{n:05d}", order=order)
            order.refresh_from_db()
        step = at + timedelta(hours=rng.randint(1, 5))
        while order.status == Status.PENDING_APPROVAL:
            approval = current_approval(order)
            tl.at(step)
            order = approve_order(actor=self.by_role[approval.role], order=order, approval_id=approval.pk,
                                  comment="OK for this customer.")
            step += timedelta(hours=rng.randint(1, 4))
        if order.status != Status.ALLOCATED or rng.random() < CANCEL_SHARE:
            if order.status not in (Status.DRAFT, Status.CANCELLED, Status.COMPLETED):
                tl.at(step)
                cancel_order(actor=company.sales_rep, order=order, reason="Withdrawn by the customer.")
            return
        # picked, packed and shipped on one day: in time for the promised delivery, now and then late
        lead = ((order.promised_date or at.date()) - at.date()).days
        ship_day = at.date() + timedelta(days=rng.randint(0, max(0, lead - 2)) + (rng.random() < 0.06))
        if ship_day.weekday() == 6:
            ship_day += timedelta(days=1)
        shipped = max(timezone.make_aware(datetime.combine(ship_day, time(rng.randint(14, 18), rng.randint(0, 59))), self.tz),
                      step + timedelta(hours=1))
        if shipped > self.now:
            return
        carrier, prefix = rng.choice(CARRIERS)
        tl.at(shipped - timedelta(hours=3))
        shipments = list(order.shipments.all())
        start_picking(actor=self.by_role.get(StaffRole.WAREHOUSE), shipments=shipments)
        for shipment in shipments:
            for line in shipment.lines.select_related("order_line__product"):
                pack_item(actor=None, shipment=shipment, code=line.order_line.product.sku, quantity=line.quantity)
        tl.at(shipped)
        for shipment in shipments:
            ship_shipment(actor=self.by_role.get(StaffRole.WAREHOUSE), shipment=shipment, carrier=carrier,
                          tracking_number=f"{prefix}{rng.randrange(10**11, 10**12)}", service="Standard")
        # most arrive by the promised day, some a day or more late
        due = order.promised_date or ship_day + timedelta(days=2)
        deliver_day = due + timedelta(days=rng.choice([-1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2]))
        delivered = max(timezone.make_aware(datetime.combine(deliver_day, time(rng.randint(9, 17), rng.randint(0, 59))), self.tz),
                        shipped + timedelta(hours=rng.randint(14, 20)))
        if delivered > self.now:
            return
        tl.at(delivered)
        for shipment in shipments:
            if rng.random() < 0.5:  # the carrier's file says so
                record_tracking_event(actor=None, shipment=shipment, status="delivered", occurred_at=timezone.now(),
                                      location=company.get_region_display(), source="carrier",
                                      external_id=f"{shipment.number}-D")
            else:  # the dealer signed for it
                record_delivery(actor=None, shipment=shipment, received_by=order.ship_recipient)
        completed = delivered + timedelta(days=rng.randint(1, 3))
        if completed < self.now:
            tl.at(completed)
            complete_order(actor=company.sales_rep, order=order)
        invoice = live_invoice(order)
        if invoice is None or invoice.balance <= 0:
            return
        terms = {"net15": 15, "net30": 30, "net60": 60}.get(order.payment_terms, 3)
        paid = shipped + timedelta(days=round(terms * rng.uniform(0.4, 1.25)), hours=rng.randint(0, 6))
        if paid > self.now:
            return  # not paid yet
        if paid < self.now - timedelta(days=90):
            self.settled_long_ago += 1
            if self.settled_long_ago % round(1 / UNPAID_SHARE) == 1:
                return  # never paid: overdue
        tl.at(paid)
        amount = invoice.balance if rng.random() > 0.02 else (invoice.balance / 2).quantize(CENT)
        record_bank_transfer(actor=finance, amount=amount, reference=f"BT{paid:%y%m%d}{n:05d}", invoice=invoice)


def no_email(sender, instance, **kwargs):
    instance.email = False


def shift_history(timeline, *, po_ids, today, opening_at):
    """Move every row the history wrote back to its demo time.

    This is a seeder writing history, not a business action, so it UPDATEs timestamps
    directly: the services stamp rows with the real clock and have no way (nor should have
    one) to say "this happened two years ago". Every timestamptz column of every table is
    shifted, piecewise: a value written between two marks of the timeline moves by that mark's
    offset — orders (created, status since, updated), their events, approvals, shipments
    (created, shipped, delivered), tracking events, reservations, stock movements, purchase
    orders, invoices, payments and their allocations, loyalty entries, webhook outbox rows...
    whatever the services wrote. Dates derived from the real day follow: invoice issue and due
    dates, purchase orders' expected dates. The demo's opening stock balances move to before
    the history, so the ledger reads in time order."""
    from django.db import connection

    marks = timeline.marks
    los = [real for real, _demo in marks]
    his = los[1:] + [timeline.end]
    offsets = [demo - real for real, demo in marks]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE demo_shift (lo timestamptz PRIMARY KEY, hi timestamptz, off interval) ON COMMIT DROP")
        cursor.execute("INSERT INTO demo_shift SELECT * FROM unnest(%s::timestamptz[], %s::timestamptz[], %s::interval[])",
                       [los, his, offsets])
        cursor.execute("ANALYZE demo_shift")
        cursor.execute(
            "SELECT c.table_name, c.column_name FROM information_schema.columns c "
            "JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
            "WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' "
            "AND c.data_type = 'timestamp with time zone' ORDER BY 1, 2")
        for table, column in cursor.fetchall():
            t, c = connection.ops.quote_name(table), connection.ops.quote_name(column)
            cursor.execute(
                f"UPDATE {t} SET {c} = {c} + (SELECT m.off FROM demo_shift m WHERE m.lo <= {t}.{c} ORDER BY m.lo DESC LIMIT 1) "
                f"WHERE {c} >= %s AND {c} < %s", [timeline.start, timeline.end])
        tz = settings.TIME_ZONE
        cursor.execute(
            "UPDATE payments_invoice SET issue_date = (created_at AT TIME ZONE %s)::date, "
            "due_date = (created_at AT TIME ZONE %s)::date + (due_date - issue_date) "
            "WHERE issue_date <> (created_at AT TIME ZONE %s)::date", [tz, tz, tz])
        cursor.execute(
            "UPDATE inventory_purchaseorder SET expected_date = (created_at AT TIME ZONE %s)::date + (expected_date - %s) "
            "WHERE id = ANY(%s) AND expected_date IS NOT NULL", [tz, today, po_ids])
        cursor.execute("UPDATE inventory_stockmovement SET created_at = %s WHERE reason = %s AND created_at >= %s",
                       [opening_at, OPENING_REASON, opening_at])


def renumber_invoices():
    """Invoice numbers carry the year of issue (INV-2025-000123) and are gapless per year: the
    history's invoices were numbered in the real year, so number them again by issue date and
    set each year's counter to match."""
    from django.db import connection

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE payments_invoice IN EXCLUSIVE MODE")
        cursor.execute("UPDATE payments_invoice SET number = 'TMP-' || id")
        cursor.execute(
            "WITH n AS (SELECT id, EXTRACT(year FROM issue_date)::int AS y, "
            "ROW_NUMBER() OVER (PARTITION BY EXTRACT(year FROM issue_date) ORDER BY issue_date, id) AS rn "
            "FROM payments_invoice) "
            "UPDATE payments_invoice i SET number = 'INV-' || n.y || '-' || lpad(n.rn::text, 6, '0') FROM n WHERE n.id = i.id")
        cursor.execute("DELETE FROM oms_sequence WHERE name LIKE 'invoice-%%'")
        cursor.execute(
            "INSERT INTO oms_sequence (name, last_value) SELECT 'invoice-' || EXTRACT(year FROM issue_date)::int, COUNT(*) "
            "FROM payments_invoice GROUP BY 1")
