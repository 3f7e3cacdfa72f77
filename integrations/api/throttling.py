"""Per-client rate limit: the client's `rate_limit_per_minute`, counted in the default cache.

A fixed one-minute window with an atomic counter (`cache.incr`: one round trip, correct
under concurrent requests from many gunicorn workers), rather than DRF's sliding-window list
of timestamps, which is read-modify-write and grows with the rate. With the cache down the
limit is not enforced (logged): orders keep coming in, as with Redis down everywhere else."""

import logging
import time

from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from ..models import ApiClient

WINDOW = 60
logger = logging.getLogger("oms.api")


class ApiClientRateThrottle(BaseThrottle):
    def allow_request(self, request, view):
        client = request.auth
        if not isinstance(client, ApiClient):
            return True  # unauthenticated requests are refused before they cost anything
        now = time.time()
        window = int(now // WINDOW)
        self.retry_after = (window + 1) * WINDOW - now
        key = f"throttle:api_client:{client.pk}:{window}"
        try:
            try:
                count = cache.incr(key)  # one round trip once the window's counter exists
            except ValueError:  # first request of the window (or the key expired)
                count = 1 if cache.add(key, 1, WINDOW + 5) else cache.incr(key)
        except Exception:  # the cache (Redis) is down: serve the request unthrottled rather than fail it
            logger.warning("API rate limit not checked: the cache is unavailable", exc_info=True)
            return True
        return count <= client.rate_limit_per_minute

    def wait(self):
        return max(1, round(self.retry_after))
