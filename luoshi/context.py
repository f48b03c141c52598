"""What every page's template may use besides the request."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import pgettext


def punctuation(request: HttpRequest) -> dict[str, dict[str, str]]:
    """The marks between a label and its value, in the page's language: Chinese writes 完成时限：…
    and （5）, English "Deadline: …" and " (5)"."""
    return {
        "mark": {
            "colon": pgettext("punctuation", "："),
            "open": pgettext("punctuation", "（"),
            "close": pgettext("punctuation", "）"),
        }
    }
