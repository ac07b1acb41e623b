"""Extraction rules as data: load, validate and run the rule files of ``kg/data/rules/``.

A rule file is a JSON object ``{"about": …, "source": …, "rules": [RULE, …]}``. Each rule says
what it emits (a core relation, an event class, or ``"title"``), how it matches (a spaCy
``Matcher`` token pattern, a ``DependencyMatcher`` pattern, or a named Python function for what a
pattern cannot say), how the matched tokens become entities (``take`` resolvers), which guards
must pass (negation, modality, "former" …), and its confidence. The rule ``id`` becomes
``kg:extractionRule`` on every fact it yields. ``docs/patterns.md`` documents every key; a test
checks the document against :data:`RULE_KEYS` and the registries.

Word lists of the lexicon are used in patterns as ``"@name"`` (``{"LEMMA": {"IN":
"@deploy_verbs"}}``). Loading validates everything: an unknown key, property, class, guard,
resolver, word list or pattern node is an error naming the file and the rule.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from spacy.matcher import DependencyMatcher, Matcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from kg.vocab import ENTITY_CLASSES, EVENT_CLASSES, RELATIONS, ROLES


class RulesError(ValueError):
    """A rule or lexicon file is malformed; the message names the file and the rule."""


# --------------------------------------------------------------------------- registries


class Registry:
    """Named functions that rule files refer to (guards, resolvers, Python matchers, frames)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, Callable[..., Any]] = {}

    def __call__(self, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register a function under ``name`` (a decorator)."""

        def add(fn: Callable[..., Any]) -> Callable[..., Any]:
            if name in self._items and self._items[name] is not fn:
                raise RulesError(f"{self.kind} {name!r} registered twice")
            self._items[name] = fn
            return fn

        return add

    def get(self, name: str) -> Callable[..., Any]:
        """The function registered as ``name``."""
        return self._items[name]

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def names(self) -> list[str]:
        """Registered names, sorted."""
        return sorted(self._items)

    def doc(self, name: str) -> str:
        """First line of the docstring of a registered function."""
        return (self._items[name].__doc__ or "").strip().splitlines()[0]


#: ``guard(view, hit) -> bool``: False drops the hit.
GUARDS = Registry("guard")
#: ``take(view, token, spec) -> list[Mention]``: the entities a matched token stands for.
TAKES = Registry("take")
#: ``match(view, rule) -> Iterator[Hit]``: a rule written in Python.
MATCHERS = Registry("python matcher")
#: ``frame(view, token, rule) -> dict[role, list[Mention]]``: the roles of an event trigger.
FRAMES = Registry("frame")


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class Role:
    """How one end of a relation (or one event role) is read off a match.

    Attributes:
        node: Pattern node (dependency patterns: its ``RIGHT_ID``; token patterns: its index as
            a string) whose token is resolved.
        take: Name of the resolver (:data:`TAKES`) turning the token into entities.
        classes: Entity classes accepted (empty: any).
        params: Extra parameters of the resolver (``preps`` …).
    """

    node: str
    take: str
    classes: frozenset[str]
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Example:
    """A sentence a rule must handle: what it yields (``expect``) or must not (``reject``)."""

    text: str
    expect: tuple[tuple[str, ...], ...] = ()
    reject: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Rule:
    """One extraction rule (see the module docstring and ``docs/patterns.md``)."""

    id: str
    emit: str
    kind: str
    confidence: float
    matcher: str
    pattern: tuple[Any, ...] = ()
    function: str = ""
    anchor: str = ""
    roles: Mapping[str, Role] = field(default_factory=dict)
    guards: tuple[str, ...] = ()
    frame: str = ""
    requires: tuple[str, ...] = ()
    doc: str = ""
    examples: tuple[Example, ...] = ()
    source: str = ""


#: Keys a rule may have, with what each says (the reference of ``docs/patterns.md``).
RULE_KEYS: dict[str, str] = {
    "id": "unique name; becomes kg:extractionRule of every fact the rule yields",
    "emit": "a core relation (contributesTo …), an event class (Protest …) or title",
    "confidence": "confidence of what the rule yields, in (0, 1]",
    "match": 'how it matches: {"tokens": PATTERN or [PATTERN, ...]}, {"dependency": PATTERN}'
    ' or {"python": NAME}',
    "anchor": "pattern node whose sentence is the evidence (default: the first node)",
    "subject": "relations: the role spec of the subject",
    "object": "relations and titles: the role spec of the object (for titles: the person)",
    "roles": "events: role specs by role (agent, target, participant, place), added to the frame",
    "frame": "events: the Python frame that fills the roles from the trigger (default: clause)",
    "requires": "events: roles that must be filled for the event to be kept",
    "guards": "names of guards that must all pass",
    "doc": "what the rule matches, in words",
    "examples": 'test sentences: {"text": ..., "expect": [[s, p, o]], "reject": [[s, p, o]]}',
    "replace": "true to replace a packaged rule with the same id (user files)",
}
#: Keys of a role spec.
ROLE_KEYS: dict[str, str] = {
    "node": "pattern node whose token is resolved",
    "take": "resolver turning the token into entities (default: mention)",
    "classes": "entity classes accepted",
    "preps": "prepositions, for resolvers that follow them",
}
#: Keys of a rule file.
FILE_KEYS = frozenset({"about", "source", "rules"})


def _where(path: str, rule: Mapping[str, Any] | None = None) -> str:
    return f"{path}: rule {rule.get('id', '?')!r}" if rule else path


def _expand_lists(value: Any, words: Mapping[str, frozenset[str]], used: set[str], where: str):
    """Replace ``"@name"`` references to lexicon word lists with the lists (sorted)."""
    if isinstance(value, str) and value.startswith("@"):
        name = value[1:]
        if name not in words:
            raise RulesError(f"{where}: unknown word list {value!r}")
        used.add(name)
        return sorted(words[name])
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            expanded = _expand_lists(item, words, used, where)
            if isinstance(item, str) and item.startswith("@"):
                out.extend(expanded)
            else:
                out.append(expanded)
        return out
    if isinstance(value, dict):
        return {k: _expand_lists(v, words, used, where) for k, v in value.items()}
    return value


def _role(spec: Any, nodes: Sequence[str], where: str, default_take: str = "mention") -> Role:
    if not isinstance(spec, dict):
        raise RulesError(f"{where}: a role must be an object")
    unknown = set(spec) - set(ROLE_KEYS)
    if unknown:
        raise RulesError(f"{where}: unknown role key(s) {sorted(unknown)}")
    node = str(spec.get("node", nodes[0] if nodes else ""))
    if nodes and node not in nodes:
        raise RulesError(f"{where}: role node {node!r} is not a pattern node {list(nodes)}")
    take = spec.get("take", default_take)
    if take not in TAKES:
        raise RulesError(f"{where}: unknown resolver {take!r} (known: {TAKES.names()})")
    classes = frozenset(spec.get("classes", ()))
    bad = classes - set(ENTITY_CLASSES)
    if bad:
        raise RulesError(f"{where}: unknown class(es) {sorted(bad)}")
    params = {k: tuple(v) if isinstance(v, list) else v for k, v in spec.items() if k == "preps"}
    return Role(node, take, classes, params)


def _nodes(matcher: str, pattern: Sequence[Any], where: str) -> list[str]:
    if matcher == "dependency":
        ids = []
        for item in pattern:
            if not isinstance(item, dict) or "RIGHT_ID" not in item:
                raise RulesError(f"{where}: every dependency pattern node needs a RIGHT_ID")
            ids.append(item["RIGHT_ID"])
        return ids
    if matcher == "tokens":
        alternatives = token_alternatives(pattern)
        if len({len(a) for a in alternatives}) != 1:
            raise RulesError(f"{where}: alternative token patterns must have the same length")
        return [str(i) for i in range(len(alternatives[0]))]
    return []


def token_alternatives(pattern: Sequence[Any]) -> list[list[Any]]:
    """A token pattern, or a list of alternative token patterns, as a list of patterns."""
    if pattern and isinstance(pattern[0], list):
        return [list(p) for p in pattern]
    return [list(pattern)]


def _examples(raw: Any, where: str) -> tuple[Example, ...]:
    out = []
    for ex in raw or ():
        if not isinstance(ex, dict) or not isinstance(ex.get("text"), str):
            raise RulesError(f"{where}: an example needs a text")
        unknown = set(ex) - {"text", "expect", "reject"}
        if unknown:
            raise RulesError(f"{where}: unknown example key(s) {sorted(unknown)}")
        out.append(
            Example(
                ex["text"],
                tuple(tuple(x) for x in ex.get("expect", ())),
                tuple(tuple(x) for x in ex.get("reject", ())),
            )
        )
    return tuple(out)


def parse_rule(
    raw: Mapping[str, Any], path: str, words: Mapping[str, frozenset[str]], used: set[str]
) -> Rule:
    """Validate one rule object and turn it into a :class:`Rule`.

    Raises:
        RulesError: naming the file, the rule and what is wrong.
    """
    where = _where(path, raw)
    if not isinstance(raw, dict):
        raise RulesError(f"{path}: every rule must be an object")
    unknown = set(raw) - set(RULE_KEYS)
    if unknown:
        raise RulesError(f"{where}: unknown key(s) {sorted(unknown)}")
    for key in ("id", "emit", "confidence", "match"):
        if key not in raw:
            raise RulesError(f"{where}: missing {key!r}")
    emit = raw["emit"]
    if emit in RELATIONS:
        kind = "relation"
    elif emit in EVENT_CLASSES and emit != "Event":
        kind = "event"
    elif emit == "title":
        kind = "title"
    else:
        raise RulesError(f"{where}: emits {emit!r}, which is no relation, event class or title")
    conf = raw["confidence"]
    if not isinstance(conf, (int, float)) or not 0 < conf <= 1:
        raise RulesError(f"{where}: confidence must be a number in (0, 1]")
    match = raw["match"]
    if not isinstance(match, dict) or len(match) != 1:
        raise RulesError(f"{where}: match must have exactly one of tokens, dependency, python")
    ((matcher, pattern),) = match.items()
    if matcher not in ("tokens", "dependency", "python"):
        raise RulesError(f"{where}: unknown matcher {matcher!r}")
    function = ""
    if matcher == "python":
        if pattern not in MATCHERS:
            raise RulesError(f"{where}: unknown python matcher {pattern!r}")
        function, pattern = pattern, []
    elif not isinstance(pattern, list) or not pattern:
        raise RulesError(f"{where}: a {matcher} pattern must be a non-empty list")
    pattern = _expand_lists(copy.deepcopy(pattern), words, used, where)
    nodes = _nodes(matcher, pattern, where)
    anchor = str(raw.get("anchor", nodes[0] if nodes else ""))
    if nodes and anchor not in nodes:
        raise RulesError(f"{where}: anchor {anchor!r} is not a pattern node")
    roles: dict[str, Role] = {}
    if kind == "relation" and matcher != "python":
        for end in ("subject", "object"):
            if end not in raw:
                raise RulesError(f"{where}: a relation pattern needs a {end!r} role")
            roles[end] = _role(raw[end], nodes, f"{where} {end}")
    elif kind == "title" and matcher != "python":
        roles["object"] = _role(raw.get("object", {}), nodes, f"{where} object")
    for role, spec in (raw.get("roles") or {}).items():
        if kind != "event" or role not in ROLES:
            raise RulesError(f"{where}: role {role!r} is no event role {list(ROLES)}")
        roles[role] = _role(spec, nodes, f"{where} {role}")
    frame = raw.get("frame", "clause" if kind == "event" else "")
    if kind == "event" and frame not in FRAMES:
        raise RulesError(f"{where}: unknown frame {frame!r} (known: {FRAMES.names()})")
    requires = tuple(raw.get("requires", ()))
    if set(requires) - set(ROLES):
        raise RulesError(f"{where}: requires unknown role(s) {sorted(set(requires) - set(ROLES))}")
    guards = tuple(raw.get("guards", ()))
    for g in guards:
        if g not in GUARDS:
            raise RulesError(f"{where}: unknown guard {g!r} (known: {GUARDS.names()})")
    return Rule(
        id=str(raw["id"]),
        emit=emit,
        kind=kind,
        confidence=float(conf),
        matcher=matcher,
        pattern=tuple(pattern),
        function=function,
        anchor=anchor,
        roles=roles,
        guards=guards,
        frame=frame,
        requires=requires,
        doc=str(raw.get("doc", "")),
        examples=_examples(raw.get("examples"), where),
        source=path,
    )


def read_rule_file(path: str, text: str) -> list[dict[str, Any]]:
    """Decode a rule file and check its top level; returns the raw rule objects."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise RulesError(f"{path}: not valid JSON ({err})") from err
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RulesError(f'{path}: a rule file is an object with a "rules" list')
    unknown = set(data) - FILE_KEYS
    if unknown:
        raise RulesError(f"{path}: unknown key(s) {sorted(unknown)}")
    return data["rules"]


def packaged_rule_files() -> list[tuple[str, str]]:
    """``(name, text)`` of every packaged rule file, sorted by name."""
    folder = resources.files("kg") / "data" / "rules"
    files = sorted((p for p in folder.iterdir() if p.name.endswith(".json")), key=lambda p: p.name)
    return [(f"kg/data/rules/{p.name}", p.read_text(encoding="utf-8")) for p in files]


@dataclass(frozen=True)
class Hit:
    """One match of a rule: the tokens of its pattern nodes, by node name.

    Rules written in Python make hits with one node, ``"anchor"``.
    """

    rule: Rule
    nodes: Mapping[str, Token]

    @property
    def anchor(self) -> Token:
        """The token whose sentence is the evidence."""
        if self.rule.anchor in self.nodes:
            return self.nodes[self.rule.anchor]
        return self.nodes.get("anchor") or next(iter(self.nodes.values()))


class RuleSet:
    """Every rule, validated, in file order; patterns compiled once per vocabulary."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        self._by_id = {r.id: r for r in self.rules}
        self._compiled: dict[int, tuple[Matcher, DependencyMatcher]] = {}

    def of_kind(self, *kinds: str) -> list[Rule]:
        """The rules of the given kinds (``relation``, ``event``, ``title``), in file order."""
        return [r for r in self.rules if r.kind in kinds]

    def get(self, rule_id: str) -> Rule:
        """The rule with this id."""
        return self._by_id[rule_id]

    def matchers(self, vocab: Vocab) -> tuple[Matcher, DependencyMatcher]:
        """The token and dependency matchers of every pattern rule (compiled on first use).

        Raises:
            RulesError: if spaCy rejects a pattern.
        """
        key = id(vocab)
        if key not in self._compiled:
            tokens = Matcher(vocab, validate=True)
            deps = DependencyMatcher(vocab, validate=True)
            for rule in self.rules:
                try:
                    if rule.matcher == "tokens":
                        tokens.add(rule.id, token_alternatives(rule.pattern))
                    elif rule.matcher == "dependency":
                        deps.add(rule.id, [list(rule.pattern)])
                except (ValueError, KeyError) as err:
                    raise RulesError(
                        f"{rule.source}: rule {rule.id!r}: bad pattern ({err})"
                    ) from err
            self._compiled[key] = (tokens, deps)
        return self._compiled[key]

    def hits(self, doc: Doc) -> dict[str, list[Hit]]:
        """Every match of the pattern rules in a document: rule id → hits in document order."""
        tokens, deps = self.matchers(doc.vocab)
        strings = doc.vocab.strings
        found: dict[str, list[Hit]] = {}
        for match_id, start, end in tokens(doc):
            rule = self._by_id[strings[match_id]]
            nodes = {str(i): doc[start + i] for i in range(end - start)}
            found.setdefault(rule.id, []).append(Hit(rule, nodes))
        for match_id, ids in deps(doc):
            rule = self._by_id[strings[match_id]]
            names = [item["RIGHT_ID"] for item in rule.pattern]
            nodes = {name: doc[i] for name, i in zip(names, ids, strict=True)}
            found.setdefault(rule.id, []).append(Hit(rule, nodes))
        for hits in found.values():
            hits.sort(key=lambda h: tuple(t.i for t in h.nodes.values()))
        return found


def load_rules(
    extra: Sequence[tuple[str, list[Any]]] = (),
    words: Mapping[str, frozenset[str]] | None = None,
    packaged: Sequence[tuple[str, str]] | None = None,
) -> tuple[RuleSet, set[str]]:
    """Load and validate the packaged rule files and users' extra rules.

    Args:
        extra: ``(path, rules)`` of users' patterns files (the decoded ``rules`` lists); a
            rule with a packaged id must say ``"replace": true``.
        words: The lexicon's word lists (for ``@name`` references).
        packaged: ``(path, text)`` of rule files to use instead of the packaged ones (tests).

    Returns:
        The rule set and the names of the word lists the rules use.

    Raises:
        RulesError: for any problem, naming the file and the rule.
    """
    from kg.builder.extract import register  # noqa: F401 - fills the registries

    words = words or {}
    used: set[str] = set()
    rules: dict[str, Rule] = {}
    files = [
        (path, read_rule_file(path, text))
        for path, text in (packaged if packaged is not None else packaged_rule_files())
    ]
    for path, raws in [*files, *extra]:
        for raw in raws:
            rule = parse_rule(raw, path, words, used)
            if rule.id in rules and not raw.get("replace"):
                raise RulesError(
                    f"{_where(path, raw)}: id already used in {rules[rule.id].source}"
                    ' (say "replace": true to replace it)'
                )
            rules[rule.id] = rule
    return RuleSet(tuple(rules.values())), used


# --------------------------------------------------------------------------- running


def passes(view: Any, hit: Hit) -> bool:
    """Whether every guard of the hit's rule lets it through."""
    return all(GUARDS.get(g)(view, hit) for g in hit.rule.guards)


def resolve_role(view: Any, hit: Hit, role: Role) -> list[Any]:
    """The entities a role of a hit stands for."""
    token = hit.nodes[role.node]
    found = TAKES.get(role.take)(view, token, role)
    if role.classes:
        found = [m for m in found if m.cls in role.classes]
    return found


def run_python(view: Any, rule: Rule) -> Iterable[Any]:
    """Run a rule written in Python."""
    return MATCHERS.get(rule.function)(view, rule)


def describe_registries() -> str:
    """Every registered guard, resolver, Python matcher and frame, with what it does."""
    from kg.builder.extract import register  # noqa: F401 - fills the registries

    lines = []
    for registry in (GUARDS, TAKES, MATCHERS, FRAMES):
        lines.append(f"{registry.kind}s:")
        lines += [f"  {name:24} {registry.doc(name)}" for name in registry.names()]
    return "\n".join(lines)


if __name__ == "__main__":  # the registries live in the imported module, not in __main__
    from kg.builder.extract.rules import describe_registries as _describe

    print(_describe())
