"""Who may see and change what. Every view and API endpoint gets its objects through these
querysets, so an object outside the user's scope is simply not found (404), never shown."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from luoshi.ledger.models import Assignment, Plan, Task
from luoshi.org.models import Region, Unit, User


def region_ids(user: User) -> list[int]:
    """The user's county, or a city and its counties."""
    if user.is_superuser and user.region_id is None:
        return list(Region.objects.values_list("id", flat=True))
    if user.region_id is None:
        return []
    ids = [user.region_id]
    ids += list(Region.objects.filter(parent_id=user.region_id).values_list("id", flat=True))
    return ids


def units_for(user: User) -> QuerySet[Unit]:
    return Unit.objects.filter(region_id__in=region_ids(user))


def plans_for(user: User) -> QuerySet[Plan]:
    """Drafts are the office's work; others see published plans."""
    plans = Plan.objects.filter(region_id__in=region_ids(user))
    if not (user.is_office or user.is_superuser):
        plans = plans.filter(status=Plan.Status.PUBLISHED)
    return plans


def tasks_for(user: User) -> QuerySet[Task]:
    """Published tasks the user may see: a unit only those it leads or helps with."""
    tasks = Task.objects.filter(region_id__in=region_ids(user), plan__status=Plan.Status.PUBLISHED)
    if user.is_unit and not user.is_superuser:
        if user.unit_id is None:
            return tasks.none()
        tasks = tasks.filter(Exists(Assignment.objects.filter(task=OuterRef("pk"), unit_id=user.unit_id)))
    return tasks


def can_manage(user: User) -> bool:
    """The office edits the ledger, issues notices and reviews reports."""
    return user.is_office or user.is_superuser


def can_report(user: User, task: Task) -> bool:
    return (
        user.is_unit and user.unit_id is not None and task.assignments.filter(unit_id=user.unit_id).exists()
    )


def can_instruct(user: User) -> bool:
    return user.is_leader or user.is_superuser
