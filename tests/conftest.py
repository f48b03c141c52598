"""Shared test data built in code: a county with units, aliases, leaders, one user per role, and a
published plan imported through the real parser and services."""

from __future__ import annotations

import pytest

SPEECH = """在清水县2025年经济工作会议上的讲话
同志们：
一、2024年工作回顾
过去一年，全县地区生产总值增长5.8%，新签约项目30个。
二、2025年重点工作
今年全县经济社会发展的主要预期目标是：地区生产总值增长6%左右，固定资产投资增长8%。
（一）扩大有效投资
县发改局要牵头建立重点项目调度机制，年内完成投资40亿元。
县工信局要加快东湖工业园标准厂房项目建设，6月底前竣工投产。
（二）保障民生
县教育局要完成县第二小学教学楼项目建设，9月底前投入使用。
各乡镇要做好安全生产，主汛期前完成小型水库除险加固12座。
县卫健局和县教育局要开展健康校园行动，覆盖全县中小学校80所。
"""


@pytest.fixture(autouse=True)
def _restore_language():
    """The middleware activates a request's language in the test's thread; the next test expects the
    default, whichever language this one asked for."""
    from django.utils import translation

    before = translation.get_language()
    yield
    if before:
        translation.activate(before)
    else:
        translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Real hashing costs a second per user; tests check permissions, not password strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def county(db):
    from luoshi.org.models import Leader, Region, Unit, UnitAlias

    region = Region.objects.create(name="清水县")
    leader = Leader.objects.create(region=region, name="王明", title="副县长")
    units = {}
    for name, short, aliases in [
        ("发展和改革局", "县发改局", ["发改局", "发改委", "县发改委"]),
        ("工业和信息化局", "县工信局", ["工信局"]),
        ("教育局", "县教育局", ["教育局"]),
        ("卫生健康局", "县卫健局", ["卫健局"]),
        ("东湖镇", "东湖镇", []),
    ]:
        unit = Unit.objects.create(
            region=region,
            name=name,
            short_name=short,
            leader=leader,
            kind=Unit.Kind.TOWNSHIP if name.endswith("镇") else Unit.Kind.DEPARTMENT,
        )
        UnitAlias.objects.bulk_create(UnitAlias(unit=unit, alias=a) for a in aliases)
        units[short] = unit
    return {"region": region, "leader": leader, "units": units}


def _user(username, role, region, unit=None, leader=None):
    from luoshi.org.models import User

    user = User.objects.create_user(
        username=username, password="pass-1234", role=role, region=region, unit=unit, leader=leader
    )
    return user


@pytest.fixture
def users(county):
    from luoshi.org.models import User

    region, units = county["region"], county["units"]
    return {
        "office": _user("office", User.Role.OFFICE, region),
        "leader": _user("leader", User.Role.LEADER, region, leader=county["leader"]),
        "fgj": _user("fgj", User.Role.UNIT, region, unit=units["县发改局"]),
        "gxj": _user("gxj", User.Role.UNIT, region, unit=units["县工信局"]),
        "jyj": _user("jyj", User.Role.UNIT, region, unit=units["县教育局"]),
    }


@pytest.fixture
def published_plan(county, users):
    from luoshi.plans.services import import_document, publish_plan

    plan = import_document(
        county["region"], "清水县经济工作会议讲话.txt", SPEECH.encode("utf-8"), users["office"]
    )
    return publish_plan(plan, users["office"], confirmed=True)  # 各乡镇要… has no lead unit


@pytest.fixture
def other_county(db):
    """A second county of the same deployment, with its own unit user and published plan."""
    from luoshi.org.models import Region, Unit, User
    from luoshi.plans.services import import_document, publish_plan

    region = Region.objects.create(name="青山县")
    unit = Unit.objects.create(region=region, name="发展和改革局", short_name="县发改局")
    office = _user("office2", User.Role.OFFICE, region)
    unit_user = _user("fgj2", User.Role.UNIT, region, unit=unit)
    plan = publish_plan(
        import_document(region, "青山县讲话.txt", SPEECH.encode("utf-8"), office), office, confirmed=True
    )
    return {"region": region, "unit": unit, "office": office, "unit_user": unit_user, "plan": plan}
