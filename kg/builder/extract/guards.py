"""Guards: named checks a rule's match must pass (negation, modality, refusal …)."""

from __future__ import annotations

from spacy.tokens import Token

from kg.builder.extract.events import headline_tokens
from kg.builder.extract.lexicon import uses
from kg.builder.extract.rules import GUARDS, Hit
from kg.builder.extract.syntax import clause_chain, governing_verb, pobjs
from kg.builder.extract.view import ACTORS, DocView

NEGATORS, MODALS, BLOCKING, EXPECTING = uses(
    "negators", "modals", "blocking_verbs", "expectation_verbs"
)


def cancelled(view: DocView, verb: Token, *, planned_ok: bool = False) -> bool:
    """Whether a predicate is negated, modal, or governed by refusal/consideration verbs.

    "did not send", "may deploy", "refused to join", "is considering sending": the clause and
    the clauses above it up to four steps are read. What is only expected ("is expected to
    send") is no fact either, unless ``planned_ok``: a planned deployment is still news of one.
    """
    neg, modals, blocking = view.words(NEGATORS), view.words(MODALS), view.words(BLOCKING)
    if not planned_ok:
        blocking = blocking | view.words(EXPECTING)
    below: Token | None = None
    for t in clause_chain(verb):
        for c in t.children:
            if c.dep_ == "neg" or (c.dep_ in ("advmod", "det") and c.lower_ in neg):
                return True
            if c.dep_ == "aux" and c.lower_ in modals:
                return True
        # "is expected to X and will be Y": Y is said, not expected
        coordinated = below is not None and below.dep_ == "conj" and below.head.i == t.i
        if t.i != verb.i and t.lemma_.lower() in blocking and not coordinated:
            return True
        below = t
    return False


@GUARDS("asserted")
def asserted(view: DocView, hit: Hit) -> bool:
    """The clause of the anchor is not negated, modal or governed by a refusal verb."""
    verb = governing_verb(hit.anchor)
    return verb is None or not cancelled(view, verb)


@GUARDS("asserted_or_planned")
def asserted_or_planned(view: DocView, hit: Hit) -> bool:
    """The anchor (a verb) is not negated, modal or refused; it may be expected or planned."""
    return not cancelled(view, hit.anchor, planned_ok=True)


@GUARDS("asserted_here")
def asserted_here(view: DocView, hit: Hit) -> bool:
    """The anchor itself (a verb) is not negated, modal or governed by a refusal verb."""
    return not cancelled(view, hit.anchor)


@GUARDS("not_a_name")
def not_a_name(view: DocView, hit: Hit) -> bool:
    """The anchor is no part of a name ("the Summit Group" holds no summit)."""
    return view.mention(hit.anchor) is None


# --------------------------------------------------------------------------- event triggers
# Precision guards for general news (issue 8): a trigger word is checked in context (sense,
# argument structure, realis) before it makes an event.

(
    IRREALIS,
    CONDITIONS,
    MILITARY,
    CONCLUDING,
    PRESS,
    WEAPONS,
    CROWD_CONTROL,
    SPEECH_PLAIN,
) = uses(
    "irrealis_words",
    "condition_marks",
    "military_words",
    "concluding_verbs",
    "press_nouns",
    "weapon_nouns",
    "crowd_control_words",
    "speech_verbs_plain",
)
ATTACK_NOUNS, FIGHTING, UNREAL, CORPORATE, DISASTERS, MEETING_NOUNS = uses(
    "attack_nouns",
    "fighting_nouns",
    "unreal_modifiers",
    "corporate_words",
    "disaster_nouns",
    "meeting_nouns",
)
#: Dependencies of a clausal complement: what was said ("said [that ...]", "'...,' he [added]").
SPEECH_DEPS = ("ccomp", "parataxis", "xcomp")
#: Force nouns too general to make a drill military ("area of operation").
GENERIC_OPERATIONS = frozenset({"operation", "operations", "mission", "missions"})


def irrealis(view: DocView, verb: Token) -> bool:
    """Whether a clause reports no actual happening.

    Negated, modal or refused (:func:`cancelled`), conditional ("if ..."), with "would", or
    under a word of expectation or ability ("is expected to arrive", "the capacity to carry out
    attacks").
    """
    if cancelled(view, verb):
        return True
    words, marks = view.words(IRREALIS), view.words(CONDITIONS)
    wanting = view.words(BLOCKING) | words
    chain = clause_chain(verb)
    finite = verb.tag_ in ("VBD", "VBZ", "VBP", "MD")
    if verb.dep_ == "ccomp" and not finite and verb.head.lemma_.lower() in wanting:
        chain.append(verb.head)  # "protesters want Congress dissolved and early elections"
    for t in chain:
        if t.dep_ == "pcomp" and t.head.lower_ == "without":
            return True  # "without firing a shot"
        if t.dep_ == "pcomp" and t.head.head.lemma_.lower() in words:
            return True  # "little risk of sparking a clash"
        if t.lemma_.lower() in words or t.lower_ in words:
            return True
        for c in t.children:
            if c.dep_ in ("aux", "auxpass") and c.lower_ in words:
                return True
            if c.dep_ == "mark" and c.lower_ in marks:
                return True
        if t.dep_ in ("acl", "relcl", "xcomp") and t.head.pos_ in ("NOUN", "ADJ"):
            if t.head.lemma_.lower() in words:  # "the capacity to carry out", "ready to sign"
                return True
    return False


@GUARDS("realis")
def realis(view: DocView, hit: Hit) -> bool:
    """The trigger reports a happening, not what would, could or is expected to happen.

    Its clause is not negated, modal, conditional, expected or merely possible ("would consider
    talks", "the capacity to carry out attacks").
    """
    t = hit.anchor
    if t.pos_ not in ("VERB", "AUX"):
        if any(c.dep_ in ("det", "neg") and c.lower_ in view.words(NEGATORS) for c in t.children):
            return False  # "no elections have been held"
        unreal = view.words(UNREAL)
        for c in t.children:  # "the expected G7 meeting", "next week's meeting"
            if c.dep_ in ("amod", "compound", "poss", "npadvmod", "nmod"):
                if any(w.lower_ in unreal for w in c.subtree):
                    return False
        head = t.head.head if t.dep_ == "pobj" else t.head
        if head.pos_ == "NOUN" and head.lemma_.lower() in view.words(IRREALIS):
            return False  # "the threat of attacks", "the danger from attacks"
    verb = t if t.pos_ in ("VERB", "AUX") else governing_verb(t)
    return verb is None or not irrealis(view, verb)


def _month_name(token: Token) -> bool:
    from kg.builder.extract.dates import load_vocabulary

    return token.lower_ in load_vocabulary().months and len(token.text) > 3


@GUARDS("not_a_date")
def not_a_date(view: DocView, hit: Hit) -> bool:
    """The trigger is no date: "March" the month is no march.

    A capitalised month name not starting a sentence, an all-capitals one, or any word of a
    DATE or TIME entity.
    """
    t = hit.anchor
    if t.ent_type_ in ("DATE", "TIME"):
        return False
    if _month_name(t) and t.text[:1].isupper() and (not t.is_sent_start or t.text.isupper()):
        return False
    return True


@GUARDS("not_headline")
def not_headline(view: DocView, hit: Hit) -> bool:
    """The trigger is not in an all-capitals headline ("FED SEEN ADDING RESERVES")."""
    return hit.anchor.i not in headline_tokens(view)


@GUARDS("not_a_verb")
def not_a_verb(view: DocView, hit: Hit) -> bool:
    """A trigger noun with an object is a verb the tagger missed ("OPEC meeting this demand")."""
    return not any(c.dep_ == "dobj" for c in hit.anchor.children)


@GUARDS("not_a_modifier")
def not_a_modifier(view: DocView, hit: Hit) -> bool:
    """A trigger noun heads its phrase ("riot police", "exercise price" name other things)."""
    t = hit.anchor
    return not (t.dep_ in ("compound", "amod", "nmod") and t.head.pos_ in ("NOUN", "PROPN"))


@GUARDS("not_a_label")
def not_a_label(view: DocView, hit: Hit) -> bool:
    """The noun is not what a speaker calls something ("called the clashes a riot")."""
    t = hit.anchor
    if t.dep_ in ("oprd", "attr") and t.head.lemma_.lower() in ("call", "label", "brand", "term"):
        return False
    if t.dep_ == "pobj" and t.head.lower_ == "as":
        verb = t.head.head
        return verb.lemma_.lower() not in ("describe", "denounce", "dismiss", "brand", "see")
    return True


@GUARDS("military_sense")
def military_sense(view: DocView, hit: Hit) -> bool:
    """An exercise or drill is military ("joint naval drills", not "the exercise price").

    A military word or a named thing modifies it, or the sentence has a military word, a force
    noun or a force.
    """
    t = hit.anchor
    if any(c.dep_ in ("dobj", "nsubj") for c in t.children):
        return False  # a verb tagged as a noun: "let the firm drill 50 wells"
    words = (view.words(MILITARY) | view.res.lexicon.force_nouns) - GENERIC_OPERATIONS
    near = [c for c in t.children if c.dep_ in ("compound", "amod", "nmod", "poss")]
    if any(c.lower_ in words or view.mention(c) is not None for c in near):
        return True
    if t.lower_ in ("drills", "manoeuvres", "maneuvers") and t.dep_ != "compound":
        words = words - {"drills", "manoeuvres", "maneuvers"}
    sent = t.sent
    if any(w.lower_ in words for w in sent if w.i != t.i):
        return True
    return any(m.cls == "MilitaryForce" for m in view.index.between(sent.start, sent.end))


@GUARDS("concluded")
def concluded(view: DocView, hit: Hit) -> bool:
    """An accord is reported as made, not merely mentioned ("under an option agreement").

    The noun is the object or subject of a verb of concluding ("signed a deal", "the pact was
    sealed", "entered into an agreement", "an agreement reached").
    """
    t = hit.anchor
    verbs = view.words(CONCLUDING)
    head = t.head
    while head.dep_ == "conj" and head.head.i != head.i:
        head = head.head
    if t.dep_ in ("dobj", "nsubjpass", "nsubj", "conj") and head.lemma_.lower() in verbs:
        return True
    if t.dep_ == "pobj" and head.head.lemma_.lower() in verbs:  # "entered into an agreement"
        return True
    return any(c.dep_ in ("acl", "relcl") and c.lemma_.lower() in verbs for c in t.children)


@GUARDS("not_press_conference")
def not_press_conference(view: DocView, hit: Hit) -> bool:
    """A news or press conference is where something was said, not a meeting."""
    return not any(c.lower_ in view.words(PRESS) for c in hit.anchor.children)


@GUARDS("armed")
def armed(view: DocView, hit: Hit) -> bool:
    """An attack verb in its armed sense ("were killed" needs a killer: quakes kill too).

    "fire" needs a weapon or a target ("fired rockets", "fired on the convoy"; not "fired its
    chief executive", not tear gas); "attack" and "assault" by a named person need a place, a
    force or a person as object ("attacked the plan" is criticism).
    """
    t = hit.anchor
    lemma = t.lemma_.lower()
    objs = [c for c in t.children if c.dep_ == "dobj"]
    if lemma == "fire":
        weapons, crowd = view.words(WEAPONS), view.words(CROWD_CONTROL)
        if any(c.lower_ in crowd for o in objs for c in o.subtree):
            return False
        if objs:  # "fired rockets", not "fired its chief executive"
            return any(w.lower_ in weapons for o in objs for w in o.subtree)
        return any(  # "fired on the convoy", not "fired on Friday"
            p.ent_type_ not in ("DATE", "TIME") for p in pobjs(t, ("at", "on", "into"))
        )
    if lemma == "kill" and any(c.dep_ == "auxpass" for c in t.children):
        # "were killed by gunmen", "killed in fighting", "killed when ... came under fire";
        # not "killed when the earthquake struck"
        violent = view.words(ATTACK_NOUNS) | view.words(FIGHTING)
        causes = [p for c in t.children if c.dep_ == "prep" for p in pobjs(t, {c.lower_})]
        if any(p.lemma_.lower() in view.words(DISASTERS) for p in causes):
            return False  # "killed in an explosion and fire at the refinery"
        return any(
            (c.dep_ == "agent")
            or (c.dep_ == "prep" and any(p.lemma_.lower() in violent for p in pobjs(t, {c.lower_})))
            or (
                c.dep_ == "advcl"
                and any(w.pos_ == "NOUN" and w.lemma_.lower() in violent for w in c.subtree)
            )
            for c in t.children
        )
    if lemma == "kill" and any(
        w.lemma_.lower() in view.words(DISASTERS)
        for c in t.children
        if c.dep_ == "nsubj"
        for w in c.subtree
    ):
        return False  # "a fire killed one miner"
    if lemma in ("attack", "assault"):
        subj = [m for m in view.subjects(t) if m.cls == "Person"]
        if subj and objs:
            target = view.mentions_in(objs, {"Country", "Location", "MilitaryForce", "Person"})
            return bool(target)
    return True


@GUARDS("speech")
def speech(view: DocView, hit: Hit) -> bool:
    """A reporting verb reports speech ("added reserves", "reported profits" are none).

    It has what was said ("said [that ...]", "'...,' he [added]", "urged X to ..."), or, for
    verbs of judging or promising, what was judged ("condemned the attack"); a passive subject
    did not speak.
    """
    t = hit.anchor
    lemma = t.lemma_.lower()
    if any(c.dep_ == "auxpass" for c in t.children):
        return False  # "was dismissed", "has been told": the subject did not speak
    if any(c.dep_ in SPEECH_DEPS for c in t.children) or _content_below(t):
        return True
    if t.dep_ in ("parataxis", "ccomp", "conj") and not any(c.dep_ == "dobj" for c in t.children):
        return t.dep_ != "conj" or t.i > t.head.i  # "Troops will leave, the ministry said."
    if any(c.dep_ == "mark" and c.lower_ == "as" for c in t.children):
        return True  # "as X said"
    if lemma in view.words(SPEECH_PLAIN):
        # bare "X said" or "told reporters": speech only beside a quotation
        return lemma in ("say", "tell") and any(ch in t.sent.text for ch in '"“”')
    if lemma == "call":
        return any(c.dep_ in ("oprd", "xcomp") for c in t.children) or any(
            p.lower_ in ("for", "on") for p in t.children if p.dep_ == "prep"
        )
    if lemma == "describe":
        return any(w.lower_ == "as" for w in t.subtree)
    # verbs of judging or promising: what was judged or promised ("condemned the attack",
    # "warned against", "accused X of")
    return any(c.dep_ in ("dobj", "prep") for c in t.children)


def _content_below(verb: Token) -> bool:
    """What was said, parsed as hanging off a phrase of the verb.

    "said during a visit to X on Tuesday [that ...]": the parser often attaches the that-clause
    to the noun before it; it is still what was said.
    """
    for p in (c for c in verb.children if c.dep_ == "prep"):
        for noun in (c for c in p.children if c.dep_ == "pobj"):
            for clause in noun.subtree:
                if clause.dep_ in ("acl", "relcl") and any(
                    c.dep_ == "mark" and c.lower_ == "that" for c in clause.children
                ):
                    return True
    return False


@GUARDS("asks_for")
def asks_for(view: DocView, hit: Hit) -> bool:
    """A request asks for something ("asked Paris for help"); a quoted question is none."""
    t = hit.anchor
    if any(c.dep_ in ("dobj", "dative", "xcomp") for c in t.children):
        return True
    return any(p.lower_ in ("for", "to") for p in t.children if p.dep_ == "prep")


@GUARDS("accord_sense")
def accord_sense(view: DocView, hit: Hit) -> bool:
    """To agree is to make an accord ("agreed to buy"), not to share a view ("agreed that")."""
    t = hit.anchor
    if t.lemma_.lower() != "agree":
        return True
    deps = {c.dep_ for c in t.children}
    preps = {c.lower_ for c in t.children if c.dep_ == "prep"}
    withs = pobjs(t, ("with",))
    if withs and not view.mentions_in(withs, ACTORS):
        return False  # "agreed with an earlier draft report"
    return "ccomp" not in deps or bool(deps & {"xcomp", "dobj"} or preps & {"to", "on", "with"})


@GUARDS("public_vote")
def public_vote(view: DocView, hit: Hit) -> bool:
    """An election fills a public office, not a company post ("the board elected its chairman")."""
    t = hit.anchor
    corporate = view.words(CORPORATE)
    subjects = [c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")]
    complements = [c for c in t.children if c.dep_ in ("oprd", "dobj", "xcomp", "attr")]
    complements += pobjs(t, ("of",))  # "the election of directors"
    words = {w.lower_ for c in subjects + complements for w in c.subtree}
    return not words & corporate


@GUARDS("met_someone")
def met_someone(view: DocView, hit: Hit) -> bool:
    """To meet is to meet people ("met Putin", "met in Paris"), not a demand or a deadline."""
    objs = [c for c in hit.anchor.children if c.dep_ == "dobj"]
    gatherings = view.words(MEETING_NOUNS) | {"gathering", "session"}  # "hosted the summit"
    return not objs or bool(
        view.mentions_in(objs, ACTORS) or any(o.lemma_.lower() in gatherings for o in objs)
    )
