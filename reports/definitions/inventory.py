"""Inventory reports: levels, valuation, turnover, aging, stock-outs (SPEC §G, issue #7)."""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from oms.permissions import Perm
from reports.queries import inventory as q
from reports.registry import Chart, Column, ColumnKind as K, Report, Section, register

# "region" is the warehouse's region here (stock has no customer).
FILTERS = ("warehouse", "category", "region")
PERIOD_FILTERS = ("period", "warehouse", "category", "region")


def _yes(flag):
    return gettext("Yes") if flag else ""


def _currency():
    return settings.OMS_DEFAULT_CURRENCY


@register
class InventoryLevels(Report):
    slug = "inventory-levels"
    title = _("Inventory levels")
    description = _("On hand, reserved, free, incoming and in-transit stock per product and warehouse, now.")
    perm = Perm.REPORTS_VIEW
    filters = FILTERS

    def compute(self, params, progress):
        rows, summary = q.stock_levels(**params)
        progress(80)
        for r in rows:
            r["low"], r["below_safety"] = _yes(r["low"]), _yes(r["below_safety"])
        totals = {k: sum(r[k] for r in summary) for k in ("skus", "on_hand", "reserved", "free", "incoming", "in_transit", "low")}
        totals.update(warehouse=gettext("Total"), warehouse_name="")
        return self.result(params, [
            Section("by_warehouse", gettext("By warehouse"), [
                Column("warehouse", gettext("Warehouse")), Column("warehouse_name", gettext("Name")),
                Column("skus", gettext("SKUs in stock"), K.INT), Column("on_hand", gettext("On hand"), K.INT),
                Column("reserved", gettext("Reserved"), K.INT), Column("free", gettext("Free"), K.INT),
                Column("incoming", gettext("Incoming"), K.INT), Column("in_transit", gettext("In transit"), K.INT),
                Column("low", gettext("Low-stock rows"), K.INT),
            ], summary, Chart("bar", "warehouse", ("on_hand", "reserved", "free"), gettext("Units by warehouse")),
                totals=totals),
            Section("levels", gettext("Stock levels"), [
                Column("sku", gettext("SKU")), Column("product", gettext("Product")), Column("category", gettext("Category")),
                Column("warehouse", gettext("Warehouse")), Column("on_hand", gettext("On hand"), K.INT),
                Column("reserved", gettext("Reserved"), K.INT), Column("free", gettext("Free"), K.INT),
                Column("incoming", gettext("Incoming"), K.INT), Column("in_transit", gettext("In transit"), K.INT),
                Column("reorder_point", gettext("Reorder point"), K.INT), Column("safety_stock", gettext("Safety stock"), K.INT),
                Column("low", gettext("Low")), Column("below_safety", gettext("Below safety stock")),
            ], rows, note=gettext("Free = on hand − reserved. Low = free + incoming + in transit at or below the reorder point.")),
        ])


@register
class InventoryValuation(Report):
    slug = "inventory-valuation"
    title = _("Inventory valuation")
    description = _("Stock on hand valued at moving average cost, by warehouse, category and product.")
    perm = Perm.REPORTS_VIEW
    filters = FILTERS

    def compute(self, params, progress):
        data = q.valuation(**params)
        progress(80)
        cur = _currency()
        for key in ("by_warehouse", "by_category", "by_product"):
            for r in data[key]:
                r["currency"] = cur
        total = data["total"]
        money = Column("value", gettext("Value"), K.MONEY, currency=cur)
        return self.result(params, [
            Section("by_warehouse", gettext("By warehouse"), [
                Column("warehouse", gettext("Warehouse")), Column("warehouse_name", gettext("Name")),
                Column("skus", gettext("SKUs"), K.INT), Column("units", gettext("Units"), K.INT), money,
            ], data["by_warehouse"], Chart("bar", "warehouse", ("value",), gettext("Value by warehouse")),
                totals={"warehouse": gettext("Total"), "warehouse_name": "", "skus": total["skus"], "units": total["units"],
                        "value": total["value"], "currency": cur},
                note=gettext("Each product × warehouse is valued on hand × average cost, rounded to the cent; rows add up to the totals.")),
            Section("by_category", gettext("By category"), [
                Column("category", gettext("Category")), Column("skus", gettext("SKUs"), K.INT),
                Column("units", gettext("Units"), K.INT), money,
            ], data["by_category"], Chart("bar", "category", ("value",), gettext("Value by category")),
                totals={"category": gettext("Total"), "skus": total["skus"], "units": total["units"], "value": total["value"],
                        "currency": cur}),
            Section("by_product", gettext("By product"), [
                Column("sku", gettext("SKU")), Column("product", gettext("Product")), Column("category", gettext("Category")),
                Column("average_cost", gettext("Average cost"), K.DECIMAL), Column("units", gettext("Units"), K.INT), money,
            ], data["by_product"],
                totals={"sku": gettext("Total"), "product": "", "category": "", "average_cost": None, "units": total["units"],
                        "value": total["value"], "currency": cur}),
        ])


@register
class InventoryTurnover(Report):
    slug = "inventory-turnover"
    title = _("Inventory turnover")
    description = _("Units shipped and scrapped in the period against average stock on hand; days of supply.")
    perm = Perm.REPORTS_VIEW
    filters = PERIOD_FILTERS

    def compute(self, params, progress):
        rows, totals, days = q.turnover(**params)
        progress(80)
        by_cat: dict[str, dict] = {}
        for r in rows:
            c = by_cat.setdefault(r["category"], {"category": r["category"], "units_out": 0,
                                                  "average_on_hand": Decimal("0"), "on_hand": 0})
            c["units_out"] += r["units_out"]
            c["average_on_hand"] += r["average_on_hand"]
            c["on_hand"] += r["on_hand"]
        for c in by_cat.values():
            c["turnover"] = q.ratio(c["units_out"], c["average_on_hand"], 2) if c["average_on_hand"] else None
        totals["sku"] = gettext("Total")
        note = gettext("Units out = shipments + scrap from the stock ledger (transfers between warehouses are not counted). "
                  "Average on hand is time-weighted over the %(days)s days of the period from the ledger. "
                  "Turnover = units out ÷ average on hand. Days of supply = on hand now ÷ units out per day.") % {
            "days": q.ratio(days, 1, 1)}
        return self.result(params, [
            Section("by_category", gettext("By category"), [
                Column("category", gettext("Category")), Column("units_out", gettext("Units out"), K.INT),
                Column("average_on_hand", gettext("Average on hand"), K.DECIMAL), Column("turnover", gettext("Turnover"), K.DECIMAL),
                Column("on_hand", gettext("On hand now"), K.INT),
            ], sorted(by_cat.values(), key=lambda c: c["category"]),
                Chart("bar", "category", ("turnover",), gettext("Turnover by category"))),
            Section("products", gettext("By product"), [
                Column("sku", gettext("SKU")), Column("product", gettext("Product")), Column("category", gettext("Category")),
                Column("shipped", gettext("Shipped"), K.INT), Column("scrapped", gettext("Scrapped"), K.INT),
                Column("units_out", gettext("Units out"), K.INT), Column("average_on_hand", gettext("Average on hand"), K.DECIMAL),
                Column("turnover", gettext("Turnover"), K.DECIMAL), Column("on_hand", gettext("On hand now"), K.INT),
                Column("days_of_supply", gettext("Days of supply"), K.DECIMAL),
            ], rows, totals=totals, note=note),
        ])


AGE_LABELS = {"d0_30": "0–30", "d31_60": "31–60", "d61_90": "61–90", "d90_plus": "90+"}


@register
class InventoryAging(Report):
    slug = "inventory-aging"
    title = _("Inventory aging")
    description = _("Stock on hand by age since receipt (first in, first out), in units and value.")
    perm = Perm.REPORTS_VIEW
    filters = FILTERS

    def compute(self, params, progress):
        rows, totals = q.aging(**params)
        progress(80)
        cur = _currency()
        for r in rows:
            r["currency"] = cur
        summary = [{"bucket": gettext("%(range)s days") % {"range": label}, "units": totals[k],
                    "value": totals[f"{k}_value"], "currency": cur} for k, label in AGE_LABELS.items()]
        columns = [Column("sku", gettext("SKU")), Column("product", gettext("Product")), Column("warehouse", gettext("Warehouse")),
                   Column("on_hand", gettext("On hand"), K.INT)]
        for k, label in AGE_LABELS.items():
            columns.append(Column(k, gettext("%(range)s days (units)") % {"range": label}, K.INT))
        for k, label in AGE_LABELS.items():
            columns.append(Column(f"{k}_value", gettext("%(range)s days (value)") % {"range": label}, K.MONEY, currency=cur))
        columns.append(Column("value", gettext("Value"), K.MONEY, currency=cur))
        return self.result(params, [
            Section("buckets", gettext("By age"), [
                Column("bucket", gettext("Age")), Column("units", gettext("Units"), K.INT),
                Column("value", gettext("Value"), K.MONEY, currency=cur),
            ], summary, Chart("bar", "bucket", ("units",), gettext("Units on hand by age")),
                totals={"bucket": gettext("Total"), "units": totals["on_hand"], "value": totals["value"], "currency": cur}),
            Section("stock", gettext("By product and warehouse"), columns, rows,
                    totals={**totals, "sku": gettext("Total"), "product": "", "warehouse": "", "currency": cur},
                    note=gettext("Method: the units on hand are taken to be the most recent inflows (receipts, transfers in, "
                            "restocked returns), newest first — first in, first out — so each unit is as old as the "
                            "inflow it arrived with. Units the recorded inflows do not explain (raised by counts or "
                            "adjustments) count as over 90 days. Value = units × average cost, rounded to the cent.")),
        ])


@register
class InventoryStockOuts(Report):
    slug = "inventory-stock-outs"
    title = _("Stock-outs")
    description = _("Products and warehouses with no free stock now, or that ran out during the period, and for how long.")
    perm = Perm.REPORTS_VIEW
    filters = PERIOD_FILTERS

    def compute(self, params, progress):
        rows = q.stock_outs(**params)
        progress(80)
        by_wh: dict[str, dict] = {}
        for r in rows:
            w = by_wh.setdefault(r["warehouse"], {"warehouse": r["warehouse"], "rows": 0, "out_now": 0, "episodes": 0,
                                                  "days_out": Decimal("0.0")})
            w["rows"] += 1
            w["out_now"] += int(r["out_now"])
            w["episodes"] += r["episodes"]
            w["days_out"] += r["days_out"]
            r["out_now"] = _yes(r["out_now"])
        return self.result(params, [
            Section("by_warehouse", gettext("By warehouse"), [
                Column("warehouse", gettext("Warehouse")), Column("rows", gettext("Products affected"), K.INT),
                Column("out_now", gettext("Out of stock now"), K.INT), Column("episodes", gettext("Stock-outs in period"), K.INT),
                Column("days_out", gettext("Days out of stock"), K.DECIMAL),
            ], sorted(by_wh.values(), key=lambda w: w["warehouse"]),
                Chart("bar", "warehouse", ("days_out",), gettext("Days out of stock by warehouse"))),
            Section("stock_outs", gettext("Stock-outs"), [
                Column("sku", gettext("SKU")), Column("product", gettext("Product")), Column("warehouse", gettext("Warehouse")),
                Column("on_hand", gettext("On hand"), K.INT), Column("reserved", gettext("Reserved"), K.INT),
                Column("free", gettext("Free"), K.INT), Column("out_now", gettext("Out now")),
                Column("episodes", gettext("Stock-outs in period"), K.INT),
                Column("days_out", gettext("Days out of stock"), K.DECIMAL),
                Column("last_out", gettext("Last ran out"), K.DATETIME),
            ], rows, note=gettext("Out of stock = free stock (on hand − reserved) at or below zero. Durations come from the "
                             "stock ledger; a row already out when the period began counts from the start of the period, "
                             "a row with no movement before the period from its first movement.")),
        ])
