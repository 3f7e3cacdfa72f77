"""`Authorization: Bearer <token>` for API clients. The request's user is the client's
service user (the `actor` of every service call); `request.auth` is the ApiClient."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from ..models import ApiClient
from . import services


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as “Authorization: Bearer <token>”."))
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("That token is not valid."))
        prefix = services.split_token(token)
        client = None
        if prefix:
            client = ApiClient.objects.select_related("user").filter(token_prefix=prefix).first()
        if client is None or not services.check_token(client, token):
            raise exceptions.AuthenticationFailed(_("That token is not valid."))
        if not client.active or not client.user.is_active:
            raise exceptions.AuthenticationFailed(_("This API client has been revoked."))
        services.touch_api_client(client)
        return client.user, client

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "integrations.api.authentication.ApiTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "An API client's token: `Authorization: Bearer oms_…`. Create one in the console "
                               "(Integrations → API clients) or with `manage.py create_api_client`."}
