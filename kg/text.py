"""Names as text: slugs for IRIs, clean surface forms, and the folded keys names are compared by."""

from __future__ import annotations

import re
import unicodedata


def slug(text: str) -> str:
    """Lower-case ASCII slug of a name (``"Jean-Claude Juncker"`` → ``jean-claude-juncker``)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-") or "x"


def clean_name(text: str) -> str:
    """Surface name without a leading article, trailing possessive or stray punctuation."""
    raw = text
    text = re.sub(r"\s+", " ", text.replace("’", "'")).strip(" ,.;:\"'()[]")
    text = re.sub(r"^(the|The|THE)\s+", "", text)
    text = re.sub(r"'s?$", "", text).strip(" ,.;:")
    last = text.rsplit(" ", 1)[-1]
    if re.fullmatch(r"[A-Z][a-z]{0,3}|(?:[A-Z]\.)+[A-Z]", last) and re.search(
        re.escape(last) + r"\.\s*$", raw
    ):
        text += "."  # keep the period of "Co.", "Inc.", "Jr.", "U.S."
    return text


_POSSESSIVE = re.compile(r"['’]s\b")
_DROPPED = re.compile(r"[.'’‘`´]")
_SEPARATORS = re.compile(r"[\W_]+")
_LEADING_THE = re.compile(r"^the\s+")


def normalise(name: str) -> str:
    """Return the SPEC §4 matching key of a name.

    Case-folded, possessive ``'s`` removed, ``+`` read as "plus", dots and apostrophes dropped,
    other whitespace and punctuation collapsed to single spaces, leading "the" removed:
    ``"The UN's"`` -> ``"un"``, ``"OPEC+"`` -> ``"opec plus"``.
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _POSSESSIVE.sub("", text).replace("+", " plus ")
    text = _DROPPED.sub("", text)
    text = _SEPARATORS.sub(" ", text).strip()
    return _LEADING_THE.sub("", text) or text
