"""Console pages for API clients (included under /console/integrations/ in the console namespace)."""

from django.urls import path

from . import console

urlpatterns = [
    path("api-clients/", console.api_client_list, name="api_clients"),
    path("api-clients/<int:pk>/revoke/", console.api_client_revoke, name="api_client_revoke"),
]
