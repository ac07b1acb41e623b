"""Run the event rules: triggers (patterns in ``kg/data/rules/``) → frames that fill the roles.

An event rule matches its trigger word; its frame (a named Python function) reads who acted
(agent), whom it was aimed at (target), where (place), when (date) and about what (topic) off the
trigger's clause. Triggers of one class in one sentence make one event.
"""

from __future__ import annotations

import bisect
import datetime as dt
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from kg.builder.extract import dates
from kg.builder.extract.lexicon import uses
from kg.builder.extract.rules import FRAMES, Hit, Rule, passes, resolve_role, run_python
from kg.builder.extract.view import ACTORS, DocView
from kg.model import EventRecord, Mention
from kg.vocab import ROLES

(STATEMENT_VERBS,) = uses("statement_verbs")
_DAYS: weakref.WeakKeyDictionary[Doc, list[tuple[int, dt.date]]] = weakref.WeakKeyDictionary()


_HEADLINES: weakref.WeakKeyDictionary[Doc, frozenset[int]] = weakref.WeakKeyDictionary()
#: Classes an undated simple-past trigger of which happened on the story's day (as statements).
STORY_DAY_CLASSES = frozenset({"Meeting", "Agreement", "Request"})
#: Classes reported before they happen: a deployment ordered for Monday is news as it is.
AHEAD_CLASSES = frozenset({"Deployment"})


@dataclass
class Draft:
    """An event being assembled from one or more triggers of a sentence."""

    cls: str
    trigger: Token
    rule: Rule
    agent: dict[str, Mention] = field(default_factory=dict)
    target: dict[str, Mention] = field(default_factory=dict)
    participant: dict[str, Mention] = field(default_factory=dict)
    place: dict[str, Mention] = field(default_factory=dict)
    topics: list[str] = field(default_factory=list)
    date: dt.date | None = None
    confidence: float = 0.7
    governments: bool = False
    separate: bool = False  # a second event of its class in the sentence (other agents)

    @property
    def sent(self) -> Span:
        """The sentence of the trigger."""
        return self.trigger.sent


#: Heads of an open complement that put it ahead: "is expected to arrive", "are due to move".
AHEAD = ("expect", "due", "schedule", "set", "plan", "go", "intend", "prepare", "aim")


def ahead(verb: Token) -> bool:
    """Whether a clause speaks of what is still to come ("will meet", "is expected to arrive")."""
    if any(c.dep_ == "aux" and c.lower_ in ("will", "'ll", "shall") for c in verb.children):
        return True
    head = verb.head
    if verb.dep_ == "xcomp" and head.lemma_.lower() in AHEAD:
        aux = {c.lower_ for c in head.children if c.dep_ in ("aux", "auxpass")}
        return head.tag_ in ("VBZ", "VBP", "VBG") or bool(aux & {"is", "are", "am", "'s", "'re"})
    return (
        head.i != verb.i
        and head.lemma_ == "be"
        and head.tag_ in ("VBZ", "VBP")
        and (
            verb.dep_ == "xcomp"  # "the troops are to arrive on Monday"
        )
    )


def clause_tokens(verb: Token, token: Token) -> set[int]:
    """The trigger, its verb and the participles that share the verb's time.

    "..., speaking on Thursday", "backed the rise on Sunday, describing ...".
    """
    mine = {token.i, verb.i}
    mine |= {c.i for c in verb.children if c.dep_ == "advcl" and c.tag_ == "VBG"}
    if verb.dep_ == "advcl" and verb.tag_ == "VBG":
        mine.add(verb.head.i)
    return mine


def attached_to(ent: Span, mine: set[int]) -> bool:
    """Whether a DATE entity belongs to a clause (``mine``: the trigger, its verb ...).

    The first verb above it is one of ``mine``, or the trigger (a noun) is on the way ("the
    protest on Monday"), or it follows a verb of ``mine`` at once ("said on Thursday he had").
    """
    if ent.start - 1 in mine or (
        ent.start - 2 in mine and ent[0].i and ent.doc[ent.start - 1].pos_ == "ADP"
    ):
        return True
    t = ent.root
    for _ in range(8):
        if t.i in mine:
            return True
        if t.head.i == t.i:
            return False
        t = t.head
        if t.i not in mine and t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass"):
            return False
    return False


def dated_otherwise(view: DocView, token: Token) -> bool:
    """Whether the trigger's clause has a date that is no single day ("last week", "in 1986").

    Such a statement was not made on the article date; it keeps no date rather than a wrong one.
    """
    from kg.builder.extract.syntax import governing_verb

    verb = governing_verb(token) or token
    mine = clause_tokens(verb, token)
    for e in view.date_entities.get(token.sent.start, ()):
        if e.label_ == "DATE" and attached_to(e, mine):
            resolved = dates.resolve_span(e, view.article_date)
            if resolved is None or resolved.granularity != "day":
                return True
    return False


def event_date(view: DocView, token: Token, anchor: dt.date | None) -> dt.date | None:
    """The date of the trigger's clause, resolved against the article date.

    A date of the trigger's own clause; for a verb trigger without one, a date of the clause
    above it ("said on Monday the two sides had agreed", "on Thursday, hours after militants
    seized the town"); a noun trigger takes no date of a clause that only reports it. A clause
    about what is to come resolves forward ("are expected to arrive on Monday").
    """
    from kg.builder.extract.syntax import governing_verb

    verb = governing_verb(token) or token
    sentence = view.date_entities.get(token.sent.start, ())
    tense = "future" if ahead(verb) else "past"

    def day_of(mine: set[int]) -> dt.date | None:
        ents = sorted(
            (e for e in sentence if attached_to(e, mine)), key=lambda e: abs(e.root.i - token.i)
        )
        for ent in ents:
            resolved = dates.resolve_span(ent, anchor, tense=tense)
            if resolved is not None and resolved.value is not None:
                return resolved.value
        return None

    day = day_of(clause_tokens(verb, token))
    if day is None and token.pos_ in ("VERB", "AUX") and verb.head.i != verb.i:
        above = governing_verb(verb.head)
        if above is not None and verb.dep_ in ("ccomp", "advcl", "conj", "xcomp"):
            day = day_of(clause_tokens(above, above))
    return day


#: How far before the article date a dated sentence still sets the story's day.
NARRATIVE_DAYS = 7
ANAPHORIC_DAYS = ("that day", "the same day", "that night", "the same night")


def sets_the_day(ent: Span, lead: bool, speech: frozenset[str]) -> bool:
    """Whether a DATE entity sets the day the story is about ("met on Saturday", "that day").

    It must modify a simple-past verb ("clashed on Monday", "was detained on Monday"), not a
    noun ("Sunday's election") nor a past perfect or future clause ("had been set for
    Wednesday", "will meet on Monday"), and that verb must be the lead's (the first sentence
    of the story) or a verb of speaking ("announced on Saturday"): a background happening
    ("in a ruling yesterday, the court ...") does not move the story. Anaphoric days ("that
    day") always continue it.
    """
    if ent.text.lower() in ANAPHORIC_DAYS:
        return True
    root = ent.root
    head = root.head.head if root.dep_ == "pobj" and root.head.dep_ == "prep" else root.head
    if root.dep_ not in ("npadvmod", "tmod", "pobj") or head.pos_ not in ("VERB", "AUX"):
        return False
    if not lead and head.lemma_.lower() not in speech:
        return False
    aux = {c.lower_ for c in head.children if c.dep_ in ("aux", "auxpass")}
    if aux & {"had", "will", "would", "'ll", "'d", "has", "have", "shall"}:
        return False
    return head.tag_ == "VBD" or (head.tag_ == "VBN" and bool(aux & {"was", "were"}))


def lead_sentences(view: DocView) -> set[int]:
    """Start tokens of the story's lead: the first sentence of the first two paragraphs.

    That is the headline, when there is one, and the first paragraph of the body.
    """
    starts: set[int] = set()
    paragraphs = 0
    new_paragraph = True
    for sent in view.doc.sents:
        if paragraphs >= 2:
            break
        if new_paragraph and any(not t.is_space for t in sent):
            starts.add(sent.start)
            paragraphs += 1
            new_paragraph = False
        if "\n\n" in sent.text_with_ws or sent[-1].is_space:
            new_paragraph = True
    return starts


def sentence_days(view: DocView) -> list[tuple[int, dt.date]]:
    """The day each dated sentence of the document reports, in order: (start token, day).

    A sentence's day is the last DATE entity in it that dates a past happening (see
    :func:`sets_the_day`) and resolves to one day in the week before the article date.
    """
    found = _DAYS.get(view.doc)
    if found is not None:
        return found
    found = []
    anchor = view.article_date
    lead = lead_sentences(view)
    speech = view.words(STATEMENT_VERBS)
    for start, ents in sorted(view.date_entities.items()):
        days = [
            r.value
            for r in (
                dates.resolve_span(e, anchor)
                for e in ents
                if sets_the_day(e, start in lead, speech)
            )
            if r is not None and r.value is not None and r.granularity == "day"
        ]
        days = [d for d in days if anchor is None or 0 <= (anchor - d).days <= NARRATIVE_DAYS]
        if days:
            found.append((start, days[-1]))
    _DAYS[view.doc] = found
    return found


def narrative_date(view: DocView, token: Token) -> dt.date | None:
    """The day the story was at when an undated sentence comes: the last dated sentence's day.

    News reports what was said at the occasion the lead or an earlier sentence dates ("told
    the council", "she told a news conference") without repeating the day.
    """
    days = sentence_days(view)
    i = bisect.bisect_right(days, token.sent.start, key=lambda x: x[0])
    return days[i - 1][1] if i else None


def headline_tokens(view: DocView) -> frozenset[int]:
    """Tokens in runs of three or more all-capital words (wire headlines, tickers)."""
    found = _HEADLINES.get(view.doc)
    if found is not None:
        return found
    out: set[int] = set()
    run: list[int] = []

    def flush() -> None:
        if len([i for i in run if view.tokens[i].is_alpha]) >= 3:
            out.update(run)
        run.clear()

    for t in view.tokens:
        letters = [ch for ch in t.text if ch.isalpha()]
        if letters and all(ch.isupper() for ch in letters) and not (len(letters) == 1 and t.i):
            run.append(t.i)
        elif t.is_punct and run and not t.is_space:
            continue
        else:
            flush()
    flush()
    found = _HEADLINES[view.doc] = frozenset(out)
    return found


def simple_past(token: Token) -> bool:
    """Whether the trigger's clause is in the simple past ("met", "held talks", "was sent")."""
    from kg.builder.extract.syntax import governing_verb

    verb = governing_verb(token)
    if verb is None:
        return False
    aux = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if aux - {"was", "were", "did"}:
        return False
    return verb.tag_ == "VBD" or (verb.tag_ == "VBN" and bool(aux & {"was", "were"}))


def triggers(view: DocView, rule: Rule, hits: list[Hit]) -> Iterator[Token]:
    """The trigger tokens of one rule in a document, guards applied."""
    if rule.matcher == "python":
        for token in run_python(view, rule):
            if passes(view, Hit(rule, {"anchor": token})):
                yield token
        return
    for hit in hits:
        if passes(view, hit):
            yield hit.anchor


def draft(view: DocView, rule: Rule, token: Token, hit: Hit | None) -> Draft | None:
    """The event a trigger makes: its frame fills the roles; rule roles add to them."""
    d = FRAMES.get(rule.frame)(view, token, rule)
    if d is None:
        return None
    if hit is not None:
        for role, spec in rule.roles.items():
            for m in resolve_role(view, hit, spec):
                getattr(d, role).setdefault(m.key, m)
    if any(not getattr(d, role) for role in rule.requires):
        return None
    anchor = view.article_date
    if d.date is None and d.cls in STORY_DAY_CLASSES and simple_past(token):
        d.date = narrative_date(view, token)  # "after talks with Y, X said": the story's day
    if d.cls not in AHEAD_CLASSES and d.date and anchor and d.date > anchor:
        return None  # not yet happened: a meeting set for next week is no meeting
    return d


def merge(items: list[Draft]) -> list[Draft]:
    """Merge drafts of the same class in the same sentence ("In a statement, X said").

    Drafts whose agents differ are different events ("A said ..., and B said ..."); the first
    of a sentence and class keeps the plain id, the others are told apart by their trigger.
    """
    merged: dict[tuple[int, str, int], Draft] = {}
    for d in items:
        key = (d.sent.start, d.cls, 0)
        n = 0
        while key in merged and merged[key].agent and d.agent:
            if set(merged[key].agent) & set(d.agent):
                break
            n += 1
            key = (d.sent.start, d.cls, n)
        if key not in merged:
            d.separate = n > 0
            merged[key] = d
            continue
        m = merged[key]
        for role in ROLES:
            for k, v in getattr(d, role).items():
                getattr(m, role).setdefault(k, v)
        m.topics += [t for t in d.topics if t not in m.topics]
        m.date = m.date or d.date
        m.confidence = max(m.confidence, d.confidence)
        m.governments = m.governments or d.governments
    return list(merged.values())


def extract_events(view: DocView) -> list[EventRecord]:
    """Events of a document, one per class and sentence, with resolved dates."""
    hits = view.hits
    found: list[tuple[int, int, Draft]] = []
    for order, rule in enumerate(view.res.rules.of_kind("event")):
        rule_hits = hits.get(rule.id, [])
        by_anchor = {h.anchor.i: h for h in rule_hits}
        for token in triggers(view, rule, rule_hits):
            d = draft(view, rule, token, by_anchor.get(token.i))
            if d is not None:
                found.append((token.i, order, d))
    found.sort(key=lambda x: (x[0], x[1]))
    out = []
    caps = headline_tokens(view)
    for d in merge([d for _, _, d in found]):
        for role in ("agent", "target", "participant", "place"):  # "GOLDMAN, SACHS COMMENTS ON"
            kept = {k: m for k, m in getattr(d, role).items() if m.token_start not in caps}
            setattr(d, role, kept)
        if any(not getattr(d, role) for role in d.rule.requires):
            continue
        if d.governments:  # a capital acting or addressed stands for its country
            d.agent = {g.key: g for g in (view.government_of(m) for m in d.agent.values())}
            d.target = {g.key: g for g in (view.government_of(m) for m in d.target.values())}
        place = {k: v for k, v in d.place.items() if k not in d.agent}
        out.append(
            EventRecord(
                id=f"{view.doc_id}-{d.sent.start_char}-{d.cls.lower()}"
                + (f"-{d.trigger.idx}" if d.separate else ""),
                cls=d.cls,
                trigger=d.trigger.text,
                date=d.date,
                agent=tuple(sorted(d.agent)),
                target=tuple(sorted(k for k in d.target if k not in d.agent)),
                participant=tuple(sorted(d.participant)),
                place=tuple(sorted(place)),
                topics=tuple(d.topics),
                evidence=view.evidence(d.trigger, d.rule.id, d.confidence),
            )
        )
    return out


__all__ = ["ACTORS", "Draft", "event_date", "extract_events", "merge"]
