"""Public endpoints: inbound channel order webhooks (included at /channels/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:code>/orders/", views.channel_orders, name="channel_orders"),
]
