"""The interface in both languages: Chinese by default, English by the language cookie or the switch
in the header; the English catalogue complete and compiled; times in Asia/Shanghai either way."""

from __future__ import annotations

import ast
import gettext
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from luoshi.ledger.models import Assignment, Task
from luoshi.reporting.models import ProgressReport
from luoshi.reporting.services import ReportInput, submit_report

LOCALE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"

# UI words that must not survive in English. None of them occurs in the fixture data (speech, unit
# and leader names); warning reasons are stored text and may hold 完成时限, so that one is left out.
CHINESE_UI = [
    "任务台账",
    "退出",
    "我的任务",
    "督办单",
    "总览",
    "登录",
    "筛选",
    "任务内容",
    "责任领导",
    "配合单位",
    "填报进展",
    "状态",
]


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def fgj_task() -> Task:
    """A task 县发改局 (user fgj) leads."""
    return Task.objects.get(
        region__name="清水县",
        assignments__unit__short_name="县发改局",
        assignments__role=Assignment.Role.LEAD,
    )


def page(client, user, url: str) -> str:
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# -------------------------------------------------------------------------------------------- pages


def test_it_renders_chinese_without_a_language_choice(client, users, published_plan):
    html = page(client, users["office"], reverse("ledger:list"))
    assert '<html lang="zh-hans">' in html
    assert "任务台账" in html and "退出" in html and "牵头单位" in html
    assert "Task ledger" not in html and "Log out" not in html


OFFICE_NAV = ["Overview", "Task ledger", "Plans", "Reports to review", "Supervision notices", "Log out"]
UNIT_NAV = ["My tasks", "Supervision notices", "Log out"]


@pytest.mark.parametrize(
    "who, url, nav, headings",
    [
        (
            "office",
            lambda: reverse("ledger:list"),
            OFFICE_NAV,
            ["<h1>Task ledger</h1>", "Lead unit", "Deadline"],
        ),
        (
            "office",
            lambda: reverse("dashboard:index"),
            OFFICE_NAV,
            ["Overview", "Overdue tasks", "Unit ranking"],
        ),
        (
            "fgj",
            lambda: reverse("reporting:mine"),
            UNIT_NAV,
            ["My tasks", "Due this period", "Report in bulk with Excel"],
        ),
        (
            "fgj",
            lambda: reverse("reporting:report", args=[fgj_task().pk]),
            UNIT_NAV,
            ["<h1>Report progress</h1>", "Reporting period", "Submit"],
        ),
        (
            "office",
            lambda: reverse("supervision:notices"),
            OFFICE_NAV,
            ["<h1>Supervision notices</h1>", "Issue a supervision notice"],
        ),
        (
            "fgj",
            lambda: reverse("supervision:notices"),
            UNIT_NAV,
            ["<h1>Supervision notices</h1>", "Reply due"],
        ),
        (
            "office",
            lambda: reverse("plans:list"),
            OFFICE_NAV,
            ["<h1>Plans</h1>", "Import a speech or work report"],
        ),
        (None, lambda: reverse("login"), [], ["<h1>Log in</h1>", "Username", "Password"]),
    ],
)
def test_it_renders_english_with_the_language_cookie(english, users, published_plan, who, url, nav, headings):
    html = page(english, users[who] if who else None, url())
    assert '<html lang="en">' in html
    for words in nav + headings:
        assert words in html, words
    left = [w for w in CHINESE_UI if w in html]
    assert not left, left


def test_it_switches_to_english_through_the_language_form(client, users, published_plan):
    client.force_login(users["office"])
    assert '<html lang="zh-hans">' in page(client, None, reverse("ledger:list"))
    response = client.post("/i18n/setlang/", {"language": "en", "next": reverse("ledger:list")})
    assert response.status_code == 302 and response["Location"] == reverse("ledger:list")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = page(client, None, reverse("ledger:list"))
    assert '<html lang="en">' in html and "<h1>Task ledger</h1>" in html and "任务台账" not in html
    # and back
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": reverse("ledger:list")})
    assert "<h1>任务台账</h1>" in page(client, None, reverse("ledger:list"))


def test_it_translates_messages_made_in_python(english, users, published_plan):
    """Form labels, choices and flash messages come from gettext in views and forms, not templates."""
    english.force_login(users["fgj"])
    task = fgj_task()
    response = english.post(
        reverse("reporting:report", args=[task.pk]), {"text": "已召开调度会", "percent": "30"}, follow=True
    )
    html = response.content.decode()
    assert "awaiting review by the Supervision Office" in html
    assert "等待督查室审核" not in html


# ----------------------------------------------------------------------------------------- catalogue


def read_po(text: str) -> list[dict]:
    """Entries of a PO file as {"msgid", "msgid_plural"?, "msgstr": {index: text}, "flags": [...]};
    obsolete (#~) entries are skipped, the header is the entry with an empty msgid."""
    entries: list[dict] = []
    entry: dict | None = None
    key: tuple | str | None = None
    for line in text.splitlines() + [""]:
        if not line.strip():
            if entry is not None and "msgid" in entry:
                entries.append(entry)
            entry, key = None, None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = {"flags": [], "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"] += [f.strip() for f in line[2:].split(",")]
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(key, tuple):
                entry["msgstr"][key[1]] += value
            else:
                entry[key] += value
        else:
            match = re.match(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line)
            assert match, line
            word, index, value = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            if word == "msgstr":
                key = ("msgstr", int(index or 0))
                entry["msgstr"][key[1]] = value
            else:
                key = word
                entry[word] = value
    return entries


PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%%")


def test_it_has_a_complete_compiled_english_catalogue():
    po, mo = LOCALE / "django.po", LOCALE / "django.mo"
    assert po.is_file() and mo.is_file()
    entries = read_po(po.read_text(encoding="utf-8"))
    header, messages = entries[0], entries[1:]
    assert header["msgid"] == "" and "fuzzy" not in header["flags"]
    assert "Language: en" in header["msgstr"][0] and "plural=(n != 1)" in header["msgstr"][0]
    assert len(messages) > 400
    with mo.open("rb") as f:
        catalogue = gettext.GNUTranslations(f)
    for m in messages:
        assert "fuzzy" not in m["flags"], m["msgid"]
        forms = [m["msgstr"].get(i, "") for i in range(2 if "msgid_plural" in m else 1)]
        assert all(forms), f"untranslated: {m['msgid']}"
        if "python-format" in m["flags"]:
            wanted = sorted(set(PLACEHOLDER.findall(m["msgid"])))
            for form in forms:
                assert sorted(set(PLACEHOLDER.findall(form))) == wanted, m["msgid"]
        # the .mo is compiled from this .po: same translation for every message
        if "msgid_plural" in m:
            assert catalogue.ngettext(m["msgid"], m["msgid_plural"], 1) == forms[0]
            assert catalogue.ngettext(m["msgid"], m["msgid_plural"], 2) == forms[1]
        elif "msgctxt" in m:
            assert catalogue.pgettext(m["msgctxt"], m["msgid"]) == forms[0], m["msgid"]
        else:
            assert catalogue.gettext(m["msgid"]) == forms[0], m["msgid"]


# ----------------------------------------------------------------------------------------------- time


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_it_shows_times_in_shanghai_in_either_language(client, users, published_plan, language):
    task = fgj_task()
    report = submit_report(task, users["fgj"], ReportInput("已建立调度机制", 20, {}))
    # 02:30 UTC is 10:30 in Shanghai
    ProgressReport.objects.filter(pk=report.pk).update(submitted_at=datetime(2025, 3, 5, 2, 30, tzinfo=UTC))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for user, url in [
        (users["office"], reverse("ledger:detail", args=[task.pk])),
        (users["fgj"], reverse("reporting:report", args=[task.pk])),
    ]:
        html = page(client, user, url)
        assert f'<html lang="{language}">' in html
        assert "2025-03-05 10:30" in html, url
        assert "2025-03-05 02:30" not in html, url


def test_it_writes_the_marks_between_labels_and_values_in_the_pages_language(client, users, published_plan):
    task = fgj_task()
    client.force_login(users["fgj"])
    chinese = client.get(reverse("reporting:report", args=[task.pk])).content.decode()
    assert "完成时限：" in chinese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("reporting:report", args=[task.pk])).content.decode()
    assert "Deadline: " in english and "：" not in english.split("<main>")[1].split("</form>")[0][:400]
