"""Military forces as ``MilitaryForce`` mentions: names, descriptions that refer to them, exercises.

News names a force in many ways, often several in one article: a full name with its acronym
("the International Stabilisation Force (ISF)"), a code name ("the operation, code-named
Serval"), a body's force ("peacekeeping forces from the ECOWAS", "the ECOWAS's peacekeeping
forces", "NATO troops"), a lead nation ("an Australian-led regional force", "a force led by
Kenya") or a plain description ("the mission", "the standby force"). :func:`name_forces` fixes
the names the tagger split or mistyped; :func:`find_forces` turns descriptions into mentions of
the article's named force when they fit it, into unnamed forces of their body or lead nation
otherwise, and plain descriptions into references to the force the article is talking about.
A description never becomes a force of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Token

from kg.builder.extract.gazetteer import GazEntry, Gazetteer
from kg.builder.extract.lexicon import uses
from kg.builder.extract.references import (
    reference_mention,
    resolve_description,
    resolve_thing_pronoun,
)
from kg.builder.extract.resources import Resources
from kg.builder.extract.syntax import np_start, pobjs, tokens_of
from kg.builder.extract.view import MentionIndex
from kg.model import Mention
from kg.text import slug

(
    FIELDING,
    NAMING,
    MULTINATIONAL,
    MILITARY,
    FOUNDING,
    DEPLOY,
    MODALS,
    UNITS,
    PLACED_NOUNS,
    PROPOSALS,
    PROPOSING,
    STRONG,
    CIVIL,
    DEPLOYMENT_NOUNS,
) = uses(
    "fielding_verbs",
    "naming_verbs",
    "multinational_modifiers",
    "military_context_words",
    "founding_verbs",
    "deploy_verbs",
    "modals",
    "unit_nouns",
    "placed_force_nouns",
    "proposal_nouns",
    "proposing_verbs",
    "strong_military_words",
    "civil_context_words",
    "deployment_nouns",
)
MF = "MilitaryForce"
_ACRONYM = re.compile(r"^[A-Z][A-Za-z0-9&\-\.]{1,11}$")
#: Small words inside force names ("Mission to Mali", "Force for the Western Balkans").
_NAME_LINKS = frozenset({"of", "the", "to", "in", "for", "and", "on", "de", "du", "des", "la"})
_PLACE_PREPS = frozenset({"to", "in", "for", "on"})
#: Hyphenated words inside names ("African-led").
_HYPHEN_PARTS = frozenset({"led", "based", "backed"})
_UNIT_HEADS = frozenset({"troop", "soldier", "unit", "peacekeeper", "personnel", "serviceman"})
#: Head words that say nothing about which force is meant.
_HEADS = frozenset({"force", "mission", "operation", "troop", "soldier", "peacekeeper", "unit"})


# --------------------------------------------------------------------------- names


def name_forces(doc: Doc, mentions: list[Mention], res: Resources) -> list[Mention]:
    """The document's mentions with force names joined, typed and linked.

    "The Joint Stabilisation Mission to Tuvalu (JSMT)": the long name becomes one
    ``MilitaryForce`` mention (places in it stay as inner mentions) and every mention of the
    acronym joins it. "The mission, known as X" / "the operation, code-named X": X names the
    force, or is another name of the force the article has already named.
    """
    out = _acronym_names(doc, list(mentions), res)
    out = _code_names(doc, out, res)
    return _civil_operations(doc, out, res)


def _civil_operations(doc: Doc, mentions: list[Mention], res: Resources) -> list[Mention]:
    """Civil "forces" made organisations (or dropped), whatever the tagger said.

    "Operation X" in an article about police, customs, campaigns or the internet that never
    speaks of troops is a civil operation; a "Goodwill Mission" is no force; a span the tagger ran
    from a headline into the story is no name at all.
    """
    lex = res.lexicon
    # a "force" the tagger ran from a headline into the story ("... COUP FAILED\n\nForces")
    mentions = [
        m
        for m in mentions
        if not (m.cls == MF and m.source == "ner" and ("\n" in m.text or _no_name(doc, m)))
    ]
    civil = {  # "the Ugandan Goodwill Mission", "a Trade Mission": not forces, whatever the text
        m.key
        for m in mentions
        if m.cls == MF
        and m.source == "ner"
        and set(m.text.lower().split()) & lex.non_military_modifiers
    }
    mentions = [
        replace(m, cls="Organization", key=f"organization:{slug(m.label)}") if m.key in civil else m
        for m in mentions
    ]
    ops = [
        m
        for m in mentions
        if m.cls == MF and m.source == "ner" and m.text.split()[0] in ("Operation", "OPERATION")
    ]
    if not ops:
        return mentions
    words = {t.lower_ for t in tokens_of(doc)}
    if words & res.lexicon.words(STRONG) or not words & res.lexicon.words(CIVIL):
        return mentions
    keys = {m.key for m in ops if res.gazetteer.get(m.key) is None}
    return [
        replace(m, cls="Organization", key=f"organization:{slug(m.label)}") if m.key in keys else m
        for m in mentions
    ]


def _no_name(doc: Doc, m: Mention) -> bool:
    """A "name" of function words and a force noun ("NO FORCE" in a headline)."""
    words = doc[m.token_start : m.token_end]
    small = ("no", "the", "a", "an", "any", "some", "more", "all", "such", "use", "of")
    return len(words) > 1 and all(t.lower_ in small or t.is_punct for t in words[:-1])


def _is_cap(token: Token) -> bool:
    return token.text[:1].isupper() or (token.text[:1].isdigit() and token.pos_ == "PROPN")


def _name_before(doc: Doc, end: int) -> int:
    """Start of the capitalised name that ends just before token ``end`` (== ``end``: none)."""
    sent_start = doc[end - 1].sent.start if end > 0 else 0
    i = end - 1
    while i >= sent_start:
        t = doc[i]
        if _is_cap(t) and not t.is_punct:
            i -= 1
        elif (
            t.lower_ in _NAME_LINKS
            and i > sent_start
            and (_is_cap(doc[i - 1]) or doc[i - 1].lower_ in _PLACE_PREPS | {"of"})
        ):
            i -= 1
        elif t.text in ("-", "–") and i > sent_start and _is_cap(doc[i - 1]):
            i -= 1
        elif t.lower_ in _HYPHEN_PARTS and i > 1 and doc[i - 1].text in ("-", "–"):
            i -= 1
        else:
            break
    start = i + 1
    # "... on Monday the International Force": a 'the' that no preposition governs starts it
    for j in range(end - 1, start - 1, -1):
        if doc[j].lower_ == "the" and (
            j == start or doc[j - 1].lower_ not in _PLACE_PREPS | {"of"}
        ):
            start = j + 1
            break
    while start < end and (doc[start].lower_ in _NAME_LINKS or doc[start].is_punct):
        start += 1
    return start


def _force_name(
    doc: Doc, start: int, end: int, res: Resources, head_after: bool, places: set[int]
) -> bool:
    """Whether ``doc[start:end]`` (+ a force noun after it) names a deployed force.

    The name has a capitalised force word ("Mission", "Force", "Operation") that ends it, or that
    only a place follows ("Mission in Mali", "Force East Timor"); ``places`` are the indices of
    tokens that name countries and places. Armed services ("Air Force"),
    task forces and trade or diplomatic missions are not deployed forces.
    """
    lex = res.lexicon
    words = [t.lower_ for t in doc[start:end]]
    joined = " ".join(words)
    if end - start < (1 if head_after else 2) or "task force" in joined:
        return False
    if set(words) & lex.non_military_modifiers:
        return False
    if any(joined.endswith(m) for m in lex.military_orgs):
        return False
    if head_after:
        return True
    for k in range(start, end):
        t = doc[k]
        if t.lower_ not in lex.named_force_heads or not _is_cap(t):
            continue
        if k > start and doc[k - 1].text in ("-", "–"):
            continue  # "Co-operation"
        rest = doc[k + 1 : end]
        if not len(rest):
            return True
        if rest[0].lower_ in _PLACE_PREPS:
            rest = rest[1:]
        named = [r for r in rest if r.lower_ != "the"]
        if named and all(r.i in places for r in named):
            return True
    return False


def _force_entry(gaz: Gazetteer, *names: str) -> GazEntry | None:
    for name in names:
        for entry in gaz.lookup(name):
            if entry.cls == MF:
                return entry
    return None


def _as_force(m: Mention, key: str, label: str, source: str | None = None) -> Mention:
    return replace(m, cls=MF, key=key, label=label, source=source or m.source, same_as=())


def _acronym_names(doc: Doc, mentions: list[Mention], res: Resources) -> list[Mention]:
    """Join "Long Force Name (ACR)" into one force mention; the acronym's mentions join it."""
    for tok in tokens_of(doc)[1:-2]:
        if tok.text != "(" or doc[tok.i + 2].text != ")" or not _ACRONYM.match(doc[tok.i + 1].text):
            continue
        acr = doc[tok.i + 1].text
        start = _name_before(doc, tok.i)
        after = doc[tok.i + 3] if tok.i + 3 < len(doc) else None
        head_after = (
            after is not None
            and after.is_lower
            and after.lower_ in res.lexicon.named_force_heads
            and after.pos_ == "NOUN"
        )
        places = {
            i
            for m in mentions
            if m.cls in ("Country", "Location")
            for i in range(m.token_start, m.token_end)
        }
        if start >= tok.i or not _force_name(doc, start, tok.i, res, head_after, places):
            continue
        name = doc[start : tok.i].text + (f" {after.text}" if head_after else "")
        entry = _force_entry(res.gazetteer, acr, doc[start : tok.i].text)
        key = entry.key if entry else f"militaryforce:{slug(name)}"
        label = entry.label if entry else name
        span = doc[start : tok.i]
        long_name = Mention(
            doc_id=mentions[0].doc_id if mentions else "",
            start=span.start_char,
            end=span.end_char,
            text=span.text,
            cls=MF,
            key=key,
            label=label,
            same_as=entry.same_as if entry else (),
            source="gazetteer" if entry else "ner",
            token_start=start,
            token_end=tok.i,
        )
        mentions = _put(mentions, long_name, doc)
        mentions = _join_acronym(doc, mentions, acr, long_name)
    return mentions


def _put(mentions: list[Mention], new: Mention, doc: Doc) -> list[Mention]:
    """Add a name mention; names inside it become inner mentions, overlapping ones go."""
    out: list[Mention] = []
    for m in mentions:
        inside = new.token_start <= m.token_start and m.token_end <= new.token_end
        overlap = m.token_start < new.token_end and new.token_start < m.token_end
        same = (m.token_start, m.token_end) == (new.token_start, new.token_end)
        known = m.cls in ("Country", "Location") or bool(m.same_as)
        if inside and not same and known and m.source != "demonym":
            out.append(replace(m, is_name=False, source="inner"))
        elif not overlap:
            out.append(m)
    out.append(new)
    return sorted(out, key=lambda m: (m.token_start, m.token_end))


def _join_acronym(doc: Doc, mentions: list[Mention], acr: str, named: Mention) -> list[Mention]:
    """Every mention of ``acr`` (untagged ones too) becomes a mention of the named force."""
    covered = {
        i for m in mentions if m.source != "inner" for i in range(m.token_start, m.token_end)
    }
    out = [
        _as_force(m, named.key, named.label, "acronym")
        if m.text == acr and m.source != "inner"
        else m
        for m in mentions
    ]
    for t in tokens_of(doc):
        if t.text == acr and t.i not in covered:
            out.append(
                Mention(
                    doc_id=named.doc_id,
                    start=t.idx,
                    end=t.idx + len(t.text),
                    text=t.text,
                    cls=MF,
                    key=named.key,
                    label=named.label,
                    same_as=named.same_as,
                    source="acronym",
                    token_start=t.i,
                    token_end=t.i + 1,
                )
            )
    return sorted(out, key=lambda m: (m.token_start, m.token_end))


def _named_object(verb: Token) -> Token | None:
    """The name a naming verb gives: "named X", "code-named X", "known as X", "called X"."""
    for c in verb.children:
        if c.dep_ in ("oprd", "attr", "dobj", "xcomp") and c.pos_ in ("PROPN", "NOUN"):
            return c
        if c.dep_ == "prep" and c.lower_ == "as":
            for p in c.children:
                if p.dep_ == "pobj":
                    return p
    return None


def _code_names(doc: Doc, mentions: list[Mention], res: Resources) -> list[Mention]:
    """A force noun with a naming clause: the name is the force's, or another name of it."""
    lex = res.lexicon
    naming = lex.words(NAMING)
    for verb in tokens_of(doc):
        if verb.lemma_.lower() not in naming or verb.pos_ != "VERB":
            continue
        noun = verb.head
        if verb.dep_ not in ("acl", "relcl"):
            # "the operation, code-named X" parsed as a clause of its own
            comma = verb.left_edge.i - 1
            if comma < 1 or doc[comma].text != "," or verb.tag_ != "VBN":
                continue
            noun = doc[comma - 1]
        if noun.lower_ not in lex.force_nouns or noun.pos_ != "NOUN":
            continue
        if not military_noun(noun, lex) and not military_context(noun, lex):
            if not any(t.lower_ in lex.words(STRONG) for t in tokens_of(doc)):
                continue  # "an insurance unit known as X" names a company
        name_tok = _named_object(verb)
        if name_tok is None:
            continue
        at = {
            i: m for m in mentions if m.source != "inner" for i in range(m.token_start, m.token_end)
        }
        named = at.get(name_tok.i)
        if named is None or named.cls in ("Person", "Country", "Location"):
            continue
        before = [
            m
            for m in mentions
            if m.cls == MF and m.is_name and m.token_end <= noun.i and m.key != named.key
        ]
        bare = all(c.dep_ in ("det", "punct", "relcl", "acl") for c in noun.children)
        if bare and before:
            target = before[-1]  # "JSMT ... the mission, later code-named X"
            key, label = target.key, target.label
        else:
            entry = _force_entry(res.gazetteer, named.text, f"Operation {named.text}")
            key = (
                entry.key
                if entry
                else (named.key if named.cls == MF else f"militaryforce:{slug(named.label)}")
            )
            label = entry.label if entry else named.label
        old = named.key
        mentions = [_as_force(m, key, label) if m.key == old else m for m in mentions]
    return mentions


# --------------------------------------------------------------------------- descriptions


def force_owner(
    token: Token, index: MentionIndex, fielding: frozenset[str] = frozenset()
) -> Mention | None:
    """The organisation a force noun belongs to: possessive, compound, "from/of" + org.

    Also the organisation that fields it with one of the ``fielding`` verbs: "ECOWAS will deploy
    a stabilisation force".
    """
    owner = _owner_in_phrase(token, index)
    if owner is not None:
        return owner
    verb = token.head
    lemma = verb.lemma_.lower()
    set_up = lemma not in ("set", "stand") or any(c.lower_ == "up" for c in verb.children)
    if token.dep_ == "dobj" and lemma in fielding and set_up and _has_force_modifier(token):
        for subj in (c for c in verb.children if c.dep_ == "nsubj"):
            m = index.at(subj)
            if m is not None and m.cls == "Organization":
                return m
    return None


def _has_force_modifier(token: Token) -> bool:
    """A force noun with a qualifier ("a stabilisation force"), not bare "troops"."""
    return any(c.dep_ in ("amod", "compound") for c in token.children)


def _owner_in_phrase(token: Token, index: MentionIndex) -> Mention | None:
    for child in token.children:
        if child.dep_ in ("poss", "compound", "nmod", "amod"):
            m = index.at(child)
            if m is not None and m.cls == "Organization":
                return m
        if child.dep_ == "prep" and child.lower_ in ("from", "of"):
            for pobj in child.children:
                m = index.at(pobj)
                if pobj.dep_ == "pobj" and m is not None and m.cls == "Organization":
                    return m
    return None


def military_noun(token: Token, lex, public_owner: bool = False) -> bool:
    """A noun that names an armed force here: "troops", "peacekeeping mission", not "sales force".

    Weak nouns ("mission", "operations", "units") need a military qualifier, or an owner that is
    an international body or state ("the ECOWAS mission", "the Saudi-led coalition").
    """
    mods = {c.lower_ for c in token.children if c.dep_ in ("amod", "compound", "nmod")}
    if mods & lex.non_military_modifiers:
        return False
    if token.lower_ in lex.weak_force_nouns:
        return public_owner or bool(mods & (lex.force_modifiers - {"international", "regional"}))
    return True


def is_company(owner: Mention, lex) -> bool:
    """Whether an organisation's name ends like a company's ("Exxon Corp", "Bank of X")."""
    words = owner.label.lower().replace(".", " ").split()
    return bool(words) and (words[-1] in lex.company_suffixes or words[0] == "bank")


def is_armed_service(owner: Mention, lex) -> bool:
    """Whether an organisation is a national armed service ("the Chilean Army", "U.S. Naval")."""
    label = owner.label.lower()
    if label.rsplit(" ", 1)[-1] in ("naval", "military"):
        return True
    return any(label == m or label.endswith(" " + m) for m in lex.military_orgs)


def military_context(token: Token, lex) -> bool:
    """Whether the sentence of a token speaks of armed forces ("troops", "peacekeeping" …)."""
    words = lex.words(MILITARY)
    return any(t.lower_ in words for t in token.sent)


def _gazetteer_forces(gaz: Gazetteer) -> dict[str, list[GazEntry]]:
    """Forces of the gazetteer by the key of the body or state they belong to (made once)."""
    cached = getattr(gaz, "_kg_forces_by_owner", None)
    if cached is None:
        cached = {}
        for entry in gaz.entries():
            if entry.cls == MF and entry.part_of:
                cached.setdefault(entry.part_of, []).append(entry)
        try:
            gaz._kg_forces_by_owner = cached  # type: ignore[attr-defined]
        except AttributeError:  # a slotted or frozen gazetteer: recompute next time
            pass
    return cached


def led_by(token: Token, index: MentionIndex) -> Mention | None:
    """The country, person or body of "X-led" or "led by X" on a force noun."""
    doc = token.doc
    for child in token.children:
        if child.dep_ == "amod" and child.lower_ == "led":
            i = child.i - 2
            if i >= 0 and doc[child.i - 1].text in ("-", "–"):
                m = index.at(i)
                if m is not None and m.cls in ("Country", "Person", "Organization"):
                    return m
        if child.dep_ == "acl" and child.lemma_ == "lead":
            for prep in (c for c in child.children if c.dep_ == "agent" or c.lower_ == "by"):
                for pobj in (p for p in prep.children if p.dep_ == "pobj"):
                    m = index.at(pobj)
                    if m is not None and m.cls in ("Country", "Person", "Organization"):
                        return m
    return None


def force_label(owner: Mention, token: Token, res: Resources) -> str:
    """A readable name for an unnamed force: acronym or name of its owner + modifiers + head."""
    entry = res.gazetteer.get(owner.key)
    names = (owner.text, *(entry.names if entry else (owner.label,)))
    # the acronym as written, else the gazetteer's first (English) acronym, else the name
    acronyms = [n for n in names if n.isupper() and n.isalpha() and len(n) <= 8]
    short = acronyms[0] if acronyms else owner.label
    mods = [
        c.lower_
        for c in token.children
        if (c.dep_ == "amod" and c.lower_ in res.lexicon.force_modifiers)
        or (c.dep_ == "compound" and c.pos_ == "NOUN" and c.is_lower and c.is_alpha)
    ]
    head = token.lemma_.lower() if token.lemma_ else token.lower_
    if head in _UNIT_HEADS:
        head = "force"
    return " ".join([short, *mods, head]).replace("peace-keeping", "peacekeeping")


def _words(text: str) -> set[str]:
    """Lower-case words of a name, plurals folded ("Forces" → "force")."""
    out = set()
    for w in re.split(r"[\s\-–]+", text.lower()):
        w = w.strip(".,()'’")
        if w:
            out.add(w[:-1] if w.endswith("s") and len(w) > 3 else w)
    return out


@dataclass
class _Forces:
    """What the finder knows about the document's forces while it walks it."""

    doc: Doc
    index: MentionIndex
    res: Resources
    named: list[Mention] = field(default_factory=list)
    last: Mention | None = None
    by_leader: dict[str, Mention] = field(default_factory=dict)
    leader_of: dict[str, str] = field(default_factory=dict)  # force key → leader key

    def __post_init__(self) -> None:
        ex = self.res.lexicon.exercise_nouns
        self.named = [
            m
            for m in self.index.mentions
            if m.cls == MF
            and m.is_name
            and m.source not in ("exercise", "force")
            and self.doc[m.token_end - 1].lower_ not in ex
            and self.doc[m.token_end - 1].head.lower_ not in ex
        ]

    def same_head(self, token: Token) -> Mention | None:
        """For a bare "the operation" / "the mission": the last force called that before."""
        if any(c.dep_ not in ("det", "punct") for c in token.children if c.i < token.i):
            return None
        word = token.lemma_.lower()
        if word not in ("operation", "mission"):
            return None  # "the force", "the troops": any force; the last one is meant
        best = None
        for m in self.index.mentions:
            if m.token_start >= token.i:
                break
            if m.cls != MF or m.source == "inner":
                continue
            words = _words(m.text) | {self.doc[m.token_end - 1].lemma_.lower()}
            if word in words:
                best = m
        if best is None or self.last is None or best.key == self.last.key:
            return None
        return best

    def entry(self, m: Mention) -> GazEntry | None:
        return self.res.gazetteer.get(m.key)

    def founders(self, force: Mention) -> set[str]:
        """Keys of who launched or set up a named force ("Britain launched Operation X")."""
        head = self.doc[force.token_end - 1]
        verb = head.head
        if head.dep_ not in (
            "dobj",
            "nsubjpass",
        ) or verb.lemma_.lower() not in self.res.lexicon.words(FOUNDING):
            return set()
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "agent")]
        subjects += [p for c in verb.children if c.dep_ == "agent" for p in c.children]
        return {m.key for t in subjects if (m := self.index.at(t)) is not None}

    def owned_by(self, force: Mention, owner: Mention) -> bool:
        """Whether a named force is the owner's.

        by the gazetteer, by its name, or because the owner launched it.
        """
        entry = self.entry(force)
        parent = entry.part_of if entry else None
        if parent == owner.key or owner.key in self.founders(force):
            return True
        inner = any(
            i.key == owner.key
            for i in self.index.mentions
            if i.source == "inner" and force.token_start <= i.token_start < force.token_end
        )
        if inner and force.source != "acronym":
            return True
        own = self.entry(owner)  # "the UN Security Council's force" is a UN force
        return bool(parent and own is not None and own.part_of == parent and owner.cls != "Country")

    def of_owner(self, owner: Mention, token: Token) -> Mention | None:
        """The named force of the document that belongs to the owner (closest before first)."""
        fits = [m for m in self.named if self.owned_by(m, owner)]
        return _closest(fits, token.i)

    def of_state(self, state: Mention) -> Mention | None:
        """A force of a state the article mentions.

        its units sent abroad, its own operation, or the force it leads.
        """
        prefix = f"force:{slug(state.key)}-"
        for m in self.index.mentions:
            if m.cls != MF or m.source == "inner":
                continue
            entry = self.entry(m)
            if (
                m.key.startswith(prefix)
                or (entry is not None and entry.part_of == state.key)
                or self.leader_of.get(m.key) == state.key
            ):
                return m
        return None

    def gazetteer_force(self, owner: Mention, words: set[str]) -> GazEntry | None:
        """A force the gazetteer knows for the owner whose own words the description has.

        "the G5 Sahel's joint force" → G5 Sahel Joint Force ("joint force" is in it).
        """
        own_words = set().union(*(_words(n) for n in self._names(owner)))
        for entry in _gazetteer_forces(self.res.gazetteer).get(owner.key, ()):
            for name in entry.names:
                rest = _words(name) - own_words
                if len(rest) >= 2 and rest <= words:
                    return entry
        return None

    def _names(self, m: Mention) -> tuple[str, ...]:
        entry = self.entry(m)
        return (m.text, m.label, *(entry.names if entry else ()))

    def ahead(self, token: Token, words: set[str], leader: Mention | None) -> Mention | None:
        """The named force that a description coming before any name refers to.

        "A Kenyan-led regional force arrived ... The Joint Support Mission (JSM)":
        the first named force after the description, unless it is a state's own operation and
        the description is multinational or led by another state; a force whose name shares a
        word with the description wins.
        """
        multi = bool(words & self.res.lexicon.words(MULTINATIONAL)) or leader is not None
        fits = []
        for m in self.named:
            if m.token_start <= token.i:
                continue
            entry = self.entry(m)
            parent = self.res.gazetteer.get(entry.part_of) if entry and entry.part_of else None
            if parent is not None and parent.cls == "Country":
                if multi and (leader is None or leader.key != parent.key):
                    continue
            fits.append(m)
        sharing = [m for m in fits if _words(" ".join(self._names(m))) & (words - _HEADS)]
        return (sharing or fits or [None])[0]

    def mentioned_gazetteer_force(self, words: set[str]) -> GazEntry | None:
        """A force the gazetteer knows for a body the article names, fitting the words."""
        seen: set[str] = set()
        for m in self.index.mentions:
            if m.cls == "Organization" and m.key not in seen:
                seen.add(m.key)
                entry = self.gazetteer_force(m, words)
                if entry is not None:
                    return entry
        return None


def _closest(fits: list[Mention], i: int) -> Mention | None:
    before = [m for m in fits if m.token_start < i]
    if before:
        return before[-1]
    return fits[0] if fits else None


def _owner_at(token: Token, index: MentionIndex, res: Resources) -> Mention | None:
    """The mention at a token, or what a pronoun or description there refers to."""
    m = index.at(token)
    if m is not None:
        return m
    if token.pos_ == "PRON":
        return resolve_thing_pronoun(token, index)
    return resolve_description(token, index, res)


def _owner(token: Token, index: MentionIndex, res: Resources) -> Mention | None:
    """Body, state or force a force noun belongs to ("its", "the alliance's", "NATO", "of X")."""
    for child in token.children:
        if child.dep_ in ("poss", "compound", "nmod"):
            m = _owner_at(child, index, res)
            if m is not None and m.cls in ("Organization", MF, "Country"):
                if m.cls != "Country" or child.dep_ in ("poss", "compound"):
                    return m
        if child.dep_ == "prep" and child.lower_ in ("from", "of"):
            for pobj in child.children:
                m = index.at(pobj)
                if pobj.dep_ == "pobj" and m is not None and m.cls in ("Organization", MF):
                    return m
    verb = token.head
    if token.dep_ == "dobj" and _fields(verb, res) and _has_force_modifier(token):
        for subj in (c for c in verb.children if c.dep_ == "nsubj"):
            m = _owner_at(subj, index, res)
            if m is not None and m.cls == "Organization":
                return m
    return None


def _fields(verb: Token, res: Resources) -> bool:
    """A verb that sets a force up: "deploy", "launch", "set up", "stand up"."""
    lemma = verb.lemma_.lower()
    if lemma not in res.lexicon.words(FIELDING):
        return False
    return lemma not in ("set", "stand") or any(c.lower_ == "up" for c in verb.children)


def _description_words(token: Token) -> set[str]:
    """Content words of a force description: modifiers and the head ("regional standby force")."""
    words = {token.lemma_.lower() or token.lower_}
    for c in token.children:
        if c.dep_ in ("amod", "compound", "nmod") and c.is_alpha:
            words.add(c.lower_)
            words.update(x.lower_ for x in c.children if x.dep_ in ("amod", "compound"))
    return _words(" ".join(words))


def _negated(token: Token) -> bool:
    """A force noun in a denied statement: "this is no NATO operation, she said"."""
    head = token.head
    return token.dep_ in ("attr", "dobj") and any(c.dep_ == "neg" for c in head.children)


def _after_comma(token: Token) -> bool:
    """Whether a phrase starts right after a comma, in the same paragraph ("X, the Y")."""
    left = token.left_edge
    return (
        left.i > 0
        and token.doc[left.i - 1].text == ","
        and "\n" not in token.doc[left.i - 1 : token.i].text
    )


def appositive_name(token: Token, index: MentionIndex, depth: int = 0) -> Mention | None:
    """A name in apposition with a force noun: "an African force, the AFISMA".

    Also the name a naming clause gives ("the U.N. mission known as MINUSTAH"), and the name
    that closes a relative clause on the noun ("the UN mission that organised the ballot, UNMX").
    """
    for c in token.children:
        if c.dep_ == "appos" and _after_comma(c):
            m = index.at(c)
            if m is not None and m.is_name and m.cls in ("Organization", MF):
                return m
            if m is None and depth == 0:  # "the deployment, the U.N. mission known as X"
                inner = appositive_name(c, index, 1)
                if inner is not None:
                    return inner
    if token.dep_ == "appos" and _after_comma(token):
        m = index.at(token.head)
        if m is not None and m.is_name and m.cls in ("Organization", MF):
            return m
    doc = token.doc
    after = doc[token.i + 2] if token.i + 2 < len(doc) and doc[token.i + 1].text == "," else None
    loose = [] if after is None or after.head.i == token.i else [after.head]  # "X, code-named Y"
    for verb in [*(c for c in token.children if c.dep_ in ("acl", "relcl")), *loose]:
        if verb in loose and (verb.tag_ != "VBN" or _named_object(verb) is None):
            continue
        last = max(verb.subtree, key=lambda t: t.i)
        if last.dep_ == "appos" and _after_comma(last):
            m = index.at(last)
            if m is not None and m.is_name and m.cls in ("Organization", MF):
                return m
        name = _named_object(verb)
        m = index.at(name) if name is not None else None
        if m is not None and m.cls == MF:
            return m  # "the U.N. mission known as MINUSTAH"
    return None


def _new_force(doc_id: str, doc: Doc, token: Token, key: str, label: str, first: int) -> Mention:
    return Mention(
        doc_id=doc_id,
        start=doc[first].idx,
        end=token.idx + len(token.text),
        text=doc[first : token.i + 1].text,
        cls=MF,
        key=key,
        label=label,
        source="force",
        is_name=True,
        token_start=token.i,
        token_end=token.i + 1,
    )


def find_forces(doc: Doc, doc_id: str, index: MentionIndex, res: Resources) -> Iterator[Mention]:
    """``MilitaryForce`` mentions for force descriptions, in document order.

    A description becomes a mention of the named force it fits (its body's, its lead nation's,
    or one its words fit), else a new unnamed force of its body ("CSTO peacekeeping force") or
    lead nation ("Australian-led force"); a plain definite description ("the force", "the
    troops") refers to the force the article last mentioned.
    """
    lex = res.lexicon
    st = _Forces(doc, index, res)
    for token in tokens_of(doc):
        if token.lower_ not in lex.force_nouns or token.pos_ not in ("NOUN", "PROPN"):
            continue
        if index.at(token) is not None:
            continue
        st.last = index.before(token.i, {MF})  # names and descriptions found so far
        mention = _describe(doc_id, token, st)
        if mention is None or not index.add(mention):
            continue
        yield mention


def _describe(doc_id: str, token: Token, st: _Forces) -> Mention | None:
    """The mention a force noun makes, if any (see :func:`find_forces`)."""
    lex = st.res.lexicon
    doc, index = st.doc, st.index
    mods = {c.lower_ for c in token.children if c.dep_ in ("amod", "compound", "nmod")}
    if _negated(token) or "own" in mods:
        return None  # "this is no NATO operation", "its own forces"
    if any(f"{m} {token.lower_}" in lex.military_orgs for m in mods):
        return None  # "the armed forces", "security forces": a state's services, not a force
    named = appositive_name(token, index)
    if named is not None:
        return reference_mention(doc_id, token, named, "force-ref") if named.cls == MF else None
    owner = _owner(token, index, st.res)
    if owner is not None and owner.cls == "Organization":
        if is_company(owner, lex):
            owner = None
        elif is_armed_service(owner, lex):
            return None  # "troops from the Chilean Army" are the army itself
    leader = led_by(token, index)
    org_led = leader is not None and leader.cls == "Organization" and owner is None
    if org_led:
        owner, leader = leader, None  # "the NATO-led force": NATO's force
    if owner is not None and owner.cls in ("Organization", "Country"):
        named = st.of_owner(owner, token)  # "Britain's operation" after "Britain launched X"
        if named is not None and mods.isdisjoint(lex.non_military_modifiers):
            return reference_mention(doc_id, token, named, "force-ref")
    public = (owner is not None and st.entry(owner) is not None) or leader is not None
    if public and token.lower_ in lex.weak_force_nouns and leader is None:
        # "the AU mission" in a sentence about troops, not "an IMF mission is visiting" or
        # "the effective operation of the EU"
        public = military_context(token, lex)
    if not military_noun(token, lex, bool(public)):
        # "Exxon's operations", "the sales force": no new force; but "the mission" may
        # still refer back to a force the article has named
        if token.lower_ not in lex.weak_force_nouns or mods & lex.non_military_modifiers:
            return None
        owner = leader = None
    words = _description_words(token)
    if owner is not None and owner.cls == MF:
        return reference_mention(doc_id, token, owner, "force-ref")  # "its deployment"
    if owner is not None:
        mention = _owned(doc_id, token, owner, words, st)
        if org_led and mention is not None and mention.source == "force":
            short = force_label(owner, token, st.res).split()[0]
            first = min(owner.token_start, mention.token_start)
            mention = replace(
                mention,
                label=f"{short}-led {token.lemma_.lower()}",
                text=doc[first : token.i + 1].text,
                start=doc[first].idx,
            )
        if mention is not None and leader is not None:
            st.by_leader.setdefault(leader.key, mention)
            st.leader_of.setdefault(mention.key, leader.key)
        return mention
    if leader is not None:
        return _led(doc_id, token, leader, words, st)
    if owner is None or owner.cls == "Country":
        national = _national_force(doc_id, token, st)
        if national is not None:
            return national
        state, modifier = unit_state(token, index)
        contingent = token.lemma_.lower() == "contingent"  # a state's part of a bigger force
        if modifier is not None and not contingent:
            # "the American mission" is the United States' force, not the last one named;
            # "the Iranian forces" are Iran's, never the Iraqi brigade named before
            target = st.of_state(state)
            return reference_mention(doc_id, token, target, "force-ref") if target else None
    if token.lower_ in lex.words(DEPLOYMENT_NOUNS) and any(
        p.lower_ == "of" for p in token.children if p.dep_ == "prep"
    ):
        return None  # "the deployment of Soviet submarines": someone else's deployment
    if _refers_back(token, lex):
        target = st.same_head(token) or st.last or st.ahead(token, words, None)
        if target is not None:
            return reference_mention(doc_id, token, target, "force-ref")
        entry = st.mentioned_gazetteer_force(words)
        if entry is not None:
            return _gazetteer_mention(doc_id, token, entry)
    return None


def _owned(
    doc_id: str, token: Token, owner: Mention, words: set[str], st: _Forces
) -> Mention | None:
    """A body's or state's force: its named force, its gazetteer force, or a new one."""
    named = st.of_owner(owner, token)
    if named is not None:
        return reference_mention(doc_id, token, named, "force-ref")
    entry = st.gazetteer_force(owner, words)
    if entry is not None:
        return _gazetteer_mention(doc_id, token, entry)
    if owner.cls == "Country":
        return None  # "Russian troops", "France's army": units of a state, not a force
    if st.entry(owner) is None:
        return None  # "Black Watch soldiers", "Hezbollah fighters": the group itself
    if _hypothetical(token, st.res):
        return None  # "a preference for a UN force", "plans for an EU mission"
    # a body that fields many forces (the UN) has a different one in every article
    many = len(_gazetteer_forces(st.res.gazetteer).get(owner.key, ())) > 1
    key = f"force:{slug(owner.key)}" + (f"@{slug(doc_id)}" if many else "")
    label = proper_force_name(token, st.index) or force_label(owner, token, st.res)
    return _new_force(doc_id, st.doc, token, key, label, np_start(token))


def proper_force_name(token: Token, index: MentionIndex) -> str | None:
    """The written name of a force named "<Body> Mission in <Place>", "the SADC Force in Y".

    A capitalised head with "in" and a named place after it is a proper name, kept as written
    (the place stays a mention of its own); a lower-case "the AU mission in Somalia" is not.
    """
    if not token.text[:1].isupper() or token.i == token.sent.start:
        return None
    for prep in (c for c in token.children if c.dep_ == "prep" and c.lower_ == "in"):
        for place in (c for c in prep.children if c.dep_ == "pobj"):
            m = index.at(place)
            if m is not None and m.cls in ("Country", "Location") and m.is_name:
                end = max(m.token_end, place.i + 1)
                return token.doc[np_start(token) : end].text
    return None


def _hypothetical(token: Token, res: Resources) -> bool:
    """A force only proposed, planned or called for: "a preference for a UN force"."""
    head = token.head
    if (
        token.dep_ == "pobj"
        and head.lower_ == "for"
        and head.head.lemma_.lower() in res.lexicon.words(PROPOSALS)
    ):
        return True
    verb = token.head if token.dep_ in ("dobj", "nsubjpass") else None
    return verb is not None and verb.lemma_.lower() in res.lexicon.words(PROPOSING)


def _led(doc_id: str, token: Token, leader: Mention, words: set[str], st: _Forces) -> Mention:
    """A force with a lead nation or commander: the force the article names, or a new one."""
    if leader.key in st.by_leader:
        return reference_mention(doc_id, token, st.by_leader[leader.key], "force-ref")
    last = st.last
    target = None
    if last is not None and last.key in {m.key for m in st.named}:
        if st.leader_of.get(last.key, leader.key) == leader.key:
            target = last  # "KFOR's troops ... The Italian-led mission"
    if target is None and last is None:
        target = st.ahead(token, words, leader)
    if target is not None:
        st.by_leader[leader.key] = target
        st.leader_of.setdefault(target.key, leader.key)
        return reference_mention(doc_id, token, target, "force-ref")
    doc = st.doc
    lead_tok = doc[leader.token_start]
    head = token.lemma_.lower()
    mention = _new_force(
        doc_id,
        doc,
        token,
        f"force:{slug(leader.key)}-led-{slug(head)}",
        f"{lead_tok.text}-led {head}",
        min(leader.token_start, token.i),
    )
    st.by_leader[leader.key] = mention
    st.leader_of[mention.key] = leader.key
    return mention


def unit_state(token: Token, index: MentionIndex) -> tuple[Mention | None, Token | None]:
    """The state whose units a noun names, and the modifier that says so.

    "Turkish troops", "US special operations troops", or the state sending them ("Turkey will
    send a battalion").
    """
    mods = [c for c in token.children if c.dep_ in ("amod", "compound", "nmod", "poss")]
    mods += [g for c in mods for g in c.children if c.dep_ in ("amod", "compound", "nmod")]
    for c in mods:
        m = index.at(c)
        if m is not None and m.cls == "Country":
            return m, c
    first = _first_conjunct(token)  # "sends police and troops"
    for c in first.children if first is not token else ():
        m = index.at(c)
        if c.dep_ in ("amod", "compound", "nmod", "poss") and m is not None and m.cls == "Country":
            return m, c  # "Australian police and soldiers"
    verb = first.head
    if first.dep_ == "dobj":
        for subj in (c for c in verb.children if c.dep_ == "nsubj"):
            m = index.at(subj)
            if m is not None and m.cls == "Country":
                return m, None
    return None, None


def _first_conjunct(token: Token) -> Token:
    """The first of coordinated nouns ("police and troops" → police)."""
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    return token


def _foreign_places(token: Token, state: Mention, st: _Forces) -> list[Mention]:
    """Places abroad that units are sent to ("send a battalion to Kosovo", "flew into X")."""
    deploy = st.res.lexicon.words(DEPLOY)
    role = _first_conjunct(token)
    verb = role.head
    if role.dep_ not in ("dobj", "nsubj", "nsubjpass") or verb.lemma_.lower() not in deploy:
        verb = next((c for c in verb.children if c.dep_ == "xcomp"), verb)  # "began arriving"
        if role.dep_ != "nsubj" or verb.lemma_.lower() not in deploy:
            return []
    if any(
        c.dep_ == "neg" or (c.dep_ == "aux" and c.lower_ in st.res.lexicon.words(MODALS))
        for c in verb.children
    ):
        return []
    out = []
    for p in pobjs(verb, {"to", "into", "in"}):
        m = st.index.at(p)
        if m is None or m.cls not in ("Country", "Location"):
            continue
        entry = st.res.gazetteer.get(m.key)
        country = m.key if m.cls == "Country" else (entry.country if entry else None)
        if country is not None and country != state.key:
            out.append(m)
    return out


def _national_force(doc_id: str, token: Token, st: _Forces) -> Mention | None:
    """A state's units sent abroad are a force of their own.

    "Ghana will send an engineer battalion to Mali", "French special forces flew into
    Khartoum".

    Troops that join a force the clause names ("as part of the CSTO force") are that force's; a
    unit (battalion, company …) stays a unit of its own, part of that force.
    """
    lex = st.res.lexicon
    if token.lower_ in lex.words(PLACED_NOUNS):
        return None  # a state's "mission" or "operation" is named, or it is not a force
    if any(c.lower_ in lex.non_military_modifiers for c in token.subtree if c.i < token.i):
        return None
    state, modifier = unit_state(token, st.index)
    if state is None or not _foreign_places(token, state, st):
        return None
    unit = token.lower_ in lex.words(UNITS)
    if not unit and joined_force(token, st.index, st.res) is not None:
        return None
    entry = st.res.gazetteer.get(state.key)
    name = (
        modifier.text
        if modifier is not None
        else (entry.demonyms[0] if entry and entry.demonyms else state.label)
    )
    skip = {modifier.i} if modifier is not None else set()
    words = [
        c.lower_
        for c in sorted(token.subtree, key=lambda t: t.i)
        if c.i < token.i
        and c.i not in skip
        and c.dep_ in ("amod", "compound")
        and c.is_alpha
        and c.is_lower
    ]
    head = token.lemma_.lower()
    head = "force" if head in _UNIT_HEADS else head
    if words and words[-1] in ("forces", "force") and head == "force":
        head = words.pop()  # "French special forces troops" → "French special forces"
    label = " ".join([name, *words, head])
    first = min(
        [
            token.i,
            *(
                c.i
                for c in token.subtree
                if c.i < token.i and c.dep_ in ("amod", "compound", "nmod")
            ),
        ]
    )
    mention = _new_force(
        doc_id,
        st.doc,
        token,
        f"force:{slug(state.key)}-{slug(' '.join([*words, head]))}",
        label,
        first,
    )
    st.by_leader.setdefault(state.key, mention)  # "... the Australian-led force" is this one
    st.leader_of.setdefault(mention.key, state.key)
    return mention


def joined_force(token: Token, index: MentionIndex, res: Resources) -> Token | None:
    """A force that units join in their clause.

    "as part of F", "to F", "under F", "bolster F" (a force name, or a force noun the finder has
    not reached yet).
    """

    def force(t: Token) -> bool:
        m = index.at(t)
        return (m is not None and m.cls == MF) or (
            m is None and t.lower_ in res.lexicon.named_force_heads
        )

    verb = token.head
    for anchor in (token, verb):
        for p in pobjs(anchor, {"to", "under", "with", "into", "for"}):
            if force(p):
                return p
        for p in pobjs(anchor, {"as"}):
            for q in pobjs(p, {"of"}):
                if force(q):
                    return q
    for clause in (c for c in verb.children if c.dep_ in ("advcl", "xcomp")):
        for obj in (c for c in clause.children if c.dep_ == "dobj"):
            if force(obj):
                return obj
    return None


def _gazetteer_mention(doc_id: str, token: Token, entry: GazEntry) -> Mention:
    return replace(
        reference_mention(
            doc_id,
            token,
            Mention(doc_id, 0, 0, entry.label, MF, entry.key, entry.label, entry.same_as),
            "force-ref",
        ),
        is_name=False,
    )


def _refers_back(token: Token, lex) -> bool:
    """A force noun used as a reference to a force named or described before.

    "the forces", "peacekeeping troops", "a group of peacekeepers"; not units of a state
    ("Chadian peacekeepers").
    """
    dets = {c.lower_ for c in token.children if c.dep_ in ("det", "poss")}
    mods = {c.lower_ for c in token.children if c.dep_ in ("amod", "compound")}
    if bool(dets & {"the", "its", "this", "that"}) or bool(mods & lex.force_modifiers):
        return True
    national = any(c.dep_ in ("amod", "compound", "nmod", "poss") for c in token.children)
    return token.lemma_.lower() == "peacekeeper" and not national


# --------------------------------------------------------------------------- exercises


def find_exercises(doc: Doc, doc_id: str, index: MentionIndex, res: Resources) -> Iterator[Mention]:
    """Named military exercises ("the Sabre-2022 drills") as ``MilitaryForce`` mentions.

    A joint exercise is modelled as a force that countries contribute troops to.
    """
    for token in tokens_of(doc):
        if token.lower_ not in res.lexicon.exercise_nouns or token.pos_ != "NOUN":
            continue
        names = [
            c
            for c in token.lefts
            if c.dep_ in ("compound", "nmod", "amod")
            and (c.pos_ == "PROPN" or (c.pos_ == "NOUN" and any(ch.isdigit() for ch in c.text)))
            and c.text[:1].isupper()
            and not c.is_sent_start
            and index.at(c) is None
        ]
        if not names:
            continue
        start, end = min(c.i for c in names), max(c.i for c in names) + 1
        span = doc[start:end]
        mention = Mention(
            doc_id=doc_id,
            start=span.start_char,
            end=span.end_char,
            text=span.text,
            cls=MF,
            key=f"militaryforce:{slug(span.text)}",
            label=span.text,
            source="exercise",
            is_name=True,
            token_start=start,
            token_end=end,
        )
        index.add(mention)
        yield mention


def force_keys(mentions: Iterable[Mention]) -> set[str]:
    """Keys of the forces among mentions."""
    return {m.key for m in mentions if m.cls == MF}
