"""A template file's text: decoded as CloudFormation requires (UTF-8), or a ParseError
saying why not, or None for a file that is not a template at all. Shared by the template
loader and the nested stacks it reads."""
from __future__ import annotations

import codecs

from iaclint.frontends.cloudformation.sniff import (
    bytes_look_like_template,
    looks_like_template,
)
from iaclint.model.resource import DUPLICATE_KEY_ID, ParseError

# CloudFormation accepts templates of at most 1 MB; parsing takes about a second per MB,
# so past this a file is not parsed (reported when its start reads like a template).
MAX_FILE_BYTES = 5 * 1024 * 1024
_SNIFF_BYTES = 64 * 1024


def decode(file: str, data: bytes) -> str | ParseError | None:
    """The template text; a ParseError for a template we cannot read; None for other files."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return None
        if looks_like_template(text):
            return ParseError(file, 1, 1, "template is UTF-16 encoded; CloudFormation requires UTF-8")
        return None
    if b"\x00" in data[:_SNIFF_BYTES] and _utf16_template(data[:_SNIFF_BYTES]):
        return ParseError(file, 1, 1, "template is UTF-16 encoded (without a byte order mark); "
                                      "CloudFormation requires UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if not bytes_look_like_template(data):
            return None
        start = exc.start
        line = data.count(b"\n", 0, start) + 1
        column = start - (data.rfind(b"\n", 0, start) + 1) + 1
        return ParseError(file, line, column, f"not valid UTF-8 (byte 0x{data[start]:02x})")
    if "\x00" in text:
        if not looks_like_template(text):
            return None
        index = text.index("\x00")
        line = text.count("\n", 0, index) + 1
        return ParseError(file, line, index - (text.rfind("\n", 0, index) + 1) + 1,
                          "NUL byte in template (binary file?)")
    return text


def _utf16_template(head: bytes) -> bool:
    """Does `head` read as a template in UTF-16 without a byte order mark?"""
    head = head[:len(head) & ~1]
    return any(looks_like_template(head.decode(encoding, "replace")) for encoding in ("utf-16-le", "utf-16-be"))


def duplicate_keys(file: str, duplicates: list) -> list[ParseError]:
    """A key written twice in one mapping: CloudFormation deploys the last value and says
    nothing, so a reviewer reading the first one is misled (cfn-lint's E0000)."""
    from iaclint.frontends.jsonspans import duplicate_message

    return [ParseError(file, line, column, f"{duplicate_message(path, key, first)}: CloudFormation uses only the "
                       "last one", DUPLICATE_KEY_ID) for path, key, (line, column), first in duplicates]
