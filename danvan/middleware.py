import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from models_registry.views.health import healthz

logger = logging.getLogger("danvan.database")


class HealthCheckMiddleware:
    """Answer /healthz before anything else looks at the request.

    Load balancers probe each app server by its address, with no Host header naming the
    site; answered later, the probe would fail host validation (400) and log an error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return healthz(request)
        return self.get_response(request)


class ChosenLanguageMiddleware:
    """Vietnamese, unless the visitor chose English with the footer link (a cookie).

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is not asked: many
    offices' computers are set up in English, and their clerks work in Vietnamese.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        translation.activate(code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class DatabaseUnavailableMiddleware:
    """Answer 503 with a Vietnamese page while the database is unreachable (a restart, a
    fail-over), so load balancers and people see a temporary outage, not a crash."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.warning("database unavailable: %s", exception, extra={"path": request.path})
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "10"
        return response


class RejectNulCharactersMiddleware:
    """Refuse any request whose parameters contain a NUL character.

    No text the portal accepts can contain one, and PostgreSQL refuses it in any query,
    so it is turned away here, once, rather than in every view that reads a parameter.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for params in (request.GET, request.POST if request.method == "POST" else {}):
            if any("\x00" in key or any("\x00" in value for value in params.getlist(key)) for key in params):
                return HttpResponseBadRequest(
                    _("Dữ liệu gửi lên chứa ký tự không hợp lệ (NUL). Hãy kiểm tra lại nội dung đã nhập."),
                    content_type="text/plain; charset=utf-8",
                )
        return self.get_response(request)
