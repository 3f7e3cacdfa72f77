"""Console pages for imports (index, template download, upload, job page with dry-run report,
apply button and htmx progress, history) and accounting exports. Thin: bind, call a service,
map errors, render."""

import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oms.errors import DomainError
from oms.pagination import keyset_page
from oms.permissions import Perm, has_perm, staff_required

from ..models import ImportJob
from . import exports, services
from .forms import ExportForm, ImportUploadForm
from .kinds import KINDS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HISTORY_KEY = ("-created_at", "-id")


def _allowed_kinds(user):
    return [k for k in KINDS.values() if has_perm(user, k.perm)]


def _kind_or_403(request, key):
    kind = KINDS.get(key)
    if kind is None:
        raise Http404
    if not has_perm(request.user, kind.perm):
        raise PermissionDenied(_("Your role does not allow this import."))
    return kind


@staff_required(Perm.CONSOLE)
@require_GET
def import_index(request):
    kinds = _allowed_kinds(request.user)
    if not kinds:
        raise PermissionDenied(_("Your role does not allow imports."))
    recent = (ImportJob.objects.filter(kind__in=[k.key for k in kinds]).select_related("created_by")
              .order_by(*HISTORY_KEY)[:10])
    return render(request, "integrations/import_index.html", {"kinds": kinds, "recent": recent,
                                                                "form": ImportUploadForm()})


@staff_required(Perm.CONSOLE)
@require_GET
def import_template(request, kind, fmt):
    kind = _kind_or_403(request, kind)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    filename = f"import-{kind.key}-template"
    if fmt == "xlsx":
        return FileResponse(exports.template_workbook(kind.columns), as_attachment=True,
                            filename=f"{filename}.xlsx", content_type=XLSX)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.name for c in kind.columns])
    writer.writerow([c.example for c in kind.columns])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


@staff_required(Perm.CONSOLE)
@require_http_methods(["GET", "POST"])
def import_upload(request, kind):
    kind = _kind_or_403(request, kind)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.start_import(actor=request.user, kind=kind.key, upload=form.cleaned_data["file"])
        except DomainError as err:
            form.add_domain_error(err)
        else:
            return redirect("console:import_job", pk=job.pk)
    return render(request, "integrations/import_upload.html", {"kind": kind, "form": form}, status=200 if
                  request.method == "GET" or form.is_valid() else 422)


def _job_or_403(request, pk):
    job = get_object_or_404(ImportJob.objects.select_related("created_by", "applied_by"), pk=pk)
    kind = _kind_or_403(request, job.kind)
    return job, kind


@staff_required(Perm.CONSOLE)
@require_GET
def import_job(request, pk):
    job, kind = _job_or_403(request, pk)
    context = {"job": job, "kind": kind, "progress": services.progress_of(job)}
    if request.headers.get("HX-Request"):
        response = render(request, "integrations/import_job.html#status", context)
        if not job.is_busy:
            response["HX-Refresh"] = "true"  # the work is done: reload the full report
        return response
    return render(request, "integrations/import_job.html", context)


@staff_required(Perm.CONSOLE)
@require_POST
def import_apply(request, pk):
    job, _kind = _job_or_403(request, pk)
    try:
        job = services.apply_import(actor=request.user, job=job)
    except DomainError as err:
        messages.error(request, err.message)
    else:
        if job.status == ImportJob.Status.APPLIED:
            counts = job.result.get("counts", {})
            messages.success(request, _("Import applied: %(created)d created, %(updated)d updated, %(skipped)d skipped.")
                             % {"created": counts.get("create", 0), "updated": counts.get("update", 0),
                                "skipped": counts.get("skip", 0) + counts.get("unchanged", 0)})
        elif job.status == ImportJob.Status.FAILED:
            messages.error(request, _("The import failed and nothing was changed; see the errors below."))
        else:
            messages.info(request, _("The import is being applied in the background."))
    return redirect("console:import_job", pk=job.pk)


@staff_required(Perm.CONSOLE)
@require_GET
def import_history(request):
    kinds = _allowed_kinds(request.user)
    if not kinds:
        raise PermissionDenied(_("Your role does not allow imports."))
    wanted = request.GET.get("kind")
    keys = [k.key for k in kinds if not wanted or k.key == wanted]
    qs = ImportJob.objects.filter(kind__in=keys).select_related("created_by", "applied_by").defer(
        "errors", "dry_run", "result")
    page = keyset_page(qs, key=HISTORY_KEY, after=request.GET.get("after"), before=request.GET.get("before"), size=request.GET.get("size"))
    return render(request, "integrations/import_history.html", {"page": page, "kinds": kinds, "wanted": wanted})


# --- exports -------------------------------------------------------------------------------------

@staff_required(Perm.PAYMENTS_VIEW)
@require_GET
def export_index(request):
    bound = "date_from" in request.GET
    today = timezone.localdate()
    form = ExportForm(request.GET if bound else None,
                      initial={"date_from": today.replace(day=1), "date_to": today, "format": "xlsx",
                               "documents": list(exports.EXPORTS)})
    if bound and form.is_valid():
        data = form.cleaned_data
        chosen = [exports.EXPORTS[k] for k in data["documents"]]
        span = f"{data['date_from']:%Y%m%d}-{data['date_to']:%Y%m%d}"
        if data["format"] == "csv":
            export = chosen[0]
            response = StreamingHttpResponse(exports.csv_lines(export, data["date_from"], data["date_to"]),
                                             content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{export.key}-{span}.csv"'
            return response
        handle = exports.write_workbook(chosen, data["date_from"], data["date_to"])
        return FileResponse(handle, as_attachment=True, filename=f"accounting-{span}.xlsx", content_type=XLSX)
    return render(request, "integrations/export_index.html", {"form": form, "exports": exports.EXPORTS.values()},
                  status=422 if bound else 200)
