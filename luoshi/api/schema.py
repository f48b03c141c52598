"""The OpenAPI 3.0.3 document of the JSON API, written out by hand beside the views it describes.

Kept as plain data so it costs nothing at import and can be checked by any validator; the tests
compare its paths with the URL patterns so the two cannot drift apart.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings

VERSION = "1.0.0"

TASK_COLOURS = ["red", "yellow", "blue", "green"]
TASK_STATUSES = ["not_started", "in_progress", "done"]
REPORT_STATUSES = ["submitted", "accepted", "returned"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "nullable": True}


def _object(required: list[str], **properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: str) -> dict[str, Any]:
    return {code: {"$ref": f"#/components/responses/{ERROR_RESPONSES[code][0]}"} for code in codes}


ERROR_RESPONSES = {
    "400": ("BadRequest", "请求无效：JSON 格式、参数或业务规则不符，error 为中文说明"),
    "401": ("Unauthorized", "缺少接口令牌或令牌无效"),
    "403": ("Forbidden", "当前角色不能执行该操作，或浏览器会话的写操作缺少 CSRF 令牌"),
    "404": ("NotFound", "对象不存在，或不在调用者的权限范围内（两者不作区分）"),
    "405": ("MethodNotAllowed", "该路径不支持此 HTTP 方法"),
}

STR = {"type": "string"}
INT = {"type": "integer"}
NUM = {"type": "number"}
DATE = {"type": "string", "format": "date"}
DATETIME = {"type": "string", "format": "date-time"}

SCHEMAS: dict[str, Any] = {
    "Error": _object(["error"], error={**STR, "description": "中文错误说明"}),
    "UnitRef": _object(["id", "name", "short_name"], id=INT, name=STR, short_name=STR),
    "Output": _object(
        ["id", "name", "goal", "unit", "goal_value", "current_value"],
        id=INT,
        name={**STR, "description": "指标"},
        goal={**STR, "description": "目标原文，如 3.2万亩"},
        unit=STR,
        goal_value=_nullable(NUM),
        current_value=_nullable({**NUM, "description": "最近一次填报的数值"}),
    ),
    "Item": _object(
        [
            "id",
            "number",
            "plan",
            "section",
            "text",
            "tier",
            "deadline",
            "deadline_text",
            "leader",
            "lead_unit",
            "cooperating_units",
            "status",
            "progress",
            "colour",
            "colour_reason",
            "outputs",
            "last_report_at",
            "version",
        ],
        id=INT,
        number={**INT, "description": "计划内序号"},
        plan=_object(["id", "title", "year"], id=INT, title=STR, year=INT),
        section=_nullable(_object(["id", "marker", "title"], id=INT, marker=STR, title=STR)),
        text={**STR, "description": "任务内容"},
        tier={"type": "string", "enum": ["measurable", "general"]},
        deadline=_nullable({**DATE, "description": "完成时限"}),
        deadline_text={**STR, "description": "时限原文，如 6月底前"},
        leader=_nullable(_object(["id", "name", "title"], id=INT, name=STR, title=STR)),
        lead_unit=_nullable(_ref("UnitRef")),
        cooperating_units={"type": "array", "items": _ref("UnitRef")},
        schedule={"type": "string", "enum": ["monthly", "weekly"]},
        status={"type": "string", "enum": TASK_STATUSES},
        progress={**INT, "minimum": 0, "maximum": 100},
        colour={"type": "string", "enum": TASK_COLOURS, "description": "预警颜色"},
        colour_reason=STR,
        outputs={"type": "array", "items": _ref("Output")},
        last_report_at=_nullable(DATETIME),
        updated_at=DATETIME,
        version={**INT, "description": "每次修改加一，用于发现并发修改"},
    ),
    "ItemPage": _object(
        ["count", "page", "page_size", "pages", "next", "previous", "results"],
        count={**INT, "description": "符合条件的任务总数"},
        page=INT,
        page_size=INT,
        pages=INT,
        next=_nullable({**STR, "format": "uri"}),
        previous=_nullable({**STR, "format": "uri"}),
        results={"type": "array", "items": _ref("Item")},
    ),
    "ReportValue": _object(
        ["output", "name", "unit", "value"],
        output={**INT, "description": "指标 id"},
        name=STR,
        unit=STR,
        value=NUM,
    ),
    "Attachment": _object(
        ["id", "name", "size", "content_type"], id=INT, name=STR, size=INT, content_type=STR
    ),
    "Report": _object(
        [
            "id",
            "item",
            "unit",
            "period",
            "text",
            "percent",
            "status",
            "values",
            "attachments",
            "submitted_at",
        ],
        id=INT,
        item={**INT, "description": "任务 id"},
        unit=_ref("UnitRef"),
        period={**DATE, "description": "报告期的第一天"},
        text={**STR, "description": "进展情况"},
        percent={**INT, "minimum": 0, "maximum": 100},
        status={"type": "string", "enum": REPORT_STATUSES},
        values={"type": "array", "items": _ref("ReportValue")},
        attachments={"type": "array", "items": _ref("Attachment")},
        submitted_by=_nullable(STR),
        submitted_at=DATETIME,
        reviewed_by=_nullable(STR),
        reviewed_at=_nullable(DATETIME),
        review_comment=STR,
    ),
    "ReportList": _object(
        ["count", "results"], count=INT, results={"type": "array", "items": _ref("Report")}
    ),
    "ReportInput": {
        **_object(
            ["text", "percent"],
            text={**STR, "minLength": 1, "description": "进展情况"},
            percent={**INT, "minimum": 0, "maximum": 100, "description": "完成进度（%）"},
            values={
                "type": "object",
                "description": "各指标的当前值：{指标 id: 数值}，指标须属于该任务",
                "additionalProperties": NUM,
            },
            done={"type": "boolean", "default": False, "description": "任务已完成"},
            period={**DATE, "description": "报告期的第一天；不填即本期，也可补报上一期"},
        ),
        "example": {"text": "已完成主体施工", "percent": 60, "values": {"12": 1.8}, "done": False},
    },
    "ReviewInput": _object(
        ["accept"],
        accept={"type": "boolean", "description": "true 采纳，false 退回"},
        comment={**STR, "description": "审核意见；退回时必填"},
    ),
    "Unit": _object(
        ["id", "name", "short_name", "kind", "active", "region", "aliases"],
        id=INT,
        name={**STR, "description": "全称"},
        short_name=STR,
        kind={"type": "string", "enum": ["department", "township", "enterprise", "other"]},
        active={"type": "boolean"},
        region=_object(["id", "name"], id=INT, name=STR),
        aliases={"type": "array", "items": STR, "description": "讲话中的其他写法"},
    ),
    "UnitList": _object(["count", "results"], count=INT, results={"type": "array", "items": _ref("Unit")}),
}

ID = {"name": "id", "in": "path", "required": True, "schema": {**INT, "minimum": 1}}


def _list_param(name: str, values: list[str], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "description": description,
        "style": "form",
        "explode": False,
        "schema": {"type": "array", "items": {"type": "string", "enum": values}},
    }


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "description": description, "schema": schema}


PATHS: dict[str, Any] = {
    "/api/": {
        "get": {
            "operationId": "apiIndex",
            "summary": "接口说明页（HTML）",
            "security": [],
            "responses": {"200": {"description": "说明页", "content": {"text/html": {"schema": STR}}}},
        }
    },
    "/api/schema.json": {
        "get": {
            "operationId": "schema",
            "summary": "本 OpenAPI 文档",
            "security": [],
            "responses": {"200": _json({"type": "object"}, "OpenAPI 3.0.3 文档"), **_errors("405")},
        }
    },
    "/api/v1/items/": {
        "get": {
            "operationId": "listItems",
            "summary": "任务列表（按权限范围：督查室、领导看本地区，责任单位只看本单位承担的任务）",
            "parameters": [
                _list_param("colour", TASK_COLOURS, "预警颜色，可用逗号分隔多个"),
                _list_param("status", TASK_STATUSES, "状态，可用逗号分隔多个"),
                _query("unit", {**INT, "minimum": 1}, "牵头或配合单位的 id"),
                _query("plan", {**INT, "minimum": 1}, "计划 id"),
                _query("q", STR, "任务内容包含的文字"),
                _query(
                    "updated_since",
                    {"type": "string", "format": "date-time"},
                    "只列出此后修改或填报过的任务；也接受日期，无时区时按北京时间",
                ),
                _query("page", {**INT, "minimum": 1, "default": 1}, "页码"),
                _query("page_size", {**INT, "minimum": 1, "maximum": 200, "default": 50}, "每页条数"),
            ],
            "responses": {"200": _json(_ref("ItemPage"), "一页任务"), **_errors("400", "401", "405")},
        }
    },
    "/api/v1/items/{id}/": {
        "parameters": [ID],
        "get": {
            "operationId": "getItem",
            "summary": "一项任务",
            "responses": {"200": _json(_ref("Item"), "任务"), **_errors("401", "404", "405")},
        },
    },
    "/api/v1/items/{id}/reports/": {
        "parameters": [ID],
        "get": {
            "operationId": "listItemReports",
            "summary": "任务的进展填报，最新的在前",
            "responses": {"200": _json(_ref("ReportList"), "填报列表"), **_errors("401", "404", "405")},
        },
        "post": {
            "operationId": "submitReport",
            "summary": "填报进展（责任单位，限本单位承担的任务）",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("ReportInput")}},
            },
            "responses": {
                "201": {
                    **_json(_ref("Report"), "已保存的填报"),
                    "headers": {"Location": {"description": "填报的地址", "schema": STR}},
                },
                **_errors("400", "401", "403", "404", "405"),
            },
        },
    },
    "/api/v1/reports/{id}/": {
        "parameters": [ID],
        "get": {
            "operationId": "getReport",
            "summary": "一次进展填报",
            "responses": {"200": _json(_ref("Report"), "填报"), **_errors("401", "404", "405")},
        },
    },
    "/api/v1/reports/{id}/review/": {
        "parameters": [ID],
        "post": {
            "operationId": "reviewReport",
            "summary": "审核填报：采纳或退回（督查室）",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("ReviewInput")}},
            },
            "responses": {
                "200": _json(_ref("Report"), "审核后的填报"),
                **_errors("400", "401", "403", "404", "405"),
            },
        },
    },
    "/api/v1/units/": {
        "get": {
            "operationId": "listUnits",
            "summary": "本地区的单位名录及别名",
            "responses": {"200": _json(_ref("UnitList"), "单位列表"), **_errors("401", "405")},
        }
    },
}

DESCRIPTION = """落实（luoshi）任务台账的 JSON 接口。

**认证**：在请求头中携带接口令牌 `Authorization: Bearer <令牌>`（也接受 `Token <令牌>`）。
令牌由管理员用 `luoshi manage issue_token 用户名 --name 用途` 生成，只显示一次；
令牌代表其用户，权限与该用户登录网页时相同。已登录的浏览器会话也可调用，
但会话中的写操作（POST）须带 CSRF 令牌（`X-CSRFToken` 请求头）。

**权限**：督查室看本地区全部任务并审核填报；领导只读；责任单位只看、只填报本单位牵头或配合的任务。
不在权限范围内的对象与不存在的对象一样返回 404。

**错误**：一律返回 JSON `{"error": "中文说明"}`：400 请求无效，401 未认证，403 角色无权，
404 未找到，405 方法不支持。
"""


@cache
def openapi() -> dict[str, Any]:
    """The whole document. Cached: it is the same for every caller, and callers must not change it."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "luoshi 落实 API", "version": VERSION, "description": DESCRIPTION},
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}, {"sessionAuth": []}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "接口令牌；也可写作 Authorization: Token <令牌>",
                },
                "sessionAuth": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": settings.SESSION_COOKIE_NAME,
                    "description": "已登录的浏览器会话；写操作还需 X-CSRFToken 请求头",
                },
            },
            "responses": {
                name: _json(_ref("Error"), description) for name, description in ERROR_RESPONSES.values()
            },
        },
    }
