"""Reading a source document: `.txt` (UTF-8 with or without BOM, GB18030/GBK) or `.docx`.

Everything else is refused with one clear sentence, before anything is written: an empty or binary
file, a `.doc`/`.wps`/`.pdf`, a file over the size limit, text in no supported encoding.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

MAX_BYTES = 10 * 1024 * 1024


class InputRefused(Exception):
    """The file cannot be read as a speech or report; the message says why, for the user."""


_SAVE_AS = "请在 Word 或 WPS 中另存为 .docx 或 .txt 后再导入 (save it as .docx or .txt)"
_LEGACY = {".doc": "旧版 Word 文档 (.doc)", ".wps": "WPS 文档 (.wps)", ".pdf": "PDF 文件", ".rtf": "RTF 文件"}


def read_path(path: str | Path) -> str:
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputRefused(f"{path.name}: 无法打开文件 (cannot open: {exc.strerror})") from None
    if size > MAX_BYTES:
        raise InputRefused(f"{path.name}: 文件超过 {MAX_BYTES // 1024 // 1024} MB (file too large)")
    return read_bytes(path.read_bytes(), path.name)


def read_bytes(data: bytes, name: str) -> str:
    """The text of an uploaded or read file, normalised as the plan's offsets count it."""
    suffix = Path(name).suffix.lower()
    if len(data) > MAX_BYTES:
        raise InputRefused(f"{name}: 文件超过 {MAX_BYTES // 1024 // 1024} MB (file too large)")
    if suffix in _LEGACY or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or data[:5] == b"%PDF-":
        kind = _LEGACY.get(suffix, "旧版 Office 或 PDF 文件")
        raise InputRefused(f"{name}: 不支持{kind}，{_SAVE_AS}")
    if not data.strip():
        raise InputRefused(f"{name}: 文件是空的 (the file is empty)")
    if suffix == ".docx" or data[:4] == b"PK\x03\x04":
        text = _docx_text(data, name)
    else:
        text = _decode(data, name)
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputRefused(f"{name}: 文件中没有文字 (no text in the file)")
    return text


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:4096]:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            try:
                return data.decode("utf-16")
            except UnicodeDecodeError:
                pass
        raise InputRefused(f"{name}: 这是二进制文件，不是文本 (binary file, not text); {_SAVE_AS}")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
        break
    raise InputRefused(f"{name}: 无法识别文字编码，请保存为 UTF-8 或 GB18030 文本 (unknown encoding)")


def _looks_like_text(text: str) -> bool:
    """GB18030 decodes almost any bytes; real text is mostly letters, Han and punctuation."""
    sample = text[:20000]
    if not sample:
        return False
    bad = sum(1 for c in sample if (ord(c) < 32 and c not in "\n\r\t\f") or 0xE000 <= ord(c) <= 0xF8FF)
    return bad / len(sample) < 0.01


def _docx_text(data: bytes, name: str) -> str:
    try:
        import docx  # python-docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as exc:  # pragma: no cover - a broken installation
        raise InputRefused(f"{name}: 缺少 python-docx，无法读取 .docx") from exc
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError):
        raise InputRefused(f"{name}: 不是有效的 .docx 文件 (not a valid .docx); {_SAVE_AS}") from None
    return "\n".join(_docx_blocks(document))


def _docx_blocks(document) -> list[str]:
    """Paragraphs and table cells in document order, automatic list numbering written out."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    counters: dict[tuple[str, int], int] = {}
    out: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            out.append(_numbered(block, document, counters) + block.text)
        elif isinstance(block, Table):
            seen: set[int] = set()
            for row in block.rows:
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue  # merged cells repeat
                    seen.add(id(cell._tc))
                    out.extend(p.text for p in cell.paragraphs)
    return out


_CN_DIGITS = "零一二三四五六七八九十"


def _chinese(n: int) -> str:
    if n <= 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + _CN_DIGITS[n - 10]
    tens, ones = divmod(n, 10)
    return _CN_DIGITS[tens] + "十" + (_CN_DIGITS[ones] if ones else "")


def _numbered(paragraph, document, counters: dict[tuple[str, int], int]) -> str:
    """The text Word would show for an automatically numbered paragraph (一、 （一） 1.)."""
    ppr = paragraph._p.pPr
    numpr = ppr.numPr if ppr is not None else None
    if numpr is None or numpr.numId is None:
        return ""
    num_id = str(numpr.numId.val)
    level = int(numpr.ilvl.val) if numpr.ilvl is not None else 0
    fmt, text = _level_format(document, num_id, level)
    if fmt is None:
        return ""
    for key in [k for k in counters if k[0] == num_id and k[1] > level]:
        del counters[key]
    counters[(num_id, level)] = counters.get((num_id, level), 0) + 1
    n = counters[(num_id, level)]
    value = _chinese(n) if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional",
                                   "japaneseCounting", "chineseLegalSimplified") else str(n)
    return text.replace(f"%{level + 1}", value)


def _level_format(document, num_id: str, level: int) -> tuple[str | None, str]:
    from docx.oxml.ns import qn

    numbering = document.part.numbering_part.element
    for num in numbering.findall(qn("w:num")):
        if num.get(qn("w:numId")) != num_id:
            continue
        abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        for abstract in numbering.findall(qn("w:abstractNum")):
            if abstract.get(qn("w:abstractNumId")) != abstract_id:
                continue
            for lvl in abstract.findall(qn("w:lvl")):
                if lvl.get(qn("w:ilvl")) == str(level):
                    fmt = lvl.find(qn("w:numFmt"))
                    text = lvl.find(qn("w:lvlText"))
                    return (fmt.get(qn("w:val")) if fmt is not None else None,
                            text.get(qn("w:val")) if text is not None else "")
    return None, ""
