"""Console pages for webhooks and channels (included under /console/integrations/ in the console namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("webhooks/", views.webhook_list, name="webhook_list"),
    path("webhooks/new/", views.webhook_edit, name="webhook_create"),
    path("webhooks/deliveries/", views.webhook_deliveries, name="webhook_deliveries"),
    path("webhooks/deliveries/<int:pk>/", views.webhook_delivery_detail, name="webhook_delivery_detail"),
    path("webhooks/deliveries/<int:pk>/retry/", views.webhook_delivery_retry, name="webhook_delivery_retry"),
    path("webhooks/<int:pk>/", views.webhook_detail, name="webhook_detail"),
    path("webhooks/<int:pk>/edit/", views.webhook_edit, name="webhook_edit"),
    path("webhooks/<int:pk>/toggle/", views.webhook_toggle, name="webhook_toggle"),
    path("webhooks/<int:pk>/rotate/", views.webhook_rotate, name="webhook_rotate"),
    path("webhooks/<int:pk>/test/", views.webhook_test, name="webhook_test"),
    path("channels/", views.channel_list, name="channel_list"),
    path("channels/new/", views.channel_edit, name="channel_create"),
    path("channels/<int:pk>/", views.channel_edit, name="channel_edit"),
    path("channels/<int:pk>/rotate/", views.channel_rotate, name="channel_rotate"),
]
