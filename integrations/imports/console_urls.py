"""Console pages for imports and exports (included under /console/integrations/ in the console namespace)."""

urlpatterns = []
