"""The table of fixed constants in docs/ODD.md 10.7, read from the code.

A constant enters when it is a module-level number whose line is preceded by a
``#:`` comment (the comment is its meaning), in the packages of the model and of
the policy layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

from sim.docgen.blocks import table

PACKAGES = ("sim/model", "sim/policy")


def documented_constants(root: Path) -> list[tuple[str, str, str]]:
    """(name with its file, value, meaning) of every documented numeric constant."""
    rows: list[tuple[str, str, str]] = []
    for package in PACKAGES:
        for path in sorted((root / package).glob("*.py")):
            lines = path.read_text("utf-8").splitlines()
            for node in ast.parse("\n".join(lines)).body:
                if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
                    continue
                target, shown = node.targets[0], number_text(node.value)
                if not isinstance(target, ast.Name) or shown is None:
                    continue
                comment = []
                at = node.lineno - 2  # the line above, 0-based
                while at >= 0 and lines[at].startswith("#:"):
                    comment.insert(0, lines[at][2:].strip())
                    at -= 1
                if comment:
                    name = f"`{target.id}` (`{path.name}`)"
                    rows.append((name, shown, " ".join(comment).rstrip(".")))
    return rows


def number_text(value: ast.expr) -> str | None:
    """A number, a list of numbers or ``np.array([...])`` of numbers as text, else None."""
    if isinstance(value, ast.Call) and len(value.args) == 1:
        value = value.args[0]  # np.array([...])
    if isinstance(value, ast.List):
        items = [number_text(v) for v in value.elts]
        return None if None in items else "[" + ", ".join(items) + "]"
    if isinstance(value, ast.Constant) and type(value.value) in (int, float):
        return f"{value.value:g}"
    return None


def render(root: Path) -> str:
    """The generated ``constants`` block."""
    return table(["constant", "value", "meaning"], [list(r) for r in documented_constants(root)])
