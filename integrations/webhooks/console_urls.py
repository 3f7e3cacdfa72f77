"""Console pages for webhooks and channels (included under /console/integrations/ in the console namespace)."""

urlpatterns = []
