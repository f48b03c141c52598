"""Refuse a request body over the limit before anything reads it (the CSRF check would)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


class RequestSizeLimit:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.LUOSHI_MAX_REQUEST_BYTES:
            message = _("上传内容过大（超过 %(mb)d MB），请减少或压缩附件后重试。") % {
                "mb": settings.LUOSHI_MAX_REQUEST_BYTES // 1024 // 1024
            }
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
