"""Console pages for imports and exports (included under /console/integrations/ in the console namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("imports/", views.import_index, name="import_index"),
    path("imports/history/", views.import_history, name="import_history"),
    path("imports/<str:kind>/template.<str:fmt>", views.import_template, name="import_template"),
    path("imports/<str:kind>/upload/", views.import_upload, name="import_upload"),
    path("imports/jobs/<int:pk>/", views.import_job, name="import_job"),
    path("imports/jobs/<int:pk>/apply/", views.import_apply, name="import_apply"),
    path("exports/", views.export_index, name="export_index"),
]
