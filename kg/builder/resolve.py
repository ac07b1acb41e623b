"""Resolve mentions into one entity per real-world thing across the whole corpus."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from kg.model import Attribute, DocResult, Entity, EventRecord, Mention, Relation
from kg.text import clean_name

#: When mentions of one thing disagree on its class, the more specific evidence wins.
CLASS_PRIORITY = ("MilitaryForce", "Country", "Person", "Organization", "Location", "Entity")
#: Sources of non-name mentions whose surface is still a name form: demonyms ("Kazakh"), names
#: inside longer names ("Polish" in "the Polish Foreign Ministry"), official names.
NAME_FORM_SOURCES = frozenset({"demonym", "inner", "gazetteer", "acronym"})
#: Pronouns and determiners: never a name, whatever a mention says.
NOT_NAMES = frozenset(
    "i me my mine we us our ours you your yours he him his she her hers it its they them their "
    "theirs this that these those who whom whose which what the a an".split()
)


@dataclass
class Resolution:
    """The corpus after identity resolution.

    Attributes:
        entities: Entity key → entity.
        relations: Relations with both ends remapped to entity keys (deduplicated per evidence).
        attributes: Attributes remapped.
        events: Events with roles remapped.
        remap: Mention key → entity key, for keys that were merged.
    """

    entities: dict[str, Entity] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    attributes: list[Attribute] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    remap: dict[str, str] = field(default_factory=dict)


def short_name_remap(mentions: Iterable[Mention]) -> dict[str, str]:
    """Map one-word person keys to the only full-name person in the corpus with that surname.

    Two different people sharing a surname stay apart: a bare surname joins a full name only when
    exactly one full name in the corpus ends with it.
    """
    surnames: dict[str, set[str]] = defaultdict(set)
    singles: set[str] = set()
    for m in mentions:
        if m.cls != "Person" or not m.is_name:
            continue
        words = m.label.split()
        if len(words) > 1:
            surnames[words[-1]].add(m.key)
        else:
            singles.add(m.key)
    remap: dict[str, str] = {}
    labels = {m.key: m.label for m in mentions}
    for key in sorted(singles):
        full = surnames.get(labels[key], set())
        if len(full) == 1:
            remap[key] = next(iter(full))
    return remap


def alias_remap(mentions: Iterable[Mention]) -> dict[str, str]:
    """Map keys made from an acronym alone to the entity that the acronym was defined for.

    Within a document ``acronym_links`` already joins "(ECOWAS)" to its long form; across documents,
    an organisation known only by an acronym joins the one entity that has it as an alias.
    """
    mentions = list(mentions)
    alias_owner: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        if m.source == "acronym":
            alias_owner[clean_name(m.text)].add(m.key)
    remap: dict[str, str] = {}
    for m in mentions:
        name = clean_name(m.text)
        owners = alias_owner.get(name, set()) - {m.key}
        if m.source == "ner" and m.label == name and len(owners) == 1 and m.key not in remap:
            remap[m.key] = next(iter(owners))
    return remap


def is_name_form(m: Mention) -> bool:
    """Whether a mention's surface form names its entity (a name, acronym or demonym).

    References ("he", "the bloc", "its") resolve to an entity but are no names of it: they never
    become aliases.
    """
    if m.source == "coref" or not (m.is_name or m.source in NAME_FORM_SOURCES):
        return False
    words = clean_name(m.text).split()
    if not words or " ".join(words).lower() in NOT_NAMES or words[-1].lower().endswith("-led"):
        return False
    return words[0] not in NOT_NAMES  # "its forces", "his party" (lower case: a determiner)


def choose_class(votes: Counter[str], gazetteer_class: str | None) -> str:
    """Pick an entity's class from its mentions' votes; the gazetteer's class wins when known."""
    if gazetteer_class:
        return gazetteer_class
    best = max(votes.values())
    top = [c for c, n in votes.items() if n == best]
    return min(top, key=lambda c: CLASS_PRIORITY.index(c) if c in CLASS_PRIORITY else 99)


def choose_label(names: Counter[str]) -> str:
    """The canonical name: the longest frequent form (ties broken alphabetically)."""
    return sorted(names, key=lambda n: (-len(n.split()), -names[n], -len(n), n))[0]


#: Mention sources that refer to an entity without naming it.
REFERENCE_SOURCES = frozenset({"coref", "force-ref"})


def _names_it(m: Mention) -> bool:
    """Whether a mention's text is a name of its entity (a name, acronym or demonym)."""
    return m.source not in REFERENCE_SOURCES and is_name_form(m)


def named_mentions(results: list[DocResult]) -> list[Mention]:
    """The mentions that make an entity part of a document's graph.

    A thing only referred to by a demonym, inside another name or by a reference ("ethnic
    Albanian mayors", "a former German minister") is no entity node of the document unless a
    fact or event of the document involves it.
    """
    out: list[Mention] = []
    for r in results:
        used = {k for rel in r.relations for k in (rel.subj, rel.obj)}
        used |= {a.key for a in r.attributes}
        used |= {k for ev in r.events for k in (*ev.agent, *ev.target, *ev.participant, *ev.place)}
        out += [m for m in r.mentions if m.is_name or m.key in used]
    return out


def build_entities(mentions: list[Mention], remap: dict[str, str]) -> dict[str, Entity]:
    """Group mentions by (remapped) key into entities with labels, aliases and documents."""
    groups: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        groups[remap.get(m.key, m.key)].append(m)
    entities: dict[str, Entity] = {}
    for key in sorted(groups):
        ms = groups[key]
        gaz = [m for m in ms if m.source in ("gazetteer", "demonym", "inner") and m.same_as]
        gaz_label = gaz[0].label if gaz else None
        votes = Counter(m.cls for m in ms if m.is_name) or Counter(m.cls for m in ms)
        gaz_class = gaz[0].cls if gaz else None
        if any(m.source == "force" for m in ms):
            # unnamed forces: the label made from the owner's short name is the name
            names = Counter(m.label for m in ms if m.source == "force")
        else:
            names = Counter(clean_name(m.text) for m in ms if m.is_name)
            names.update(m.label for m in ms if m.is_name and m.label)
        label = gaz_label or (choose_label(names) if names else ms[0].label)
        # aliases are names, acronyms and demonyms, never references ("the bloc", "he")
        surface = {clean_name(m.text) for m in ms if _names_it(m)}
        surface |= {m.label for m in ms if m.is_name}
        entities[key] = Entity(
            key=key,
            cls=choose_class(votes, gaz_class),
            label=label,
            alt_labels={s for s in surface if s and s != label},
            same_as={iri for m in ms for iri in m.same_as},
            documents={m.doc_id for m in ms},
        )
    return entities


def resolve(results: list[DocResult]) -> Resolution:
    """Merge the per-document extractions into corpus-level entities, relations and events.

    Args:
        results: One :class:`DocResult` per document.

    Returns:
        The resolution; every relation, attribute and event refers to entity keys.
    """
    mentions = named_mentions(results)
    remap = short_name_remap(mentions)
    remap.update({k: v for k, v in alias_remap(mentions).items() if k not in remap})
    entities = build_entities(mentions, remap)

    def key(k: str) -> str:
        return remap.get(k, k)

    relations = sorted(
        {
            replace(rel, subj=key(rel.subj), obj=key(rel.obj))
            for r in results
            for rel in r.relations
            if key(rel.subj) in entities
            and key(rel.obj) in entities
            and key(rel.subj) != key(rel.obj)
        },
        key=lambda r: (r.subj, r.prop, r.obj, r.evidence),
    )
    attributes = sorted(
        {
            replace(a, key=key(a.key))
            for r in results
            for a in r.attributes
            if key(a.key) in entities
        },
        key=lambda a: (a.key, a.name, a.value, a.evidence),
    )
    for attr in attributes:
        if attr.name == "title":
            entities[attr.key].titles.add(attr.value)
    events = [
        replace(
            ev,
            agent=_keys(ev.agent, key, entities),
            target=_keys(ev.target, key, entities),
            participant=_keys(ev.participant, key, entities),
            place=_keys(ev.place, key, entities),
        )
        for r in results
        for ev in r.events
    ]
    return Resolution(entities, relations, attributes, sorted(events, key=lambda e: e.id), remap)


def _keys(keys: tuple[str, ...], key, entities: dict[str, Entity]) -> tuple[str, ...]:
    return tuple(sorted({key(k) for k in keys if key(k) in entities}))
