"""Where a file's comments are, for suppressions: `# iaclint:ignore` counts only in a
comment, never inside data that reads like one (a heredoc, a YAML block scalar, a quoted
string, a JSON string).

    positions = comment_positions(file, text, [(line, column), ...])   # 1-based, characters

returns the positions among those given that lie in a real comment. Each format asks its
own parser: tree-sitter's comment nodes for HCL (`terraform.hcl`), and for YAML the spans
of every scalar (`cloudformation.parser`): a `#` is a comment only outside all of them.
JSON has no comments (`.tf.json`, plan JSON, JSON templates: a JSON template is also
YAML, and every `#` in it is inside a string). Only files that hold a suppression marker
are asked about, so the cost is a second parse of those few files.
"""
from __future__ import annotations

TERRAFORM = (".tf",)
NO_COMMENTS = (".tf.json", ".tfvars.json")


def comment_positions(file: str, text: str, positions) -> set:
    positions = list(positions)
    if not positions or file.endswith(NO_COMMENTS):
        return set()
    starts = _line_starts(text)
    if file.endswith(TERRAFORM) or file.endswith(".tfvars"):
        from iaclint.frontends.terraform.hcl import comment_offsets

        data = text.encode("utf-8", "surrogatepass")
        lines = None if text.isascii() else text.split("\n")
        byte_starts = starts if lines is None else _byte_starts(lines)
        by_offset = {}
        for line, column in positions:
            if 1 <= line <= len(starts):
                before = column - 1 if lines is None else len(lines[line - 1][:column - 1].encode("utf-8",
                                                                                                   "surrogatepass"))
                by_offset[byte_starts[line - 1] + before] = (line, column)
        return {by_offset[o] for o in comment_offsets(data, by_offset)}
    from iaclint.frontends.cloudformation.parser import outside_scalars

    by_index = {starts[line - 1] + column - 1: (line, column) for line, column in positions
                if 1 <= line <= len(starts)}
    return {by_index[i] for i in outside_scalars(text, by_index)}


def _line_starts(text: str) -> list:
    """Character offsets of line starts (lines split on "\\n" only, as suppressions count them)."""
    starts = [0]
    at = text.find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = text.find("\n", at + 1)
    return starts


def _byte_starts(lines: list) -> list:
    out, at = [], 0
    for line in lines:
        out.append(at)
        at += len(line.encode("utf-8", "surrogatepass")) + 1
    return out
