"""Table-driven tests for paragraphs, sentences, headings, enumerations and roles.

Every snippet is written for these tests; none is taken from the sample speeches.
"""

from __future__ import annotations

import pytest

from luoshi.parsing.document import Document
from luoshi.parsing.pipeline import parse_text, run

SALUTATION = "同志们：\n"
TERMINALS = "。！？!?"


def _doc(text: str) -> Document:
    return run(Document(text=text))


def _sentences(text: str) -> list[str]:
    return [s.text for s in _doc(text).sentences]


def _body_sentences(body: str) -> list[str]:
    """Sentences of a body placed after a salutation, so nothing in it is taken for front matter."""
    return _sentences(SALUTATION + body + "\n")


# --------------------------------------------------------------------------------------------
# sentences


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("今年要抓项目。明年要抓产业！大家有没有信心？", ["今年要抓项目", "明年要抓产业", "大家有没有信心"]),
        ("抓好春耕备耕!做好秋粮收储?", ["抓好春耕备耕", "做好秋粮收储"]),
        # a run of terminals closes one sentence
        ("县发改局要牵头！各乡镇要配合？！", ["县发改局要牵头", "各乡镇要配合"]),
        # a 。 inside quotation marks does not end the sentence
        ("他强调：“要抓项目。再抓落实。”这是明确要求。", ["他强调：“要抓项目。再抓落实。”这是明确要求"]),
        # nor one inside brackets, full width or half width
        (
            "加快园区建设（二期另行安排。详见附件）确保年内完工。下一步要抓招商。",
            ["加快园区建设（二期另行安排。详见附件）确保年内完工", "下一步要抓招商"],
        ),
        (
            "加快园区建设(二期另行安排。详见附件)确保年内完工。",
            ["加快园区建设(二期另行安排。详见附件)确保年内完工"],
        ),
        (
            "实施《清河县城乡供水一体化规划。修订版》确定的工程。",
            ["实施《清河县城乡供水一体化规划。修订版》确定的工程"],
        ),
        # a paragraph's last sentence may have no closing mark
        ("加快推进城南片区开发。年内完成征收工作", ["加快推进城南片区开发", "年内完成征收工作"]),
        # full-width digits: the ． of ８．５％ is not a sentence end
        (
            "地区生产总值增长８．５％。固定资产投资增长１０％。",
            ["地区生产总值增长８．５％", "固定资产投资增长１０％"],
        ),
        # each line is a paragraph of its own
        ("新建农村公路50公里\n改造危桥3座。", ["新建农村公路50公里", "改造危桥3座"]),
    ],
)
def test_it_splits_sentences_at_terminal_marks(body: str, expected: list[str]) -> None:
    assert _body_sentences(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        "今年要抓项目。明年要抓产业！大家有没有信心？",
        "他强调：“要抓项目。再抓落实。”这是明确要求。县发改局要牵头！",
        "  地区生产总值增长８．５％左右。  \n\u3000\u3000各乡镇要抓好春耕。",
    ],
)
def test_it_gives_sentence_spans_that_slice_the_source(body: str) -> None:
    text = SALUTATION + body + "\n"
    doc = _doc(text)
    assert doc.sentences
    for s in doc.sentences:
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip()
        assert s.text[-1] not in TERMINALS
        assert s.end == len(text) or text[s.end] in TERMINALS + "\n"


# --------------------------------------------------------------------------------------------
# headings


@pytest.mark.parametrize(
    ("line", "level", "marker", "title"),
    [
        ("一、坚持项目为王", 1, "一、", "坚持项目为王"),
        ("一、坚持稳中求进，推动高质量发展。", 1, "一、", "坚持稳中求进，推动高质量发展"),
        ("一、关于今年的重点工作：", 1, "一、", "关于今年的重点工作"),
        ("第一，关于去年的工作", 1, "第一，", "关于去年的工作"),
        ("第一、扎实做好稳就业工作", 1, "第一、", "扎实做好稳就业工作"),
        ("（一）全力扩大有效投资", 2, "（一）", "全力扩大有效投资"),
        ("(一)全力扩大有效投资", 2, "(一)", "全力扩大有效投资"),
        ("（一）抓项目。今年要新建农村公路30公里。", 2, "（一）", "抓项目"),
    ],
)
def test_it_recognises_a_numbered_heading(line: str, level: int, marker: str, title: str) -> None:
    doc = _doc(SALUTATION + line + "\n各乡镇要抓好落实。\n")
    assert [(h.level, h.marker, h.title) for h in doc.headings] == [(level, marker, title)]


def test_it_splits_a_heading_that_runs_on_from_its_paragraph() -> None:
    text = (
        SALUTATION
        + "一、2024年重点工作\n（一）抓项目。今年要新建农村公路30公里。\n（二）抓产业\n县工信局要牵头推进园区建设。\n"
    )
    doc = _doc(text)
    assert [(h.level, h.marker, h.title) for h in doc.headings] == [
        (1, "一、", "2024年重点工作"),
        (2, "（一）", "抓项目"),
        (2, "（二）", "抓产业"),
    ]
    texts = [s.text for s in doc.sentences]
    assert "今年要新建农村公路30公里" in texts
    body = next(s for s in doc.sentences if s.text == "今年要新建农村公路30公里")
    assert body.heading is None
    assert body.section is not None and body.section.title == "抓项目"
    plan = parse_text(text)
    assert [t.text for t in plan.tasks] == ["今年要新建农村公路30公里", "县工信局要牵头推进园区建设"]


def test_it_nests_level_two_headings_under_their_level_one_heading() -> None:
    doc = _doc(
        SALUTATION + "一、2024年重点工作\n（一）抓投资\n要扩大有效投资。\n（二）抓产业\n要壮大工业经济。\n"
        "二、狠抓工作落实\n（一）压实责任\n各部门要建立台账。\n"
    )
    parents = [(h.marker, h.parent.marker if h.parent else None) for h in doc.headings]
    assert parents == [
        ("一、", None),
        ("（一）", "一、"),
        ("（二）", "一、"),
        ("二、", None),
        ("（一）", "二、"),
    ]


@pytest.mark.parametrize(
    "later",
    [["一、", "二、"], ["三、", "四、"]],
    ids=["numbered-again", "numbered-on"],
)
def test_it_takes_the_numbers_after_an_unnumbered_part_as_restarted_or_continued(later: list[str]) -> None:
    doc = _doc(
        SALUTATION
        + "一、过去一年的工作\n去年全县经济平稳增长。\n二、当前面临的形势\n当前经济下行压力较大。\n"
        f"2024年工作安排\n{later[0]}扩大有效投资\n要抓好项目建设。\n{later[1]}狠抓工作落实\n各部门要建立台账。\n"
    )
    assert [h.marker for h in doc.headings if h.level == 1] == ["一、", "二、", *later]


@pytest.mark.parametrize(
    ("text", "markers"),
    [
        # 三、 after 一、 skips 二、: not a heading
        ("一、2023年工作回顾\n去年全县经济增长5%。\n三、这一条不在序列里\n", ["一、"]),
        # （三） after （一）
        (
            "一、2024年重点工作\n（一）抓投资\n要扩大有效投资。\n（三）抓产业\n要壮大工业经济。\n",
            ["一、", "（一）"],
        ),
        # a marker inside a sentence is no heading
        ("一、2024年重点工作\n我们要做到一、二、三产业融合发展。\n", ["一、"]),
        # repeating 一、 inside a part is not a new part
        ("一、2024年重点工作\n要扩大有效投资。\n一、加强组织领导\n", ["一、"]),
    ],
)
def test_it_ignores_a_marker_out_of_sequence(text: str, markers: list[str]) -> None:
    assert [h.marker for h in _doc(SALUTATION + text).headings] == markers


@pytest.mark.parametrize(
    ("line", "enumeration"),
    [
        ("一是加快项目建设。", "一是"),
        ("二要抓好安全生产。", "二要"),
        ("第一是抓投资。", "第一是"),
        ("——坚持稳中求进。", "——"),
        ("——推进风光资源有序开发，年内新增并网装机20万千瓦。", "——"),
        ("首先，要抓好项目储备。", "首先"),
        ("其次，要抓好招商引资。", "其次"),
        ("1.加强组织领导。", "1."),
        ("（1）加强组织领导。", "（1）"),
        ("①加强组织领导。", "①"),
    ],
)
def test_it_does_not_take_an_inline_enumeration_for_a_heading(line: str, enumeration: str) -> None:
    doc = _doc(SALUTATION + "一、2024年重点工作\n" + line + "\n")
    assert [h.marker for h in doc.headings] == ["一、"]
    assert [s.enumeration for s in doc.sentences if s.heading is None] == [enumeration]


# --------------------------------------------------------------------------------------------
# front matter, page furniture, endnotes

BODY = "一、2024年重点工作\n今年要新建农村公路30公里。县发改局要牵头推进。\n"
BODY_SENTENCES = ["一、2024年重点工作", "今年要新建农村公路30公里", "县发改局要牵头推进"]


@pytest.mark.parametrize(
    "front",
    [
        "在全县2024年经济工作会议上的讲话\n（2024年1月10日）\n同志们：\n",
        "坚定信心 真抓实干 奋力开创高质量发展新局面\n——在县委经济工作会议上的讲话\n县委书记  王某某\n2024年1月10日\n同志们：\n",
        "在全旗经济工作会议上的讲话\n旗长 张某\n（２０２４年１月１０日）\n各位领导、同志们：\n",
        "全县经济工作会议讲话稿\n——在全县经济工作会议上的讲话\n（2024年1月10日）\n",
        "同志们！\n",
    ],
)
def test_it_keeps_front_matter_out_of_the_body(front: str) -> None:
    doc = _doc(front + BODY)
    assert [s.text for s in doc.sentences] == BODY_SENTENCES
    n_front = front.count("\n")
    assert [p.kind for p in doc.paragraphs[:n_front]] == ["front"] * n_front


@pytest.mark.parametrize("furniture", ["- 3 -", "— 12 —", "-3-", "第 3 页", "第3页 共12页", "3 / 12", "12"])
def test_it_leaves_page_furniture_out_of_the_body(furniture: str) -> None:
    text = (
        SALUTATION
        + "一、2024年重点工作\n今年要新建农村公路30公里。\n"
        + furniture
        + "\n县发改局要牵头推进。\n"
    )
    doc = _doc(text)
    assert [s.text for s in doc.sentences] == BODY_SENTENCES
    assert [p.kind for p in doc.paragraphs if text[p.start : p.end] == furniture] == ["furniture"]


@pytest.mark.parametrize(
    "notes",
    [
        "名词解释：\n1.新质生产力：指创新起主导作用的先进生产力。\n2.两个结合：要把两项工作结合起来。\n",
        "名词解释\n“链长制”：指由县级领导担任产业链链长。\n",
        "注：本文数据均为快报数，要以统计年鉴为准。\n",
        "附件：\n2024年县级重点项目清单\n要在6月底前完成开工。\n",
    ],
)
def test_it_leaves_endnotes_out_of_the_body(notes: str) -> None:
    text = SALUTATION + BODY + notes
    doc = _doc(text)
    assert [s.text for s in doc.sentences] == BODY_SENTENCES
    plan = parse_text(text)
    assert all(t.span[1] <= len(SALUTATION + BODY) for t in plan.tasks)


# --------------------------------------------------------------------------------------------
# roles


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("2023年工作回顾", "review"),
        ("过去一年的主要成绩", "review"),
        ("认真总结过去一年的工作", "review"),
        ("客观认识当前面临的形势", "analysis"),
        ("准确把握发展机遇和挑战", "analysis"),
        ("正视存在的困难和问题", "analysis"),
        ("2024年重点工作", "plan"),
        ("今年的目标任务", "plan"),
        ("2024年工作的总体要求和目标任务", "plan"),
        ("关于全年经济工作的总体思路", "plan"),
        ("转变工作作风，狠抓工作落实", "requirements"),
        ("加强党对经济工作的领导", "requirements"),
        ("强化组织保障", "requirements"),
        ("压实责任、强化督查，确保各项任务落地见效", "requirements"),
        ("坚持从严治政，深入推进党风廉政建设", "requirements"),
        # 今年 is the year under review in a December speech
        ("实事求是总结今年工作", "review"),
        pytest.param(
            "2023年工作回顾和当前形势",
            "review",
        ),
    ],
)
def test_it_gives_a_part_its_role_from_heading_words(title: str, role: str) -> None:
    doc = _doc(SALUTATION + f"一、{title}\n（一）第一个方面\n全县上下要抓好落实。\n")
    assert [(h.level, h.role) for h in doc.headings] == [(1, role), (2, role)]
    assert {s.role for s in doc.sentences} == {role}


def test_it_takes_a_part_whose_sentences_state_achievements_for_a_review_whatever_its_title() -> None:
    review = (
        "上半年全市地区生产总值完成210亿元、增长6.1%。规上工业增加值增长7.5%。"
        "固定资产投资完成85亿元，同比增长9%。新签约项目32个，总投资120亿元。"
        "社会消费品零售总额增长5.2%。这些成绩来之不易。\n"
    )
    plan = "全市上下要紧盯全年目标。各部门要确保三季度投资增长8%以上。要抓好项目建设。力争新开工项目20个。要确保安全生产。\n"
    doc = _doc(
        SALUTATION
        + "一、客观看待上半年经济运行，坚定完成全年目标的信心\n"
        + review
        + "二、下半年重点工作\n"
        + plan
    )
    assert [h.role for h in doc.headings] == ["review", "plan"]
    # the same title over sentences that direct stays with its words
    doc = _doc(SALUTATION + "一、客观看待上半年经济运行，坚定完成全年目标的信心\n" + plan)
    assert [h.role for h in doc.headings] == ["analysis"]


def test_it_gives_each_sentence_the_role_of_its_part() -> None:
    doc = _doc(
        SALUTATION
        + "下面，我讲三点意见。\n"
        + "一、2023年工作回顾\n去年全县地区生产总值增长5.5%。\n"
        + "二、当前面临的形势\n当前经济下行压力较大。\n"
        + "三、2024年重点工作\n（一）抓投资\n今年要新建农村公路30公里。\n"
        + "四、转变工作作风，狠抓工作落实\n各部门要建立任务台账。\n"
    )
    roles = {s.text: s.role for s in doc.sentences}
    assert roles["去年全县地区生产总值增长5.5%"] == "review"
    assert roles["当前经济下行压力较大"] == "analysis"
    assert roles["今年要新建农村公路30公里"] == "plan"
    assert roles["各部门要建立任务台账"] == "requirements"
    assert roles["下面，我讲三点意见"] == "preamble"


# --------------------------------------------------------------------------------------------
# full-width forms


def test_it_reads_full_width_forms_as_ascii_and_reports_them_as_written() -> None:
    text = (
        SALUTATION
        + "一、2024年重点工作\n（一）抓增长\n全县地区生产总值增长８．５％左右！规上工业企业新增１２家？\n"
    )
    doc = _doc(text)
    assert [h.marker for h in doc.headings] == ["一、", "（一）"]
    assert [s.text for s in doc.sentences if s.heading is None] == [
        "全县地区生产总值增长８．５％左右",
        "规上工业企业新增１２家",
    ]
    plan = parse_text(text)
    assert [[q.text for q in t.quantities] for t in plan.tasks] == [["８．５％"], ["１２家"]]
    assert [(t.indicator, t.value, t.unit, t.text) for t in plan.targets] == [
        ("地区生产总值", 8.5, "%", "地区生产总值增长８．５％左右"),
        ("规上工业企业", 12.0, "家", "规上工业企业新增１２家"),
    ]


# --------------------------------------------------------------------------------------------
# hard-wrapped text (copied from a PDF: lines broken mid-sentence)

WRAPPED = """在全县2024年经济工作会议上的讲话
同志们：
一、2023年工作回顾
过去一年，全县上下认真贯彻落实上级决策部署，经济
运行总体平稳，地区生产总值增长5.5%，一般公共预算
收入完成8.2亿元。新签约项目30个，完成投资25亿元
，同比增长12%。
二、2024年重点工作
（一）全力扩大有效投资。今年要加快推进县城供热管
网改造，年内完成20公里。县发改局要牵头建立重
点项目周调度机制，确保6月底前全部开工建设。
（二）持续壮大工业经济。全年新增规上工业企业10家
，规上工业增加值增长8%以上。各乡镇要抓好园区招商
工作，力争引进亿元以上项目5个。
"""


def test_it_rejoins_hard_wrapped_lines() -> None:
    doc = _doc(WRAPPED)
    joined = [s.text.replace("\n", "") for s in doc.sentences]
    assert joined == [
        "一、2023年工作回顾",
        "过去一年，全县上下认真贯彻落实上级决策部署，经济运行总体平稳，地区生产总值增长5.5%，一般公共预算收入完成8.2亿元",
        "新签约项目30个，完成投资25亿元，同比增长12%",
        "二、2024年重点工作",
        "（一）全力扩大有效投资",
        "今年要加快推进县城供热管网改造，年内完成20公里",
        "县发改局要牵头建立重点项目周调度机制，确保6月底前全部开工建设",
        "（二）持续壮大工业经济",
        "全年新增规上工业企业10家，规上工业增加值增长8%以上",
        "各乡镇要抓好园区招商工作，力争引进亿元以上项目5个",
    ]
    for s in doc.sentences:
        assert WRAPPED[s.start : s.end] == s.text
    assert [(h.marker, h.title) for h in doc.headings] == [
        ("一、", "2023年工作回顾"),
        ("二、", "2024年重点工作"),
        ("（一）", "全力扩大有效投资"),
        ("（二）", "持续壮大工业经济"),
    ]


def test_it_does_not_join_lines_of_text_that_is_not_hard_wrapped() -> None:
    text = SALUTATION + "一、2024年重点工作\n新建农村公路50公里\n改造危桥3座\n"
    assert [s.text for s in _doc(text).sentences] == [
        "一、2024年重点工作",
        "新建农村公路50公里",
        "改造危桥3座",
    ]


def test_it_reads_a_generic_word_broken_across_lines_as_generic() -> None:
    plan = parse_text(WRAPPED)
    assert [p.replace("\n", "") for p in plan.projects if "点项目" in p.replace("\n", "")] == []


_WRAPPED_UNIT = """在全县2024年经济工作会议上的讲话
同志们：
一、2024年重点工作
今年要加快推进县城供热管网改造，年内完成20公里，
同步实施老旧小区改造，完成改造小区15个，惠及群众
3000户。全年新增规上工业企业10家，规上工业增加值
增长8%以上。县住建局要加快推进城区雨污分流改造，
年内完成管网铺设12公里，确保路况优良率达到85%以
上。各乡镇要抓好园区招商工作，力争引进亿元以上项
目5个，全年新增市场主体1200户，新增就业2800人，
确保各项目标任务全面完成。今年的工作任务很重。县发
改局要牵头做好项目储备工作，争取专项债券资金3亿元。
"""


def test_it_finds_a_unit_broken_across_lines() -> None:
    plan = parse_text(_WRAPPED_UNIT)
    task = next(t for t in plan.tasks if "专项债券资金" in t.text)
    assert [u.replace("\n", "") for u in task.units] == ["县发改局"]


def test_it_keeps_a_sentence_whole_across_a_page_break() -> None:
    text = _WRAPPED_UNIT.replace("项\n目5个", "项\n- 3 -\n目5个")
    doc = _doc(text)
    start = text.index("各乡镇要抓好")
    end = text.index("目5个") + 3
    assert any(s.start <= start and end <= s.end for s in doc.sentences)
