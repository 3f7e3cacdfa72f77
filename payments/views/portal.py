"""Dealer portal: the company's invoices (PDF), its statement, and "Pay now" for an unpaid
prepaid order or an open invoice. Every read is filtered by the dealer's company."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from oms.errors import DomainError
from oms.pagination import keyset_page
from oms.permissions import Perm, dealer_account, dealer_required
from orders.models import Order
from orders.views.common import pdf_response

from .. import documents, selectors, services
from ..gateways import enabled_gateways
from ..models import Invoice, Payment


def _company(request):
    return dealer_account(request.user).company


def _invoice(request, pk):
    try:
        return selectors.portal_invoice(_company(request), pk)
    except Invoice.DoesNotExist:
        raise Http404


@dealer_required(Perm.PORTAL)
def invoice_list(request):
    company = _company(request)
    page = keyset_page(selectors.invoice_list(company=company), key=("-issue_date", "-id"),
                       after=request.GET.get("after"), size=request.GET.get("size"))
    return render(request, "payments/portal_invoices.html", {
        "page": page, "unpaid_orders": selectors.unpaid_prepaid_orders(company)[:50],
        "gateways": enabled_gateways(), "credit_notes": selectors.portal_credit_notes(company)[:50],
    })


@dealer_required(Perm.PORTAL)
def invoice_pdf(request, pk):
    invoice = _invoice(request, pk)
    return pdf_response(documents.invoice_pdf(invoice, selectors.invoice_allocations(invoice)), f"{invoice.number}.pdf")


@dealer_required(Perm.PORTAL)
def statement(request):
    company = _company(request)
    return render(request, "payments/portal_statement.html", {"company": company, **selectors.statement(company)})


@dealer_required(Perm.PORTAL)
@require_POST
def pay(request):
    """Start a payment for an order (?order=pk) or an invoice (?invoice=pk) of the company and
    send the dealer to the gateway's hosted page."""
    company = _company(request)
    order = invoice = None
    try:
        if request.POST.get("invoice"):
            invoice = selectors.portal_invoice(company, int(request.POST["invoice"]))
        else:
            order = Order.objects.get(company=company, pk=int(request.POST.get("order", "")))
    except (ValueError, Invoice.DoesNotExist, Order.DoesNotExist):
        raise Http404
    gateway = request.POST.get("gateway") or (enabled_gateways() or [""])[0]
    try:
        payment, url = services.start_payment(actor=request.user, company=company, gateway=gateway, order=order,
                                              invoice=invoice, return_url=request.build_absolute_uri(reverse("portal:invoices")))
    except DomainError as err:
        messages.error(request, str(err.message))
        return redirect("portal:invoices")
    return redirect(url)


@dealer_required(Perm.PORTAL)
def payment_detail(request, pk):
    try:
        payment = selectors.portal_payment(_company(request), pk)
    except Payment.DoesNotExist:
        raise Http404
    return render(request, "payments/portal_payment.html", {"payment": payment})
