"""Who is calling the API, and the one wrapper every endpoint goes through.

A request is authenticated by an `Authorization: Bearer <key>` (or `Token <key>`) header, checked
against the stored hash of an ApiToken, or else by the browser's login session. Token requests carry
no cookies, so a forged cross-site request cannot use them and they need no CSRF token; a session
request that changes something keeps Django's CSRF check. Every failure is a small JSON body, never an
HTML page, so a script calling the API can always read what went wrong.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from luoshi.org.models import ApiToken, User

log = logging.getLogger(__name__)

SCHEMES = ("bearer", "token")
# a busy script calls many times a minute; one write a minute is enough to see which tokens are in use
LAST_USED_EVERY = timedelta(minutes=1)

View = Callable[..., HttpResponse]


def json_response(data: Any, status: int = 200, **headers: str) -> JsonResponse:
    # Chinese stays readable in the body; JSON is UTF-8 by definition
    response = JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def error(status: int, message: str, **headers: str) -> JsonResponse:
    return json_response({"error": message}, status=status, **headers)


class BadRequest(Exception):
    """Raised by an endpoint for input it cannot use; the message (Chinese) goes back as a 400."""


class Forbidden(Exception):
    """Raised by an endpoint when the caller's role may not do the action: a 403."""


def token_user(header: str) -> User | None:
    """The active user an Authorization header names, or None for a malformed or unknown key."""
    scheme, _sep, key = header.strip().partition(" ")
    key = key.strip()
    if scheme.lower() not in SCHEMES or not key or " " in key:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(key)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class _CsrfCheck(CsrfViewMiddleware):
    """Django's own CSRF check, returning the reason instead of an HTML page."""

    def _reject(self, request: HttpRequest, reason: str) -> str:  # type: ignore[override]
        return reason


def csrf_failure(request: HttpRequest) -> str | None:
    check = _CsrfCheck(lambda r: HttpResponse())
    # the middleware already read the cookie (process_request); only the view-level check was skipped
    return check.process_view(request, None, (), {})  # type: ignore[arg-type]


def authenticate(request: HttpRequest) -> HttpResponse | None:
    """Set request.user from the token or the session; a response when the request may not go on."""
    header = request.headers.get("Authorization")
    if header is not None:
        user = token_user(header)
        if user is None:
            return error(401, _("接口令牌无效或已停用。"), WWW_Authenticate='Bearer realm="luoshi"')
        request.user = user
        return None
    if not request.user.is_authenticated:
        return error(
            401, _("请在 Authorization 头中提供接口令牌。"), WWW_Authenticate='Bearer realm="luoshi"'
        )
    if request.method not in ("GET", "HEAD", "OPTIONS") and csrf_failure(request):
        return error(403, _("CSRF 校验失败：浏览器会话的写操作需要 CSRF 令牌。"))
    return None


def endpoint(*methods: str, public: bool = False) -> Callable[[View], View]:
    """Wrap a JSON endpoint: allowed methods (405 otherwise), authentication (401), and errors as JSON.

    `public` endpoints (the schema) skip authentication.
    """
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def wrap(view: View) -> View:
        @csrf_exempt  # token requests need none; session writes are checked in authenticate()
        @wraps(view)
        def run(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                return error(
                    405,
                    _("不支持 %(method)s 方法。") % {"method": request.method},
                    Allow=", ".join(sorted(allowed)),
                )
            if public:
                return _answer(view, request, *args, **kwargs)
            refused = authenticate(request)
            if refused is not None:
                return refused
            response = _answer(view, request, *args, **kwargs)
            # one caller's data: no shared cache may keep it
            patch_cache_control(response, private=True, no_store=True)
            patch_vary_headers(response, ["Authorization"])
            return response

        return run

    return wrap


def _answer(view: View, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    try:
        return view(request, *args, **kwargs)
    except Http404:
        return error(404, _("未找到，或不在您的权限范围内。"))
    except BadRequest as exc:
        return error(400, str(exc))
    except Forbidden as exc:
        return error(403, str(exc))
    except Exception:
        # the cause goes to the log; the caller gets JSON, never a traceback page
        log.exception("API error on %s %s", request.method, request.path)
        return error(500, _("服务器内部错误，请稍后再试或联系管理员。"))


def _no_constant(name: str) -> Any:
    # Python's json accepts NaN and Infinity, which are not JSON and not a progress figure
    raise ValueError(name)


def read_json(request: HttpRequest) -> dict[str, Any]:
    """The request body as a JSON object, or BadRequest with a message the caller can act on."""
    try:
        data = json.loads(request.body.decode("utf-8") or "null", parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError):
        raise BadRequest(_("请求体不是有效的 JSON。")) from None
    if not isinstance(data, dict):
        raise BadRequest(_("请求体应为 JSON 对象。"))
    return data
