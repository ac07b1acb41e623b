"""Forces: who contributes to them, who fields them, where they are deployed."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from kg.builder.extract.forces import (
    appositive_name,
    force_owner,
    is_armed_service,
    joined_force,
    unit_state,
)
from kg.builder.extract.guards import cancelled
from kg.builder.extract.lexicon import uses
from kg.builder.extract.relations import Found
from kg.builder.extract.rules import MATCHERS, TAKES, Role, Rule
from kg.builder.extract.syntax import governing_verb, group, pobjs
from kg.builder.extract.view import ORG_LIKE, PLACES, DocView
from kg.model import Mention
from kg.text import slug

(
    CONTRIBUTE,
    DEPLOY,
    FIELDING,
    CONTRIBUTORS,
    FOUNDING,
    PLACED,
    REPORTING,
    SENDING,
    ORIGIN,
    DIRECT_PLACE,
    BASES,
    PURPOSE,
    HELPING,
    DEPLOYMENT,
    PATROLS,
    STATIONING,
) = uses(
    "contribute_verbs",
    "deploy_verbs",
    "fielding_verbs",
    "contributor_nouns",
    "founding_verbs",
    "placed_force_nouns",
    "statement_verbs",
    "sending_verbs",
    "origin_verbs",
    "place_object_verbs",
    "base_nouns",
    "purpose_verbs",
    "helping_verbs",
    "deployment_nouns",
    "patrol_nouns",
    "stationing_verbs",
)
#: Words for a share of something: "most of the force", "the bulk of the troops".
SHARE_WORDS = frozenset({"most", "bulk", "majority", "part", "half", "some", "much", "many", "all"})
#: Military bodies a unit comes from: "drawn from the armies of A and B".
ARMIES = frozenset({"army", "armies", "military", "militaries", "navy", "navies", "forces"})


def sentence_force(view: DocView, token: Token) -> Mention | None:
    """The force a sentence talks about: a force mention in it, else the article's only force."""
    sent = token.sent
    best: Mention | None = None
    for m in view.index.mentions:
        if m.cls == "MilitaryForce" and sent.start <= m.token_start < sent.end:
            if best is None or abs(m.token_start - token.i) < abs(best.token_start - token.i):
                best = m
    if best is not None:
        return best
    forces = {m.key for m in view.index.mentions if m.cls == "MilitaryForce"}
    return view.index.before(sent.start, {"MilitaryForce"}) if len(forces) == 1 else None


def recent_force(view: DocView, token: Token, back: int = 2) -> Mention | None:
    """The force a sentence that names none talks about.

    the last one of the ``back`` sentences before it ("The mission was set up in 2013. Chad and
    Egypt are its largest suppliers of troops."), else the article's only force.
    """
    found = sentence_force(view, token)
    if found is not None:
        return found
    start = token.sent.start
    for _ in range(back):
        if start == 0:
            break
        start = view.doc[start - 1].sent.start
    last = view.index.before(token.sent.start, {"MilitaryForce"})
    return last if last is not None and last.token_start >= start else None


def contributors(view: DocView, verb: Token) -> list[Mention]:
    """States (and armed services) that are the subject of a verb.

    "They" stands for the subjects of the reporting verb above: "Niger and Chad said they would
    send troops".
    """
    subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    found = view.subjects(verb)
    if subj and all(c.lower_ in ("they", "we") for c in subj):
        head = verb.head
        if verb.dep_ in ("ccomp", "xcomp") and head.lemma_.lower() in view.words(REPORTING):
            found = view.subjects(head)
    lex = view.res.lexicon
    return [
        m
        for m in found
        if m.cls == "Country" or (m.cls == "Organization" and is_armed_service(m, lex))
    ]


def share_of(token: Token) -> Token:
    """The noun a quantity stands for: "most of the force" → force."""
    if token.lower_ in SHARE_WORDS or token.pos_ == "NUM":
        for p in pobjs(token, {"of"}):
            return p
    return token


def exercises(view: DocView) -> Iterator[Mention]:
    """Forces that are named exercises ("the Sabre-2022 exercises", "Exercise Trident")."""
    nouns = view.res.lexicon.exercise_nouns
    for m in view.index.mentions:
        if m.cls == "MilitaryForce" and m.is_name:
            head = view.doc[m.token_end - 1].head
            if m.source == "exercise" or head.lemma_.lower() in nouns or head.lower_ in nouns:
                yield m


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
            pm = view.mention(p) or view.compound_mention(p)
            if pm is not None and pm.cls == "MilitaryForce":
                return pm
        for p in pobjs(anchor, {"as"}):
            for q in pobjs(p, {"of"}):
                qm = view.mention(q)
                if qm is not None and qm.cls == "MilitaryForce":
                    return qm
    if verb is not None:  # "joined the ECOWAS mission", "form most of the force"
        for obj in (share_of(c) for c in verb.children if c.dep_ == "dobj"):
            om = view.mention(obj) or view.compound_mention(obj)
            if om is not None and om.cls == "MilitaryForce":
                return om
            if obj.lemma_.lower() in view.res.lexicon.exercise_nouns:
                drills = {m.key: m for m in exercises(view)}
                if len(drills) == 1:
                    return next(iter(drills.values()))
    return sentence_force(view, noun) if fallback else None


def unit_froms(noun: Token) -> list[Token]:
    """Objects of "from" that say where units come from.

    On the noun or any noun coordinated with it ("police, troops and officials from A and B",
    "11 soldiers from A and 19 from B"), or on the verb the noun is the object of ("brings
    together troops from A").
    """
    heads = [noun, *(c for c in noun.children if c.dep_ == "conj")]
    if noun.dep_ == "conj":
        heads.append(noun.head)
    froms = [p for h in heads for p in pobjs(h, {"from"})]
    first = noun
    while first.dep_ == "conj" and first.head is not first:
        first = first.head  # "brings together police, troops and officials from ..."
    verb = first.head
    if first.dep_ == "dobj" and verb.pos_ == "VERB":
        froms += pobjs(verb, {"from"})
    elif first.dep_ == "pobj" and verb.dep_ == "prep" and verb.head.pos_ == "VERB":
        froms += pobjs(verb.head, {"from"})  # "made up of units [from A and B]" (on the verb)
    return froms


@MATCHERS("units_from")
def units_from(view: DocView, rule: Rule) -> Iterator[Found]:
    """Units from countries: "military units from Ghana, Senegal and Togo are among the forces"."""
    for noun in view.force_units:
        froms = unit_froms(noun)
        members = [q for p in froms for q in group(p) + pobjs(p, {"of"})]
        countries = view.mentions_in(
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
            yield Found(c, force, noun)


def demonym_run(view: DocView, noun: Token) -> list[Mention]:
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
            and noun.lower_ not in view.words(PLACED)
        ):
            out.append(m)  # "Chad troops"; but a "Mali mission" is a mission in Mali
        elif not (
            t.is_punct
            or t.lower_ in ("and", "or")
            or t.pos_ == "ADJ"
            or t.lower_ in view.res.lexicon.force_modifiers
        ):
            break
        i -= 1
    keys: dict[str, Mention] = {}
    for m in out:
        keys.setdefault(m.key, m)
    return list(keys.values())


@MATCHERS("demonym_units")
def demonym_units(view: DocView, rule: Rule) -> Iterator[Found]:
    """Units named by nationality: "Senegalese troops", "the Emirati contingent"."""
    for noun in view.force_units:
        own = view.mention(noun)
        countries = demonym_run(view, noun)
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
            yield Found(c, force, noun)


def explicit_force(view: DocView, verb: Token, obj: Token) -> Mention | None:
    """The force named by a verb's object: the object itself or "(troops) to/under F"."""
    obj = share_of(obj)
    om = view.mention(obj)
    if om is not None and om.cls == "MilitaryForce":
        return om
    if obj.lower_ not in view.res.lexicon.force_nouns:
        return None
    preps = {"under", "to", "with", "for", "in", "into"}
    anchors = [obj, *(c for c in obj.children if c.dep_ == "acl")]  # "soldiers serving with F"
    for p in [q for a in anchors for q in pobjs(a, preps)] + pobjs(verb, preps - {"with"}):
        pm = view.mention(p)
        if pm is not None and pm.cls == "MilitaryForce":
            return pm
    return None


def sent_units(verb: Token) -> list[Token]:
    """Units a verb gives.

    its objects ("sent 500 troops", "supplies most of the force"), and the units a state has
    deployed ("have several hundred soldiers deployed").
    """
    objs = [c for c in verb.children if c.dep_ in ("dobj", "attr")]
    for clause in (c for c in verb.children if c.dep_ in ("ccomp", "xcomp")):
        objs += [c for c in clause.children if c.dep_ == "nsubj"]
    return objs


def _deployed_units(view: DocView, obj: Token) -> bool:
    """Units said to be deployed or serving ("soldiers deployed", "troops serving with F")."""
    deploy = view.words(DEPLOY) | {"serve"}
    if obj.dep_ == "nsubj" and obj.head.lemma_.lower() in deploy:
        return True
    return any(c.dep_ == "acl" and c.lemma_.lower() in deploy for c in obj.children)


@MATCHERS("country_sends_units")
def country_sends_units(view: DocView, rule: Rule) -> Iterator[Found]:
    """A state sends units to a force.

    "Chad sent 1,000 troops to the force", "Denmark provides most of the force", "Ghana
    has committed personnel" (to the force the article is about), "Spain has 600 soldiers
    serving with UNIFIL".
    """
    contribute, sending = view.words(CONTRIBUTE), view.words(SENDING)
    units = view.res.lexicon.force_nouns
    for verb in view.tokens:
        lemma = verb.lemma_.lower()
        if verb.pos_ not in ("VERB", "AUX") or lemma not in contribute:
            continue
        objs = sent_units(verb)
        if not objs:
            continue
        states = contributors(view, verb)
        if not states or cancelled(view, verb):
            continue
        for obj in objs:
            force = explicit_force(view, verb, obj)
            unit = share_of(obj)
            if force is None and unit.lower_ in units and unit.lower_ not in view.words(PLACED):
                if lemma in sending or _deployed_units(view, unit):
                    force = recent_force(view, verb)
            if force is None:
                continue
            for c in states:
                yield Found(c, force, verb)


@MATCHERS("units_drawn_from")
def units_drawn_from(view: DocView, rule: Rule) -> Iterator[Found]:
    """Units coming from states.

    "the platoons come from the armies of A and B", "the troops are drawn from A and B", "it
    has 5,000 troops drawn from A and B" (the units a participle describes are its subject).
    """
    origin = view.words(ORIGIN)
    units = view.res.lexicon.force_nouns
    for verb in view.tokens:
        if verb.lemma_.lower() not in origin or verb.pos_ != "VERB" or cancelled(view, verb):
            continue
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not subjects and verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN"):
            subjects = [verb.head]
        for source in pobjs(verb, {"from"}):
            armies = source.lower_ in ARMIES
            tokens = [
                q
                for p in ([source] if not armies else []) + pobjs(source, {"of"})
                for q in group(p)
            ]
            states = view.mentions_in(tokens, {"Country"})
            if armies:  # "the armies of A and B", "Austria's army"
                states += view.mentions_in(
                    [c for c in source.children if c.dep_ == "poss"], {"Country"}
                )
            for subj in subjects:
                m = view.mention(subj)
                forceish = subj.lower_ in units or (m is not None and m.cls == "MilitaryForce")
                if not (forceish or armies):
                    continue
                force = (
                    force_target(view, subj, fallback=False)
                    or holder_force(view, subj)
                    or recent_force(view, verb)
                )
                if force is None:
                    continue
                for c in states:
                    yield Found(c, force, verb)


def holder_force(view: DocView, noun: Token) -> Mention | None:
    """The force that has the units: "[the mission] has 5,000 troops drawn from A and B"."""
    verb = noun.head
    if noun.dep_ != "dobj" or verb.lemma_.lower() not in ("have", "include", "comprise", "number"):
        return None
    forces = [m for m in view.subjects(verb) if m.cls == "MilitaryForce"]
    return forces[0] if len(forces) == 1 else None


def verb_owner(view: DocView, noun: Token) -> Mention | None:
    """The organisation deploying a force noun: "the AU deployed a force"."""
    verb = governing_verb(noun)
    if verb is None or verb.lemma_.lower() not in view.words(DEPLOY):
        return None
    orgs = [m for m in view.subjects(verb) if m.cls == "Organization"]
    return orgs[0] if orgs else None


@MATCHERS("force_owner")
def unnamed_force_owner(view: DocView, rule: Rule) -> Iterator[Found]:
    """A force belongs to its body.

    "the ECOWAS force", "troops sent by the AU", "the alliance's Operational Reserve Force",
    "the U.N. mission known as MINUSTAH".

    A force whose parent the gazetteer knows keeps that parent ("the Security Council's
    peacekeeping force" UNIFIL is the UN's, not the council's).
    """
    fielding = view.words(FIELDING)
    for noun in view.force_units:
        m = view.mention(noun)
        if m is None:  # "the UN mission that organised the ballot, UNMX"
            m = appositive_name(noun, view.index)
        if m is None or m.cls not in ORG_LIKE:
            continue
        owner = force_owner(noun, view.index, fielding) or verb_owner(view, noun)
        if owner is None or owner.key == m.key:
            continue
        if owner.source == "coref" and view.res.gazetteer.get(owner.key) is None:
            continue  # "the alliance's X": trust the description only for a body we know
        entry = view.res.gazetteer.get(m.key)
        if entry is not None and entry.part_of and entry.part_of != owner.key:
            continue
        yield Found(m, owner, noun)


@MATCHERS("force_named_after")
def force_named_after(view: DocView, rule: Rule) -> Iterator[Found]:
    """A named force belongs to the body it is named after: "the ECOWAS Standby Force"."""
    for m in view.index.mentions:
        if m.cls != "MilitaryForce" or not m.is_name or m.source == "force":
            continue
        token = view.doc[m.token_start]
        for inner in view.index.mentions:
            if (
                inner.source == "inner"
                and m.token_start <= inner.token_start < m.token_end
                and inner.cls in ORG_LIKE
            ):
                yield Found(m, inner, token)


@MATCHERS("force_named_in")
def force_named_in(view: DocView, rule: Rule) -> Iterator[Found]:
    """A force named for where it serves is deployed there: "the UN Mission in South Sudan".

    The place is the mention after "in" inside the force's name ("Mission in [South Sudan]").
    """
    for m in view.index.mentions:
        if m.cls != "MilitaryForce" or not m.is_name or m.source == "inner":
            continue
        name = view.doc[m.token_start : m.token_end]
        ins = [t.i for t in name[1:-1] if t.lower_ == "in" and view.doc[t.i - 1].text[:1].isupper()]
        if not ins:
            continue
        for place in view.index.between(ins[0] + 1, m.token_end):
            if place.cls in PLACES and place.key != m.key:
                yield Found(m, place, view.doc[m.token_start])
                break


def _clause_verbs(verb: Token) -> list[Token]:
    """A verb and the verbs of its open, adverbial and coordinated clauses."""
    return [verb] + [
        c for c in verb.children if c.dep_ in ("advcl", "xcomp", "conj") and c.pos_ == "VERB"
    ]


def _role_token(token: Token) -> Token:
    """The noun that fills the verb's role.

    "a group of peacekeepers landed" → group, "police and soldiers arrived" → police.
    """
    while token.dep_ == "conj" and token.head is not token:
        token = token.head
    if token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.pos_ != "VERB":
        return token.head.head
    return token


def _purpose_places(view: DocView, token: Token) -> list[Token]:
    """Where a force is sent to act.

    "a force to protect shipping in the Red Sea", "a mission to help Haiti's police".
    """
    purpose, helping = view.words(PURPOSE), view.words(HELPING)
    out: list[Token] = []
    clauses = [c for c in token.children if c.dep_ in ("acl", "relcl")]
    if token.dep_ == "dobj":  # "authorised a force ... to help Haiti's police"
        clauses += [
            c for c in token.head.children if c.dep_ in ("xcomp", "advcl") and c.i > token.i
        ]
    for verb in clauses:
        if verb.lemma_.lower() not in purpose or cancelled(view, verb):
            continue
        out += pobjs(verb, {"in", "across", "along", "throughout"})
        objs = [c for c in verb.children if c.dep_ == "dobj"]
        objs += [  # "help Haiti's police fight the gangs"
            s
            for c in verb.children
            if c.dep_ in ("ccomp", "xcomp")
            for s in c.children
            if s.dep_ == "nsubj"
        ]
        for obj in objs:
            out += pobjs(obj, {"in", "across", "along", "throughout"})
            if verb.lemma_.lower() in helping:
                out += [c for c in obj.children if c.dep_ == "poss"]
    return out


def deployment_places(view: DocView, token: Token) -> list[Token]:
    """Tokens naming where the force at ``token`` is sent or stationed.

    "F are stationed in X", "dispatched F to X", "F arrived in / landed at X", "F patrols X",
    "the town of X, where F were deployed", "F runs bases in towns including X and Y",
    "the force in X", "a force to protect shipping in X".
    """
    deploy, direct, bases = view.words(DEPLOY), view.words(DIRECT_PLACE), view.words(BASES)
    stationing = view.words(STATIONING)  # "F was launched in X", "F operates in X"
    role = _role_token(token)
    verb = governing_verb(role)
    places: list[Token] = []
    for v in (c for c in token.children if c.dep_ == "relcl" and c.pos_ == "VERB"):
        lemma = v.lemma_.lower()  # "the battle group, which patrols the Arabian Sea"
        if lemma in deploy | direct | stationing and not cancelled(view, v):
            places += pobjs(v, {"to", "in", "into", "inside", "at"})
            places += [c for c in v.children if c.dep_ == "dobj" and lemma in direct]
    if verb is not None and role.dep_ in ("nsubj", "nsubjpass", "dobj"):
        for v in _clause_verbs(verb):
            lemma = v.lemma_.lower()
            if cancelled(view, v):
                continue
            if lemma in deploy | direct or (lemma in stationing and role.dep_ != "dobj"):
                places += pobjs(v, {"to", "in", "into", "inside", "at"})
            if lemma in direct:
                places += [c for c in v.children if c.dep_ == "dobj"]
            if (
                lemma in deploy
                and v.dep_ == "relcl"
                and any(c.lower_ == "where" for c in v.children)
            ):
                places += [v.head, *pobjs(v.head, {"in"})]  # "the town of X, where F were sent"
            if role.dep_ == "nsubj":
                for obj in (c for c in v.children if c.dep_ == "dobj" and c.lower_ in bases):
                    places += pobjs(obj, {"in", "at", "across"})  # "F runs bases in X"
                    places += pobjs(v, {"in", "at", "across"})
    places += pobjs(token, {"in", "to"})
    if token.lower_ in view.words(DEPLOYMENT) and token.dep_ == "dobj":
        places += pobjs(token.head, {"to", "into"})  # "ordered its deployment to X"
    places += _purpose_places(view, token)
    return places + [q for p in places for q in pobjs(p, {"including", "like", "as"})]


def _with_countries(view: DocView, places: list[Mention]) -> list[Mention]:
    """Places with the countries they lie in, when the article names those countries."""
    out = list(places)
    named = {m.key: m for m in view.index.mentions if m.cls == "Country" and m.is_name}
    for place in places:
        entry = view.res.gazetteer.get(place.key)
        country = entry.country if entry is not None else None
        if country in named and all(o.key != country for o in out):
            out.append(named[country])
    return out


@MATCHERS("force_deployed")
def force_deployed(view: DocView, rule: Rule) -> Iterator[Found]:
    """Where a force is: "F are stationed in X", "dispatched F to X", "F arrived in X", "F in X".

    A city comes with its country when the article names the country ("landed in Dili" → also
    East Timor).
    """
    for m in view.index.mentions:
        if m.cls != "MilitaryForce" or m.source == "inner":
            continue
        token = view.doc[m.token_end - 1]
        places = view.mentions_in(deployment_places(view, token), PLACES)
        for place in _with_countries(view, places):
            yield Found(m, place, token)


def _requesters(view: DocView) -> dict[str, Mention]:
    """Who asked whom for help: the key of the body asked → the state that asked.

    A person or government asking stands for the article's main country.
    """
    from kg.builder.extract.matchers.requests import requested_assistance

    out: dict[str, Mention] = {}
    main = view.index.most_frequent({"Country"})
    for found in requested_assistance(view, None):  # type: ignore[arg-type]
        state = found.subject if found.subject.cls == "Country" else main
        if state is not None and found.object is not None:
            out.setdefault(found.object.key, state)
    return out


@MATCHERS("force_arrives_where_asked")
def force_arrives_where_asked(view: DocView, rule: Rule) -> Iterator[Found]:
    """A body's force that arrives without a place goes where the body was asked to help.

    "X asked the CSTO for help. The alliance's peacekeepers began arriving on Thursday."
    """
    arrive = view.words(DEPLOY)
    asked: dict[str, Mention] | None = None
    for m in view.index.mentions:
        if m.cls != "MilitaryForce" or m.source == "inner":
            continue
        token = view.doc[m.token_end - 1]
        verb = governing_verb(token)
        if verb is None or token.dep_ not in ("nsubj", "nsubjpass", "dobj"):
            continue
        verbs = [v for v in _clause_verbs(verb) if v.lemma_.lower() in arrive]
        verbs += [c for c in verb.children if c.dep_ == "xcomp" and c.lemma_.lower() in arrive]
        if not verbs or any(cancelled(view, v) for v in verbs):
            continue
        if view.mentions_in(deployment_places(view, token), PLACES):
            continue
        if asked is None:
            asked = _requesters(view)
        entry = view.res.gazetteer.get(m.key)
        owners = {entry.part_of} if entry is not None and entry.part_of else set()
        owners |= {k for k in asked if m.key == f"force:{slug(k)}"}
        for owner in owners & set(asked):
            yield Found(m, asked[owner], token)


@MATCHERS("contributor_noun")
def contributor_noun(view: DocView, rule: Rule) -> Iterator[Found]:
    """Contributors named as such: "Nepal and Ghana rank among its biggest troop contributors"."""
    nouns = view.words(CONTRIBUTORS)
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
        troops = any(
            c.lower_ in view.res.lexicon.force_nouns
            for c in [*(c for c in noun.children if c.dep_ == "compound"), *pobjs(noun, {"of"})]
        )
        if force is None and troops:  # "among the biggest suppliers of soldiers" (to the force)
            force = recent_force(view, noun)
        if force is None:
            continue
        anchor = noun.head.head if noun.dep_ == "pobj" and noun.head.lower_ == "among" else noun
        verb = anchor.head if anchor.dep_ in ("attr", "prep") else anchor
        if noun.dep_ == "appos":
            tokens = group(noun.head)
        else:
            tokens = [x for c in verb.children if c.dep_ == "nsubj" for x in group(c)]
        if cancelled(view, verb):
            continue
        for country in view.mentions_in(tokens, {"Country"}):
            yield Found(country, force, noun)


@MATCHERS("founded_force")
def founded_force(view: DocView, rule: Rule) -> Iterator[Found]:
    """A body sets a force up: "The EU launched Operation X", "NATO set up a battlegroup"."""
    founding = view.words(FOUNDING)
    for verb in view.tokens:
        lemma = verb.lemma_.lower()
        if verb.pos_ != "VERB" or lemma not in founding or cancelled(view, verb):
            continue
        if lemma in ("set", "stand") and not any(c.lower_ == "up" for c in verb.children):
            continue
        # a state that forms a force leads or joins it; only a body's force is part of the body
        owners = [m for m in view.subjects(verb) if m.cls == "Organization"]
        forces = view.mentions_in(
            [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")], {"MilitaryForce"}
        )
        for force in forces:
            for owner in owners:
                yield Found(force, owner, verb)


@TAKES("force_of")
def force_of(view: DocView, token: Token, role: Role) -> list[Mention]:
    """The force that the units at the token (or the verb's units) belong to."""
    force = force_target(view, token)
    return [force] if force is not None else []


@TAKES("recent_force")
def recent_force_of(view: DocView, token: Token, role: Role) -> list[Mention]:
    """The force units at the token belong to, else the force the last sentences talk about."""
    force = force_target(view, token, fallback=False) or recent_force(view, token)
    return [force] if force is not None else []


@MATCHERS("state_force")
def state_force(view: DocView, rule: Rule) -> Iterator[Found]:
    """A state's own operation is manned by the state.

    "France said its military intervention in Mali ..." (the intervention being France's
    Operation Serval).
    """
    for m in view.index.mentions:
        if m.cls != "MilitaryForce" or m.source != "force-ref":
            continue
        token = view.doc[m.token_start]
        for owner in view.mentions_in([c for c in token.children if c.dep_ == "poss"], {"Country"}):
            verb = governing_verb(token)
            if verb is None or not cancelled(view, verb):
                yield Found(owner, m, token)


@MATCHERS("patrols_in")
def patrols_in(view: DocView, rule: Rule) -> Iterator[Found]:
    """Patrols mounted somewhere.

    "F patrols in X", "some (of the states) will mount patrols in X" (the force the sentence or
    the last ones talk about).
    """
    patrols = view.words(PATROLS)
    for noun in view.tokens:
        if noun.lower_ not in patrols or noun.pos_ != "NOUN":
            continue
        verb = governing_verb(noun)
        if verb is None or cancelled(view, verb):
            continue
        places = pobjs(noun, {"in", "along", "off", "across"})
        if noun.dep_ == "dobj":
            places += pobjs(verb, {"in", "along", "off", "across"})
        found = view.mentions_in(places, PLACES)
        if not found:
            continue
        subj = [c for c in verb.children if c.dep_ == "nsubj"]
        own = view.mentions_in(subj, {"MilitaryForce"})
        states = [m for m in view.subjects(verb) if m.cls == "Country"]
        pronoun = any(c.pos_ in ("PRON", "DET") or c.lower_ in ("others", "some") for c in subj)
        force = own[0] if own else (recent_force(view, verb) if states or pronoun else None)
        if force is None:
            continue
        for place in found:
            yield Found(force, place, noun)


@MATCHERS("national_force")
def national_force(view: DocView, rule: Rule) -> Iterator[Found]:
    """A state's units sent abroad are manned by it.

    "Ghana will send an engineer battalion to Mali", "French special forces flew into
    Khartoum"; so is the force they join.
    """
    for m in view.index.mentions:
        if m.source != "force" or not m.key.startswith("force:country-") or "-led-" in m.key:
            continue
        token = view.doc[m.token_start]
        state, _ = unit_state(token, view.index)
        if state is None:
            continue
        yield Found(state, m, token)
        joined = joined_force(token, view.index, view.res)
        target = view.mention(joined) if joined is not None else None
        if target is not None and target.cls == "MilitaryForce" and target.key != m.key:
            yield Found(state, target, token)  # and so mans the force its unit joins


@MATCHERS("unit_joins_force")
def unit_joins_force(view: DocView, rule: Rule) -> Iterator[Found]:
    """A state's unit sent to strengthen a force is part of it.

    "Ghana will send a battalion to Mali to reinforce the UN force there".
    """
    for m in view.index.mentions:
        if m.source != "force" or not m.key.startswith("force:country-") or "-led-" in m.key:
            continue
        token = view.doc[m.token_start]
        joined = joined_force(token, view.index, view.res)
        target = view.mention(joined) if joined is not None else None
        if target is not None and target.cls == "MilitaryForce" and target.key != m.key:
            yield Found(m, target, token)
