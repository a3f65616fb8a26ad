"""Each config file is parsed once per process, however often Hydra composes it.

Hydra reads and parses every file of the config again at each composition, and a sweep
composes many times: once in the main process, once per job there to check that the job
composes (Hydra's basic sweeper), once per job in its worker, and a sensitivity job once
more per scenario it runs. PyYAML's pure-Python parser took about half of each
composition. :func:`install` wraps ``OmegaConf.load`` so that a text it has parsed before is
not parsed again: the parsed values are kept, keyed by the text itself, and each load still
builds a fresh config from them (``OmegaConf.create`` copies every value into its own
nodes, so no two configs share anything). A new or changed file is a new text, parsed as
before, errors and their messages included.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from typing import IO, Any

import yaml
from omegaconf import DictConfig, ListConfig, OmegaConf

#: Texts whose parsed values are kept (the least recently used go first).
MAX_TEXTS = 256
_PARSED: OrderedDict[str, Any] = OrderedDict()
_STATE = {"installed": False}


def parsed(stream: IO[str]) -> Any:
    """The values of the YAML text in ``stream``, parsed by OmegaConf's loader once per text."""
    from omegaconf._utils import get_yaml_loader

    start = stream.tell()
    text = stream.read()
    if text in _PARSED:
        _PARSED.move_to_end(text)
        return _PARSED[text]
    stream.seek(start)  # parsed from the stream itself: a YAML error names the file as before
    obj = yaml.load(stream, Loader=get_yaml_loader())
    _PARSED[text] = obj
    if len(_PARSED) > MAX_TEXTS:
        _PARSED.popitem(last=False)
    return obj


def _load(original, file_: Any) -> DictConfig | ListConfig:
    """``OmegaConf.load`` of a seekable text stream (how Hydra reads config files), memoised."""
    if not all(hasattr(file_, m) for m in ("read", "seek", "tell")):
        return original(file_)  # a path, or a stream that cannot be read twice
    obj = parsed(file_)
    if obj is not None and not isinstance(obj, list | dict | str):
        raise OSError(f"Invalid loaded object type: {type(obj).__name__}")  # as OmegaConf says
    return OmegaConf.create() if obj is None else OmegaConf.create(obj)


def texts() -> dict[str, Any]:
    """The texts parsed in this process and their values (to hand to a sweep's workers)."""
    return dict(_PARSED)


def adopt(parsed_texts: dict[str, Any]) -> None:
    """Take texts parsed by another process (the sweep's main process) as parsed here.

    A worker's first job then composes its config without parsing the files the main
    process parsed already; the values are only ever read (``OmegaConf.create`` copies them).
    """
    for text, obj in parsed_texts.items():
        _PARSED.setdefault(text, obj)
    while len(_PARSED) > MAX_TEXTS:
        _PARSED.popitem(last=False)


def install() -> None:
    """Memoise the parsing of ``OmegaConf.load`` in this process (idempotent)."""
    if _STATE["installed"]:
        return
    original = OmegaConf.load
    OmegaConf.load = staticmethod(functools.partial(_load, original))  # type: ignore[method-assign]
    _STATE["installed"] = True
