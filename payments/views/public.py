"""The gateway-facing endpoints: callbacks (no session, no CSRF: the signature is the proof)
and the sandbox gateway's hosted payment page."""

from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from ..gateways import get_gateway
from ..models import QR_METHODS, Payment, PaymentStatus
from ..services.callbacks import receive_callback, sandbox_complete


@csrf_exempt
@require_POST
def callback(request, gateway):
    result = receive_callback(gateway=gateway, request=request)
    if result.status == 404:
        raise Http404
    if result.status == 400:
        return HttpResponseBadRequest("bad signature", content_type="text/plain")
    return JsonResponse({"received": True, "outcome": result.outcome})


PAYABLE = (PaymentStatus.PENDING, PaymentStatus.AUTHORIZED, PaymentStatus.FAILED)


def _sandbox_payment(token):
    if get_gateway("sandbox") is None:
        raise Http404
    return get_object_or_404(Payment.objects.select_related("company", "order", "invoice"), token=token, gateway="sandbox")


def _qr_svg(data):
    """The QR code of `data` as inline SVG (segno; no style attributes, so the strict CSP holds)."""
    import segno

    return segno.make(data, error="m").svg_inline(scale=5, border=2, title="QR")


@require_http_methods(["GET", "POST"])
def sandbox_page(request, token):
    """The sandbox gateway's hosted page: the customer sees the amount and pays or fails.
    Anyone with the token may open it, as with a real gateway's checkout link. For Alipay and
    WeChat Pay it shows the QR code of the scan URL instead and polls for the outcome."""
    payment = _sandbox_payment(token)
    qr = payment.method in QR_METHODS
    if request.method == "POST" and not qr and payment.status in PAYABLE:
        action = request.POST.get("action")
        if action not in ("pay", "fail"):
            return HttpResponse(status=400)
        sandbox_complete(payment=payment, succeed=action == "pay")
    if request.method == "POST":
        return redirect(reverse("portal:payment_detail", args=[payment.pk]))
    context = {"payment": payment, "qr": qr}
    if qr:
        scan_url = request.build_absolute_uri(reverse("payments:sandbox_scan", args=[payment.token]))
        context.update(scan_url=scan_url, qr_svg=_qr_svg(scan_url))
    return render(request, "payments/sandbox_page.html", context)


@require_http_methods(["GET"])
def sandbox_scan(request, token):
    """What the payer's phone opens after scanning the sandbox QR code: the simulated wallet
    confirms at once and the gateway sends its signed callback (?fail=1 declines instead)."""
    payment = _sandbox_payment(token)
    if payment.method not in QR_METHODS:
        raise Http404
    if payment.status in PAYABLE:
        sandbox_complete(payment=payment, succeed=not request.GET.get("fail"))
        payment.refresh_from_db()
    return render(request, "payments/sandbox_scanned.html", {"payment": payment})


@require_http_methods(["GET"])
def sandbox_status(request, token):
    """The outcome block of the sandbox QR page, polled by htmx until the payment settles."""
    payment = _sandbox_payment(token)
    return render(request, "payments/_sandbox_status.html", {"payment": payment})
