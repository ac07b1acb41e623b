"""Extract the core relations (SPEC §3) from the dependency parse and the document's mentions.

Each rule is a generator over a :class:`DocView` yielding :class:`Relation` or :class:`Attribute`
values with the sentence that supports them. Rules are written for the constructions news uses
(appositions, pre-nominal titles, enumerations, "X-led", passives, relative clauses) and check
negation and modality before asserting anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from spacy.tokens import Doc, Span, Token

from kg.builder.extract.mentions import Context, tokens_of
from kg.builder.extract.references import MentionIndex, force_owner
from kg.model import Attribute, Evidence, Mention, Relation

ORG_LIKE = {"Organization", "MilitaryForce"}
PLACES = {"Country", "Location"}


@dataclass
class DocView:
    """A parsed document with its mentions, as the relation rules see it."""

    doc: Doc
    doc_id: str
    index: MentionIndex
    ctx: Context

    @cached_property
    def tokens(self) -> list[Token]:
        """The document's tokens, made once (iterating a ``Doc`` builds new objects each time)."""
        return tokens_of(self.doc)

    @cached_property
    def unit_nouns(self) -> list[Token]:
        """Nouns naming troops or units ("troops", "military units", "contingent")."""
        nouns = self.ctx.lexicon.force_nouns
        return [t for t in self.tokens if t.lower_ in nouns and t.pos_ in ("NOUN", "PROPN")]

    def mention(self, token: Token | None) -> Mention | None:
        """The mention at a token, if any."""
        return None if token is None else self.index.at(token)

    def evidence(self, token: Token, rule: str, confidence: float) -> Evidence:
        """Evidence pointing at the sentence that contains ``token``."""
        sent: Span = token.sent
        text = sent.text
        start = sent.start_char + (len(text) - len(text.lstrip()))
        text = text.strip()
        return Evidence(self.doc_id, start, start + len(text), text, rule, round(confidence, 2))

    def words(self, name: str) -> frozenset[str]:
        """A word class of the lexicon's relations section."""
        return self.ctx.lexicon.words(name)


def rel(view: DocView, s: Mention, prop: str, o: Mention, token: Token, rule: str, conf: float):
    """A relation between two mentions' entities, supported by the sentence of ``token``."""
    return Relation(s.key, prop, o.key, view.evidence(token, rule, conf))


def group(token: Token) -> list[Token]:
    """A token with everything coordinated or in apposition with it ("X, Y and Z")."""
    out: list[Token] = []
    todo = [token]
    while todo:
        t = todo.pop()
        if t in out:
            continue
        out.append(t)
        todo.extend(c for c in t.children if c.dep_ in ("conj", "appos"))
    return sorted(out, key=lambda t: t.i)


def mentions_in(view: DocView, tokens: Iterable[Token], classes: set[str]) -> list[Mention]:
    """Distinct mentions at the tokens whose class is in ``classes``.

    A generic head noun stands for the name that modifies it: "the G5 Sahel [group]",
    "the Sabre-2022 [exercises]".
    """
    lex = view.ctx.lexicon
    generic = lex.org_heads | lex.force_nouns | lex.exercise_nouns
    seen: dict[str, Mention] = {}
    for t in tokens:
        m = view.mention(t)
        if m is None and t.lower_ in generic:
            m = _compound_mention(view, t)
        if m is not None and m.cls in classes:
            seen.setdefault(m.key, m)
    return list(seen.values())


def cancelled(view: DocView, verb: Token) -> bool:
    """Whether a predicate is negated, modal, or governed by refusal/consideration verbs."""
    neg, modals, blocking = (
        view.words("negators"),
        view.words("modals"),
        view.words("blocking_verbs"),
    )
    t: Token | None = verb
    for _ in range(4):
        if t is None:
            break
        for c in t.children:
            if c.dep_ == "neg" or (c.dep_ in ("advmod", "det") and c.lower_ in neg):
                return True
            if c.dep_ == "aux" and c.lower_ in modals:
                return True
        if t is not verb and t.lemma_.lower() in blocking:
            return True
        if t.lemma_.lower() in blocking and t.i != verb.i:
            return True
        if t.dep_ in ("xcomp", "acl", "advcl", "pcomp", "relcl") or (
            t.dep_ == "conj" and t.head.pos_ in ("VERB", "AUX")
        ):
            t = t.head
        elif t.pos_ in ("NOUN", "PROPN", "PRON", "ADJ", "NUM") and t.head is not t:
            t = t.head
        else:
            break
    return False


def governing_verb(token: Token) -> Token | None:
    """The closest verb above a token (the token itself when it is a verb)."""
    t = token
    for _ in range(6):
        if t.pos_ in ("VERB", "AUX"):
            return t
        if t.head is t:
            return None
        t = t.head
    return None


def pobjs(token: Token, preps: set[str]) -> list[Token]:
    """Objects of the token's prepositions in ``preps`` (with their coordinated items)."""
    out: list[Token] = []
    for c in token.children:
        if c.dep_ in ("prep", "agent", "dative") and c.lower_ in preps:
            for p in c.children:
                if p.dep_ == "pobj":
                    out.extend(group(p))
    return out


def subjects(verb: Token, view: DocView) -> list[Mention]:
    """Entities that are the subject of a verb (following relative clauses and xcomp)."""
    subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subj and verb.dep_ in ("xcomp", "conj", "advcl") and verb.head is not verb:
        return subjects(verb.head, view)
    relative = all(c.lower_ in ("which", "that", "who", "whom") for c in subj)
    if verb.dep_ in ("relcl", "acl") and (not subj or relative):
        subj = [verb.head]  # "X, which is headquartered in Y": the relative pronoun is X
    tokens = [t for s in subj for t in group(s)]
    found = mentions_in(view, tokens, {"Person", "Organization", "MilitaryForce", "Country"})
    vocab = view.ctx.lexicon.title_vocab
    for t in tokens:  # "Afghanistan's president asked ...": the office stands for its holder
        if view.mention(t) is None and t.lower_ in vocab:
            owners = [c for c in t.children if c.dep_ in ("poss", "amod", "compound")]
            found += [
                m for m in mentions_in(view, owners, {"Country", "Organization"}) if m not in found
            ]
    return found


# ---------------------------------------------------------------- titles: leaderOf & co


def title_relation(view: DocView, phrase: str) -> str | None:
    """The relation a title implies, by its longest known suffix ("foreign minister")."""
    titles = view.ctx.lexicon.titles
    words = phrase.lower().split()
    for i in range(len(words)):
        cand = " ".join(words[i:])
        if cand in titles:
            return titles[cand]
    return None


def title_tokens_left(view: DocView, end: int) -> list[Token]:
    """Title words immediately before token ``end`` ("French [Foreign Minister] X")."""
    doc, vocab = view.doc, view.ctx.lexicon.title_vocab
    i = end - 1
    out: list[Token] = []

    def part_of_title(j: int) -> bool:
        if doc[j].text in ("-", "–"):  # "Lieutenant-Colonel"
            return j > 0 and doc[j - 1].lower_ in vocab and not doc[j - 1].whitespace_
        return doc[j].lower_ in vocab or doc[j].lower_ == "of"

    while (
        i >= 0
        and part_of_title(i)
        and (view.mention(doc[i]) is None or view.mention(doc[i]).source == "inner")
    ):
        out.insert(0, doc[i])
        i -= 1
    while out and out[0].lower_ in ("of", "new", "top", "senior") and len(out) > 1:
        out.pop(0)  # "new Prime Minister X": the title is "Prime Minister"
    return out


def split_titles(view: DocView, tokens: list[Token]) -> list[str]:
    """Known titles in a run of title words: "Supreme Leader Ayatollah" → both titles.

    Modifiers ("former", "Foreign") stay with the title that follows them.
    """
    titles, mods = view.ctx.lexicon.titles, view.ctx.lexicon.title_modifiers
    words = [t.text for t in tokens]

    def written(a: int, b: int) -> str:  # as in the text: "Lieutenant-Colonel", "Prime Minister"
        return "".join(t.text_with_ws for t in tokens[a:b]).strip()

    out: list[str] = []
    pending: list[str] = []
    i = 0
    while i < len(words):
        for j in range(len(words), i, -1):
            if written(i, j).lower() in titles or " ".join(words[i:j]).lower() in titles:
                out.append(" ".join(pending + [written(i, j)]))
                pending, i = [], j
                break
        else:
            if words[i].lower() in mods:
                pending.append(words[i])
            i += 1
    return out


def owner_before(view: DocView, i: int) -> Mention | None:
    """Country/organisation just before token ``i``: "French", "Russia's", "the EU's"."""
    doc = view.doc
    j = i - 1
    if j >= 0 and doc[j].text in ("'s", "’s", "'", "’"):
        j -= 1
    if j < 0:
        return None
    m = view.mention(doc[j])
    if m is not None and m.cls in PLACES | ORG_LIKE:
        return m
    return None


def title_phrase(tokens: list[Token]) -> str:
    """The title as written, without a leading "the/a"."""
    return " ".join(t.text for t in tokens if t.lower_ not in ("the", "a", "an"))


def rule_prenominal_title(view: DocView) -> Iterator[Relation | Attribute]:
    """Match "French President Emmanuel Macron", "Russia's Foreign Minister X"."""
    for m in view.index.mentions:
        if m.cls != "Person" or not m.is_name:
            continue
        title = title_tokens_left(view, m.token_start)
        phrases = split_titles(view, title)
        if not phrases:
            continue
        token = view.doc[m.token_start]
        for phrase in phrases:
            yield Attribute(m.key, "title", phrase, view.evidence(token, "title-prenominal", 0.9))
        owner = owner_before(view, title[0].i)
        prop = title_relation(view, phrases[-1])
        if owner is not None and prop:
            yield rel(view, m, prop, owner, token, "title-prenominal", 0.85)


def _title_owner(view: DocView, noun: Token) -> Mention | None:
    """Whom a title noun is the title for: "spokeswoman for X", "X's minister", "EU envoy"."""
    for c in noun.children:
        if c.dep_ in ("poss", "compound", "nmod", "amod"):
            m = view.mention(c)
            if m is not None and m.cls in PLACES | ORG_LIKE:
                return m
    for p in pobjs(noun, {"for", "of", "at", "to", "in", "with"}):
        m = view.mention(p)
        if m is not None and m.cls in PLACES | ORG_LIKE:
            return m
        # "head of the KNB" / "chief of staff of X"
        for q in pobjs(p, {"of"}):
            m = view.mention(q)
            if m is not None and m.cls in PLACES | ORG_LIKE:
                return m
    return None


def _title_of_noun(view: DocView, noun: Token) -> str:
    mods = [
        c
        for c in noun.subtree
        if c.i < noun.i
        if c.dep_ in ("compound", "amod")
        and view.mention(c) is None
        and (c.lower_ in view.ctx.lexicon.title_modifiers or title_relation(view, c.text))
    ]
    return title_phrase(sorted(mods + [noun], key=lambda t: t.i))


def rule_as_title(view: DocView) -> Iterator[Relation | Attribute]:
    """Match "X took over as chairman of the Security Council", "X was appointed as envoy to Y"."""
    for m in view.index.mentions:
        if m.cls != "Person" or m.source == "inner":
            continue
        head = view.doc[m.token_end - 1]
        if head.dep_ not in ("nsubj", "nsubjpass"):
            continue
        verb = head.head
        if cancelled(view, verb):
            continue
        for noun in pobjs(verb, {"as"}):
            if view.mention(noun) is not None:
                continue
            phrase = _title_of_noun(view, noun)
            prop = title_relation(view, phrase)
            if prop is None:
                continue
            yield Attribute(m.key, "title", phrase, view.evidence(noun, "title-as", 0.8))
            owner = _title_owner(view, noun)
            if owner is not None:
                yield rel(view, m, prop, owner, noun, "title-as", 0.8)


def rule_appositive_title(view: DocView) -> Iterator[Relation | Attribute]:
    """Match "X, a spokeswoman for Y", "Y's foreign minister, X"."""
    seen: set[tuple[str, int]] = set()
    for m in view.index.mentions:
        if m.cls != "Person" or m.source not in ("ner", "gazetteer", "acronym", "coref"):
            continue
        head = view.doc[m.token_end - 1]
        nouns = [c for c in head.children if c.dep_ == "appos"]
        if head.dep_ == "appos":
            nouns.append(head.head)
        for noun in nouns:
            if (m.key, noun.i) in seen or view.mention(noun) is not None:
                continue
            phrase = _title_of_noun(view, noun)
            prop = title_relation(view, phrase)
            if prop is None:
                continue
            seen.add((m.key, noun.i))
            yield Attribute(m.key, "title", phrase, view.evidence(noun, "title-apposition", 0.85))
            owner = _title_owner(view, noun)
            if owner is not None:
                yield rel(view, m, prop, owner, noun, "title-apposition", 0.85)


# ------------------------------------------------------------------- forces


def sentence_force(view: DocView, token: Token) -> Mention | None:
    """The force a sentence talks about: a force mention in it, else the last one before it."""
    sent = token.sent
    best: Mention | None = None
    for m in view.index.mentions:
        if m.cls == "MilitaryForce" and sent.start <= m.token_start < sent.end:
            if best is None or abs(m.token_start - token.i) < abs(best.token_start - token.i):
                best = m
    if best is not None:
        return best
    # a sentence without a force refers to the article's force only when there is just one
    forces = {m.key for m in view.index.mentions if m.cls == "MilitaryForce"}
    return view.index.before(sent.start, {"MilitaryForce"}) if len(forces) == 1 else None


def force_target(view: DocView, noun: Token, fallback: bool = True) -> Mention | None:
    """The force that units ``noun`` belong to: the noun itself, "as part of F", "under F".

    With ``fallback``, a sentence that names no force refers to the article's only force.
    """
    m = view.mention(noun)
    if m is not None and m.cls == "MilitaryForce":
        return m
    verb = governing_verb(noun)
    for anchor in (noun, verb):
        if anchor is None:
            continue
        for p in pobjs(anchor, {"to", "under", "with", "in", "into", "among", "for"}):
            pm = view.mention(p) or _compound_mention(view, p)
            if pm is not None and pm.cls == "MilitaryForce":
                return pm
        for p in pobjs(anchor, {"as"}):
            for q in pobjs(p, {"of"}):
                qm = view.mention(q)
                if qm is not None and qm.cls == "MilitaryForce":
                    return qm
    if verb is not None:  # "joined the ECOWAS mission", "staged joint drills"
        for obj in (c for c in verb.children if c.dep_ == "dobj"):
            om = view.mention(obj) or _compound_mention(view, obj)
            if om is not None and om.cls == "MilitaryForce":
                return om
            if obj.lemma_.lower() in view.ctx.lexicon.exercise_nouns:
                drills = {m.key: m for m in _exercises(view)}
                if len(drills) == 1:
                    return next(iter(drills.values()))
    return sentence_force(view, noun) if fallback else None


def _exercises(view: DocView) -> Iterator[Mention]:
    """Forces that are named exercises ("the Sabre-2022 exercises", "Exercise Trident")."""
    nouns = view.ctx.lexicon.exercise_nouns
    for m in view.index.mentions:
        if m.cls == "MilitaryForce" and m.is_name:
            head = view.doc[m.token_end - 1].head
            if m.source == "exercise" or head.lemma_.lower() in nouns or head.lower_ in nouns:
                yield m


def _compound_mention(view: DocView, token: Token) -> Mention | None:
    """A mention modifying a noun ("the [Sabre-2022] exercises")."""
    for c in token.children:
        if c.dep_ in ("compound", "nmod", "amod") and view.mention(c) is not None:
            return view.mention(c)
    return None


def rule_contributors_from(view: DocView) -> Iterator[Relation]:
    """Match "military units from Ghana, Senegal and Togo are among the ECOWAS's forces"."""
    for noun in view.unit_nouns:
        froms = pobjs(noun, {"from"})
        members = [q for p in froms for q in group(p) + pobjs(p, {"of"})]
        countries = mentions_in(
            view,
            froms + members + [c for p in froms for c in p.children if c.dep_ == "appos"],
            {"Country"},
        )
        if not countries:
            continue
        verb = governing_verb(noun)
        if verb is not None and cancelled(view, verb):
            continue
        force = force_target(view, noun)
        if force is None:
            continue
        for c in countries:
            yield rel(view, c, "contributesTo", force, noun, "units-from", 0.85)


def _demonym_run(view: DocView, noun: Token) -> list[Mention]:
    """Demonyms before a unit noun: "Ghanaian, Senegalese and Togolese units"."""
    doc = view.doc
    out: list[Mention] = []
    i = noun.i - 1
    while i >= noun.sent.start:
        t = doc[i]
        m = view.mention(t)
        if m is not None and m.cls == "Country" and not m.is_name:
            out.append(m)
        elif (
            m is not None
            and m.cls == "Country"
            and t.pos_ == "PROPN"
            and t.dep_ in ("compound", "nmod", "amod")
        ):
            out.append(m)
        elif not (
            t.is_punct
            or t.lower_ in ("and", "or")
            or t.pos_ == "ADJ"
            or t.lower_ in view.ctx.lexicon.force_modifiers
        ):
            break
        i -= 1
    keys: dict[str, Mention] = {}
    for m in out:
        keys.setdefault(m.key, m)
    return list(keys.values())


def rule_demonym_units(view: DocView) -> Iterator[Relation]:
    """Match "Senegalese troops", "the Emirati contingent"."""
    for noun in view.unit_nouns:
        own = view.mention(noun)
        countries = _demonym_run(view, noun)
        if not countries:
            continue
        verb = governing_verb(noun)
        if verb is not None and cancelled(view, verb):
            continue
        force = force_target(view, noun, fallback=False)
        if force is None or (
            own is not None and own.cls == "MilitaryForce" and own.key != force.key
        ):
            continue
        for c in countries:
            yield rel(view, c, "contributesTo", force, noun, "demonym-units", 0.8)


def rule_country_sends_units(view: DocView) -> Iterator[Relation]:
    """Match "Chad sent 1,000 troops to the force", "X has soldiers under Operation Y"."""
    contribute = view.words("contribute_verbs")
    for verb in view.tokens:
        if verb.pos_ not in ("VERB", "AUX") or verb.lemma_.lower() not in contribute:
            continue
        objs = [c for c in verb.children if c.dep_ in ("dobj", "attr")]
        countries = [m for m in subjects(verb, view) if m.cls == "Country"]
        if not countries or not objs or cancelled(view, verb):
            continue
        for obj in objs:
            force = _explicit_force(view, verb, obj)
            if force is None:
                continue
            for c in countries:
                yield rel(view, c, "contributesTo", force, verb, "country-sends-units", 0.75)


def _explicit_force(view: DocView, verb: Token, obj: Token) -> Mention | None:
    """The force named by a verb's object: the object itself or "(troops) to/under F"."""
    om = view.mention(obj)
    if om is not None and om.cls == "MilitaryForce":
        return om
    if obj.lower_ not in view.ctx.lexicon.force_nouns:
        return None
    for p in pobjs(obj, {"under", "to", "with", "for"}) + pobjs(verb, {"to", "under", "for"}):
        pm = view.mention(p)
        if pm is not None and pm.cls == "MilitaryForce":
            return pm
    return None


def rule_force_owner(view: DocView) -> Iterator[Relation]:
    """An unnamed force belongs to its organisation; a named one to the body it is named after."""
    for m in view.index.mentions:
        if m.cls != "MilitaryForce" or not m.is_name:
            continue
        token = view.doc[m.token_start]
        if m.source == "force":
            owner = force_owner(token, view.index, view.words("fielding_verbs"))
            owner = owner or _verb_owner(view, token)
            if owner is not None:
                yield rel(view, m, "partOf", owner, token, "force-owner", 0.9)
            continue
        for inner in view.index.mentions:
            if (
                inner.source == "inner"
                and m.token_start <= inner.token_start < m.token_end
                and inner.cls in ORG_LIKE
            ):
                yield rel(view, m, "partOf", inner, token, "force-named-after", 0.8)


def _verb_owner(view: DocView, noun: Token) -> Mention | None:
    verb = governing_verb(noun)
    if verb is None or verb.lemma_.lower() not in view.words("deploy_verbs"):
        return None
    orgs = [m for m in subjects(verb, view) if m.cls == "Organization"]
    return orgs[0] if orgs else None


# ------------------------------------------------------------------- deployedTo


def rule_deployed_to(view: DocView) -> Iterator[Relation]:
    """Match "F are stationed in X", "dispatched F to X", "F arrived in X", "F in X"."""
    deploy = view.words("deploy_verbs")
    for m in view.index.mentions:
        if m.cls != "MilitaryForce":
            continue
        token = view.doc[m.token_end - 1]
        verb = governing_verb(token)
        places: list[Token] = []
        if verb is not None and token.dep_ in ("nsubj", "nsubjpass", "dobj"):
            # "F were sent to X"; "the EU launched F, sending warships to X"
            verbs = [verb] + [
                c
                for c in verb.children
                if c.dep_ in ("advcl", "xcomp", "conj") and c.pos_ == "VERB"
            ]
            for v in verbs:
                if v.lemma_.lower() in deploy and not cancelled(view, v):
                    places += pobjs(v, {"to", "in", "into", "inside"})
        places += pobjs(token, {"in", "to"}) if token.dep_ != "pobj" else []
        for place in mentions_in(view, places, PLACES):
            yield rel(view, m, "deployedTo", place, token, "force-deployed", 0.85)


# ------------------------------------------------------------------- ledBy / leaderOf


def rule_under_command(view: DocView) -> Iterator[Relation]:
    """Match "F will be run ... under the command of General X": X leads F."""
    for noun in view.tokens:
        if noun.lower_ not in ("command", "leadership") or noun.dep_ != "pobj":
            continue
        if noun.head.lower_ != "under":
            continue
        people = mentions_in(view, pobjs(noun, {"of"}), {"Person"})
        verb = governing_verb(noun.head)
        if not people or verb is None or cancelled(view, verb):
            continue
        forces = [m for m in subjects(verb, view) if m.cls in ORG_LIKE]
        for force in forces:
            for person in people:
                yield rel(view, person, "leaderOf", force, noun, "under-command", 0.75)


def rule_holds_leadership(view: DocView) -> Iterator[Relation]:
    """Match "X, who holds the bloc's rotating chairmanship", "X took the helm of Y"."""
    nouns, verbs = view.words("leadership_nouns"), view.words("holding_verbs")
    for noun in view.tokens:
        if noun.lower_ not in nouns or noun.dep_ not in ("dobj", "pobj"):
            continue
        verb = governing_verb(noun)
        if verb is None or verb.lemma_.lower() not in verbs or cancelled(view, verb):
            continue
        owners = mentions_in(view, [c for c in noun.children if c.dep_ == "poss"], ORG_LIKE)
        owners += mentions_in(view, pobjs(noun, {"of"}), ORG_LIKE)
        for person in (m for m in subjects(verb, view) if m.cls == "Person"):
            for org in owners:
                yield rel(view, person, "leaderOf", org, noun, "holds-leadership", 0.75)


def rule_led_by(view: DocView) -> Iterator[Relation]:
    """Match "a Russia-led alliance", "the Saudi-led coalition", "led/commanded by X"."""
    doc = view.doc
    for t in view.tokens:
        low = t.lower_
        if low == "led" and t.i >= 2 and doc[t.i - 1].text in ("-", "–"):
            leader = view.mention(doc[t.i - 2])
            led = view.mention(t.head)
        elif low.endswith("-led") and len(low) > 4:
            leader = view.mention(t)
            led = view.mention(t.head)
        else:
            continue
        if leader is None or led is None or led.cls not in ORG_LIKE:
            continue
        if leader.cls == "Country":
            yield rel(view, led, "ledBy", leader, t, "x-led", 0.85)
            if led.cls == "MilitaryForce":  # a lead nation contributes to the force it leads
                yield rel(view, leader, "contributesTo", led, t, "lead-nation", 0.6)
        elif leader.cls == "Person":
            yield rel(view, leader, "leaderOf", led, t, "x-led", 0.8)
    lead = view.words("lead_verbs")
    for verb in doc:
        if verb.lemma_.lower() not in lead or verb.pos_ != "VERB" or cancelled(view, verb):
            continue
        agents = mentions_in(view, pobjs(verb, {"by"}), {"Country", "Person", "Organization"})
        led_tokens = [c for c in verb.children if c.dep_ == "nsubjpass"]
        if verb.dep_ in ("acl", "relcl"):
            led_tokens.append(verb.head)
        if not agents:
            agents = subjects(verb, view) if verb.dep_ not in ("acl", "relcl") else []
            led_tokens = [c for c in verb.children if c.dep_ == "dobj"]
        for thing in mentions_in(view, [x for t in led_tokens for x in group(t)], ORG_LIKE):
            for agent in agents:
                if agent.key == thing.key:
                    continue
                if agent.cls == "Person":
                    yield rel(view, agent, "leaderOf", thing, verb, "led-by", 0.8)
                elif agent.cls == "Country":
                    yield rel(view, thing, "ledBy", agent, verb, "led-by", 0.8)


# ------------------------------------------------------------------- requests


def _help_sources(view: DocView, noun: Token) -> list[Mention]:
    out = []
    for p in pobjs(noun, {"from", "of"}):
        m = view.mention(p)
        if m is not None and m.cls in ORG_LIKE | {"Country"}:
            out.append(m)
        else:  # "assistance from the heads of the ECOWAS"
            out.extend(mentions_in(view, pobjs(p, {"of"}), ORG_LIKE | {"Country"}))
    return out


def government_of(view: DocView, m: Mention) -> Mention:
    """A capital city acting or addressed stands for its country ("asked Canberra for help")."""
    entry = view.ctx.gazetteer.get(m.key)
    if entry is None or not entry.capital or not entry.country:
        return m
    for other in view.index.mentions:
        if other.key == entry.country:
            return other
    return m


def rule_requested_assistance(view: DocView) -> Iterator[Relation]:
    """Match "X requested assistance from Y", "X asked Y for help", "X appealed to Y for troops"."""
    request, helps = view.words("request_verbs"), view.words("help_nouns")
    for verb in view.tokens:
        if verb.lemma_.lower() not in request or verb.pos_ != "VERB" or cancelled(view, verb):
            continue
        agents = subjects(verb, view)
        if not agents and verb.dep_ in ("acl",):  # "X's decision to ask ..."
            agents = mentions_in(
                view,
                [c for c in verb.head.children if c.dep_ == "poss"],
                {"Person", "Country", "Organization"},
            )
        sources: list[Mention] = []
        has_help = False
        for c in verb.children:
            if c.dep_ in ("dobj", "dative") and c.lemma_.lower() in helps:
                has_help = True
                sources += _help_sources(view, c)
            elif c.dep_ in ("dobj", "dative"):
                m = view.mention(c)
                if m is not None and any(p.lemma_.lower() in helps for p in pobjs(verb, {"for"})):
                    has_help = True
                    sources += mentions_in(view, group(c), ORG_LIKE | {"Country"})
        for p in pobjs(verb, {"to", "from"}):
            if any(q.lemma_.lower() in helps for q in pobjs(verb, {"for"})) or has_help:
                has_help = True
                sources += mentions_in(view, group(p), ORG_LIKE | {"Country"})
        if not has_help:
            continue
        sources = [government_of(view, s) for s in sources]
        for agent in agents:
            for source in sources:
                if agent.key != source.key:
                    yield rel(
                        view,
                        agent,
                        "requestedAssistanceFrom",
                        source,
                        verb,
                        "requested-assistance",
                        0.85,
                    )


# ------------------------------------------------------------------- membership


def rule_member_of(view: DocView) -> Iterator[Relation]:
    """Match "Estonia, a member of NATO", "NATO members Poland and Latvia"."""
    member_nouns = view.words("member_nouns")
    for noun in view.tokens:
        if noun.lower_ not in member_nouns or noun.pos_ not in ("NOUN", "PROPN"):
            continue
        orgs = mentions_in(view, pobjs(noun, {"of"}), {"Organization"})
        orgs += mentions_in(
            view,
            [c for c in noun.children if c.dep_ in ("compound", "poss", "nmod")],
            {"Organization"},
        )
        if not orgs:
            continue
        tokens = [c for c in noun.children if c.dep_ == "appos"]
        for p in pobjs(noun, {"of"}):
            tokens += [c for c in p.children if c.dep_ == "appos"]
        start = min([c.i for c in noun.lefts] + [noun.i])
        after_comma = start > 0 and view.doc[start - 1].text == ","
        if noun.dep_ == "appos" or (noun.dep_ == "conj" and after_comma):
            tokens.append(noun.head)  # "Poland and Latvia, alliance members"
        if noun.dep_ == "attr":
            tokens += [c for c in noun.head.children if c.dep_ == "nsubj"]
        members = mentions_in(view, [x for t in tokens for x in group(t)], {"Country"} | ORG_LIKE)
        verb = governing_verb(noun)
        if verb is not None and cancelled(view, verb):
            continue
        for org in orgs:
            for member in members:
                if member.key != org.key:
                    yield rel(view, member, "memberOf", org, noun, "member-of", 0.8)
    composition = view.words("composition_verbs")
    for verb in view.tokens:
        if verb.lemma_.lower() not in composition or verb.pos_ != "VERB":
            continue
        if verb.lemma_.lower() == "make" and not any(c.lower_ == "up" for c in verb.children):
            continue
        org_tokens = (
            [verb.head]
            if verb.dep_ in ("acl", "relcl")
            else [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        )
        orgs = mentions_in(view, org_tokens, {"Organization"})
        parts = pobjs(verb, {"of"}) + [c for c in verb.children if c.dep_ == "dobj"]
        members = mentions_in(view, [x for t in parts for x in group(t)], {"Country"})
        if cancelled(view, verb):
            continue
        for org in orgs:
            for member in members:
                yield rel(view, member, "memberOf", org, verb, "made-up-of", 0.7)


# ------------------------------------------------------------------- partOf (institutions)


def rule_national_institution(view: DocView) -> Iterator[Relation]:
    """Match "the Belarusian Foreign Ministry", "Russia's Defence Ministry"."""
    for m in view.index.mentions:
        if m.cls not in ORG_LIKE or not m.is_name or m.source == "force":
            continue
        entry = view.ctx.gazetteer.get(m.key)
        if entry is not None and entry.cls in ORG_LIKE and not entry.part_of:
            continue  # international bodies ("European Union") are not part of a state
        token = view.doc[m.token_start]
        countries = [
            i
            for i in view.index.mentions
            if i.source == "inner"
            and i.cls == "Country"
            and m.token_start <= i.token_start < m.token_end
        ]
        owner = owner_before(view, m.token_start)
        if owner is not None and owner.cls == "Country":
            countries.append(owner)
        # "the Revolutionary Guards, the country's most powerful military force"
        head = view.doc[m.token_end - 1]
        for appos in (c for c in head.children if c.dep_ == "appos"):
            for c in appos.children:
                cm = view.mention(c)
                if c.dep_ == "poss" and cm is not None and cm.cls == "Country":
                    countries.append(cm)
        for c in {c.key: c for c in countries}.values():
            yield rel(view, m, "partOf", c, token, "national-institution", 0.85)


def _place_before_head(view: DocView, m: Mention):
    """Gazetteer place named by a place mention without its head noun ("X region" → X)."""
    words = m.label.split()
    heads = view.ctx.lexicon.place_heads
    for size in (2, 1):
        if len(words) > size and " ".join(words[-size:]).lower() in heads:
            entries = [e for e in view.ctx.gazetteer.lookup(" ".join(words[:-size])) if e.country]
            return entries[0] if entries else None
    return None


def rule_gazetteer_links(view: DocView) -> Iterator[Relation]:
    """World knowledge from the gazetteer, asserted only between entities the article names.

    A city and its country (``locatedIn``), a body and its parent (``partOf``), a body and its
    seat (``basedIn``); the evidence is the sentence where the first of the two is mentioned.
    """
    gaz = view.ctx.gazetteer
    first: dict[str, Mention] = {}
    for m in view.index.mentions:
        if m.source != "coref":
            first.setdefault(m.key, m)
    for key, m in first.items():
        entry = gaz.get(key)
        token = view.doc[m.token_start]
        if entry is None and m.cls == "Location":
            # "the Nizhny Novgorod region": the place named before the head lies in a country
            place = _place_before_head(view, m)
            if place is not None and place.country in first and place.country != key:
                yield rel(view, m, "locatedIn", first[place.country], token, "gazetteer", 0.6)
            continue
        if entry is None:
            continue
        links = (
            ("locatedIn", entry.country),
            ("partOf", entry.part_of),
            ("basedIn", entry.based_in),
        )
        for prop, other in links:
            if other and other in first and other != key:
                yield rel(view, m, prop, first[other], token, "gazetteer", 0.7)


# ------------------------------------------------------------------- places


def rule_located_in(view: DocView) -> Iterator[Relation]:
    """Match "the Kherson region of the country", "Lyon, France"."""
    for m in view.index.mentions:
        if m.cls != "Location":
            continue
        head = view.doc[m.token_end - 1]
        targets = pobjs(head, {"of", "in"})
        targets += [c for c in head.children if c.dep_ == "poss"]  # "Estonia's X region"
        nxt = view.doc[m.token_end] if m.token_end < len(view.doc) else None
        comma_country: list[Token] = []
        if nxt is not None and nxt.text == "," and m.token_end + 1 < len(view.doc):
            after = view.doc[m.token_end + 1]
            if after.dep_ != "conj" and (after.dep_ == "appos" or after.head.i == head.i):
                comma_country.append(after)
            if after.dep_ == "appos" or (after.dep_ == "npadvmod" and after.head.i == head.i):
                targets.append(after)  # "Dayton, Ohio": a place in apposition contains it
        if nxt is not None and nxt.lower_ == "in":
            # "at Northwood in Britain", "Sevare in central Mali": the next place contains it
            comma_country += [c for c in nxt.children if c.dep_ == "pobj" and c.i <= nxt.i + 3]
        found = mentions_in(view, targets, PLACES) + mentions_in(view, comma_country, {"Country"})
        for place in found:
            if place.key != m.key:
                yield rel(view, m, "locatedIn", place, head, "place-of", 0.8)


def rule_based_in(view: DocView) -> Iterator[Relation]:
    """Match "X is based in Y", "X, which is headquartered in Y", "with its headquarters in Y"."""
    base, seats = view.words("base_verbs"), view.words("seat_nouns")
    for t in view.tokens:
        lemma = t.lemma_.lower()
        if t.pos_ == "VERB" and lemma in base and lemma != "station":
            things = subjects(t, view)
        elif t.lower_ in seats and t.pos_ in ("NOUN", "PROPN"):
            things = mentions_in(
                view, [c for c in t.children if c.dep_ in ("poss", "compound")], ORG_LIKE
            )
            verb = governing_verb(t)
            if not things and verb is not None and t.dep_ == "pobj":
                things = subjects(verb, view)  # "F, run from headquarters at X"
        else:
            continue
        if cancelled(view, t):
            continue
        places = mentions_in(view, pobjs(t, {"in", "at"}), PLACES)[:1]  # "in Larissa, Greece"
        verb = governing_verb(t)
        if not places and t.dep_ == "pobj" and verb is not None:
            places = mentions_in(view, pobjs(verb, {"at", "in"}), PLACES)[:1]
        for thing in things:
            if thing.cls not in ORG_LIKE:
                continue
            for place in places:
                yield rel(view, thing, "basedIn", place, t, "based-in", 0.8)


def rule_org_in_place(view: DocView) -> Iterator[Relation]:
    """Match "Drexel Burnham Lambert Inc. in New York": an organisation in a city or site."""
    for m in view.index.mentions:
        if m.cls != "Organization" or not m.is_name:
            continue
        head = view.doc[m.token_start : m.token_end].root
        for place in mentions_in(view, pobjs(head, {"in", "at"}), {"Location"}):
            yield rel(view, m, "basedIn", place, head, "org-in-place", 0.6)


def rule_person_at_org(view: DocView) -> Iterator[Relation]:
    """Match "Wang Li at the Institute of Physics", "X, an analyst with Y" (no known title)."""
    for m in view.index.mentions:
        if m.cls != "Person" or not m.is_name:
            continue
        head = view.doc[m.token_end - 1]
        anchors = [head] + [c for c in head.children if c.dep_ == "appos"]
        for anchor in anchors:
            if anchor is not head and title_relation(view, anchor.text):
                continue  # titled appositions are rule_appositive_title's
            for org in mentions_in(view, pobjs(anchor, {"at", "with"}), ORG_LIKE):
                yield rel(view, m, "worksFor", org, anchor, "person-at-org", 0.6)


def rule_contributor_nouns(view: DocView) -> Iterator[Relation]:
    """Match "Rwanda and Egypt are among its largest troop contributors"."""
    nouns = view.words("contributor_nouns")
    for noun in view.tokens:
        if noun.lower_ not in nouns:
            continue
        force = None
        for c in noun.children:
            m = view.mention(c)
            if c.dep_ == "poss" and m is not None and m.cls == "MilitaryForce":
                force = m
        for p in pobjs(noun, {"to"}):
            m = view.mention(p)
            if m is not None and m.cls == "MilitaryForce":
                force = m
        if force is None:
            continue
        # the countries it is said of: copula subject ("X are among ..."), or apposition head
        anchor = noun.head.head if noun.dep_ == "pobj" and noun.head.lower_ == "among" else noun
        verb = anchor.head if anchor.dep_ in ("attr", "prep") else anchor
        if noun.dep_ == "appos":
            tokens = group(noun.head)
        else:
            tokens = [x for c in verb.children if c.dep_ == "nsubj" for x in group(c)]
        if cancelled(view, verb):
            continue
        for country in mentions_in(view, tokens, {"Country"}):
            yield rel(view, country, "contributesTo", force, noun, "contributor-noun", 0.75)


def rule_founded_force(view: DocView) -> Iterator[Relation]:
    """Match "The EU launched Operation X", "NATO set up a battlegroup": the force is theirs."""
    founding = view.words("founding_verbs")
    for verb in view.tokens:
        lemma = verb.lemma_.lower()
        if verb.pos_ != "VERB" or lemma not in founding or cancelled(view, verb):
            continue
        if lemma in ("set", "stand") and not any(c.lower_ == "up" for c in verb.children):
            continue
        owners = [m for m in subjects(verb, view) if m.cls in ("Organization", "Country")]
        forces = mentions_in(
            view, [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")], {"MilitaryForce"}
        )
        for force in forces:
            for owner in owners:
                yield rel(view, force, "partOf", owner, verb, "founded-force", 0.7)


RULES: tuple[Callable[[DocView], Iterator[Relation | Attribute]], ...] = (
    rule_prenominal_title,
    rule_appositive_title,
    rule_as_title,
    rule_contributors_from,
    rule_demonym_units,
    rule_country_sends_units,
    rule_force_owner,
    rule_deployed_to,
    rule_led_by,
    rule_under_command,
    rule_holds_leadership,
    rule_requested_assistance,
    rule_member_of,
    rule_national_institution,
    rule_gazetteer_links,
    rule_located_in,
    rule_based_in,
    rule_org_in_place,
    rule_person_at_org,
    rule_contributor_nouns,
    rule_founded_force,
)


def extract_relations(view: DocView) -> tuple[list[Relation], list[Attribute]]:
    """Run every rule; returns relations and attributes (deduplicated, in a stable order)."""
    relations: dict[tuple, Relation] = {}
    attributes: dict[tuple, Attribute] = {}
    for rule in RULES:
        for item in rule(view):
            if isinstance(item, Relation):
                if item.subj != item.obj:
                    relations.setdefault(
                        (item.subj, item.prop, item.obj, item.evidence.start), item
                    )
            else:
                attributes.setdefault((item.key, item.name, item.value.lower()), item)
    return list(relations.values()), list(attributes.values())
