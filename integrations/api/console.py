"""Console pages for API clients: list, create (the token is shown once), revoke."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from oms.errors import DomainError
from oms.permissions import Perm, staff_required

from ..models import ApiClient
from . import services
from .forms import ApiClientForm


@staff_required(Perm.INTEGRATIONS_MANAGE)
@never_cache
def api_client_list(request):
    """The clients, and a form for a new one. After creating, the same request shows the
    token (never stored, never shown again) instead of redirecting."""
    form = ApiClientForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_api_client(actor=request.user, **form.cleaned_data)
        except DomainError as err:
            form.add_domain_error(err)
        else:
            form = ApiClientForm()
    clients = ApiClient.objects.select_related("created_by").order_by("-active", "name")
    return render(request, "integrations/api_clients.html", {"form": form, "clients": clients, "created": created})


@staff_required(Perm.INTEGRATIONS_MANAGE)
@require_POST
def api_client_revoke(request, pk):
    client = get_object_or_404(ApiClient, pk=pk)
    services.revoke_api_client(actor=request.user, client=client)
    messages.success(request, _("API client %(name)s revoked: its token no longer works.") % {"name": client.name})
    return redirect("console:api_clients")
