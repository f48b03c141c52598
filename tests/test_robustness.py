"""Property tests: the parser never crashes, and every span it reports slices back to its text."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from luoshi.parsing.pipeline import parse_text
from luoshi.parsing.plan import Plan
from luoshi.parsing.read import InputRefused, read_bytes
from luoshi.parsing.summary import summary

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SPEECH = """在全县经济工作会议上的讲话
县委书记 王某某
（2024年1月15日）

同志们：
这次会议的主要任务是，全面贯彻落实中央、省委和市委经济工作会议精神，总结2023年工作，安排部署2024年经济工作。
一、2023年工作回顾
过去一年，全县地区生产总值完成236.5亿元，同比增长6.8%；新签约项目60个，完成投资36.63亿元。
二、2024年主要目标和重点任务
今年经济社会发展的主要预期目标是：地区生产总值增长6.5%左右，固定资产投资增长x%，一般公共预算收入增长５％，社会消费品零售总额增长x%以上，城乡居民人均可支配收入分别增长6%和7.5%。
（一）坚定不移抓项目扩投资。一是加快重点项目建设。全年实施重点项目120个，完成投资x亿元，确保6月底前全部开工，县发改委牵头，各乡镇配合。二是强化要素保障。县自然资源局要在3月底前完成年度用地报批，保障项目用地1500亩。
（二）全力以赴稳工业强产业。第一，推进年产10万吨绿色建材项目建设，力争9月底前投产。第二，新增规模以上工业企业8家，规上工业增加值增长8%。
——实施“个转企、小升规”培育计划，年内培育x家。
——推进智慧园区建设，由县工信局牵头，年底前完成。
（三）持续用力惠民生保底线。新建改建农村公路50公里，完成户厕改造3000户；城镇新增就业2800人，城镇登记失业率控制在4.5%以内。县教体局、县卫健委要在2024年底前完成第二人民医院迁建工程。
三、强化保障，确保各项任务落地见效
一要压实责任。各乡镇、各部门要建立任务清单，实行清单化管理、项目化推进。二要强化督查。县委督查室每月通报一次进展情况，对工作不力的单位进行约谈。
同志们，让我们紧密团结在以习近平同志为核心的党中央周围，为实现全年目标任务而努力奋斗！
"""

HAN = "县委政府发展改革项目建设投资完成增长推进落实加快全面重点工作任务目标年月日底前以上左右乡镇部门单位局牵头配合实施开展"
PUNCT = "。，、；：“”（）《》！？…—·"
DIGITS = "0123456789０１２３４５６７８９.．%％"
OTHER = "xX*ｘＸ＊ \u3000\t"
ALPHABET = HAN + PUNCT + DIGITS + OTHER + "\n"
MARKERS = [
    "一、",
    "二、",
    "三、",
    "十一、",
    "一.",
    "（一）",
    "（二）",
    "(三)",
    "（十）",
    "一是",
    "二是",
    "三要",
    "第一，",
    "第二，",
    "第三部分",
    "——",
    "\n",
    "\n\n",
    "。",
    "！",
    "2024年",
    "今年",
    "6月底前",
    "年底前",
    "第三季度",
    "x月",
    "增长x%",
    "增长6.5%左右",
    "完成投资x亿元",
    "１２０个",
    "50公里",
    "县发改委",
    "县工信局",
    "各乡镇",
    "牵头",
    "配合",
    "产业园项目",
    "地区生产总值",
    "固定资产投资",
    "“",
    "”",
    "（",
    "）",
    "《",
    "》",
    "同志们：",
    "名词解释",
    "主要预期目标是：",
    "重点任务",
    "工作安排",
]

text_strategy = st.lists(
    st.one_of(st.sampled_from(MARKERS), st.text(alphabet=ALPHABET, max_size=8)), max_size=60
).map("".join)


def check_plan(text: str, plan: Plan) -> None:
    """Every span in the plan lies in the text and slices back to what the plan says is there."""
    n = len(text)
    assert plan.characters == n

    def ok(span: tuple[int, int]) -> None:
        start, end = span
        assert 0 <= start <= end <= n, (span, n)

    for section in plan.sections:
        ok(section.span)
        assert section.marker, section
        assert text[section.span[0] :].startswith(section.marker), (section, text[section.span[0] :][:20])
        assert section.title in text[section.span[0] : section.span[1]], section
    for target in plan.targets:
        ok(target.span)
        assert text[target.span[0] : target.span[1]] == target.text, target
    for i, task in enumerate(plan.tasks):
        ok(task.span)
        assert text[task.span[0] : task.span[1]] == task.text, task
        if task.deadline is not None:
            ok(task.deadline.span)
            assert text[task.deadline.span[0] : task.deadline.span[1]] == task.deadline.text, task.deadline
            assert task.span[0] <= task.deadline.span[0] and task.deadline.span[1] <= task.span[1], (i, task)
        for quantity in task.quantities:
            ok(quantity.span)
            assert text[quantity.span[0] : quantity.span[1]] == quantity.text, quantity
            assert task.span[0] <= quantity.span[0] and quantity.span[1] <= task.span[1], (i, quantity)
        for index in task.targets:
            assert 0 <= index < len(plan.targets), (task, index)
        for unit in task.units:
            assert unit in task.text, (unit, task.text)
    for fact in plan.facts:
        ok(fact.span)
        assert text[fact.span[0] : fact.span[1]] == fact.text, fact
        assert fact.sentence in text
    json.loads(plan.to_json())


def parse_and_check(text: str) -> Plan:
    plan = parse_text(text, "t.txt")
    check_plan(text, plan)
    summary(plan)
    return plan


def test_it_parses_the_realistic_speech():
    plan = parse_and_check(SPEECH)
    assert plan.tasks and plan.sections and plan.targets


@SETTINGS
@given(text_strategy)
@example("")
@example("\n")
@example("一、")
@example("（一）")
@example("一、\n（一）\n二、x\n")
@example("——\n——")
@example("“”《》（）")
def test_it_never_crashes_on_random_text(text):
    parse_and_check(text)


@SETTINGS
@given(st.text(max_size=200))
def test_it_never_crashes_on_any_unicode(text):
    parse_and_check(text)


FULL_HALF = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
FULL_HALF.update({"。": ".", "、": ",", "“": '"', "”": '"', "\u3000": " "})
HALF_FULL = {v: k for k, v in FULL_HALF.items()}


@st.composite
def mutated_speech(draw):
    text = SPEECH
    for _ in range(draw(st.integers(1, 12))):
        op = draw(st.sampled_from(["delete", "duplicate", "insert", "newline", "width", "cut"]))
        i = draw(st.integers(0, max(len(text) - 1, 0)))
        j = min(len(text), i + draw(st.integers(1, 40)))
        if op == "delete":
            text = text[:i] + text[j:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif op == "insert":
            piece = draw(st.one_of(st.sampled_from(MARKERS), st.text(alphabet=ALPHABET, max_size=4)))
            text = text[:i] + piece + text[i:]
        elif op == "newline":
            text = text[:i] + draw(st.sampled_from(["\n", "\n\n", " \n", "\r\n"])) + text[i:]
        elif op == "width":
            table = FULL_HALF if draw(st.booleans()) else HALF_FULL
            text = text[:i] + "".join(table.get(c, c) for c in text[i:j]) + text[j:]
        else:
            text = text[:i]
    return text


@SETTINGS
@given(mutated_speech())
def test_it_never_crashes_on_a_mutated_speech(text):
    parse_and_check(text)


@SETTINGS
@given(mutated_speech(), st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]), st.booleans())
def test_it_reads_back_what_was_written_and_parses_it(text, encoding, crlf):
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    data = (text.replace("\n", "\r\n") if crlf else text).encode(encoding)
    try:
        read = read_bytes(data, "a.txt")
    except InputRefused:
        assert not text.strip()
        return
    assert read == text.lstrip("\ufeff")
    parse_and_check(read)


def _shape(plan: Plan) -> dict:
    """What a plan says, without the characters it quotes (those differ in width)."""
    return {
        "year": plan.plan_year,
        "sections": [(s.level, s.span, s.role) for s in plan.sections],
        "targets": [(t.span, t.measure, t.value, t.placeholder, t.period) for t in plan.targets],
        "tasks": [
            (
                t.span,
                t.tier,
                t.role,
                t.targets,
                len(t.units),
                len(t.projects),
                t.deadline and (t.deadline.span, t.deadline.date, t.deadline.placeholder),
                [(q.span, q.placeholder) for q in t.quantities],
            )
            for t in plan.tasks
        ],
        "facts": [f.span for f in plan.facts],
    }


@SETTINGS
@given(mutated_speech(), st.randoms(use_true_random=False), st.sampled_from([0.1, 0.5, 1.0]))
def test_it_reads_full_width_and_half_width_forms_alike(text, rng, share):
    """`８．５％` and `8.5%`, `（一）` and `(一)` are folded before matching: the plan keeps its shape."""
    wide = "".join(
        chr(ord(c) + 0xFEE0)
        if 0x21 <= ord(c) <= 0x7E and rng.random() < share
        else "\u3000"
        if c == " " and rng.random() < share
        else c
        for c in text
    )
    assert _shape(parse_and_check(wide)) == _shape(parse_and_check(text))


@SETTINGS
@given(
    mutated_speech(), st.sampled_from(["\n", "\n\n", " \n", "\u3000\n"]), st.sampled_from(["", "\n", "\n \n"])
)
def test_it_shifts_every_span_by_leading_blank_lines(text, prefix, suffix):
    plain = _shape(parse_and_check(text))
    padded = _shape(parse_and_check(prefix + text + suffix))
    k = len(prefix)

    def shift(o):
        if isinstance(o, tuple) and len(o) == 2 and all(isinstance(x, int) for x in o) and o[0] <= o[1]:
            return (o[0] - k, o[1] - k)
        if isinstance(o, (list, tuple)):
            return type(o)(shift(x) for x in o)
        return o

    assert shift(padded["sections"]) == plain["sections"]
    assert shift(padded["targets"]) == plain["targets"]
    assert shift(padded["facts"]) == plain["facts"]
    assert [shift(t[0]) for t in padded["tasks"]] == [t[0] for t in plain["tasks"]]
