"""What extraction shares between documents: gazetteer, lexicon, rules, validated once."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from kg.builder.extract.gazetteer import Gazetteer
from kg.builder.extract.lexicon import (
    Lexicon,
    build_lexicon,
    check_unused,
    merge_raw,
    packaged_lexicon,
    validate_raw,
)
from kg.builder.extract.rules import RulesError, RuleSet, load_rules

#: Gazetteer classes typed ``kg:Location`` in the graph (news gold types places as Location).
PLACE_CLASSES = frozenset({"Location", "City", "Region"})
#: Keys of a users' patterns file (``kg build --patterns FILE``).
PATTERNS_FILE_KEYS = frozenset({"about", "source", "lexicon", "rules"})


@dataclass
class Resources:
    """Per-corpus resources the extraction components share.

    Attributes:
        gazetteer: Names, demonyms and identifiers of countries, organisations and places.
        lexicon: Word classes of news English.
        rules: The relation, title and event rules.
        tokenizer: The pipeline's tokenizer, so gazetteer names split like the text does.
    """

    gazetteer: Gazetteer
    lexicon: Lexicon
    rules: RuleSet
    tokenizer: Any
    _matcher: PhraseMatcher | None = field(default=None, repr=False)

    def matcher(self, doc: Doc) -> PhraseMatcher:
        """A phrase matcher for gazetteer country/organisation names and demonyms (built once)."""
        if self._matcher is None:
            matcher = PhraseMatcher(doc.vocab, attr="ORTH")
            names = {n for n, e in self.gazetteer.names() if e.cls not in PLACE_CLASSES}
            names |= {form for form, _ in self.gazetteer.demonym_forms()}
            matcher.add("GAZ", [self.tokenizer(n) for n in sorted(names)])
            self._matcher = matcher
        return self._matcher


def read_patterns_file(path: Path) -> dict[str, Any]:
    """Read a users' patterns file: ``{"lexicon": {…sections…}, "rules": [...]}``.

    Raises:
        RulesError: if it cannot be read, is not JSON, or has unknown keys.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise RulesError(f"{path}: cannot read patterns file ({err})") from err
    if not isinstance(data, dict):
        raise RulesError(f"{path}: a patterns file must hold a JSON object")
    unknown = set(data) - PATTERNS_FILE_KEYS
    if unknown:
        raise RulesError(
            f"{path}: unknown key(s) {sorted(unknown)}; a patterns file has"
            ' "lexicon" (word lists to add) and "rules" (rules to add), see docs/patterns.md'
        )
    if not isinstance(data.get("lexicon", {}), dict) or not isinstance(data.get("rules", []), list):
        raise RulesError(f'{path}: "lexicon" must be an object and "rules" a list')
    validate_raw(data.get("lexicon", {}), str(path))
    return data


def load_lexicon_and_rules(patterns: Sequence[str | Path] = ()) -> tuple[Lexicon, RuleSet]:
    """The packaged lexicon and rules extended by users' patterns files, validated together.

    Raises:
        RulesError: for any problem, naming the file (and rule).
    """
    raw = packaged_lexicon()
    extra_rules = []
    for path in patterns:
        data = read_patterns_file(Path(path))
        raw = merge_raw(raw, data.get("lexicon", {}))
        extra_rules.append((str(path), data.get("rules", [])))
    lexicon = build_lexicon(raw)
    rules, used = load_rules(extra_rules, lexicon.lists)
    check_unused(lexicon, used)
    return lexicon, rules


_CACHE: dict[tuple[Any, ...], Resources] = {}


def load_resources(
    vocab: Vocab,
    tokenizer: Any,
    patterns: Sequence[str] = (),
    gazetteers: Sequence[str] = (),
    gazetteer: Gazetteer | None = None,
) -> Resources:
    """Resources for one pipeline, loaded once per (vocabulary, patterns, gazetteers).

    Raises:
        RulesError: if a lexicon, rule or patterns file is malformed.
    """
    key = (id(vocab), tuple(patterns), tuple(gazetteers), id(gazetteer))
    if key not in _CACHE:
        if gazetteer is None:
            paths = tuple(Path(g) for g in gazetteers)
            gazetteer = Gazetteer.load(paths) if paths else Gazetteer.default()
        lexicon, rules = load_lexicon_and_rules(patterns)
        rules.matchers(vocab)  # compile now: a bad pattern fails the load, not a document
        _CACHE[key] = Resources(gazetteer, lexicon, rules, tokenizer)
    return _CACHE[key]
