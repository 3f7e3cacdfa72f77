from django.urls import path

from .views import public

app_name = "payments"
urlpatterns = [
    path("callback/<slug:gateway>/", public.callback, name="callback"),
    path("sandbox/<str:token>/", public.sandbox_page, name="sandbox_page"),
    path("sandbox/<str:token>/scan/", public.sandbox_scan, name="sandbox_scan"),
    path("sandbox/<str:token>/status/", public.sandbox_status, name="sandbox_status"),
]
