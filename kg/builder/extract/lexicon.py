"""Load the extraction vocabulary (``kg/data/lexicon.json``) and users' pattern files."""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any


class PatternsError(ValueError):
    """A user patterns file is malformed."""


@dataclass(frozen=True)
class Lexicon:
    """Word lists and patterns that drive extraction (all lower-cased).

    Attributes:
        titles: Title phrase → the relation it implies (``leaderOf``, ``spokespersonFor``,
            ``worksFor``).
        title_modifiers: Words that may start or qualify a title ("former", "Foreign").
        honorifics: Words that precede a personal name.
        org_heads: Head nouns of organisation names.
        military_orgs: Names of national armed services (organisations, not deployed forces).
        force_nouns: Nouns naming a deployed force or its units.
        named_force_heads: Heads that make a capitalised name a force ("Joint Force").
        force_modifiers: Modifiers of an unnamed force ("peacekeeping").
        place_heads: Nouns that extend a place name ("region").
        references: Class → nouns of definite descriptions ("the country").
        not_entities: Strings that never become entity nodes.
        events: Event trigger lemma → event class.
        relation_words: Word classes that express relations and cancel them (negators, modals,
            blocking verbs …), by name.
    """

    titles: dict[str, str]
    title_modifiers: frozenset[str]
    honorifics: frozenset[str]
    org_heads: frozenset[str]
    military_orgs: frozenset[str]
    force_nouns: frozenset[str]
    named_force_heads: frozenset[str]
    force_modifiers: frozenset[str]
    place_heads: frozenset[str]
    references: dict[str, str]
    not_entities: frozenset[str]
    events: dict[str, str] = field(default_factory=dict)
    event_nouns: dict[str, str] = field(default_factory=dict)
    relation_words: dict[str, frozenset[str]] = field(default_factory=dict)
    vessel_nouns: frozenset[str] = frozenset()
    site_heads: frozenset[str] = frozenset()
    macro_regions: frozenset[str] = frozenset()
    weak_force_nouns: frozenset[str] = frozenset()
    non_military_modifiers: frozenset[str] = frozenset()
    company_suffixes: frozenset[str] = frozenset()
    place_nouns: frozenset[str] = frozenset()
    exercise_nouns: frozenset[str] = frozenset()

    @cached_property
    def title_vocab(self) -> frozenset[str]:
        """Every word that can be part of a title ("secretary", "of", "state", "former" …)."""
        return frozenset(w for t in self.titles for w in t.split()) | self.title_modifiers

    def words(self, name: str) -> frozenset[str]:
        """A word class of the ``relations`` section (``"deploy_verbs"`` …); empty if absent."""
        return self.relation_words.get(name, frozenset())


def _words(section: dict[str, Any], key: str = "words") -> frozenset[str]:
    return frozenset(w.lower() for w in section.get(key, []))


def merge_raw(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Merge a user patterns document into the base lexicon document (lists are extended)."""
    merged = copy.deepcopy(base)
    for name, value in extra.items():
        if name in ("about", "source"):
            continue
        if not isinstance(value, dict):
            raise PatternsError(f"section {name!r} must be an object")
        target = merged.setdefault(name, {})
        for key, item in value.items():
            if key == "source":
                continue
            if isinstance(item, list):
                target.setdefault(key, [])
                target[key] = list(target[key]) + [x for x in item if x not in target[key]]
            elif isinstance(item, dict):
                target.setdefault(key, {}).update(item)
            else:
                raise PatternsError(f"{name}.{key} must be a list or an object")
    return merged


def build_lexicon(raw: dict[str, Any]) -> Lexicon:
    """Turn the JSON document into a :class:`Lexicon`."""
    titles: dict[str, str] = {}
    for relation in ("worksFor", "spokespersonFor", "leaderOf"):
        for word in raw.get("title_words", {}).get(relation, []):
            titles[word.lower()] = relation
    references = {
        word.lower(): cls
        for cls, words in raw.get("reference_nouns", {}).items()
        if cls != "source"
        for word in words
    }
    forces = raw.get("force_nouns", {})
    events = raw.get("events", {})
    relations = raw.get("relations", {})
    return Lexicon(
        titles=titles,
        title_modifiers=_words(raw.get("title_words", {}), "modifiers"),
        honorifics=_words(raw.get("person_honorifics", {})),
        org_heads=_words(raw.get("org_head_words", {})),
        military_orgs=_words(raw.get("military_org_words", {})),
        force_nouns=_words(forces),
        named_force_heads=_words(forces, "named_force_heads"),
        force_modifiers=_words(forces, "force_modifiers"),
        place_heads=_words(raw.get("place_heads", {})),
        references=references,
        not_entities=_words(raw.get("not_entities", {})),
        events={k.lower(): v for k, v in events.get("verbs", {}).items()},
        event_nouns={k.lower(): v for k, v in events.get("nouns", {}).items()},
        relation_words={
            name: frozenset(w.lower() for w in words)
            for name, words in relations.items()
            if isinstance(words, list)
        },
        vessel_nouns=_words(raw.get("vessel_nouns", {})),
        site_heads=_words(raw.get("place_heads", {}), "site_heads"),
        macro_regions=_words(raw.get("place_heads", {}), "macro_regions"),
        weak_force_nouns=_words(forces, "weak_nouns"),
        non_military_modifiers=_words(forces, "non_military_modifiers"),
        company_suffixes=_words(raw.get("company_suffixes", {})),
        place_nouns=_words(raw.get("place_heads", {}), "place_nouns"),
        exercise_nouns=_words(forces, "exercise_nouns"),
    )


def _base_raw() -> dict[str, Any]:
    text = resources.files("kg").joinpath("data/lexicon.json").read_text(encoding="utf-8")
    return json.loads(text)


@lru_cache(maxsize=8)
def load_lexicon(extra: Sequence[Path] | tuple[Path, ...] = ()) -> Lexicon:
    """Load the packaged lexicon, extended by users' pattern files (JSON, same layout).

    Raises:
        PatternsError: if a patterns file cannot be read or is malformed.
    """
    raw = _base_raw()
    for path in extra:
        try:
            doc = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as err:
            raise PatternsError(f"{path}: cannot read patterns file ({err})") from err
        if not isinstance(doc, dict):
            raise PatternsError(f"{path}: a patterns file must hold a JSON object")
        raw = merge_raw(raw, doc)
    return build_lexicon(raw)
