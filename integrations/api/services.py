"""Writes for API clients: create (the token is returned once), revoke, touch."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from oms.errors import ValidationFailed

from ..models import ApiClient, ApiScope

TOKEN_PREFIX = "oms_"
PREFIX_LEN = 8
LAST_USED_RESOLUTION = timedelta(minutes=1)  # write last_used_at at most once a minute per client


@dataclass
class NewClient:
    client: ApiClient
    token: str  # shown once, never stored


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def split_token(token: str):
    """(prefix, token) of a well-formed token, else None. Format: oms_<8 chars>_<secret>."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    rest = token[len(TOKEN_PREFIX):]
    prefix, sep, secret = rest.partition("_")
    if not sep or len(prefix) != PREFIX_LEN or len(secret) < 20:
        return None
    return prefix


def check_token(client: ApiClient, token: str) -> bool:
    return hmac.compare_digest(client.token_hash, digest(token))


def _clean_scopes(scopes):
    scopes = [str(s).strip() for s in scopes or ()]
    unknown = [s for s in scopes if s not in ApiScope.values]
    if unknown:
        raise ValidationFailed(_("Unknown scope(s): %(scopes)s.") % {"scopes": ", ".join(unknown)}, field="scopes",
                               code="unknown_scope")
    if not scopes:
        raise ValidationFailed(_("Give the client at least one scope."), field="scopes", code="required")
    return sorted(set(scopes))


def create_api_client(*, actor, name, scopes, rate_limit_per_minute=600) -> NewClient:
    """A new client with its service user; returns the client and its token (shown once)."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Give the client a name."), field="name", code="required")
    scopes = _clean_scopes(scopes)
    try:
        rate = int(rate_limit_per_minute)
    except (TypeError, ValueError):
        rate = 0
    if rate < 1:
        raise ValidationFailed(_("The rate limit must be at least one request a minute."), field="rate_limit_per_minute",
                               code="invalid")
    User = get_user_model()
    prefix = secrets.token_hex(PREFIX_LEN // 2)
    token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    try:
        with transaction.atomic():
            if ApiClient.objects.filter(name__iexact=name, active=True).exists():  # a revoked client's name is free again
                raise ValidationFailed(_("A client with that name exists already."), field="name", code="duplicate")
            user = User(username=f"api-{prefix}-{slugify(name)[:100]}", first_name=name[:150], last_name="(API)",
                        staff_role="", is_staff=False, is_superuser=False)
            user.set_unusable_password()
            user.save()
            client = ApiClient.objects.create(
                name=name, token_prefix=prefix, token_hash=digest(token), scopes=scopes, rate_limit_per_minute=rate,
                user=user, created_by=actor if actor is not None and actor.pk else None,
            )
    except IntegrityError:
        raise ValidationFailed(_("A client with that name exists already."), field="name", code="duplicate")
    return NewClient(client=client, token=token)


def revoke_api_client(*, actor, client) -> ApiClient:
    """The token stops working at once; the client and its history stay."""
    with transaction.atomic():
        client = ApiClient.objects.select_for_update().select_related("user").get(pk=client.pk)
        if client.active:
            client.active, client.revoked_at = False, timezone.now()
            client.save(update_fields=["active", "revoked_at"])
            client.user.is_active = False
            client.user.save(update_fields=["is_active"])
    return client


def touch_api_client(client, *, now=None):
    """Record use, at most once a minute (a conditional update: no lock, no lost write)."""
    now = now or timezone.now()
    if client.last_used_at is None or now - client.last_used_at >= LAST_USED_RESOLUTION:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
