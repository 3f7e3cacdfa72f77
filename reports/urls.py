"""Console pages of the reports centre (included under /console/reports/ in the console namespace)."""

urlpatterns = []
