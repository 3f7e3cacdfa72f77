"""The OpenAPI schema and the Swagger UI page (assets served locally, no inline script)."""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny


class SchemaView(SpectacularAPIView):
    permission_classes = [AllowAny]


class DocsView(SpectacularSwaggerSplitView):
    permission_classes = [AllowAny]
    template_name = "integrations/api_docs.html"
    url_name = "api:schema"
    title = "OMS API v1"
