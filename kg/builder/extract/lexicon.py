"""The extraction lexicon (``kg/data/lexicon.json``): words of news English, validated on load.

The lexicon holds word classes, never rules: title words and the relation each implies, head
nouns of organisation and place names, force nouns, reference nouns ("the bloc"), and named word
lists (``word_lists``) that rule patterns use as ``"@name"`` and that code asks for with
:meth:`Lexicon.words`. Loading is strict: an unknown section or key is an error, and so is a
word list that neither a rule nor the code uses (code declares its lists with :func:`uses`).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from typing import Any

from kg.builder.extract.rules import RulesError

#: Section → the keys it may have (``*``: any key naming a list, e.g. classes or list names).
SCHEMA: dict[str, frozenset[str]] = {
    "title_words": frozenset({"leaderOf", "spokespersonFor", "worksFor", "modifiers"}),
    "person_honorifics": frozenset({"words"}),
    "org_head_words": frozenset({"words"}),
    "military_org_words": frozenset({"words"}),
    "force_nouns": frozenset(
        {
            "words",
            "named_force_heads",
            "force_modifiers",
            "exercise_nouns",
            "weak_nouns",
            "non_military_modifiers",
        }
    ),
    "place_heads": frozenset({"words", "site_heads", "macro_regions", "place_nouns"}),
    "reference_nouns": frozenset({"*"}),
    "not_entities": frozenset({"words"}),
    "vessel_nouns": frozenset({"words"}),
    "company_suffixes": frozenset({"words"}),
    "word_lists": frozenset({"*"}),
}
_META = frozenset({"about", "source"})
#: Word lists the code asks for by name (filled by :func:`uses` at import of the rule modules).
CODE_WORD_LISTS: set[str] = set()


def uses(*names: str) -> tuple[str, ...]:
    """Declare word lists a module's code reads with :meth:`Lexicon.words`; returns them."""
    CODE_WORD_LISTS.update(names)
    return names


@dataclass(frozen=True)
class Lexicon:
    """Word classes that drive extraction (all lower-cased).

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
        references: Noun of a definite description → the class it refers to ("the country").
        not_entities: Strings that never become entity nodes.
        lists: Named word lists (``word_lists``), for rule patterns and code.
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
    lists: dict[str, frozenset[str]] = field(default_factory=dict)
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

    @cached_property
    def common_words(self) -> frozenset[str]:
        """Every word of the named word lists (verbs and nouns of news), lower-cased."""
        return frozenset(w for words in self.lists.values() for w in words if " " not in w)

    def is_common_word(self, word: str) -> bool:
        """Whether a lower-cased word is one of the lexicon's common words (not a name)."""
        return word in self.common_words

    @cached_property
    def title_heads(self) -> frozenset[str]:
        """One-word titles and the words that open them: never the end of a name.

        "president", "general", and "vice", "deputy", "assistant", "chief": "[NATO] Secretary
        General X", "[World Bank] Vice-President X".
        """
        heads = {t for t in self.titles if " " not in t and "-" not in t}
        prefixes = {"vice", "deputy", "assistant", "chief", "acting", "executive"}
        return frozenset(heads | (prefixes & self.title_vocab))

    def words(self, name: str) -> frozenset[str]:
        """A named word list (``"deploy_verbs"`` …).

        Raises:
            KeyError: for a list the lexicon does not have (a typo in code is caught at once).
        """
        return self.lists[name]


def validate_raw(raw: Mapping[str, Any], where: str) -> None:
    """Check a lexicon document (or the ``lexicon`` part of a patterns file) against the schema.

    Raises:
        RulesError: naming the unknown section or key, or a value that is not a list.
    """
    for section, value in raw.items():
        if section in _META:
            continue
        if section not in SCHEMA:
            raise RulesError(f"{where}: unknown lexicon section {section!r}")
        if not isinstance(value, dict):
            raise RulesError(f"{where}: lexicon section {section!r} must be an object")
        allowed = SCHEMA[section]
        for key, item in value.items():
            if key in _META:
                continue
            if "*" not in allowed and key not in allowed:
                raise RulesError(f"{where}: unknown key {key!r} in lexicon section {section!r}")
            if not isinstance(item, list) or not all(isinstance(w, str) for w in item):
                raise RulesError(f"{where}: {section}.{key} must be a list of strings")


def merge_raw(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Merge lexicon sections of a patterns file into the base document (lists are extended)."""
    merged = copy.deepcopy(base)
    for name, value in extra.items():
        if name in _META:
            continue
        target = merged.setdefault(name, {})
        for key, item in value.items():
            if key in _META:
                continue
            have = target.setdefault(key, [])
            target[key] = list(have) + [x for x in item if x not in have]
    return merged


def _set(section: Mapping[str, Any], key: str = "words") -> frozenset[str]:
    return frozenset(w.lower() for w in section.get(key, []))


def build_lexicon(raw: Mapping[str, Any]) -> Lexicon:
    """Turn the (validated) JSON document into a :class:`Lexicon`."""
    titles: dict[str, str] = {}
    for relation in ("worksFor", "spokespersonFor", "leaderOf"):
        for word in raw.get("title_words", {}).get(relation, []):
            titles[word.lower()] = relation
    references = {
        word.lower(): cls
        for cls, words in raw.get("reference_nouns", {}).items()
        if cls not in _META
        for word in words
    }
    forces = raw.get("force_nouns", {})
    places = raw.get("place_heads", {})
    return Lexicon(
        titles=titles,
        title_modifiers=_set(raw.get("title_words", {}), "modifiers"),
        honorifics=_set(raw.get("person_honorifics", {})),
        org_heads=_set(raw.get("org_head_words", {})),
        military_orgs=_set(raw.get("military_org_words", {})),
        force_nouns=_set(forces),
        named_force_heads=_set(forces, "named_force_heads"),
        force_modifiers=_set(forces, "force_modifiers"),
        place_heads=_set(places),
        references=references,
        not_entities=_set(raw.get("not_entities", {})),
        lists={
            name: frozenset(w.lower() for w in words)
            for name, words in raw.get("word_lists", {}).items()
            if name not in _META
        },
        vessel_nouns=_set(raw.get("vessel_nouns", {})),
        site_heads=_set(places, "site_heads"),
        macro_regions=_set(places, "macro_regions"),
        weak_force_nouns=_set(forces, "weak_nouns"),
        non_military_modifiers=_set(forces, "non_military_modifiers"),
        company_suffixes=_set(raw.get("company_suffixes", {})),
        place_nouns=_set(places, "place_nouns"),
        exercise_nouns=_set(forces, "exercise_nouns"),
    )


def packaged_lexicon() -> dict[str, Any]:
    """The packaged lexicon document."""
    text = resources.files("kg").joinpath("data/lexicon.json").read_text(encoding="utf-8")
    raw = json.loads(text)
    validate_raw(raw, "kg/data/lexicon.json")
    return raw


def check_unused(lexicon: Lexicon, used_by_rules: Sequence[str] | set[str]) -> None:
    """Fail on word lists that neither a rule nor the code uses.

    Raises:
        RulesError: naming the unused lists.
    """
    unused = set(lexicon.lists) - set(used_by_rules) - CODE_WORD_LISTS
    if unused:
        raise RulesError(
            f"lexicon word list(s) {sorted(unused)} used by no rule and no code:"
            " remove them, or use them in a rule"
        )
    missing = CODE_WORD_LISTS - set(lexicon.lists)
    if missing:
        raise RulesError(f"code asks for word list(s) {sorted(missing)} the lexicon lacks")
