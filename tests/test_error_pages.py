"""What a user sees when something is refused: the site's own page, in the reader's language, with
the reason where there is one, and never a traceback."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from luoshi.ledger.models import Task


def test_it_answers_another_units_item_with_the_sites_own_not_found_page(client, users, published_plan):
    theirs = Task.objects.filter(plan=published_plan).exclude(assignments__unit=users["fgj"].unit).first()
    client.force_login(users["fgj"])
    response = client.get(reverse("ledger:detail", args=[theirs.pk]))
    body = response.content.decode()
    assert response.status_code == 404
    assert "不在您的查看范围内" in body and 'href="/reporting/mine/"' in body  # the header, with its menu
    assert "matches the given query" not in body
    response = client.get(reverse("ledger:detail", args=[theirs.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "<h1>Not found</h1>" in response.content.decode()


def test_it_says_why_an_action_is_not_the_users_to_take(client, users, published_plan):
    client.force_login(users["office"])
    task = published_plan.tasks.first()
    response = client.get(reverse("reporting:report", args=[task.pk]))
    assert response.status_code == 403
    assert "只能填报本单位承担的任务" in response.content.decode()


def test_it_explains_an_expired_form_instead_of_a_csrf_failure(users):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users["fgj"])
    response = browser.post(reverse("logout"))
    body = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期" in body and "CSRF验证失败" not in body and "DEBUG" not in body


def test_it_shows_the_language_choices_each_in_its_own_words(client, users):
    client.force_login(users["office"])
    body = client.get(reverse("dashboard:index")).content.decode()
    assert ">English</option>" in body and ">简体中文</option>" in body
    assert "英语" not in body
