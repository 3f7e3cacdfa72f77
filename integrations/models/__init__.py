"""Integration models, one module per subdomain: API clients, webhooks (outbox, subscriptions,
deliveries) and inbound channels, imports."""

from .api_clients import *  # noqa: F401,F403
from .imports import *  # noqa: F401,F403
from .webhooks import *  # noqa: F401,F403
