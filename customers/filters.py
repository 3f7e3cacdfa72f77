"""Console list filters (django-filter): the customer list and the ticket desk."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oms.permissions import StaffRole
from oms.regions import Region

from .models import Company, Ticket, TicketCategory, TicketStatus, Tier


def _search_box(placeholder):
    return forms.TextInput(attrs={"type": "search", "placeholder": placeholder, "aria-label": _("Search")})


class CompanyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", widget=_search_box(_("Code, name or tax id")))
    tier = django_filters.ChoiceFilter(label=_("Tier"), choices=Tier.choices, empty_label=_("All tiers"))
    region = django_filters.ChoiceFilter(label=_("Region"), choices=Region.choices, empty_label=_("All regions"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Company.Status.choices, empty_label=_("Any status"))
    sales_rep = django_filters.ModelChoiceFilter(
        label=_("Sales rep"), empty_label=_("Any sales rep"),
        queryset=get_user_model().objects.filter(staff_role__in=[StaffRole.SALES, StaffRole.SALES_MANAGER], is_active=True)
        .order_by("first_name", "last_name", "username"))

    class Meta:
        model = Company
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__iexact=value) | Q(code__icontains=value) | Q(name__icontains=value)
                               | Q(tax_id__icontains=value))


class TicketDeskFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search",
                                  widget=_search_box(_("Ticket no., customer, order no. or subject")))
    status = django_filters.ChoiceFilter(label=_("Status"), method="by_status", empty_label=_("Any status"),
                                         choices=[("active", _("Not resolved"))] + TicketStatus.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=TicketCategory.choices,
                                           empty_label=_("Any category"))
    assignee = django_filters.ChoiceFilter(label=_("Assignee"), method="by_assignee", empty_label=_("Anyone"),
                                           choices=[("me", _("Mine")), ("none", _("Unassigned"))])
    overdue = django_filters.BooleanFilter(label=_("Overdue only"), method="only_overdue",
                                           widget=forms.CheckboxInput(attrs={"value": "true"}))

    class Meta:
        model = Ticket
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__iexact=value) | Q(order_number__iexact=value) | Q(company__code__iexact=value)
                               | Q(company__name__icontains=value) | Q(subject__icontains=value))

    def by_status(self, queryset, name, value):
        if value == "active":
            return queryset.exclude(status__in=[TicketStatus.RESOLVED, TicketStatus.CLOSED])
        return queryset.filter(status=value) if value else queryset

    def by_assignee(self, queryset, name, value):
        if value == "me":
            return queryset.filter(assignee=self.request.user) if self.request else queryset
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        return queryset

    def only_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(first_responded_at__isnull=True, first_response_due__lt=timezone.now()).exclude(
            status__in=[TicketStatus.RESOLVED, TicketStatus.CLOSED])
