"""Reading source documents: encodings, .docx (with automatic numbering), and refusals.

All data is built in the tests; nothing is copied from the samples.
"""

from __future__ import annotations

import io
import os
import random
import zipfile

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from luoshi.cli import main
from luoshi.parsing.read import MAX_BYTES, InputRefused, read_bytes, read_path

SPEECH = (
    "同志们：\n"
    "一、全年主要预期目标\n"
    "地区生产总值增长６．５％左右，固定资产投资增长8%。\n"
    "（一）抓项目。一是完成投资x亿元，6月底前开工；二是县发改委牵头——做好“六稳”《方案》……\n"
    "二、重点任务\n"
)


def _crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


ENCODED = [
    ("utf-8", SPEECH.encode("utf-8")),
    ("utf-8-bom", b"\xef\xbb\xbf" + SPEECH.encode("utf-8")),
    ("utf-8-crlf", _crlf(SPEECH).encode("utf-8")),
    ("utf-8-bom-crlf", b"\xef\xbb\xbf" + _crlf(SPEECH).encode("utf-8")),
    ("gb18030", SPEECH.encode("gb18030")),
    ("gb18030-crlf", _crlf(SPEECH).encode("gb18030")),
    ("gbk", SPEECH.encode("gbk")),
    ("gbk-crlf", _crlf(SPEECH).encode("gbk")),
    ("gb2312-cr", SPEECH.replace("\n", "\r").encode("gb18030")),
    ("utf-16-bom", SPEECH.encode("utf-16")),
    # saved as "Unicode" by a tool that writes no byte-order mark
    ("utf-16-le-no-bom", SPEECH.encode("utf-16-le")),
    ("utf-16-be-no-bom", SPEECH.encode("utf-16-be")),
]


@pytest.mark.parametrize("label, data", ENCODED, ids=[e[0] for e in ENCODED])
def test_it_decodes_every_supported_encoding_to_the_same_text(label, data):
    text = read_bytes(data, f"{label}.txt")
    assert text == SPEECH
    assert "\ufeff" not in text
    assert "\r" not in text


@pytest.mark.parametrize("label, data", ENCODED, ids=[e[0] for e in ENCODED])
def test_it_reads_paths_like_bytes(tmp_path, label, data):
    path = tmp_path / "讲话.txt"
    path.write_bytes(data)
    assert read_path(path) == read_bytes(data, path.name) == SPEECH


def test_it_counts_offsets_without_bom_or_cr():
    data = b"\xef\xbb\xbf" + _crlf(SPEECH).encode("utf-8")
    text = read_bytes(data, "a.txt")
    assert text[0] == "同"
    for needle in ("一、", "（一）", "二、", "６．５％"):
        assert text.index(needle) == SPEECH.index(needle)


@pytest.mark.parametrize(
    "separator, lf",
    [("\r", "\n"), ("\f", "\n"), ("\v", "\n"), ("\u2028", "\n"), ("\u2029", "\n"), ("\f\r\n", "\n\n")],
)
def test_it_turns_every_kind_of_line_break_into_lf(separator, lf):
    assert read_bytes(SPEECH.replace("\n", separator).encode("utf-8"), "a.txt") == SPEECH.replace("\n", lf)


def test_it_keeps_characters_only_gb18030_has():
    text = "同志们：\n一是建设𠮷祥路、㙟镇文化站，推进重点项目建设。\n"
    assert read_bytes(text.encode("gb18030"), "a.txt") == text


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_it_accepts_utf8_cut_inside_the_last_character(bom):
    data = bom + SPEECH.encode("utf-8") + "。".encode()[:2]
    assert read_bytes(data, "a.txt") == SPEECH


def test_it_drops_a_dos_end_of_file_mark():
    assert read_bytes(_crlf(SPEECH).encode("gbk") + b"\x1a", "a.txt") == SPEECH


# --- .docx -------------------------------------------------------------------------------------------

CHINESE_NUMBERING = f"""
<w:abstractNum {nsdecls("w")} w:abstractNumId="90">
  <w:multiLevelType w:val="hybridMultilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
    <w:lvlText w:val="%1、"/><w:lvlJc w:val="left"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
    <w:lvlText w:val="（%2）"/><w:lvlJc w:val="left"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
    <w:lvlText w:val="%3."/><w:lvlJc w:val="left"/></w:lvl>
</w:abstractNum>
"""


def _add_numbering(document, abstract_xml: str, num_id: int, abstract_id: int) -> None:
    numbering = document.part.numbering_part.element
    abstract = parse_xml(abstract_xml)
    nums = numbering.findall(qn("w:num"))
    if nums:
        nums[0].addprevious(abstract)  # abstractNum elements precede num elements
    else:
        numbering.append(abstract)
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>'
        )
    )


def _numbered(paragraph, num_id: int, level: int) -> None:
    numpr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numpr.get_or_add_ilvl().val = level
    numpr.get_or_add_numId().val = num_id


def _docx_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _numbered_document():
    document = docx.Document()
    _add_numbering(document, CHINESE_NUMBERING, num_id=90, abstract_id=90)
    document.add_paragraph("同志们：")
    for text, level in [
        ("全年主要预期目标", 0),
        ("稳增长", 1),
        ("促改革", 1),
        ("重点任务", 0),
        ("抓项目", 1),
        ("完成投资x亿元", 2),
        ("开工建设", 2),
        ("优环境", 1),
    ]:
        _numbered(document.add_paragraph(text), 90, level)
    document.add_paragraph("以上任务由县发改委牵头。")
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["任务", "牵头单位", "完成时限"], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["建设产业园", "县工信局", "2024年6月底前"], strict=True):
        cell.text = text
    document.add_paragraph("同志们，让我们共同努力。")
    return document


def test_it_reads_docx_paragraphs_tables_and_chinese_numbering():
    text = read_bytes(_docx_bytes(_numbered_document()), "讲话.docx")
    assert text.split("\n") == [
        "同志们：",
        "一、全年主要预期目标",
        "（一）稳增长",
        "（二）促改革",
        "二、重点任务",
        "（一）抓项目",
        "1.完成投资x亿元",
        "2.开工建设",
        "（二）优环境",
        "以上任务由县发改委牵头。",
        "任务",
        "牵头单位",
        "完成时限",
        "建设产业园",
        "县工信局",
        "2024年6月底前",
        "同志们，让我们共同努力。",
    ]


def test_it_reads_a_docx_path_whatever_its_suffix_case(tmp_path):
    path = tmp_path / "讲话.DOCX"
    path.write_bytes(_docx_bytes(_numbered_document()))
    text = read_path(path)
    assert text.startswith("同志们：\n一、全年主要预期目标\n（一）稳增长\n")


def test_it_reads_numbering_from_the_default_template_list_style():
    document = docx.Document()
    for text in ("做好项目", "优化环境", "保障民生"):
        document.add_paragraph(text, style="List Number")
    assert read_bytes(_docx_bytes(document), "a.docx") == "1.做好项目\n2.优化环境\n3.保障民生"


def test_it_reads_multi_level_numbering_text_and_start_values():
    document = docx.Document()
    _add_numbering(
        document,
        f"""
    <w:abstractNum {nsdecls("w")} w:abstractNumId="91">
      <w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
      <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
    </w:abstractNum>""",
        num_id=91,
        abstract_id=91,
    )
    for text, level in [("甲", 0), ("乙", 1), ("丙", 1), ("丁", 0), ("戊", 1)]:
        _numbered(document.add_paragraph(text), 91, level)
    assert read_bytes(_docx_bytes(document), "a.docx").split("\n") == [
        "3.甲",
        "3.1 乙",
        "3.2 丙",
        "4.丁",
        "4.1 戊",
    ]


def test_it_writes_no_bullet_glyphs_into_the_text():
    document = docx.Document()
    for text in ("做好项目", "优化环境"):
        document.add_paragraph(text, style="List Bullet")
    assert read_bytes(_docx_bytes(document), "a.docx") == "做好项目\n优化环境"


def test_it_counts_chinese_numerals_past_ten():
    document = docx.Document()
    _add_numbering(document, CHINESE_NUMBERING, num_id=90, abstract_id=90)
    for i in range(23):
        _numbered(document.add_paragraph(f"第{i}项"), 90, 0)
    lines = read_bytes(_docx_bytes(document), "a.docx").split("\n")
    assert [line.split("、")[0] for line in lines[8:12]] == ["九", "十", "十一", "十二"]
    assert lines[19].startswith("二十、") and lines[22].startswith("二十三、")


def test_it_reads_every_cell_of_a_long_table_once():
    document = docx.Document()
    table = document.add_table(rows=60, cols=3)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"第{r}行第{c}列"
    table.cell(0, 0).merge(table.cell(0, 1))  # a merged cell is read once
    table.cell(0, 0).text = "表头"
    text = read_bytes(_docx_bytes(document), "a.docx")
    lines = text.split("\n")
    assert lines[:2] == ["表头", "第0行第2列"]
    assert len(lines) == 2 + 59 * 3
    assert lines[-1] == "第59行第2列"


def test_it_reads_text_in_nested_tables_content_controls_and_tracked_insertions():
    document = docx.Document()
    document.add_paragraph("第一段。")
    outer = document.add_table(rows=1, cols=1)
    outer.cell(0, 0).text = "外表"
    outer.cell(0, 0).add_table(rows=1, cols=1).cell(0, 0).text = "内表"
    body = document.element.body
    sdt = parse_xml(
        f"<w:sdt {nsdecls('w')}><w:sdtPr/><w:sdtContent>"
        "<w:p><w:r><w:t>控件中的段落。</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )
    body.insert(len(body) - 1, sdt)  # before sectPr
    paragraph = document.add_paragraph("县发改委")
    paragraph._p.append(
        parse_xml(f'<w:ins {nsdecls("w")} w:id="1" w:author="a"><w:r><w:t>牵头</w:t></w:r></w:ins>')
    )
    paragraph._p.append(
        parse_xml(
            f'<w:del {nsdecls("w")} w:id="2" w:author="a"><w:r><w:delText>删除</w:delText></w:r></w:del>'
        )
    )
    paragraph.add_run("落实。")
    lines = [line for line in read_bytes(_docx_bytes(document), "a.docx").split("\n") if line]
    assert lines == ["第一段。", "外表", "内表", "控件中的段落。", "县发改委牵头落实。"]


# --- refusals ----------------------------------------------------------------------------------------


def _noise(seed: int, n: int, low: int = 0) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(low, 256) for _ in range(n))


def _png() -> bytes:
    return (
        b"\x89PNG\r\n\x1a\n"
        + b"\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"
        + _noise(2, 500)
    )


def _random_binary() -> bytes:
    return _noise(1, 4000) + b"\x00" * 10


def _not_chinese() -> bytes:
    # Latin-1 French: a UTF-8 decode fails and GB18030 turns the accented letters into rare ideographs.
    return (
        "Le développement économique à l'échelle régionale, été après été, crée des équipes.\n".encode(
            "latin-1"
        )
        * 20
    )


def _big5() -> bytes:
    return "同志們：今年經濟工作的總體要求是，堅持穩中求進，推動高品質發展。".encode("big5") * 20


def _utf8_read_as_gbk_then_saved() -> bytes:
    # UTF-8 text with a stray byte in the middle: not UTF-8, and GB18030 reads it as mojibake.
    return SPEECH.encode("utf-8") * 3 + b"\xff" + SPEECH.encode("utf-8")


def _control_chars() -> bytes:
    return ("正文" + "\x01\x02\x03\x1b" * 50 + "结束").encode("utf-8")


def _corrupt_docx() -> bytes:
    return b"PK\x03\x04" + _noise(3, 2000)


def _truncated_docx() -> bytes:
    data = _docx_bytes(_numbered_document())
    return data[: len(data) // 2]


def _zip_with(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, content in members.items():
            z.writestr(name, content)
    return out.getvalue()


def _docx_with_broken_xml() -> bytes:
    good = io.BytesIO(_docx_bytes(docx.Document()))
    members = {}
    with zipfile.ZipFile(good) as z:
        for name in z.namelist():
            members[name] = z.read(name)
    members["word/document.xml"] = b"<w:document><w:body><w:p>unterminated"
    return _zip_with(members)


def _xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = "任务"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _empty_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("  ")
    return _docx_bytes(document)


REASONS = {"empty", "binary", "encoding", "legacy", "invalid_docx", "too_large", "unreadable"}
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SAVE_AS = ("另存为", ".docx", ".txt")

REFUSALS = [
    ("empty", "a.txt", b"", ("空",)),
    ("whitespace", "a.txt", b"  \r\n\t \n   ", ("空",)),
    ("ideographic-space", "a.txt", "\u3000\u3000\n\u3000".encode(), ("没有文字",)),
    ("bom-only", "a.txt", b"\xef\xbb\xbf", ("空",)),
    ("bom-and-a-broken-character", "a.txt", b"\xef\xbb\xbf\xe4\xbd", ("空",)),
    ("dos-end-of-file-only", "a.txt", b"\x1a", ("空",)),
    ("bom-and-newlines", "a.txt", b"\xef\xbb\xbf\r\n\r\n", ("没有文字",)),
    ("binary", "a.txt", _random_binary(), ("二进制",)),
    ("png", "a.png", _png(), ("二进制",)),
    ("png-as-txt", "a.txt", _png(), ("二进制",)),
    ("nul-late-in-file", "a.txt", SPEECH.encode() * 300 + b"\x00\x01\x02" * 100, ("二进制",)),
    ("utf16-bom-binary", "a.txt", b"\xff\xfe" + _noise(4, 400, low=1), ("二进制",)),
    ("doc", "a.doc", OLE + _noise(5, 600), ("Word", *SAVE_AS)),
    ("doc-named-txt", "a.txt", OLE + b"junk" * 100, SAVE_AS),
    ("doc-named-docx", "a.docx", OLE + b"junk" * 100, SAVE_AS),
    ("wps", "a.wps", OLE + b"junk" * 100, ("WPS", *SAVE_AS)),
    ("wps-text-inside", "a.wps", SPEECH.encode(), ("WPS", *SAVE_AS)),
    ("pdf", "a.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", ("PDF", *SAVE_AS)),
    ("pdf-named-txt", "a.txt", b"%PDF-1.4\n" + b"stream" * 50, ("PDF", *SAVE_AS)),
    ("latin-1", "a.txt", _not_chinese(), ("编码",)),
    ("big5", "a.txt", _big5(), ("编码",)),
    ("utf8-with-bad-byte", "a.txt", _utf8_read_as_gbk_then_saved(), ("编码",)),
    ("invalid-gb18030", "a.txt", b"\x80\xff\xfe\x81" * 50, ("编码",)),
    ("control-chars", "a.txt", _control_chars(), ("二进制",)),
    ("corrupt-docx", "a.docx", _corrupt_docx(), ("不是有效的 .docx",)),
    ("corrupt-docx-named-txt", "a.txt", _corrupt_docx(), ("不是有效的 .docx",)),
    ("truncated-docx", "a.docx", _truncated_docx(), ("不是有效的 .docx",)),
    ("plain-zip", "a.docx", _zip_with({"readme.txt": b"hello"}), ("不是有效的 .docx",)),
    ("broken-xml-docx", "a.docx", _docx_with_broken_xml(), ("不是有效的 .docx",)),
    ("xlsx-renamed", "a.docx", _xlsx(), ("不是有效的 .docx",)),
    ("text-named-docx", "a.docx", SPEECH.encode(), ("不是有效的 .docx",)),
    ("docx-without-text", "a.docx", _empty_docx(), ("没有文字",)),
]


@pytest.mark.parametrize("label, name, data, words", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_it_refuses_with_a_chinese_reason(label, name, data, words):
    with pytest.raises(InputRefused) as refused:
        read_bytes(data, name)
    message = str(refused.value)
    for word in words:
        assert word in message
    assert name in message
    assert "\n" not in message
    # the same, as a reason a web page can put into its reader's language
    assert refused.value.reason in REASONS and refused.value.params["name"] == name


@pytest.mark.parametrize("label, name, data, words", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_it_refuses_paths_too(tmp_path, label, name, data, words):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputRefused) as refused:
        read_path(path)
    for word in words:
        assert word in str(refused.value)


def test_it_refuses_a_file_over_the_size_limit_without_reading_it(tmp_path):
    path = tmp_path / "big.txt"
    with open(path, "wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: nothing to read
    with pytest.raises(InputRefused, match="超过"):
        read_path(path)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_it_stops_reading_an_endless_device_at_the_size_limit():
    with pytest.raises(InputRefused, match="超过"):
        read_path("/dev/zero")


def test_it_refuses_bytes_over_the_size_limit():
    with pytest.raises(InputRefused, match="超过 10 MB"):
        read_bytes(SPEECH.encode() * (MAX_BYTES // len(SPEECH.encode()) + 1), "big.txt")


def test_it_accepts_a_file_at_the_size_limit():
    unit = "加快项目建设。\n"
    count = MAX_BYTES // len(unit.encode())
    assert read_bytes(unit.encode() * count, "a.txt") == unit * count


@pytest.mark.parametrize("label", ["missing", "directory"])
def test_it_refuses_what_cannot_be_opened(tmp_path, label):
    path = tmp_path / "讲话.txt"
    if label == "directory":
        path.mkdir()
    with pytest.raises(InputRefused, match="无法"):
        read_path(path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads everything")
def test_it_refuses_an_unreadable_file(tmp_path):
    path = tmp_path / "讲话.txt"
    path.write_bytes(SPEECH.encode())
    path.chmod(0)
    try:
        with pytest.raises(InputRefused, match="无法"):
            read_path(path)
    finally:
        path.chmod(0o600)


# --- the command line --------------------------------------------------------------------------------

CLI_REFUSALS = [
    r
    for r in REFUSALS
    if r[0]
    in (
        "empty",
        "whitespace",
        "binary",
        "png",
        "doc",
        "wps",
        "pdf",
        "latin-1",
        "corrupt-docx",
        "broken-xml-docx",
    )
]


@pytest.mark.parametrize("label, name, data, words", CLI_REFUSALS, ids=[r[0] for r in CLI_REFUSALS])
def test_it_exits_2_with_one_line_on_stderr(tmp_path, capsys, label, name, data, words):
    path = tmp_path / name
    path.write_bytes(data)
    assert main(["parse", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
    for word in words:
        assert word in captured.err


@pytest.mark.parametrize("fmt", ["json", "text", "xlsx"])
@pytest.mark.parametrize("label, name, data, words", CLI_REFUSALS, ids=[r[0] for r in CLI_REFUSALS])
def test_it_writes_no_output_file_when_refusing(tmp_path, capsys, fmt, label, name, data, words):
    path = tmp_path / name
    path.write_bytes(data)
    out = tmp_path / f"out.{fmt}"
    assert main(["parse", "--format", fmt, "-o", str(out), str(path)]) == 2
    assert not out.exists()
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1


def test_it_writes_nothing_when_a_later_file_is_refused(tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_bytes(SPEECH.encode("gb18030"))
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.5\n")
    out = tmp_path / "out.json"
    assert main(["parse", "--format", "json", "-o", str(out), str(good), str(bad)]) == 2
    assert not out.exists()
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().splitlines() == [captured.err.strip()]
    assert "bad.pdf" in captured.err


@pytest.mark.parametrize("label", ["missing", "directory"])
def test_it_exits_2_for_paths_it_cannot_open(tmp_path, capsys, label):
    path = tmp_path / "讲话.txt"
    if label == "directory":
        path.mkdir()
    assert main(["parse", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "label, data",
    [("gbk-crlf", _crlf(SPEECH).encode("gbk")), ("utf-8-bom", b"\xef\xbb\xbf" + SPEECH.encode())],
)
def test_it_parses_accepted_files_from_the_command_line(tmp_path, capsys, label, data):
    path = tmp_path / "讲话.txt"
    path.write_bytes(data)
    out = tmp_path / "out.json"
    assert main(["parse", "--format", "json", "-o", str(out), str(path)]) == 0
    import json

    plan = json.loads(out.read_text(encoding="utf-8"))
    assert plan["characters"] == len(SPEECH)
    for task in plan["tasks"]:
        assert SPEECH[task["span"][0] : task["span"][1]] == task["text"]


# --- .docx details that real speeches use -----------------------------------------------------------


def _docx_without_part(data: bytes, part: str, reltype: str) -> bytes:
    members = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            members[name] = z.read(name)
    del members[part]
    rels = members["word/_rels/document.xml.rels"].decode()
    import re

    rels = re.sub(rf'<Relationship [^>]*Type="[^"]*/{reltype}"[^>]*/>', "", rels)
    members["word/_rels/document.xml.rels"] = rels.encode()
    return _zip_with(members)


def test_it_reads_numbered_paragraphs_of_a_docx_without_numbering_part():
    document = docx.Document()
    _numbered(document.add_paragraph("全年主要目标"), 5, 0)
    document.add_paragraph("正文。")
    data = _docx_without_part(_docx_bytes(document), "word/numbering.xml", "numbering")
    assert read_bytes(data, "a.docx") == "全年主要目标\n正文。"


def test_it_numbers_headings_whose_style_carries_the_numbering():
    document = docx.Document()
    _add_numbering(document, CHINESE_NUMBERING, num_id=90, abstract_id=90)
    for style, level in (("Heading 1", 0), ("Heading 2", 1)):
        ppr = document.styles[style].element.get_or_add_pPr()
        numpr = ppr.get_or_add_numPr()
        numpr.get_or_add_ilvl().val = level
        numpr.get_or_add_numId().val = 90
    document.add_heading("总体要求", level=1)
    document.add_paragraph("正文。")
    document.add_heading("重点任务", level=1)
    document.add_heading("抓项目", level=2)
    document.add_heading("优环境", level=2)
    text = read_bytes(_docx_bytes(document), "a.docx")
    assert text.split("\n") == ["一、总体要求", "正文。", "二、重点任务", "（一）抓项目", "（二）优环境"]


def test_it_restarts_a_list_with_a_start_override_and_continues_one_without():
    document = docx.Document()
    _add_numbering(document, CHINESE_NUMBERING, num_id=90, abstract_id=90)
    numbering = document.part.numbering_part.element
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="92"><w:abstractNumId w:val="90"/>'
            '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        )
    )
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="93"><w:abstractNumId w:val="90"/></w:num>'))
    for text, num_id in [("甲", 90), ("乙", 90), ("丙", 92), ("丁", 93)]:
        _numbered(document.add_paragraph(text), num_id, 0)
    assert read_bytes(_docx_bytes(document), "a.docx").split("\n") == ["一、甲", "二、乙", "一、丙", "二、丁"]


@pytest.mark.parametrize(
    "fmt, expected",
    [
        ("ideographTraditional", ["甲、", "乙、", "丙、"]),
        ("chineseLegalSimplified", ["壹、", "贰、", "叁、"]),
        ("upperLetter", ["A、", "B、", "C、"]),
        ("lowerRoman", ["i、", "ii、", "iii、"]),
        ("decimalEnclosedCircleChinese", ["①、", "②、", "③、"]),
        ("decimalFullWidth", ["１、", "２、", "３、"]),
    ],
)
def test_it_writes_out_number_formats(fmt, expected):
    document = docx.Document()
    _add_numbering(
        document,
        f"""
    <w:abstractNum {nsdecls("w")} w:abstractNumId="94">
      <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="%1、"/></w:lvl>
    </w:abstractNum>""",
        num_id=94,
        abstract_id=94,
    )
    for _ in range(3):
        _numbered(document.add_paragraph("项"), 94, 0)
    assert read_bytes(_docx_bytes(document), "a.docx").split("\n") == [e + "项" for e in expected]


def test_it_refuses_a_docx_that_inflates_too_far(monkeypatch):
    from luoshi.parsing import read

    data = _docx_bytes(_numbered_document())
    monkeypatch.setattr(read, "MAX_UNPACKED", 1000)
    with pytest.raises(InputRefused, match="解压后超过"):
        read_bytes(data, "a.docx")


def test_it_refuses_rtf_whatever_its_name():
    with pytest.raises(InputRefused, match="RTF.*另存为"):
        read_bytes(b"{\\rtf1\\ansi\\deff0 {\\fonttbl} hello}", "a.txt")


def test_it_feeds_docx_numbering_to_the_outline():
    from luoshi.parsing.pipeline import parse_text

    text = read_bytes(_docx_bytes(_numbered_document()), "讲话.docx")
    plan = parse_text(text, "讲话.docx")
    assert [(s.level, s.marker, s.title) for s in plan.sections] == [
        (1, "一、", "全年主要预期目标"),
        (2, "（一）", "稳增长"),
        (2, "（二）", "促改革"),
        (1, "二、", "重点任务"),
        (2, "（一）", "抓项目"),
        (2, "（二）", "优环境"),
    ]
    for section in plan.sections:
        assert text[section.span[0] :].startswith(section.marker)
