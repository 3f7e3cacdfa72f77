"""Report pages: the index (cards of the reports this user may see) and one report's page
(filters, on-screen tables and charts, download buttons that start a ReportRun)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from oms.errors import DomainError
from oms.permissions import Perm, has_perm, staff_required

from .. import services
from ..forms import ReportFilterForm, parse_params
from ..registry import Report, get_report
from ..rendering.pdf import sections_for_display
from ..routers import reporting


def _report_or_404(request, slug):
    report = get_report(slug)
    if report is None or not services.can_view_report(request.user, report):
        raise Http404
    return report


# The index groups the reports by area (a report may set `area`; otherwise its slug's prefix decides).
AREAS = (("sales", _("Sales")), ("customers", _("Customers")), ("inventory", _("Inventory and demand")),
         ("fulfilment", _("Fulfilment")), ("financial", _("Financial")), ("other", _("Other reports")))
_PREFIXES = (("sales-", "sales"), ("customer-", "customers"), ("top-customers", "customers"),
             ("inventory-", "inventory"), ("demand-", "inventory"), ("fulfilment-", "fulfilment"),
             ("financial-", "financial"))


def area_of(report) -> str:
    area = getattr(report, "area", "")
    if area:
        return area
    return next((area for prefix, area in _PREFIXES if report.slug.startswith(prefix)), "other")


@staff_required(Perm.REPORTS_VIEW)
def report_index(request):
    reports = services.visible_reports(request.user)
    groups = [(key, label, [r for r in reports if area_of(r) == key]) for key, label in AREAS]
    return render(request, "reports/index.html", {"reports": reports, "groups": [g for g in groups if g[2]]})


@staff_required(Perm.REPORTS_VIEW)
def report_detail(request, slug):
    report = _report_or_404(request, slug)
    form = ReportFilterForm(request.GET or None, offered=report.filters)
    result = sections = error = None
    params = {}
    if not form.is_bound or form.is_valid():
        if not form.is_bound:
            form = ReportFilterForm({}, offered=report.filters)
            form.is_valid()
        params = form.to_params()
        try:
            with reporting():
                result = report.compute(parse_params(params), lambda percent: None)
                sections = sections_for_display(result)
        except DomainError as exc:
            error = exc.message
    return render(request, "reports/report.html", {
        "report": report, "form": form, "result": result, "sections": sections, "error": error, "params": params,
        "can_schedule": has_perm(request.user, Perm.REPORTS_SCHEDULE),
        "has_detail": type(report).detail_rows is not Report.detail_rows,
        # The PDF is a summary: say so before the user waits for a run that will be refused.
        "pdf_too_long": result is not None and result.row_count > report.pdf_row_cap,
    })


@staff_required(Perm.REPORTS_VIEW)
@require_POST
def report_run_start(request, slug):
    report = _report_or_404(request, slug)
    form = ReportFilterForm(request.POST, offered=report.filters)
    if not form.is_valid():
        messages.error(request, form.errors.as_text())
        return redirect("console:report_detail", slug=slug)
    try:
        run = services.start_report_run(actor=request.user, slug=slug, params=form.to_params(),
                                        fmt=request.POST.get("format", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("console:report_detail", slug=slug)
    return redirect("console:report_run_detail", pk=run.pk)
