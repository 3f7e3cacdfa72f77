"""The order queue's filters (django-filter): status, channel, customer, warehouse, dates,
overdue, tags, and a search over order number, customer and SKU."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from customers.models import Company
from inventory.models import Warehouse

from .models import Channel, Order, OrderLine, Shipment, Status, Tag


class OrderQueueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=Status.choices, distinct=False)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices, empty_label=_("Any channel"))
    company = django_filters.ModelChoiceFilter(label=_("Customer"), queryset=Company.objects.order_by("name"),
                                               empty_label=_("Any customer"))
    warehouse = django_filters.ModelChoiceFilter(label=_("Warehouse"), queryset=Warehouse.objects.order_by("code"),
                                                 method="in_warehouse", empty_label=_("Any warehouse"))
    created_from = django_filters.DateFilter(label=_("From"), field_name="created_at", lookup_expr="date__gte")
    created_to = django_filters.DateFilter(label=_("To"), field_name="created_at", lookup_expr="date__lte")
    tag = django_filters.ChoiceFilter(label=_("Tag"), choices=Tag.choices, method="has_tag", empty_label=_("Any tag"))
    overdue = django_filters.BooleanFilter(label=_("Overdue only"), method="only_overdue")

    class Meta:
        model = Order
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        sku_match = OrderLine.objects.filter(order=OuterRef("pk"), product__sku__iexact=value)
        return queryset.filter(
            Q(number__iexact=value) | Q(number__iendswith=value) | Q(external_ref=value) | Q(customer_po=value)
            | Q(company__code__iexact=value) | Q(company__name__icontains=value) | Exists(sku_match)
        )

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
