"""A request body over the limit is refused before the CSRF check or a view reads it."""

from __future__ import annotations

from django.test import Client

from luoshi.reporting.models import ProgressReport


def test_it_refuses_an_oversized_body_before_reading_it(users, published_plan, settings) -> None:
    settings.LUOSHI_MAX_REQUEST_BYTES = 2048
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["fgj"])
    task = published_plan.tasks.get(text__startswith="县发改局要牵头")
    response = client.post(f"/reporting/task/{task.pk}/report/", {"text": "x" * 5000, "percent": "50"})
    assert response.status_code == 413
    assert "上传内容过大" in response.content.decode()
    assert ProgressReport.objects.count() == 0


def test_it_lets_a_body_under_the_limit_through(users, published_plan, settings) -> None:
    settings.LUOSHI_MAX_REQUEST_BYTES = 1024 * 1024
    client = Client()
    client.force_login(users["fgj"])
    task = published_plan.tasks.get(text__startswith="县发改局要牵头")
    response = client.post(f"/reporting/task/{task.pk}/report/", {"text": "已推进", "percent": "50"})
    assert response.status_code == 302
    assert ProgressReport.objects.filter(task=task).count() == 1
