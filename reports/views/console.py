from django.shortcuts import render

from oms.permissions import Perm, StaffRole, staff_required
from oms.regions import Region

from .. import selectors


@staff_required(Perm.CONSOLE)
def dashboard(request):
    data = selectors.console_dashboard(request.user)
    regions = dict(Region.choices)
    roles = dict(StaffRole.choices)
    for row in data.get("customers_by_region", []):
        row["label"] = regions.get(row["region"], row["region"])
    for row in data.get("staff_by_role", []):
        row["label"] = roles.get(row["staff_role"], row["staff_role"])
    return render(request, "reports/dashboard.html", data)
