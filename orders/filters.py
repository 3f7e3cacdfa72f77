"""The order queue's filters (django-filter): status, channel, customer, warehouse, dates,
overdue, tags, and a search over order number, customer and SKU."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from customers.models import Company
from inventory.models import Product, Warehouse
from oms.pagination import MAX_PAGE_SIZE

from .models import Channel, Order, OrderLine, Shipment, Status, Tag


# The queue's orders (keyset keys of oms.pagination): newest first unless the person sorts by
# a column. Each key has an index: the primary key, and orders (total, id).
QUEUE_SORTS = {
    "newest": ("-id",),
    "oldest": ("id",),
    "total_desc": ("-total", "-id"),
    "total_asc": ("total", "id"),
}
SORT_CHOICES = [("newest", _("Newest first")), ("oldest", _("Oldest first")),
                ("total_desc", _("Largest total first")), ("total_asc", _("Smallest total first"))]


def queue_sort(params) -> str:
    """The sort asked for in the query string (newest first when none or unknown)."""
    sort = str((params or {}).get("sort") or "")
    return sort if sort in QUEUE_SORTS else "newest"


def queue_customer_pool():
    """Whose orders the queue can be filtered by: every customer, closed ones too."""
    return Company.objects.order_by("name", "code")


class QueueFilterForm(forms.Form):
    """The queue's filter form. The customer picker fills the hidden `company` id; without
    JavaScript only its text arrives (or the text was changed after a pick), and it is resolved
    as order entry does: a code, "CODE — Name", an exact name, or a search with one match."""

    def clean(self):
        from .selectors_console import is_picker_label, resolve_customer

        data = super().clean()
        text = " ".join((data.get("customer") or "").split())
        company = data.get("company")
        if not text or "company" in self.errors or (company is not None and is_picker_label(text, company)):
            return data
        data["company"], matches = resolve_customer(text, among=queue_customer_pool(), contacts=False)
        if data["company"] is None:
            self.add_error("customer", _("No customer matches “%(text)s”: type its code or name.") % {"text": text[:80]}
                           if not matches else
                           _("“%(text)s” matches several customers: pick one from the list or type its code.")
                           % {"text": text[:80]})
        return data


class OrderQueueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=Status.choices, distinct=False)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices, empty_label=_("Any channel"))
    # filled by the customer picker (a search box), never rendered as a list of every customer
    company = django_filters.ModelChoiceFilter(label=_("Customer"), queryset=Company.objects.all())
    customer = django_filters.CharFilter(label=_("Customer"), max_length=200, method="typed_customer")
    warehouse = django_filters.ModelChoiceFilter(label=_("Warehouse"), queryset=Warehouse.objects.order_by("code"),
                                                 method="in_warehouse", empty_label=_("Any warehouse"))
    created_from = django_filters.DateFilter(label=_("From"), field_name="created_at", lookup_expr="date__gte")
    created_to = django_filters.DateFilter(label=_("To"), field_name="created_at", lookup_expr="date__lte")
    tag = django_filters.ChoiceFilter(label=_("Tag"), choices=Tag.choices, method="has_tag", empty_label=_("Any tag"))
    overdue = django_filters.BooleanFilter(label=_("Overdue only"), method="only_overdue")
    sort = django_filters.ChoiceFilter(label=_("Sort"), choices=SORT_CHOICES, method="sorted_by", empty_label=None)

    class Meta:
        model = Order
        fields = []
        form = QueueFilterForm

    def get_form_class(self):
        """The form's fields are the same on every page view: the class is built once per
        process (each form instance still gets its own copies of the fields)."""
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def sorted_by(self, queryset, name, value):
        return queryset  # the view pages the queue by the sort's keyset key (QUEUE_SORTS)

    def typed_customer(self, queryset, name, value):
        return queryset  # the form turned the text into `company` (QueueFilterForm.clean)

    def search(self, queryset, name, value):
        """One box for order numbers, SKUs, customers and references. Each kind is tried in
        turn and the first that exists decides the filter, so every search is served by an
        index (a single OR across them would scan millions of orders)."""
        value = value.strip()
        if not value:
            return queryset
        numbers = [value.upper()]
        if value.isdigit():  # the digits of a number, as read out on the phone
            numbers.append(f"SO-{int(value):07d}")
        found = list(Order.objects.filter(number__in=numbers).values_list("number", flat=True)[:1])
        if found:
            return queryset.filter(number=found[0])
        product_ids = list(Product.objects.filter(Q(sku__iexact=value) | Q(barcode=value)).values_list("pk", flat=True)[:5])
        if product_ids:
            if not self._other_filters() and queue_sort(self.data) in ("newest", "oldest"):
                return queryset.filter(pk__in=self._orders_with(product_ids))
            return queryset.filter(Exists(OrderLine.objects.filter(order=OuterRef("pk"), product_id__in=product_ids)))
        company_ids = list(Company.objects.filter(Q(code__iexact=value) | Q(name__icontains=value)).values_list("pk", flat=True)[:50])
        if company_ids:
            return queryset.filter(company_id__in=company_ids)
        return queryset.filter(Q(external_ref=value) | Q(customer_po=value))

    def _other_filters(self):
        return any(value not in (None, "", [], False) for name, value in self.form.cleaned_data.items()
                   if name not in ("q", "customer", "sort"))

    def _orders_with(self, product_ids):
        """The ids of the orders holding one of the products that the queue's page can show
        (in the queue's id order, from the page's keyset bound `after` or `before`, as many as
        the largest page takes): read from the (product, order) index of the lines. Filtering
        the orders with EXISTS instead lets PostgreSQL walk the orders newest first until a
        page has matched, which for a product whose lines are all old means millions of
        orders (seconds)."""
        lines = OrderLine.objects.filter(product_id__in=product_ids)
        newest = queue_sort(self.data) == "newest"
        after = str(self.data.get("after") or "").strip()
        before = str(self.data.get("before") or "").strip()
        order = "-order_id" if newest else "order_id"
        if after.isdigit():  # the queue pages by id here; anything else is the first page
            lines = lines.filter(**{"order_id__lt" if newest else "order_id__gt": int(after)})
        elif before.isdigit():  # the page before: the nearest ids the other way
            lines = lines.filter(**{"order_id__gt" if newest else "order_id__lt": int(before)})
            order = "order_id" if newest else "-order_id"
        return list(lines.order_by(order).values_list("order_id", flat=True).distinct()[:MAX_PAGE_SIZE + 1])

    def in_warehouse(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Exists(Shipment.objects.filter(order=OuterRef("pk"), warehouse=value)))

    def has_tag(self, queryset, name, value):
        return queryset.filter(tags__contains=[value]) if value else queryset

    def only_overdue(self, queryset, name, value):
        if not value:
            return queryset
        from .services.sla import overdue_q

        return queryset.filter(overdue_q())
