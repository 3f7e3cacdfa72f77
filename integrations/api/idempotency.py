"""Idempotent writes for the API endpoints that have no natural key of their own (a WMS's
stock adjustments and counts, returns opened by an ERP).

With an `Idempotency-Key` header, the first request runs and its 2xx response is stored with
the key, in the same transaction as the write; a retry of the same request with the same key
gets that response again (200, `Idempotent-Replayed: true`) and writes nothing. Two copies
sent at once: the second waits on the key's unique index until the first commits, then
replays it. A failed request stores nothing, so it may be retried with the same key. The same
key for a different request is refused (422). Without the header the write simply runs."""

import hashlib
from functools import wraps

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from oms.errors import ValidationFailed

from ..models import ApiIdempotencyKey

HEADER = "Idempotency-Key"
MAX_LENGTH = 80


def idempotent(view_method):
    @wraps(view_method)
    def wrapped(self, request, *args, **kwargs):
        key = (request.headers.get(HEADER) or "").strip()
        if not key:
            return view_method(self, request, *args, **kwargs)
        if len(key) > MAX_LENGTH or not key.isprintable() or not key.isascii():
            raise ValidationError({HEADER: [_("Use at most %(n)d printable ASCII characters.") % {"n": MAX_LENGTH}]})
        client, endpoint = request.auth, f"{request.method} {request.path}"
        digest = hashlib.sha256(request.body).hexdigest()
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = ApiIdempotencyKey.objects.create(client=client, key=key, endpoint=endpoint,
                                                              request_hash=digest, status_code=0, response_body={})
            except IntegrityError:  # sent before (and committed): replay it
                return _replay(ApiIdempotencyKey.objects.get(client=client, key=key), endpoint, digest)
            response = view_method(self, request, *args, **kwargs)
            if status.is_success(response.status_code):
                record.status_code, record.response_body = response.status_code, response.data
                record.save(update_fields=["status_code", "response_body"])
            else:
                transaction.set_rollback(True)  # nothing kept: the client may retry with this key
            return response

    return wrapped


def _replay(record, endpoint, digest):
    if record.endpoint != endpoint or record.request_hash != digest:
        raise ValidationFailed(_("This Idempotency-Key was already used for a different request."),
                               field=HEADER, code="idempotency_key_reused")
    return Response(record.response_body, status=status.HTTP_200_OK, headers={"Idempotent-Replayed": "true"})


# For @extend_schema(parameters=[OPTIONAL_KEY_PARAM]) on the endpoints using @idempotent.
OPTIONAL_KEY_PARAM = OpenApiParameter(
    HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="Optional: a unique id for this write, reused when retrying it. A retry with the same key gets "
                "the first response again (200, `Idempotent-Replayed: true`) and changes nothing.",
)


def replayed(serializer):
    return OpenApiResponse(serializer, description="A replay of the same Idempotency-Key")
