"""Routing: which warehouse(s) ship an order. A pure function over the numbers, so the rules
are easy to test:

1. one warehouse that can ship every line — nearest the ship-to region, then by priority;
2. else a split across the fewest warehouses (greedy: each time the warehouse that covers the
   most remaining units, nearest/priority breaking ties);
3. else the remainder is backordered; a ship-complete customer waits for everything."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy, gettext_noop

from oms.i18n import Message


@dataclass
class Plan:
    picks: dict = field(default_factory=dict)  # warehouse -> {line_key: qty}
    backorder: dict = field(default_factory=dict)  # line_key -> qty
    reason: object = ""  # an oms.i18n.Message: shown in each reader's language

    @property
    def allocated_anything(self):
        return any(self.picks.values())


def plan_allocation(*, needs, warehouses, available, region, ship_complete=False) -> Plan:
    """needs: {line_key: (product_id, qty)}; warehouses: ordered by priority;
    available: {(product_id, warehouse_id): units}."""
    needs = {k: v for k, v in needs.items() if v[1] > 0}
    if not needs:
        return Plan(reason=Message(gettext_noop("Nothing left to allocate.")))
    rank = {wh.pk: (wh.region != region, wh.priority, wh.code) for wh in warehouses}
    ordered = sorted(warehouses, key=lambda wh: rank[wh.pk])

    for wh in ordered:
        if all(available.get((pid, wh.pk), 0) >= qty for pid, qty in needs.values()):
            near = (gettext_lazy("nearest to the ship-to region") if wh.region == region
                    else gettext_lazy("highest priority with stock"))
            return Plan(picks={wh: {k: qty for k, (_p, qty) in needs.items()}},
                        reason=Message(gettext_noop("%(code)s ships everything (%(why)s)."), code=wh.code, why=near))

    remaining = {k: qty for k, (_p, qty) in needs.items()}
    free = dict(available)
    picks = {}
    while remaining:
        best, best_units = None, 0
        for wh in ordered:
            if wh in picks:
                continue
            units = sum(min(free.get((needs[k][0], wh.pk), 0), q) for k, q in remaining.items())
            if units > best_units:
                best, best_units = wh, units
        if best is None:
            break
        take = {}
        for k, q in list(remaining.items()):
            n = min(free.get((needs[k][0], best.pk), 0), q)
            if n:
                take[k] = n
                free[(needs[k][0], best.pk)] -= n
                remaining[k] -= n
                if remaining[k] == 0:
                    del remaining[k]
        picks[best] = take

    codes = ", ".join(wh.code for wh in picks)
    if not remaining:
        return Plan(picks=picks, reason=Message(gettext_noop("No single warehouse has everything: split across %(codes)s."),
                                                codes=codes))
    short = sum(remaining.values())
    if ship_complete:
        return Plan(picks={}, backorder={k: q for k, (_p, q) in needs.items()},
                    reason=Message(gettext_noop("Ship-complete customer: waiting for %(n)d missing units before anything "
                                                "ships."), n=short))
    if not picks:
        return Plan(backorder=remaining, reason=Message(gettext_noop("No stock anywhere: everything is backordered.")))
    return Plan(picks=picks, backorder=remaining,
                reason=Message(gettext_noop("Ships what is in stock from %(codes)s; %(n)d units backordered."),
                               codes=codes, n=short))
