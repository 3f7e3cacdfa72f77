"""Public endpoints: inbound channel order webhooks (included at /channels/)."""

urlpatterns = []
