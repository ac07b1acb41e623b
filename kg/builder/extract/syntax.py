"""Walking the dependency tree: coordination, prepositional objects, governing verbs, clauses."""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Doc, Token

#: Dependency labels that attach a prepositional phrase (spaCy's English scheme).
PREP_DEPS = ("prep", "agent", "dative")
#: Dependency labels of clausal subjects.
SUBJECT_DEPS = ("nsubj", "nsubjpass")
#: Relative pronouns that stand for the noun their clause modifies.
RELATIVE_PRONOUNS = frozenset({"which", "that", "who", "whom"})


def group(token: Token) -> list[Token]:
    """A token with everything coordinated or in apposition with it ("X, Y and Z"), in order."""
    out: list[Token] = []
    todo = [token]
    while todo:
        t = todo.pop()
        if t in out:
            continue
        out.append(t)
        todo.extend(c for c in t.children if c.dep_ in ("conj", "appos"))
    return sorted(out, key=lambda t: t.i)


def conjuncts(token: Token) -> list[Token]:
    """A token and the tokens coordinated with it (not appositions), in order."""
    out: list[Token] = []
    todo = [token]
    while todo:
        t = todo.pop()
        if t in out:
            continue
        out.append(t)
        todo.extend(c for c in t.children if c.dep_ == "conj")
    return sorted(out, key=lambda t: t.i)


def pobjs(token: Token, preps: Iterable[str]) -> list[Token]:
    """Objects of the token's prepositions in ``preps``, with their coordinated items."""
    wanted = set(preps)
    out: list[Token] = []
    for c in token.children:
        if c.dep_ in PREP_DEPS and c.lower_ in wanted:
            for p in c.children:
                if p.dep_ == "pobj":
                    out.extend(group(p))
    return out


def children(token: Token, deps: Iterable[str]) -> list[Token]:
    """The token's children with one of the dependency labels."""
    wanted = set(deps)
    return [c for c in token.children if c.dep_ in wanted]


def governing_verb(token: Token, steps: int = 6) -> Token | None:
    """The closest verb above a token (the token itself when it is a verb)."""
    t = token
    for _ in range(steps):
        if t.pos_ in ("VERB", "AUX"):
            return t
        if t.head is t:
            return None
        t = t.head
    return None


def in_object(token: Token) -> bool:
    """Whether a noun sits in the object of its verb ("declared [a state of emergency]")."""
    t = token
    for _ in range(4):
        if t.dep_ in ("dobj", "attr", "oprd"):
            return t.head.pos_ in ("VERB", "AUX")
        if t.dep_ not in ("pobj", "prep", "compound", "conj") or t.head is t:
            return False
        t = t.head
    return False


def np_start(token: Token) -> int:
    """Index of the first token of the noun phrase headed by ``token`` (no determiners)."""
    left = [c.i for c in token.lefts if c.dep_ not in ("det", "predet", "punct", "case")]
    start = min(left, default=token.i)
    doc = token.doc
    while start < token.i and (doc[start].dep_ in ("det", "case") or doc[start].is_punct):
        start += 1
    return start


def subject_tokens(verb: Token) -> list[Token]:
    """The tokens that are the subject of a verb, following xcomp/conj/advcl and relative clauses.

    "X, which is headquartered in Y": the relative pronoun stands for X.
    """
    subj = children(verb, SUBJECT_DEPS)
    if not subj and verb.dep_ in ("xcomp", "conj", "advcl") and verb.head is not verb:
        return subject_tokens(verb.head)
    relative = all(c.lower_ in RELATIVE_PRONOUNS for c in subj)
    if verb.dep_ in ("relcl", "acl") and (not subj or relative):
        subj = [verb.head]
    return [t for s in subj for t in group(s)]


def clause_chain(token: Token, steps: int = 4) -> list[Token]:
    """The token and the heads of the clauses above it that can cancel what it says.

    Follows open complements, relative/adverbial clauses and coordinated verbs upwards: "refused
    to send troops" gives [send, refused].
    """
    out: list[Token] = []
    t: Token | None = token
    for _ in range(steps):
        if t is None or t in out:
            break
        out.append(t)
        if t.dep_ in ("xcomp", "acl", "advcl", "pcomp", "relcl") or (
            t.dep_ == "conj" and t.head.pos_ in ("VERB", "AUX")
        ):
            t = t.head
        elif t.pos_ in ("NOUN", "PROPN", "PRON", "ADJ", "NUM") and t.head is not t:
            t = t.head
        else:
            break
    return out


def tokens_of(doc: Doc) -> list[Token]:
    """The document's tokens as a list, made once per document.

    Iterating a ``Doc`` creates new ``Token`` objects every time; the extractors walk the
    document many times, so they share one list (kept in ``doc.user_data`` while extracting).
    """
    tokens = doc.user_data.get("kg.tokens")
    if tokens is None:
        tokens = doc.user_data["kg.tokens"] = list(doc)
    return tokens
