"""Where webhooks may be sent: public addresses only, unless the deployment allows private ones.

A webhook URL is typed by an admin and fetched by our servers, so without this check it could
reach loopback services, the internal network or a cloud metadata endpoint (169.254.169.254)
and show their answers in the delivery log. Checked when a subscription is saved and again
before every POST (the name may resolve elsewhere by then). Development and tests post to local
receivers: WEBHOOK_ALLOW_PRIVATE_TARGETS (default: on with DEBUG) lets them."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class BlockedTarget(Exception):
    pass


def check_target(url: str) -> None:
    """Raise BlockedTarget (with a readable message) unless every address of the URL's host is public."""
    if settings.WEBHOOK_ALLOW_PRIVATE_TARGETS:
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BlockedTarget(_("Use an http or https URL with a host name."))
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                                   type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise BlockedTarget(_("The host %(host)s cannot be resolved.") % {"host": parts.hostname}) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            raise BlockedTarget(_("%(host)s is a private or reserved address (%(address)s); webhooks go to public "
                                  "addresses only.") % {"host": parts.hostname, "address": address})
