"""Console pages of the reports centre (included under /console/reports/ in the console namespace)."""

from django.urls import path

from .views import pages, runs

urlpatterns = [
    path("", pages.report_index, name="report_index"),
    path("runs/", runs.run_list, name="report_runs"),
    path("runs/<int:pk>/", runs.run_detail, name="report_run_detail"),
    path("runs/<int:pk>/download/", runs.run_download, name="report_run_download"),
    path("schedules/", runs.schedule_list, name="report_schedules"),
    path("schedules/<int:pk>/active/", runs.schedule_active, name="report_schedule_active"),
    path("schedules/<int:pk>/delete/", runs.schedule_delete, name="report_schedule_delete"),
    path("<slug:slug>/", pages.report_detail, name="report_detail"),
    path("<slug:slug>/run/", pages.report_run_start, name="report_run_start"),
    path("<slug:slug>/schedule/", runs.schedule_create, name="report_schedule_create"),
]
