"""Finance console: payments (events, refunds), invoices (PDF), bank transfers confirmed by
hand, and receivables aging."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from oms.actions import run_action
from oms.errors import DomainError
from oms.money import format_money
from oms.pagination import keyset_page
from oms.permissions import Perm, has_perm, staff_required
from customers.models import Company
from orders.models import Order
from orders.views.common import pdf_response

from .. import documents, selectors, services
from ..forms import (
    BankStatementForm, BankTransferForm, CreditNoteForm, InvoiceFilterForm, PaymentFilterForm, PaymentMethodsForm,
    RefundForm, VoidInvoiceForm,
)
from ..models import CreditNote, Invoice, Payment, PaymentProfile

LIST_KEY = ("-created_at", "-id")
INVOICE_KEY = ("-issue_date", "-id")


def _get(model_get, pk):
    try:
        return model_get(pk)
    except (Payment.DoesNotExist, Invoice.DoesNotExist):
        raise Http404


@staff_required(Perm.PAYMENTS_VIEW)
def payment_list(request):
    form = PaymentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.payment_list(status=filters.get("status") or None, method=filters.get("method") or None)
    page = keyset_page(qs, key=LIST_KEY, after=request.GET.get("after"), before=request.GET.get("before"), size=request.GET.get("size"))
    return render(request, "payments/payment_list.html", {"form": form, "page": page})


@staff_required(Perm.PAYMENTS_VIEW)
def payment_detail(request, pk, refund_form=None):
    payment = _get(selectors.payment_detail, pk)
    return render(request, "payments/payment_detail.html", {
        "payment": payment, "events": selectors.payment_events(payment)[:100],
        "refunds": payment.refunds.select_related("created_by"), "allocations": payment.allocations.select_related("invoice"),
        "refund_form": refund_form or RefundForm(initial={"amount": payment.refundable}),
    })


@staff_required(Perm.PAYMENTS_MANAGE)
@require_POST
def payment_refund(request, pk):
    payment = _get(selectors.payment_detail, pk)
    form = RefundForm(request.POST)
    if form.is_valid():
        try:
            services.refund_payment(actor=request.user, payment=payment, amount=form.cleaned_data["amount"],
                                    reason=form.cleaned_data["reason"])
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("Refund of %(amount)s recorded.")
                             % {"amount": format_money(form.cleaned_data["amount"], payment.currency)})
            return redirect("console:payment_detail", pk)
    return payment_detail(request, pk, refund_form=form)


@staff_required(Perm.PAYMENTS_VIEW)
def invoice_list(request):
    form = InvoiceFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.invoice_list(status=filters.get("status") or None, overdue=filters.get("overdue", False),
                                q=filters.get("q", ""))
    page = keyset_page(qs, key=INVOICE_KEY, after=request.GET.get("after"), before=request.GET.get("before"), size=request.GET.get("size"))
    return render(request, "payments/invoice_list.html", {"form": form, "page": page})


@staff_required(Perm.PAYMENTS_VIEW)
def invoice_detail(request, pk, void_form=None, status=200):
    invoice = _get(lambda k: Invoice.objects.select_related("company", "order", "voided_by").get(pk=k), pk)
    allocations = list(selectors.invoice_allocations(invoice))
    return render(request, "payments/invoice_detail.html", {
        "invoice": invoice, "allocations": allocations,
        "credit": selectors.customer_credit(invoice.company).get(invoice.currency),
        "can_void": invoice.status == Invoice.Status.OPEN and not invoice.amount_paid and not allocations,
        "void_form": void_form or VoidInvoiceForm(),
    }, status=status)


@staff_required(Perm.PAYMENTS_MANAGE)
@require_POST
def invoice_void(request, pk):
    """Void an issued invoice nothing was paid on (it stays, with its number and the reason)."""
    invoice = _get(lambda k: Invoice.objects.get(pk=k), pk)
    form = VoidInvoiceForm(request.POST)
    if form.is_valid():
        try:
            services.void_invoice(actor=request.user, invoice=invoice, reason=form.cleaned_data["reason"])
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("Invoice %(number)s is void.") % {"number": invoice.number})
            return redirect("console:invoice_detail", pk)
    return invoice_detail(request, pk, void_form=form, status=422)


@staff_required(Perm.PAYMENTS_VIEW)
@require_http_methods(["GET", "POST"])
def customer_methods(request, pk):
    """The payment methods a customer may use (finance edits them)."""
    try:
        company = Company.objects.get(pk=pk)
    except Company.DoesNotExist:
        raise Http404
    allowed = selectors.allowed_methods(company)
    form = PaymentMethodsForm(request.POST or None, initial={"methods": allowed})
    if request.method == "POST":
        if not has_perm(request.user, Perm.PAYMENTS_MANAGE):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.set_payment_methods(actor=request.user, company=company, methods=form.cleaned_data["methods"])
            except DomainError as err:
                form.add_domain_error(err)
            else:
                messages.success(request, _("Payment methods of %(company)s saved.") % {"company": company.name})
                return redirect("console:customer_methods", pk)
    return render(request, "payments/customer_methods.html", {
        "company": company, "form": form, "allowed": allowed,
        "is_default": not PaymentProfile.objects.filter(company=company).exists(),
    }, status=422 if request.method == "POST" else 200)


@staff_required(Perm.PAYMENTS_VIEW)
def invoice_pdf(request, pk):
    invoice = _get(lambda k: Invoice.objects.select_related("company", "order").get(pk=k), pk)
    return pdf_response(documents.invoice_pdf(invoice, selectors.invoice_allocations(invoice)), f"{invoice.number}.pdf")


@staff_required(Perm.PAYMENTS_MANAGE)
@require_POST
def invoice_apply_credit(request, pk):
    invoice = _get(lambda k: Invoice.objects.get(pk=k), pk)
    run_action(request, lambda: services.apply_customer_credit(actor=request.user, invoice=invoice),
               lambda applied: _("%(amount)s of customer credit applied.") % {"amount": applied})
    return redirect("console:invoice_detail", pk)


@staff_required(Perm.PAYMENTS_MANAGE)
@require_http_methods(["GET", "POST"])
def bank_transfer(request):
    form = BankTransferForm(request.POST or None, initial={"document": request.GET.get("document", "")})
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["document"].strip().upper()
        invoice = Invoice.objects.filter(number=number).select_related("company", "order").first()
        order = None if invoice else Order.objects.filter(number=number).select_related("company").first()
        if invoice is None and order is None:
            form.add_error("document", _("No order or invoice has this number."))
        else:
            try:
                payment = services.record_bank_transfer(actor=request.user, invoice=invoice, order=order,
                                                        amount=form.cleaned_data["amount"],
                                                        reference=form.cleaned_data["reference"])
            except DomainError as err:
                form.add_domain_error(err)
            else:
                messages.success(request, _("Transfer recorded as %(number)s.") % {"number": payment.display_number})
                return redirect("console:payment_detail", payment.pk)
    return render(request, "payments/bank_transfer.html", {"form": form})


@staff_required(Perm.PAYMENTS_VIEW)
def ar_aging(request):
    return render(request, "payments/ar_aging.html", selectors.ar_aging())


@staff_required(Perm.PAYMENTS_MANAGE)
@require_http_methods(["GET", "POST"])
def bank_statement(request):
    """Upload a bank statement, review the proposed matches, confirm the ones that are right."""
    if request.method == "POST" and request.POST.get("confirm"):
        done, failed = 0, []
        for i in request.POST.getlist("row"):
            number = request.POST.get(f"doc_{i}", "")
            invoice = Invoice.objects.filter(number=number).select_related("company", "order").first()
            order = None if invoice else Order.objects.filter(number=number).select_related("company").first()
            if invoice is None and order is None:
                failed.append(_("%(ref)s: no document %(doc)s.") % {"ref": request.POST.get(f"ref_{i}", ""), "doc": number})
                continue
            try:
                services.record_bank_transfer(actor=request.user, invoice=invoice, order=order,
                                              amount=request.POST.get(f"amount_{i}", ""), reference=request.POST.get(f"ref_{i}", ""))
                done += 1
            except DomainError as err:
                failed.append(f"{request.POST.get(f'ref_{i}', '')}: {err.message}")
        if done:
            messages.success(request, _("%(n)d transfers recorded.") % {"n": done})
        for text in failed:
            messages.error(request, text)
        return redirect("console:payment_list")
    form = BankStatementForm(request.POST or None, request.FILES or None)
    proposals = None
    if request.method == "POST" and form.is_valid():
        proposals = selectors.propose_statement_matches(form.rows)
    return render(request, "payments/bank_statement.html", {"form": form, "proposals": proposals})


@staff_required(Perm.PAYMENTS_VIEW)
@require_http_methods(["GET", "POST"])
def credit_notes(request):
    """Credit notes issued (by finance here, or by returns) and what is left of each."""
    form = CreditNoteForm(request.POST or None)
    if request.method == "POST":
        if not has_perm(request.user, Perm.PAYMENTS_MANAGE):
            raise PermissionDenied
        if form.is_valid():
            company = Company.objects.filter(code__iexact=form.cleaned_data["company"].strip()).first()
            if company is None:
                form.add_error("company", _("No customer has this code."))
            else:
                try:
                    note = services.issue_credit_note(actor=request.user, company=company, **{
                        k: form.cleaned_data[k] for k in ("amount", "currency", "reason", "source_ref")})
                except DomainError as err:
                    form.add_domain_error(err)
                else:
                    messages.success(request, _("Credit note %(number)s issued.") % {"number": note.number})
                    return redirect("console:credit_notes")
    qs = CreditNote.objects.select_related("company").order_by("-created_at", "-id")
    page = keyset_page(qs, key=LIST_KEY, after=request.GET.get("after"), before=request.GET.get("before"), size=request.GET.get("size"))
    return render(request, "payments/credit_notes.html", {"form": form, "page": page})
