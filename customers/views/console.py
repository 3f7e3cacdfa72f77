from django.http import Http404
from django.shortcuts import render

from oms.pagination import keyset_page
from oms.permissions import Perm, staff_required

from .. import selectors
from ..forms import CompanyFilterForm
from ..models import Company


@staff_required(Perm.CUSTOMERS_VIEW)
def company_list(request):
    form = CompanyFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.company_search(**{k: filters.get(k) or "" for k in ("q", "region", "tier", "status")})
    page = keyset_page(qs, key="code", after=request.GET.get("after"))
    template = "customers/company_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, {"form": form, "page": page})


@staff_required(Perm.CUSTOMERS_VIEW)
def company_detail(request, pk):
    try:
        company = selectors.company_detail(pk)
    except Company.DoesNotExist:
        raise Http404
    return render(request, "customers/company_detail.html", {"company": company, **selectors.company_people(company)})
