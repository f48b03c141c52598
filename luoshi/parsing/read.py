"""Reading a source document: `.txt` (UTF-8 with or without BOM, GB18030/GBK) or `.docx`.

Everything else is refused with one clear sentence, before anything is written: an empty or binary
file, a `.doc`/`.wps`/`.pdf`, a file over the size limit, text in no supported encoding.

The text returned is what the plan's offsets count: no BOM, every line break a single `\\n` (CRLF, CR,
form feed, vertical tab, U+2028/U+2029 all become `\\n`).
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED = 40 * MAX_BYTES  # a .docx that inflates beyond this is refused (zip bomb)


class InputRefused(Exception):
    """The file cannot be read as a speech or report; the message says why, for the user, in Chinese
    with the gist in English (the command line shows it as is). `reason` and `params` say the same
    for a caller that puts it into the reader's own language (the web pages)."""

    def __init__(self, message: str, reason: str = "", **params: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.params = params


_SAVE_AS = "请在 Word 或 WPS 中另存为 .docx 或 .txt 后再导入 (save it as .docx or .txt)"
_LEGACY = {".doc": "旧版 Word 文档 (.doc)", ".wps": "WPS 文档 (.wps)", ".pdf": "PDF 文件", ".rtf": "RTF 文件"}
# a lone CR (old Mac), form feed and vertical tab (page breaks from converters), Unicode line and paragraph
# separators: each is one line break, one character for one, so offsets stay put
_LINE_BREAKS = str.maketrans({c: "\n" for c in "\r\f\v\x85\u2028\u2029"})
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _too_large(name: str) -> InputRefused:
    mb = MAX_BYTES // 1024 // 1024
    return InputRefused(f"{name}: 文件超过 {mb} MB (file too large)", "too_large", name=name, mb=mb)


def read_path(path: str | Path) -> str:
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputRefused(
            f"{path.name}: 无法打开文件 (cannot open: {exc.strerror})", "unreadable", name=path.name
        ) from None
    if path.is_dir():
        raise InputRefused(
            f"{path.name}: 无法读取，这是文件夹而不是文件 (a directory, not a file)",
            "unreadable",
            name=path.name,
        )
    if size > MAX_BYTES:
        raise _too_large(path.name)
    try:
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)  # a pipe or device has no size to check beforehand
    except OSError as exc:
        raise InputRefused(
            f"{path.name}: 无法读取文件 (cannot read: {exc.strerror})", "unreadable", name=path.name
        ) from None
    return read_bytes(data, path.name)


def read_bytes(data: bytes, name: str) -> str:
    """The text of an uploaded or read file, normalised as the plan's offsets count it."""
    suffix = Path(name).suffix.lower()
    if len(data) > MAX_BYTES:
        raise _too_large(name)
    if suffix in _LEGACY or data[:8] == _OLE or data[:5] == b"%PDF-" or data[:5] == b"{\\rtf":
        if data[:5] == b"%PDF-":
            kind = ".pdf"
        elif data[:5] == b"{\\rtf":
            kind = ".rtf"
        else:
            kind = suffix if suffix in _LEGACY else ".doc"
        label = _LEGACY[kind] if suffix in _LEGACY or kind != ".doc" else "旧版 Word 文档或加密文档"
        raise InputRefused(f"{name}: 不支持{label}，{_SAVE_AS}", "legacy", name=name, kind=kind)
    if not data.strip():
        raise InputRefused(f"{name}: 文件是空的 (the file is empty)", "empty", name=name)
    is_docx = suffix == ".docx" or data[:4] == b"PK\x03\x04"
    text = _docx_text(data, name) if is_docx else _decode(data, name)
    text = text.lstrip("\ufeff").removesuffix("\x1a").replace("\r\n", "\n").translate(_LINE_BREAKS)
    if not text:
        raise InputRefused(f"{name}: 文件是空的 (the file is empty)", "empty", name=name)
    if not text.strip():
        raise InputRefused(f"{name}: 文件中没有文字，只有空白 (no text in the file)", "empty", name=name)
    return text


def _binary(name: str) -> InputRefused:
    return InputRefused(
        f"{name}: 这是二进制文件，不是文本 (binary file, not text); {_SAVE_AS}", "binary", name=name
    )


def _unknown_encoding(name: str) -> InputRefused:
    return InputRefused(
        f"{name}: 无法识别文字编码，请保存为 UTF-8 或 GB18030 文本 (unknown encoding)", "encoding", name=name
    )


def _decode(data: bytes, name: str) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with a BOM; neither UTF-8 nor GB18030 starts so
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise _binary(name) from None
        if not _looks_like_text(text, private_use=True):
            raise _binary(name)
        return text
    if b"\x00" in data:
        # UTF-16 saved without a BOM: ASCII characters carry a zero byte; accepted only when it reads
        # as Chinese prose, so a binary file is still called one
        text = _utf16_without_bom(data)
        if text is None:
            raise _binary(name)
        return text
    text = _utf8(data)
    if text is not None and data[:3] != b"\xef\xbb\xbf" and _reads_better_as_gb18030(text, data):
        text = None
    if text is None:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise _unknown_encoding(name) from None
        if not _plausible_chinese(text):
            raise _unknown_encoding(name)
    if not _looks_like_text(text):
        raise _binary(name)
    return text


def _utf16_without_bom(data: bytes) -> str | None:
    if len(data) % 2:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        has_han = sum(1 for c in text[:20000] if "\u4e00" <= c <= "\u9fff") >= 20
        if has_han and _looks_like_text(text, private_use=True) and _plausible_chinese(text):
            return text
    return None


def _reads_better_as_gb18030(text: str, data: bytes) -> bool:
    """A few GB18030 characters can also be valid UTF-8 (全 is C8 AB, which UTF-8 reads as ȫ).
    A Chinese document decoded as UTF-8 into Latin letters with accents and no Han is GB18030."""
    if any("\u4e00" <= c <= "\u9fff" for c in text):
        return False
    if not any("\u00c0" <= c <= "\u02af" for c in text):
        return False
    try:
        other = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return any("\u4e00" <= c <= "\u9fff" for c in other)


def _utf8(data: bytes) -> str | None:
    body = data[3:] if data[:3] == b"\xef\xbb\xbf" else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(body):
            return body[: exc.start].decode("utf-8")  # cut inside the last character
        return None


def _looks_like_text(text: str, private_use: bool = False) -> bool:
    """Real text has almost no control characters (nor, decoded from UTF-16, private-use ones)."""
    sample = text[:20000]
    if not sample:
        return True
    bad = sum(
        1
        for c in sample
        if (ord(c) < 32 and c not in "\n\r\t\f\v\x1a")
        or 0x7F <= ord(c) <= 0x9F
        or (private_use and 0xE000 <= ord(c) <= 0xF8FF)
    )
    return bad / len(sample) < 0.01


def _plausible_chinese(text: str) -> bool:
    """GB18030 decodes almost any bytes. Chinese prose in it is nearly all GB2312 punctuation and
    level-1 (common) characters; Latin-1, Big5 or broken UTF-8 read as GB18030 is not."""
    sample = [c for c in text[:20000] if ord(c) > 0x7F]
    if len(sample) < 20:
        return True  # too little to judge; a few symbols decode alike in many encodings
    common = 0
    for c in sample:
        if unicodedata.category(c)[0] in "PSZN":
            common += 1  # punctuation, symbols and digits in any form (· “ ” ％ ①)
            continue
        try:
            lead = c.encode("gb2312")[0]
        except UnicodeEncodeError:
            continue
        if 0xA1 <= lead <= 0xA9 or 0xB0 <= lead <= 0xD7:
            common += 1
    return common / len(sample) >= 0.8


# --- .docx -------------------------------------------------------------------------------------------


def _docx_text(data: bytes, name: str) -> str:
    try:
        import docx  # python-docx
    except ImportError as exc:  # pragma: no cover - a broken installation
        raise InputRefused(f"{name}: 缺少 python-docx，无法读取 .docx", "unreadable", name=name) from exc
    invalid = f"{name}: 不是有效的 .docx 文件 (not a valid .docx); {_SAVE_AS}"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise InputRefused(invalid, "invalid_docx", name=name) from None
    if unpacked > MAX_UNPACKED:
        mb = MAX_UNPACKED // 1024 // 1024
        raise InputRefused(f"{name}: 解压后超过 {mb} MB (file too large)", "too_large", name=name, mb=mb)
    try:
        document = docx.Document(io.BytesIO(data))
        return "\n".join(_DocxReader(document).blocks())
    except Exception as exc:  # any damage inside the package: zip, XML, missing or mistyped parts
        raise InputRefused(invalid, "invalid_docx", name=name) from exc


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_VAL = _W + "val"
_P, _TBL, _TR, _TC, _TCPR, _SDT, _SDT_CONTENT = (
    _W + t for t in ("p", "tbl", "tr", "tc", "tcPr", "sdt", "sdtContent")
)
# wrappers whose content counts as if it stood in their place
_WRAPPERS = {_W + t for t in ("sdt", "customXml", "ins", "moveTo", "smartTag")}
# inside a paragraph: what Word does not show as its text (deleted revisions, field codes, text boxes
# drawn over the page, ruby annotations), and the alternative rendering of what is already read
_SKIP = {
    _W + t
    for t in (
        "pPr",
        "rPr",
        "del",
        "moveFrom",
        "txbxContent",
        "instrText",
        "delText",
        "delInstrText",
        "rt",
        "footnoteReference",
        "endnoteReference",
        "commentReference",
    )
}
_SKIP.add(_MC_FALLBACK)
_TEXT = _W + "t"
_SPECIAL = {_W + "tab": "\t", _W + "ptab": "\t", _W + "br": "\n", _W + "cr": "\n", _W + "noBreakHyphen": "-"}


class _DocxReader:
    """Paragraphs and table cells in document order, the text Word shows for each, automatic list
    numbering written out (一、 （一） 1.), deleted revisions and text boxes left out."""

    def __init__(self, document) -> None:
        self.body = document.element.body
        self.numbering = _Numbering(document)

    def blocks(self) -> list[str]:
        out: list[str] = []
        self._blocks(self.body, out)
        return out

    def _blocks(self, element, out: list[str]) -> None:
        for child in element.iterchildren():
            tag = child.tag
            if tag == _P:
                out.append(self.numbering.label(child) + _paragraph_text(child))
            elif tag == _TBL:
                self._table(child, out)
            elif tag in _WRAPPERS:
                self._blocks(_unwrapped(child), out)

    def _table(self, table, out: list[str]) -> None:
        for row in _children(table, _TR):
            for cell in _children(row, _TC):
                props = cell.find(_TCPR)
                if props is not None and any(
                    merged is not None and merged.get(_VAL, "continue") != "restart"
                    for merged in (props.find(_W + "vMerge"), props.find(_W + "hMerge"))
                ):
                    continue  # the rest of a merged cell: its text is in the cell it continues
                self._blocks(cell, out)


def _unwrapped(wrapper):
    content = wrapper.find(_SDT_CONTENT) if wrapper.tag == _SDT else None
    return content if content is not None else wrapper


def _children(element, tag: str):
    """Children with `tag`, looking through content controls and similar wrappers."""
    for child in element.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(_unwrapped(child), tag)


def _paragraph_text(paragraph) -> str:
    parts: list[str] = []
    _walk(paragraph, parts)
    return "".join(parts)


def _walk(element, parts: list[str]) -> None:
    for child in element.iterchildren():
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:  # comments and processing instructions have no str tag
            continue
        if tag == _TEXT:
            parts.append(child.text or "")
        elif tag in _SPECIAL:
            parts.append(_SPECIAL[tag])
        else:
            _walk(child, parts)


class _Numbering:
    """Word's automatic numbering: the label each numbered paragraph shows, counted in order."""

    def __init__(self, document) -> None:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        self.levels: dict[str, dict[int, dict]] = {}  # abstractNumId -> ilvl -> level
        self.nums: dict[str, tuple[str, dict[int, dict]]] = {}  # numId -> (abstractNumId, overrides)
        # styleId -> (numId, ilvl, basedOn)
        self.styles: dict[str, tuple[str | None, int | None, str | None]] = {}
        self.counters: dict[tuple[str, int], int] = {}
        self.started: set[str] = set()
        parts = {}
        for key, reltype in (("numbering", RT.NUMBERING), ("styles", RT.STYLES)):
            try:
                parts[key] = document.part.part_related_by(reltype).element
            except KeyError:  # python-docx would make up an empty part, or fail to, for a missing one
                parts[key] = None
        if parts["styles"] is not None:
            for style in parts["styles"].iterchildren(_W + "style"):
                num_id, ilvl = _numpr(style.find(_W + "pPr"))
                based = style.find(_W + "basedOn")
                based_on = based.get(_VAL) if based is not None else None
                self.styles[style.get(_W + "styleId")] = (num_id, ilvl, based_on)
        numbering = parts["numbering"]
        if numbering is None:
            return
        links: dict[str, str] = {}
        for abstract in numbering.iterchildren(_W + "abstractNum"):
            abstract_id = abstract.get(_W + "abstractNumId")
            self.levels[abstract_id] = {
                int(lvl.get(_W + "ilvl", "0")): _level(lvl) for lvl in abstract.iterchildren(_W + "lvl")
            }
            link = abstract.find(_W + "numStyleLink")
            if link is not None:
                links[abstract_id] = link.get(_VAL)
        for num in numbering.iterchildren(_W + "num"):
            ref = num.find(_W + "abstractNumId")
            if ref is None:
                continue
            overrides: dict[int, dict] = {}
            for override in num.iterchildren(_W + "lvlOverride"):
                lvl = override.find(_W + "lvl")
                entry = _level(lvl) if lvl is not None else {}
                start = override.find(_W + "startOverride")
                if start is not None:
                    entry["restart"] = int(start.get(_VAL, "1"))
                overrides[int(override.get(_W + "ilvl", "0"))] = entry
            self.nums[num.get(_W + "numId")] = (ref.get(_VAL), overrides)
        # a list style (numStyleLink) points through a style to the numbering that defines it
        for abstract_id, style_id in links.items():
            target = self.nums.get(self.styles.get(style_id, (None, None, None))[0] or "")
            if target and target[0] in self.levels and target[0] != abstract_id:
                self.levels[abstract_id] = self.levels[target[0]]

    def _resolve(self, paragraph) -> tuple[str | None, int | None, str | None]:
        """(numId, level, styleId) from the paragraph, else from its style and the styles it is based on."""
        ppr = paragraph.find(_W + "pPr")
        num_id, ilvl = _numpr(ppr)
        style = ppr.find(_W + "pStyle") if ppr is not None else None
        style_id = style.get(_VAL) if style is not None else None
        seen: set[str] = set()
        current = style_id
        while (num_id is None or ilvl is None) and current and current not in seen:
            seen.add(current)
            s_num, s_ilvl, based = self.styles.get(current, (None, None, None))
            num_id = s_num if num_id is None else num_id
            ilvl = s_ilvl if ilvl is None else ilvl
            current = based
        return num_id, ilvl, style_id

    def label(self, paragraph) -> str:
        if not self.nums:
            return ""
        num_id, level, style_id = self._resolve(paragraph)
        if num_id is None or num_id not in self.nums:
            return ""  # numId 0 (or an unknown one) means: not numbered
        abstract_id, overrides = self.nums[num_id]
        levels = dict(self.levels.get(abstract_id, {}))
        for i, override in overrides.items():
            levels[i] = {**levels.get(i, {}), **{k: v for k, v in override.items() if k != "restart"}}
        if level is None:  # a style linked to a level of the list
            level = next((i for i, lv in levels.items() if style_id and lv.get("style") == style_id), 0)
        spec = levels.get(level)
        if not spec or "format" not in spec:
            return ""
        if num_id not in self.started:  # a list instance that restarts its numbering
            self.started.add(num_id)
            for i, override in overrides.items():
                if "restart" in override:
                    self.counters[(abstract_id, i)] = override["restart"] - 1
        for key in [k for k in self.counters if k[0] == abstract_id and k[1] > level]:
            del self.counters[key]  # a higher level restarts the levels below it
        key = (abstract_id, level)
        self.counters[key] = self.counters.get(key, spec["start"] - 1) + 1
        if spec["format"] in ("bullet", "none") or spec["hidden"]:
            return ""  # a bullet glyph (often a private-use Symbol character) is no part of the text
        text = spec["text"]
        for i in range(9):  # %1 … %9: the current number of each level
            if f"%{i + 1}" in text:
                lv = levels.get(i, {})
                n = self.counters.get((abstract_id, i), lv.get("start", 1))
                text = text.replace(f"%{i + 1}", _format_number(n, lv.get("format", "decimal")))
        if text and spec["suffix"] != "nothing" and text[-1].isalnum():
            text += " "  # Word sets a tab after 第一章; a space keeps 第一章 总则 apart
        return text


def _numpr(ppr) -> tuple[str | None, int | None]:
    numpr = ppr.find(_W + "numPr") if ppr is not None else None
    if numpr is None:
        return None, None
    num_id = numpr.find(_W + "numId")
    ilvl = numpr.find(_W + "ilvl")
    return (
        num_id.get(_VAL) if num_id is not None else None,
        int(ilvl.get(_VAL, "0")) if ilvl is not None else None,
    )


def _level(lvl) -> dict:
    def val(tag: str, default: str | None) -> str | None:
        child = lvl.find(_W + tag)
        return child.get(_VAL, default) if child is not None else default

    rpr = lvl.find(_W + "rPr")
    hidden = rpr is not None and rpr.find(_W + "vanish") is not None
    return {
        "start": int(val("start", "1") or 1),
        "format": val("numFmt", "decimal"),
        "text": val("lvlText", "") or "",
        "suffix": val("suff", "tab"),
        "hidden": hidden,
        "style": val("pStyle", None),
    }


_DIGITS = "零一二三四五六七八九"
_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _chinese(n: int, digits: str = _DIGITS, units: str = "十百千") -> str:
    """Chinese counting up to 9999: 1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百零五."""
    if n <= 0 or n > 9999:
        return str(n)
    if 10 <= n < 20 and digits is _DIGITS:
        return units[0] + (digits[n - 10] if n > 10 else "")
    out = ""
    zero = False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        d = n // power % 10
        if d:
            if zero and out:
                out += digits[0]
            out += digits[d] + unit
            zero = False
        else:
            zero = True
    return out


def _letters(n: int) -> str:
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = ""
    for value, numeral in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out += numeral
            n -= value
    return out


def _format_number(n: int, fmt: str) -> str:
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "japaneseCounting",
        "taiwaneseCounting",
        "taiwaneseCountingThousand",
        "koreanCounting",
    ):
        return _chinese(n)
    if fmt in ("chineseLegalSimplified", "japaneseLegal"):
        return _chinese(n, _LEGAL, "拾佰仟")
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10] if n > 0 else str(n)
    if fmt == "ideographZodiac":
        return "子丑寅卯辰巳午未申酉戌亥"[(n - 1) % 12] if n > 0 else str(n)
    if fmt in ("upperLetter", "lowerLetter"):
        return _letters(n) if fmt == "upperLetter" else _letters(n).lower()
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 0 < n <= 20:
        return _CIRCLED[n - 1]
    if fmt == "decimalEnclosedParen" and 0 < n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "decimalEnclosedFullstop" and 0 < n <= 20:
        return chr(0x2488 + n - 1)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)
