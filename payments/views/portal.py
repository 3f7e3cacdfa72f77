"""Dealer portal: the company's invoices (PDF), its statement, and "Pay now" for an unpaid
prepaid order or an open invoice — by card, Alipay or WeChat Pay, as allowed for the company.
Every read is filtered by the dealer's company."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from oms.errors import DomainError
from oms.pagination import keyset_page
from oms.permissions import Perm, dealer_account, dealer_required
from orders.models import Order
from orders.views.common import pdf_response

from .. import documents, selectors, services
from ..forms import PayMethodForm
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
                       after=request.GET.get("after"), before=request.GET.get("before"), size=request.GET.get("size"))
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
@require_http_methods(["GET", "POST"])
def pay(request):
    """Pay an order (order=pk) or an invoice (invoice=pk) of the company: GET shows what is owed
    and the online methods the company may use; POST with the chosen method starts the payment
    and sends the dealer to the gateway's page (hosted card page, or the wallet QR code)."""
    company = _company(request)
    data = request.POST if request.method == "POST" else request.GET
    order = invoice = None
    try:
        if data.get("invoice"):
            invoice = selectors.portal_invoice(company, int(data["invoice"]))
        else:
            order = Order.objects.get(company=company, pk=int(data.get("order", "")))
    except (ValueError, Invoice.DoesNotExist, Order.DoesNotExist):
        raise Http404
    methods = selectors.payable_online_methods(company)
    bound = request.method == "POST" and "method" in request.POST
    form = PayMethodForm(request.POST if bound else None, methods=methods)
    if bound and form.is_valid():
        try:
            payment, url = services.start_payment(
                actor=request.user, company=company, method=form.cleaned_data["method"],
                gateway=request.POST.get("gateway") or None, order=order, invoice=invoice,
                return_url=request.build_absolute_uri(reverse("portal:invoices")))
        except DomainError as err:
            if err.field in ("method", "gateway"):
                form.add_domain_error(err)
            else:
                messages.error(request, str(err.message))
                return redirect("portal:invoices")
        else:
            return redirect(url)
    if invoice is not None:
        owed, currency = invoice.balance, invoice.currency
    else:
        owed, currency = (0 if order.is_paid else services.order_outstanding(order)), order.currency
    return render(request, "payments/portal_pay.html", {
        "form": form, "methods": methods, "order": order, "invoice": invoice, "owed": owed, "currency": currency,
        "document": invoice.number if invoice is not None else order.number,
        "bank_transfer": "bank_transfer" in selectors.allowed_methods(company),
    }, status=422 if bound else 200)


@dealer_required(Perm.PORTAL)
def payment_detail(request, pk):
    try:
        payment = selectors.portal_payment(_company(request), pk)
    except Payment.DoesNotExist:
        raise Http404
    return render(request, "payments/portal_payment.html", {"payment": payment})
