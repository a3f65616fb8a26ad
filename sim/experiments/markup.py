"""Render a report, a list of simple blocks, as Markdown and as self-contained HTML."""

from __future__ import annotations

import base64
import html
import math
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class Heading:
    """A section heading (level 1 is the title)."""

    text: str
    level: int = 2


@dataclass(frozen=True)
class Text:
    """A paragraph of plain text; ``code`` spans are written with backticks."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table of already formatted cells."""

    frame: pd.DataFrame


@dataclass(frozen=True)
class Image:
    """A PNG file on disk, with a caption shown under it."""

    path: Path
    caption: str = ""


@dataclass(frozen=True)
class Details:
    """A collapsible block of preformatted text."""

    summary: str
    body: str


Block = Heading | Text | Table | Image | Details

_CSS = """
body { font-family: system-ui, sans-serif; max-width: 70rem; margin: 2rem auto;
       padding: 0 1rem; color: #222; line-height: 1.45; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.85rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: right; }
th { background: #f2f2f2; }
td:first-child, th:first-child { text-align: left; }
figure { margin: 1.5rem 0; }
figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: 0.85rem; color: #555; }
pre { background: #f7f7f7; padding: 0.75rem; overflow-x: auto; font-size: 0.8rem; }
code { background: #f2f2f2; padding: 0 0.2rem; }
details { margin: 1rem 0; }
"""


def fmt_number(value: object, digits: int = 2) -> str:
    """Format a number for a table: NaN as ``n/a``, large numbers with separators."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(x):
        return "n/a"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if abs(x) < 1e-12:  # zero up to floating-point rounding
        return "0"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return f"{x:.{digits}f}"
    return f"{x:.3g}"


def fmt_p(value: object) -> str:
    """Format a p-value with three significant digits (``n/a`` when missing)."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    return "n/a" if math.isnan(x) else f"{x:.3g}"


def markdown_table(frame: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table of the cells of ``frame`` (as text)."""

    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = [
        "| " + " | ".join(cell(c) for c in frame.columns) + " |",
        "|" + "|".join("---" for _ in frame.columns) + "|",
    ]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(False)]
    return "\n".join(lines)


def html_table(frame: pd.DataFrame) -> str:
    """An HTML table of the cells of ``frame`` (as text, escaped)."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _inline_code_html(text: str) -> str:
    parts = html.escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def to_markdown(blocks: list[Block], base_dir: Path) -> str:
    """Render ``blocks`` as Markdown; images are linked relative to ``base_dir``."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append("#" * block.level + " " + block.text)
        elif isinstance(block, Text):
            out.append(block.text)
        elif isinstance(block, Table):
            out.append(markdown_table(block.frame))
        elif isinstance(block, Image):
            rel = Path(os.path.relpath(block.path, base_dir)).as_posix()
            out.append(f"![{block.path.stem}]({rel})")
            if block.caption:
                out.append(f"*{block.caption}*")
        elif isinstance(block, Details):
            out.append(
                f"<details><summary>{html.escape(block.summary)}</summary>\n\n"
                f"```yaml\n{block.body.rstrip()}\n```\n\n</details>"
            )
    return "\n\n".join(out) + "\n"


def to_html(blocks: list[Block], title: str) -> str:
    """Render ``blocks`` as one self-contained HTML page (images inlined as base64)."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            level = min(max(block.level, 1), 6)
            out.append(f"<h{level}>{html.escape(block.text)}</h{level}>")
        elif isinstance(block, Text):
            out.append(f"<p>{_inline_code_html(block.text)}</p>")
        elif isinstance(block, Table):
            out.append(html_table(block.frame))
        elif isinstance(block, Image):
            data = base64.b64encode(block.path.read_bytes()).decode("ascii")
            alt = html.escape(block.path.stem, quote=True)
            caption = f"<figcaption>{html.escape(block.caption)}</figcaption>"
            out.append(
                f'<figure><img src="data:image/png;base64,{data}" alt="{alt}">'
                f"{caption if block.caption else ''}</figure>"
            )
        elif isinstance(block, Details):
            out.append(
                f"<details><summary>{html.escape(block.summary)}</summary>"
                f"<pre>{html.escape(block.body)}</pre></details>"
            )
    body = "\n".join(out)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )
