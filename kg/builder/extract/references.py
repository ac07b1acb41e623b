"""Resolve references within a document: definite descriptions ("the bloc") and pronouns.

News refers back to what it has named: "the country", "the alliance", "the bloc", "he", "its".
Each such word becomes a non-name mention carrying its antecedent's key.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from spacy.tokens import Doc, Token

from kg.builder.extract.lexicon import uses
from kg.builder.extract.resources import Resources
from kg.builder.extract.syntax import tokens_of
from kg.builder.extract.view import MentionIndex
from kg.model import Mention

TOP_LEVEL, BLOC_HEADS, MALE, FEMALE = uses(
    "top_level_nouns", "bloc_heads", "male_honorifics", "female_honorifics"
)
#: Person pronouns and the gender they carry.
PERSON_PRONOUNS = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
THING_PRONOUNS = {"it", "its"}
#: How many sentences before a pronoun's own may hold its antecedent.
PRONOUN_REACH = 2


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
        return _bloc_before(token.i, index, res)
    # "the council" is the last body named "… Council", even if "the UN" came after it
    named = index.before(token.i, _compatible(cls), names_only=True, where=_headed_by(token.lower_))
    found = named or index.before(token.i, _compatible(cls), names_only=True)
    if found is not None and found.cls == "MilitaryForce" and token.lower_ != "coalition":
        return None  # "the alliance", "the bloc" is a body, never a deployed force
    return found


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


def _bloc_before(i: int, index: MentionIndex, res: Resources) -> Mention | None:
    """What "the bloc" / "the alliance" before token ``i`` refers to.

    The closest body named before that is a bloc (an international body of the gazetteer, or a
    name headed like one: "… Alliance", "… Union", "… Community"), or the parent body of the
    closest sub-body ("the bloc" after "the European Commission" is the European Union).
    Companies and other bodies are passed over.
    """
    heads = res.lexicon.words(BLOC_HEADS)
    for m in reversed([m for m in index.mentions if m.token_end <= i]):
        if m.cls != "Organization" or not m.is_name or m.source in ("inner", "state-body"):
            continue  # "the Hungarian parliament" is no bloc
        entry = res.gazetteer.get(m.key)
        if entry is not None and entry.part_of:
            parent = _parent_body(m, res)
            if parent is not None and parent.cls == "Organization":
                return parent
        words = m.label.lower().replace(".", " ").split()
        if words and (words[-1] in res.lexicon.company_suffixes or words[-1] in res.lexicon.titles):
            continue  # "Exxon Corp", "Ivory Coast President": no bloc
        if (entry is not None and entry.cls == "Organization") or heads & set(words):
            return m
    return None


def _compatible(cls: str) -> set[str]:
    return {"Organization", "MilitaryForce"} if cls == "Organization" else {cls}


class People:
    """The named people of a document, in order, with the gender their honorifics tell.

    A person pronoun refers to the one person of its gender named before it in its own sentence,
    else in the sentence before, else the one before that. Where two people of the pronoun's
    gender are in the nearest sentence that names any, the pronoun is left alone. Gender comes
    from honorifics ("Mrs", "Sir") and from the pronouns already resolved.
    """

    def __init__(self, doc: Doc, index: MentionIndex, res: Resources) -> None:
        male, female = res.lexicon.words(MALE), res.lexicon.words(FEMALE)
        self.names = [
            m for m in index.mentions if m.cls == "Person" and m.is_name and m.source != "inner"
        ]
        self.starts = [m.token_start for m in self.names]
        self.gender: dict[str, str] = {}
        for m in self.names:
            before = doc[m.token_start - 1].lower_ if m.token_start > 0 else ""
            if before in male or before in female:
                self.gender.setdefault(m.key, "m" if before in male else "f")

    def antecedent(self, token: Token) -> Mention | None:
        """The person a he/she/his/her pronoun refers to, or None when unclear."""
        gender = PERSON_PRONOUNS[token.lower_]
        end = token.i
        sent = token.sent
        for _ in range(PRONOUN_REACH + 1):
            lo, hi = bisect_left(self.starts, sent.start), bisect_left(self.starts, end)
            fits: dict[str, Mention] = {}
            for m in self.names[lo:hi]:
                if self.gender.get(m.key, gender) == gender:
                    fits[m.key] = m
            if len(fits) == 1:
                found = next(iter(fits.values()))
                self.gender.setdefault(found.key, gender)  # "she" said of X: X is no "he"
                return found
            if len(fits) > 1 or sent.start == 0:
                return None
            sent = token.doc[sent.start - 1].sent
            end = sent.end
        return None


def resolve_pronoun(token: Token, index: MentionIndex, people: People) -> Mention | None:
    """Antecedent of he/she/his/her (see :class:`People`), or of a subject it/its."""
    if token.lower_ in PERSON_PRONOUNS:
        return people.antecedent(token)
    return resolve_thing_pronoun(token, index)


def resolve_thing_pronoun(token: Token, index: MentionIndex) -> Mention | None:
    """Antecedent of a subject or possessive it/its: the last body or state that was a subject."""
    if token.lower_ in THING_PRONOUNS and token.dep_ in ("nsubj", "nsubjpass", "poss"):
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
    people = People(doc, index, res)
    for token in tokens_of(doc):
        if index.at(token) is not None:
            continue
        if token.pos_ == "PRON":
            target = resolve_pronoun(token, index, people)
        else:
            target = resolve_description(token, index, res)
        if target is not None:
            ref = reference_mention(doc_id, token, target)
            index.add(ref)
            yield ref
