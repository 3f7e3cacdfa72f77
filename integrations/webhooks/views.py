"""Console pages: webhook subscriptions and their delivery log, sales channels; and the public,
signed inbound endpoint for channel orders."""

from django.contrib import messages
from django.http import JsonResponse
from django.core.exceptions import RequestDataTooBig
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from oms.actions import back_to, run_action
from oms.errors import DomainError
from oms.pagination import keyset_page
from oms.permissions import Perm, staff_required

from ..models import SalesChannel, WebhookDelivery, WebhookSubscription
from . import selectors, services
from .channels import receive_channel_order
from .dispatcher import body_of
from .events import EVENT_TYPES
from .forms import ChannelForm, DeliveryFilterForm, SubscriptionForm

MANAGE = Perm.INTEGRATIONS_MANAGE


# --- subscriptions --------------------------------------------------------------------------

@staff_required(MANAGE)
def webhook_list(request):
    return render(request, "integrations/webhook_list.html", {
        "subscriptions": selectors.subscription_list(), "event_types": EVENT_TYPES,
    })


@staff_required(MANAGE)
@require_http_methods(["GET", "POST"])
def webhook_edit(request, pk=None):
    sub = get_object_or_404(WebhookSubscription, pk=pk) if pk else None
    initial = {"name": sub.name, "url": sub.url, "event_types": sub.event_types, "active": sub.active} if sub else None
    form = SubscriptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if sub:
                sub = services.update_subscription(actor=request.user, subscription=sub, name=data["name"],
                                                   url=data["url"], event_types=data["event_types"], active=data["active"])
            else:
                sub = services.create_subscription(actor=request.user, name=data["name"], url=data["url"],
                                                   event_types=data["event_types"], active=data["active"])
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("Subscription %(name)s saved.") % {"name": sub.name})
            return redirect("console:webhook_detail", sub.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "integrations/webhook_form.html", {"form": form, "subscription": sub}, status=status)


@staff_required(MANAGE)
def webhook_detail(request, pk):
    sub = get_object_or_404(WebhookSubscription, pk=pk)
    form = DeliveryFilterForm(request.GET or None)
    status = form.cleaned_data.get("status") if form.is_valid() else None
    page = keyset_page(selectors.delivery_list(subscription=sub, status=status), key=selectors.DELIVERY_KEY,
                       after=request.GET.get("after"), before=request.GET.get("before"), size=request.GET.get("size"))
    return render(request, "integrations/webhook_detail.html", {"subscription": sub, "page": page, "form": form})


@staff_required(MANAGE)
@require_POST
def webhook_toggle(request, pk):
    sub = get_object_or_404(WebhookSubscription, pk=pk)
    sub = services.set_subscription_active(actor=request.user, subscription=sub, active=not sub.active)
    messages.success(request, _("Subscription resumed.") if sub.active else _("Subscription paused."))
    return redirect("console:webhook_detail", pk)


@staff_required(MANAGE)
@require_POST
def webhook_rotate(request, pk):
    sub = get_object_or_404(WebhookSubscription, pk=pk)
    services.rotate_subscription_secret(actor=request.user, subscription=sub)
    messages.success(request, _("New signing secret made: give it to the receiver."))
    return redirect("console:webhook_detail", pk)


@staff_required(MANAGE)
@require_POST
def webhook_test(request, pk):
    sub = get_object_or_404(WebhookSubscription, pk=pk)
    run_action(request, lambda: services.send_test_event(actor=request.user, subscription=sub),
               _("Test event queued; its delivery shows below."))
    return redirect("console:webhook_detail", pk)


# --- delivery log ---------------------------------------------------------------------------

@staff_required(MANAGE)
def webhook_deliveries(request):
    form = DeliveryFilterForm(request.GET or None)
    status = form.cleaned_data.get("status") if form.is_valid() else None
    page = keyset_page(selectors.delivery_list(status=status), key=selectors.DELIVERY_KEY,
                       after=request.GET.get("after"), before=request.GET.get("before"), size=request.GET.get("size"))
    return render(request, "integrations/webhook_deliveries.html", {"page": page, "form": form})


@staff_required(MANAGE)
def webhook_delivery_detail(request, pk):
    delivery = get_object_or_404(WebhookDelivery.objects.select_related("event", "subscription"), pk=pk)
    return render(request, "integrations/webhook_delivery.html", {
        "delivery": delivery, "body": body_of(delivery.event).decode(),
    })


@staff_required(MANAGE)
@require_POST
def webhook_delivery_retry(request, pk):
    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    run_action(request, lambda: services.retry_delivery(actor=request.user, delivery=delivery), _("Delivery queued again."))
    return back_to(request, "console:webhook_delivery_detail", pk)


# --- sales channels ---------------------------------------------------------------------------

@staff_required(MANAGE)
def channel_list(request):
    return render(request, "integrations/channel_list.html", {"channels": selectors.channel_list()})


@staff_required(MANAGE)
@require_http_methods(["GET", "POST"])
def channel_edit(request, pk=None):
    channel = get_object_or_404(SalesChannel.objects.select_related("default_company"), pk=pk) if pk else None
    initial = None
    if channel:
        initial = {"code": channel.code, "name": channel.name, "customer_by_code": channel.customer_by_code,
                   "active": channel.active,
                   "default_customer": channel.default_company.code if channel.default_company_id else ""}
    form = ChannelForm(request.POST or None, initial=initial, editing=bool(channel))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if channel:
                channel = services.update_channel(actor=request.user, channel=channel, name=data["name"],
                                                  default_company=data["default_customer"],
                                                  customer_by_code=data["customer_by_code"], active=data["active"])
            else:
                channel = services.create_channel(actor=request.user, code=data["code"], name=data["name"],
                                                  default_company=data["default_customer"],
                                                  customer_by_code=data["customer_by_code"], active=data["active"])
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("Channel %(code)s saved.") % {"code": channel.code})
            return redirect("console:channel_edit", channel.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "integrations/channel_form.html", {
        "form": form, "channel": channel,
        "endpoint": request.build_absolute_uri(f"/channels/{channel.code}/orders/") if channel else "",
    }, status=status)


@staff_required(MANAGE)
@require_POST
def channel_rotate(request, pk):
    channel = get_object_or_404(SalesChannel, pk=pk)
    services.rotate_channel_secret(actor=request.user, channel=channel)
    messages.success(request, _("New signing secret made: give it to the channel."))
    return redirect("console:channel_edit", pk)


# --- public endpoint ----------------------------------------------------------------------------

@csrf_exempt
def channel_orders(request, code):
    if request.method != "POST":
        response = JsonResponse({"code": "method_not_allowed",
                                 "message": _("POST the order here, signed with the channel's secret.")}, status=405)
        response["Allow"] = "POST"
        return response
    try:
        body = request.body
    except RequestDataTooBig:
        return JsonResponse({"code": "too_large", "message": _("The body is too large.")}, status=413)
    result = receive_channel_order(code=code, body=body, headers=request.headers)
    return JsonResponse(result.body, status=result.status)  # 404 too: a channel's client reads JSON
