"""Console pages for API clients (included under /console/integrations/ in the console namespace)."""

urlpatterns = []
