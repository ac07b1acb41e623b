"""Resolve references within a document: definite descriptions ("the bloc") and pronouns.

News refers back to what it has named: "the country", "the alliance", "the bloc", "he", "its".
Each such word becomes a non-name mention carrying its antecedent's key.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Token

from kg.builder.extract.lexicon import uses
from kg.builder.extract.resources import Resources
from kg.builder.extract.syntax import tokens_of
from kg.builder.extract.view import MentionIndex
from kg.model import Mention

(TOP_LEVEL,) = uses("top_level_nouns")
PERSON_PRONOUNS = {"he", "she", "him", "his", "her", "hers"}
THING_PRONOUNS = {"it", "its"}


def reference_mention(doc_id: str, token: Token, target: Mention, source: str = "coref") -> Mention:
    """A non-name mention at ``token`` that refers to ``target``."""
    return Mention(
        doc_id=doc_id,
        start=token.idx,
        end=token.idx + len(token.text),
        text=token.text,
        cls=target.cls,
        key=target.key,
        label=target.label,
        same_as=target.same_as,
        source=source,
        is_name=False,
        token_start=token.i,
        token_end=token.i + 1,
    )


def resolve_description(token: Token, index: MentionIndex, res: Resources) -> Mention | None:
    """Antecedent of a description like "the country" / "the alliance" headed by ``token``."""
    cls = res.lexicon.references.get(token.lower_)
    if cls is None or cls == "MilitaryForce" or not (token.pos_ == "NOUN" or token.is_lower):
        return None
    if token.tag_ in ("NNS", "NNPS"):
        return None
    # "Mali's government", "the Malian government": the possessor or demonym names it
    for child in token.children:
        if child.dep_ in ("poss", "amod", "compound", "nmod"):
            owner = index.at(child)
            if owner is not None and owner.cls in _compatible(cls) and owner.source != "coref":
                return owner
    named = ("appos", "compound", "amod", "poss", "nmod")
    if any(index.at(c) is not None for c in token.children if c.dep_ in named):
        return None  # "the Chadian capital N'Djamena" names its own referent
    # "the ECOWAS, a military alliance ..." — an apposition names its referent
    if token.dep_ == "appos":
        named = index.at(token.head)
        if named is not None and named.cls in _compatible(cls):
            return named
    dets = [c.lower_ for c in token.children if c.dep_ in ("det", "poss")]
    led = any(c.dep_ == "amod" and c.lower_ == "led" for c in token.children)
    modifier = token.dep_ == "compound" and token.head.pos_ == "NOUN"  # "alliance members"
    if (
        "the" not in dets
        and not led
        and not modifier
        and not (dets and dets[0] in ("its", "this", "that"))
    ):
        return None
    if any(c.dep_ == "prep" and c.lower_ == "of" for c in token.children) and not led:
        return None  # "the country of X" names X itself
    if cls == "Country":  # "the country" is the article's most talked-about country so far
        return index.most_frequent({"Country"}, before=token.i) or index.most_frequent({"Country"})
    if token.lower_ in res.lexicon.words(TOP_LEVEL):
        # "the bloc", "the alliance": a top-level body, not one of its institutions; a known
        # international body first ("the alliance" is NATO, not "the North Atlantic Treaty")
        top = index.before(
            token.i, {"Organization"}, names_only=True, where=_known_top_level(res)
        ) or index.before(token.i, {"Organization"}, names_only=True, where=_top_level(res))
        if top is not None:
            return top
        parent = _parent_body(index.before(token.i, {"Organization"}, names_only=True), res)
        if parent is not None:  # "the bloc" after the European Commission: the EU
            return parent
    # "the council" is the last body named "… Council", even if "the UN" came after it
    named = index.before(token.i, _compatible(cls), names_only=True, where=_headed_by(token.lower_))
    return named or index.before(token.i, _compatible(cls), names_only=True)


def _parent_body(last: Mention | None, res: Resources) -> Mention | None:
    """The gazetteer's parent body of an organisation, as a mention to refer to."""
    entry = res.gazetteer.get(last.key) if last is not None else None
    parent = res.gazetteer.get(entry.part_of) if entry is not None and entry.part_of else None
    if parent is None:
        return None
    return Mention(
        last.doc_id,
        0,
        0,
        parent.label,
        parent.cls,
        parent.key,
        parent.label,
        parent.same_as,
        "coref",
        False,
    )


def _headed_by(noun: str):
    def check(m: Mention) -> bool:
        return noun in m.label.lower().split()

    return check


def _known_top_level(res: Resources):
    def check(m: Mention) -> bool:
        entry = res.gazetteer.get(m.key)
        return entry is not None and entry.cls == "Organization" and not entry.part_of

    return check


def _top_level(res: Resources):
    def check(m: Mention) -> bool:
        entry = res.gazetteer.get(m.key)
        if m.source == "state-body":
            return False  # "the Hungarian parliament" is no bloc
        if entry is None:  # "ECOWAS Commission", "NATO Secretary": named after their parent
            words = m.label.split()
            last = words[-1].lower() if words else ""
            if (
                last in res.lexicon.titles
                or last in res.lexicon.company_suffixes
                or last == "party"
            ):
                return False  # "Ivory Coast President", "Exxon Corp", "Workers' Party": no bloc
            return len(words) < 2 or not any(
                e.cls == "Organization" for e in res.gazetteer.lookup(words[0])
            )
        return not entry.part_of

    return check


def _compatible(cls: str) -> set[str]:
    return {"Organization", "MilitaryForce"} if cls == "Organization" else {cls}


def resolve_pronoun(token: Token, index: MentionIndex) -> Mention | None:
    """Antecedent of he/she/his/her (last person) or a subject it/its (last organisation)."""
    lower = token.lower_
    if lower in PERSON_PRONOUNS:
        return index.before(token.i, {"Person"})
    if lower in THING_PRONOUNS and token.dep_ in ("nsubj", "nsubjpass", "poss"):
        subject = None
        for m in index.mentions:
            if m.token_end > token.i:
                break
            head = token.doc[m.token_end - 1]
            plural = any(c.dep_ == "conj" for c in head.children)  # "X, Y and Z ... their"
            if (
                m.cls in ("Organization", "MilitaryForce", "Country")
                and head.dep_ in ("nsubj", "nsubjpass")
                and not plural
            ):
                subject = m
        return subject
    return None


def find_references(
    doc: Doc, doc_id: str, index: MentionIndex, res: Resources
) -> Iterator[Mention]:
    """Non-name mentions for descriptions and pronouns, with their antecedents' keys."""
    for token in tokens_of(doc):
        if index.at(token) is not None:
            continue
        if token.pos_ == "PRON":
            target = resolve_pronoun(token, index)
        else:
            target = resolve_description(token, index, res)
        if target is not None:
            ref = reference_mention(doc_id, token, target)
            index.add(ref)
            yield ref
