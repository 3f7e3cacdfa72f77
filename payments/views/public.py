"""The gateway-facing endpoints: callbacks (no session, no CSRF: the signature is the proof)
and the sandbox gateway's hosted payment page."""

from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from ..gateways import get_gateway
from ..models import Payment, PaymentStatus
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


@require_http_methods(["GET", "POST"])
def sandbox_page(request, token):
    """The sandbox gateway's hosted page: the customer sees the amount and pays or fails.
    Anyone with the token may open it, as with a real gateway's checkout link."""
    if get_gateway("sandbox") is None:
        raise Http404
    payment = get_object_or_404(Payment.objects.select_related("company", "order", "invoice"), token=token, gateway="sandbox")
    if request.method == "POST" and payment.status in (PaymentStatus.PENDING, PaymentStatus.AUTHORIZED, PaymentStatus.FAILED):
        action = request.POST.get("action")
        if action not in ("pay", "fail"):
            return HttpResponse(status=400)
        sandbox_complete(payment=payment, succeed=action == "pay")
    if request.method == "POST":
        return redirect(reverse("portal:payment_detail", args=[payment.pk]))
    return render(request, "payments/sandbox_page.html", {"payment": payment})
