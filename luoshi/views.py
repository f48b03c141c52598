"""The front door: each role lands where its work is."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_unit:
        return redirect("reporting:mine")
    return redirect("dashboard:index")
