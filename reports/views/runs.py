"""Report runs (progress, download, my runs) and schedules."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oms.actions import run_action
from oms.errors import DomainError
from oms.permissions import Perm, staff_required

from .. import services
from ..forms import ReportFilterForm, ScheduleForm
from ..models import ReportRun, ReportSchedule
from ..registry import get_report

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _run_or_404(request, pk):
    run = ReportRun.objects.select_related("schedule").filter(pk=pk).first()
    if run is None or not services.can_download(request.user, run):
        raise Http404
    return run


@staff_required(Perm.REPORTS_VIEW)
def run_list(request):
    runs = list(ReportRun.objects.filter(requested_by=request.user).order_by("-id")[:100])
    return render(request, "reports/run_list.html", {"runs": runs})


@staff_required(Perm.REPORTS_VIEW)
def run_detail(request, pk):
    run = _run_or_404(request, pk)
    template = "reports/run_detail.html#status" if request.htmx else "reports/run_detail.html"
    return render(request, template, {"run": run})


@staff_required(Perm.REPORTS_VIEW)
def run_download(request, pk):
    run = _run_or_404(request, pk)
    if run.status != ReportRun.Status.DONE or not run.file:
        raise Http404
    try:
        fh = run.file.open("rb")
    except FileNotFoundError:
        raise Http404
    response = FileResponse(fh, as_attachment=True, filename=run.filename, content_type=CONTENT_TYPES[run.format])
    response["Cache-Control"] = "private, no-store"
    return response


# ---- schedules ----------------------------------------------------------------------------


@staff_required(Perm.REPORTS_SCHEDULE)
def schedule_list(request):
    schedules = (ReportSchedule.objects.select_related("owner", "last_run").prefetch_related("recipients")
                 .order_by("next_run_at", "pk"))
    return render(request, "reports/schedule_list.html", {
        "schedules": schedules, "reports": services.visible_reports(request.user)})


@staff_required(Perm.REPORTS_SCHEDULE)
def schedule_create(request, slug):
    report = get_report(slug)
    if report is None or not services.can_view_report(request.user, report):
        raise Http404
    data = request.POST if request.method == "POST" else None
    filter_form = ReportFilterForm(data if data is not None else (request.GET or None), offered=report.filters)
    form = ScheduleForm(data, report_perm=report.perm, initial={"recipients": [request.user.pk]})
    if data is not None and filter_form.is_valid() and form.is_valid():
        values = form.cleaned_data
        try:
            services.create_schedule(
                actor=request.user, slug=slug, params=filter_form.to_params(), fmt=values["format"],
                frequency=values["frequency"], hour=values["hour"], weekday=values["weekday"],
                day_of_month=values["day_of_month"], period_days=values.get("period_days") or 0,
                recipients=values["recipients"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Schedule saved."))
            return redirect("console:report_schedules")
    return render(request, "reports/schedule_form.html", {"report": report, "filter_form": filter_form, "form": form})


@staff_required(Perm.REPORTS_SCHEDULE)
@require_POST
def schedule_active(request, pk):
    try:
        services.set_schedule_active(actor=request.user, schedule_id=pk, active=request.POST.get("active") == "1")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("console:report_schedules")


@staff_required(Perm.REPORTS_SCHEDULE)
@require_POST
def schedule_delete(request, pk):
    run_action(request, lambda: services.delete_schedule(actor=request.user, schedule_id=pk), _("Schedule deleted."))
    return redirect("console:report_schedules")
