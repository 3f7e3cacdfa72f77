from django.http import Http404
from django.shortcuts import render

from oms.permissions import Perm, dealer_account, dealer_required

from .. import selectors
from ..models import Address


@dealer_required(Perm.PORTAL)
def home(request):
    account = dealer_account(request.user)
    company = account.company
    return render(request, "customers/portal_home.html", {
        "account": account, "company": company,
        "addresses": selectors.dealer_addresses(company),
    })


@dealer_required(Perm.PORTAL)
def account(request):
    company = dealer_account(request.user).company
    return render(request, "customers/portal_account.html", {
        "company": company,
        "addresses": selectors.dealer_addresses(company),
        "users": selectors.dealer_users(company),
    })


@dealer_required(Perm.PORTAL)
def address_detail(request, pk):
    company = dealer_account(request.user).company
    try:
        address = selectors.dealer_address(company, pk)
    except Address.DoesNotExist:
        raise Http404  # another company's address is simply not there
    return render(request, "customers/portal_address.html", {"address": address, "company": company})
