"""REST API v1 routes (included at /api/v1/)."""

urlpatterns = []
