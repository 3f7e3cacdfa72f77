"""Console: returned units in quarantine, per warehouse, and the decision on them — release to
sellable stock or scrap (each a ledger movement through returns.services)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oms.errors import DomainError
from oms.permissions import Perm, has_perm, staff_required

from .. import selectors, services
from ..forms import QuarantineDecisionForm
from ..models import ReturnLine

MAX_LINES = 500


def _page(request, status=200, forms=None):
    lines = list(selectors.quarantine_lines()[:MAX_LINES])
    forms = forms or {}
    for ln in lines:
        ln.decision_form = forms.get(ln.pk) or QuarantineDecisionForm(prefix=f"q{ln.pk}",
                                                                      initial={"quantity": ln.quarantine_left})
    return render(request, "returns/quarantine.html", {
        "groups": selectors.quarantine_by_warehouse(lines), "truncated": len(lines) >= MAX_LINES,
        "can_manage": has_perm(request.user, Perm.RETURNS_MANAGE),
    }, status=status)


@staff_required(Perm.RETURNS_VIEW)
def quarantine_list(request):
    return _page(request)


@staff_required(Perm.RETURNS_MANAGE)
@require_POST
def quarantine_decide(request, line_pk):
    form = QuarantineDecisionForm(request.POST, prefix=f"q{line_pk}")
    if not ReturnLine.objects.filter(pk=line_pk).exists():
        messages.error(request, _("That return line no longer exists."))
        return redirect("console:quarantine")
    if form.is_valid():
        release = form.cleaned_data["decision"] == "release"
        action = services.release_quarantine if release else services.scrap_quarantine
        try:
            line = action(actor=request.user, line=line_pk, quantity=form.cleaned_data["quantity"])
        except DomainError as err:
            form.add_domain_error(err)
        else:
            n, sku = form.cleaned_data["quantity"], line.order_line.product.sku
            messages.success(request, (_("%(n)d × %(sku)s released to sellable stock.") if release
                                       else _("%(n)d × %(sku)s scrapped.")) % {"n": n, "sku": sku})
            return redirect("console:quarantine")
    return _page(request, status=422, forms={line_pk: form})
