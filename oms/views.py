import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import notifications
from .models import Notification, User
from .permissions import Perm, dealer_required, has_perm, staff_required

logger = logging.getLogger("oms.views")


def home(request):
    """Landing page: signed-in people go to their surface; others choose one."""
    user = request.user
    if user.is_authenticated:
        if has_perm(user, Perm.CONSOLE):
            return redirect("console:home")
        if has_perm(user, Perm.PORTAL):
            return redirect("portal:home")
    return render(request, "landing.html")


@never_cache
def healthz(request):
    """Liveness and readiness: database and Redis (or the embedded mode)."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # report, never raise
        logger.warning("healthz database check failed: %s", exc)
        checks["database"] = "error"
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception as exc:
            logger.warning("healthz redis check failed: %s", exc)
            checks["redis"] = "error"
    else:
        checks["redis"] = "embedded"
    healthy = all(v in ("ok", "embedded") for v in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


def favicon(request):
    """Browsers ask for /favicon.ico; resolved per request so it works before collectstatic."""
    from django.templatetags.static import static

    return redirect(static("favicon.svg"), permanent=True)


def set_language(request):
    """Django's language switch, which also remembers the choice as the signed-in person's
    preferred language: their notifications and e-mails are written in it."""
    from django.views.i18n import set_language as switch

    response = switch(request)
    chosen = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and chosen in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).exclude(language=chosen).update(language=chosen)
    return response


def adopt_chosen_language(sender, request, user, **kwargs):
    """On sign-in, a language chosen with the switch beforehand (on the sign-in page) becomes
    the person's preferred language: from then on their pages, notifications and e-mails
    are in it (oms.middleware.UserLanguageMiddleware). Connected in OmsConfig.ready."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "") if request is not None else ""
    if chosen in dict(settings.LANGUAGES) and getattr(user, "language", chosen) != chosen:
        user.language = chosen
        User.objects.filter(pk=user.pk).update(language=chosen)


def hello(request):
    """A bare view: the baseline the benchmarks compare real pages against."""
    return HttpResponse("hello", content_type="text/plain")


class SurfaceLoginView(auth_views.LoginView):
    """Sign-in for one surface (console or portal). After sign-in each person lands on the
    surface their role allows, whichever form they used."""

    surface = "console"
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["surface"] = self.surface
        return ctx

    def get_default_redirect_url(self):
        return "/"  # `home` routes by role

    def get_redirect_url(self):
        url = super().get_redirect_url()
        # A dealer following a console `next` link (or vice versa) lands on their own surface.
        if url.startswith("/console/") and not has_perm(self.request.user, Perm.CONSOLE):
            return ""
        if url.startswith("/portal/") and not has_perm(self.request.user, Perm.PORTAL):
            return ""
        return url


class ConsoleLoginView(SurfaceLoginView):
    surface = "console"


class PortalLoginView(SurfaceLoginView):
    surface = "portal"


def _inbox(request, template):
    items = list(Notification.objects.filter(recipient=request.user).order_by("-created_at", "-id")[:100])
    return render(request, template, {"notifications": items})


@staff_required(Perm.CONSOLE)
def console_inbox(request):
    return _inbox(request, "console/inbox.html")


@dealer_required(Perm.PORTAL)
def portal_inbox(request):
    return _inbox(request, "portal/inbox.html")


def _preferences(request, template, redirect_to):
    from .errors import DomainError
    from .preferences import PreferencesForm, preferences_of, update_preferences

    current = preferences_of(request.user)
    form = PreferencesForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            update_preferences(actor=request.user, **form.cleaned_data)
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("Your notification preferences are saved."))
            return redirect(redirect_to)
    return render(request, template, {"form": form}, status=422 if form.errors else 200)


@staff_required(Perm.CONSOLE)
def console_preferences(request):
    return _preferences(request, "console/preferences.html", "console:preferences")


@dealer_required(Perm.PORTAL)
def portal_preferences(request):
    return _preferences(request, "portal/preferences.html", "portal:preferences")


@login_required
@require_POST
def inbox_mark_read(request):
    ids = request.POST.getlist("id") or None
    count = notifications.mark_read(actor=request.user, notification_ids=ids)
    messages.success(request, _("%(count)d notification(s) marked as read.") % {"count": count})
    target = "console:inbox" if has_perm(request.user, Perm.CONSOLE) else "portal:inbox"
    return redirect(target)


def error_404(request, exception):
    return render(request, "404.html", status=404)


def error_403(request, exception):
    return render(request, "403.html", {"reason": str(exception) if exception else ""}, status=403)


def locked_out(request, original_response=None, credentials=None):
    """django-axes lockout page: says plainly why sign-in is refused and for how long."""
    from axes.helpers import get_cool_off, get_failure_limit

    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "registration/locked_out.html", context, status=429)
