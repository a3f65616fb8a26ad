"""Names a package exports, imported from their modules on first use."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, home: Mapping[str, str], namespace: dict) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports each exported name from its module when first read.

    Args:
        package: The package's ``__name__``.
        home: Exported name -> the submodule (relative to ``package``) that defines it.
        namespace: The package's ``globals()``: a name read once is kept there.
    """

    def __getattr__(name: str) -> Any:
        if name not in home:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{home[name]}"), name)
        namespace[name] = value
        return value

    return __getattr__
