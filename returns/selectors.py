"""Reads of the returns domain. Dealer-facing reads always take the dealer's company."""

from django.db.models import Exists, OuterRef, Prefetch, Q

from orders.models import Order

from .models import Reason, ReturnEvent, ReturnLine, ReturnPhoto, ReturnRequest, Status

DESK_KEY = "-pk"


def desk_returns(*, status="", company="", reason=""):
    """The console's returns desk: newest first, filtered by status, customer (code or name)
    and reason. Bounded: callers page it with oms.pagination.keyset_page."""
    qs = ReturnRequest.objects.select_related("company", "order")
    if status == "open":
        qs = qs.exclude(status__in=[Status.REJECTED, Status.CANCELLED, Status.RESOLVED])
    elif status in Status.values:
        qs = qs.filter(status=status)
    company = (company or "").strip()
    if company:
        qs = qs.filter(Q(company__code__iexact=company) | Q(company__name__icontains=company))
    if reason in Reason.values:
        qs = qs.filter(Exists(ReturnLine.objects.filter(rma=OuterRef("pk"), reason=reason)))
    return qs


def dealer_returns(company, *, status=""):
    qs = ReturnRequest.objects.filter(company=company).select_related("order")
    if status in Status.values:
        qs = qs.filter(status=status)
    return qs


def _detail_qs():
    return ReturnRequest.objects.select_related("company", "order", "warehouse", "exchange_order", "requested_by").prefetch_related(
        Prefetch("lines", queryset=ReturnLine.objects.select_related("order_line__product").order_by("pk")),
        Prefetch("events", queryset=ReturnEvent.objects.select_related("actor").order_by("created_at", "pk")),
        Prefetch("photos", queryset=ReturnPhoto.objects.order_by("pk")),
    )


def return_detail(pk) -> ReturnRequest:
    return _detail_qs().get(pk=pk)


def dealer_return(company, pk) -> ReturnRequest:
    """A dealer's own return; another company's id raises DoesNotExist (the view's 404)."""
    return _detail_qs().get(pk=pk, company=company)


def dealer_order(company, pk) -> Order:
    return Order.objects.select_related("company").get(pk=pk, company=company)


def order_by_number(number) -> Order | None:
    number = (number or "").strip()
    if not number:
        return None
    return Order.objects.select_related("company").filter(number__iexact=number).first()


def order_lines(order):
    return list(order.lines.select_related("product").order_by("line_no"))


def photo(rma, photo_pk) -> ReturnPhoto:
    return ReturnPhoto.objects.get(pk=photo_pk, rma=rma)


def quarantine_lines(*, warehouse=None):
    """Returned units still in quarantine, per warehouse (the one the return was received at):
    one query, lines with their return, product and warehouse."""
    from django.db.models import F

    qs = (ReturnLine.objects.filter(quarantine_quantity__gt=F("quarantine_released") + F("quarantine_scrapped"))
          .select_related("rma__company", "rma__warehouse", "order_line__product")
          .order_by("rma__warehouse__code", "order_line__product__sku", "rma_id", "pk"))
    if warehouse is not None:
        qs = qs.filter(rma__warehouse=warehouse)
    return qs


def quarantine_by_warehouse(lines):
    """[(warehouse, [lines], units)] in the order of `lines`."""
    groups: dict = {}
    for ln in lines:
        wh = ln.rma.warehouse
        entry = groups.setdefault(wh.pk if wh else None, [wh, [], 0])
        entry[1].append(ln)
        entry[2] += ln.quarantine_left
    return [tuple(v) for v in groups.values()]
