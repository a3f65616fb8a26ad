"""Generated parts of a Markdown file: blocks between markers and inline figures.

A block is everything between ``<!-- BEGIN generated NAME -->`` and
``<!-- END generated NAME -->``; an inline figure is
``<!-- bench PATH FORMAT -->VALUE<!-- /bench -->``, where PATH names a value of
docs/bench.json (keys joined by ``/``) and FORMAT how to print it. The markers are
HTML comments, invisible once the Markdown is rendered.
"""

from __future__ import annotations

import re
from collections.abc import Callable

BLOCK = re.compile(
    r"(<!-- BEGIN generated (?P<name>[^>]+?) -->\n)(?P<body>.*?)(<!-- END generated (?P=name) -->)",
    re.DOTALL,
)
INLINE = re.compile(
    r"(<!-- bench (?P<path>[^>]+?) (?P<fmt>\S+) -->)(?P<value>.*?)(<!-- /bench -->)"
)


def fill(
    text: str,
    blocks: Callable[[str], str],
    inline: Callable[[str, str], str] | None = None,
) -> str:
    """``text`` with every generated block and inline figure rendered anew.

    Args:
        text: The Markdown file's text.
        blocks: Renders the body of the block named NAME (ending with a newline).
        inline: Renders the inline figure at PATH in FORMAT; inline figures are
            left alone when None.

    Raises:
        KeyError: A block or figure the renderers do not know.
    """
    text = BLOCK.sub(lambda m: m.group(1) + blocks(m.group("name")) + m.group(4), text)
    if inline is not None:
        text = INLINE.sub(
            lambda m: m.group(1) + inline(m.group("path"), m.group("fmt")) + m.group(5), text
        )
    return text


def block_names(text: str) -> list[str]:
    """Names of the generated blocks of ``text``, in order."""
    return [m.group("name") for m in BLOCK.finditer(text)]


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table (pipes inside cells escaped), ending with a newline."""
    lines = [header, ["---"] * len(header), *rows]
    return "".join("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |\n" for r in lines)
