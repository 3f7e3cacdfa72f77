from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from oms.permissions import Perm, StaffRole, staff_required
from oms.regions import Region
from orders.models import Status
from orders.state import OPEN

from .. import selectors
from ..charts import svg_chart
from ..queries.dashboard import BOOKED_STATUSES
from ..registry import Chart

# What the "Open orders" figure counts (orders.selectors_console.order_status_counts).
OPEN_STATUSES = [status.value for status in Status if status in OPEN]


@staff_required(Perm.CONSOLE)
def dashboard(request):
    data = selectors.console_dashboard(request.user)
    regions = dict(Region.choices)
    roles = dict(StaffRole.choices)
    for row in data.get("customers_by_region", []):
        row["label"] = regions.get(row["region"], row["region"])
    for row in data.get("staff_by_role", []):
        row["label"] = roles.get(row["staff_role"], row["staff_role"])
    order_list = reverse("console:order_list")
    if "orders" in data:
        # The "Open orders" figure counts open statuses only: its list must filter the same way.
        data["orders"]["url"] = order_list + "?" + urlencode(
            {"status": OPEN_STATUSES}, doseq=True)
    if "today" in data:
        day = data["today"]["date"].isoformat()
        data["today"]["url"] = order_list + "?" + urlencode(
            {"created_from": day, "created_to": day, "status": BOOKED_STATUSES}, doseq=True)
    if "revenue_months" in data:
        revenue = data["revenue_months"]
        revenue["svg"] = svg_chart(
            Chart("bar", "month", tuple(revenue["currencies"]), title=_("Revenue, last 12 months")),
            revenue["rows"], labels={c: c for c in revenue["currencies"]}, width=960, height=260, show_title=False,
        )
        for row in revenue["rows"]:
            row["amounts"] = [(c, row[c]) for c in revenue["currencies"]]
            row["url"] = order_list + "?" + urlencode({
                "created_from": row["month_start"].isoformat(), "created_to": row["month_end"].isoformat(),
                "status": BOOKED_STATUSES}, doseq=True)
    return render(request, "reports/dashboard.html", data)
