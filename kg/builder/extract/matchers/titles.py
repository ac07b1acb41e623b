"""Titles of people ("French President X", "X, a spokeswoman for Y", "X took over as chair")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from spacy.tokens import Token

from kg.builder.extract.guards import cancelled
from kg.builder.extract.lexicon import uses
from kg.builder.extract.matchers.offices import OfficeContext, is_national_office, office_state
from kg.builder.extract.relations import (
    Found,
    held_no_more,
    is_state_leader,
    title_relation,
    title_words,
)
from kg.builder.extract.rules import MATCHERS, Rule
from kg.builder.extract.syntax import pobjs
from kg.builder.extract.view import ORG_LIKE, PLACES, DocView
from kg.model import Mention

PAST, APPOINT, HELD, ENDED, BODIES, TAKING, PORTFOLIO_HEADS = uses(
    "past_title_markers",
    "appointment_verbs",
    "holding_post_verbs",
    "ended_post_preps",
    "state_body_nouns",
    "post_taking_verbs",
    "portfolio_titles",
)
#: Pronouns by which one names oneself ("named himself head of the council").
REFLEXIVE = frozenset({"himself", "herself", "themselves"})
#: How many words of a body's name may stand between its state and a title ("Chinese foreign
#: ministry spokesman", "Nigeria's central bank governor").
BODY_WORDS = 3
#: How many words of a minister's portfolio may stand between his state and his title.
PORTFOLIO_WORDS = 4


def title_tokens_left(view: DocView, end: int) -> list[Token]:
    """Title words immediately before token ``end`` ("French [Foreign Minister] X")."""
    doc, vocab = view.doc, view.res.lexicon.title_vocab
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
    titles, mods = view.res.lexicon.titles, view.res.lexicon.title_modifiers
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
    m = named_at(view, doc[j])
    if m is not None and m.cls in PLACES | ORG_LIKE:
        return m
    return None


def named_at(view: DocView, token: Token) -> Mention | None:
    """The mention at a token, unless it is a bare noun read as a reference or a fragment.

    "foreign ministry spokesman": a noun without a determiner refers back to nothing; "and
    Industry" is no name.
    """
    m = view.mention(token)
    if m is not None and m.source == "coref" and token.pos_ in ("NOUN", "PROPN"):
        if not any(c.dep_ in ("det", "poss") for c in token.children):
            return None
    if m is not None and m.is_name and view.doc[m.token_start].is_lower:
        return None  # "and Industry" (of "Trade and Industry Minister"): a tagger's fragment
    return m


def is_body_word(view: DocView, token: Token) -> bool:
    """A common noun naming a body of a state ("ministry", "army", "forces", "central bank")."""
    return token.is_lower and token.lower_ in view.words(BODIES)


def owner_after(view: DocView, m: Mention, title: str) -> Mention | None:
    """The body or state after a titled name: "Chairman X of Acme", "President X of Egypt".

    A state only for a state's office: "Senator X of Ohio", "spokesman X of Germany" say where
    the person is from.
    """
    after = pobjs(view.doc[m.token_end - 1], {"of"})
    for owner in view.mentions_in(after, {"Country", "Organization"}):
        if owner.cls == "Organization" or is_national_office(view, title):
            return owner
    return None


def body_owner_before(view: DocView, i: int) -> Mention | None:
    """The state or body owning an unnamed body named just before token ``i``.

    "Chinese foreign ministry [spokesman]", "Nigeria's central bank [governor]": the title is held
    in the body, and the body belongs to the state before it.
    """
    doc = view.doc
    if i == 0 or not is_body_word(view, doc[i - 1]):
        return None
    j = i - 1
    while j >= 0 and i - j <= BODY_WORDS and named_at(view, doc[j]) is None:
        if not (doc[j].is_lower and doc[j].is_alpha) or doc[j].pos_ not in ("NOUN", "PROPN", "ADJ"):
            return None
        j -= 1
    return owner_before(view, j + 1)


def portfolio_owner_before(view: DocView, i: int) -> Mention | None:
    """The state of a minister named with his portfolio: "British corporate affairs [minister]".

    Up to four words of the portfolio ("Trade and Industry") stand between the state and the
    title.
    """
    doc = view.doc
    j = i - 1
    while j >= 0 and i - j <= PORTFOLIO_WORDS and named_at(view, doc[j]) is None:
        t = doc[j]
        if not (t.is_alpha and (t.pos_ in ("NOUN", "PROPN", "ADJ") or t.lower_ == "and")):
            return None
        j -= 1
    if j == i - 1 or doc[j + 1].lower_ == "and":
        return None  # "..., secretary of Mexico and Energy Minister X": a list, no portfolio
    owner = owner_before(view, j + 1)
    return owner if owner is not None and owner.cls == "Country" else None


def past_before(view: DocView, i: int) -> str | None:
    """A word marking a title held no more just before token ``i``, if any.

    "Former Nigerian President X": the marker may stand before the state that owns the title.
    """
    doc, past = view.doc, view.words(PAST)
    for j in range(i - 1, max(-1, i - 5), -1):
        t = doc[j]
        if t.lower_ in past:
            return t.text
        if t.is_punct and t.text not in ("-", "–"):
            return None
        if t.pos_ in ("VERB", "AUX", "ADP", "CCONJ", "SCONJ"):
            return None
    return None


def title_phrase(tokens: list[Token]) -> str:
    """The title as written, without a leading "the/a"."""
    return " ".join(t.text for t in tokens if t.lower_ not in ("the", "a", "an"))


def title_owner(view: DocView, noun: Token) -> Mention | None:
    """Whom a title noun is the title for: "spokeswoman for X", "X's minister", "EU envoy"."""
    return title_holder_of(view, noun)[0]


def _owner_among(view: DocView, tokens: list[Token]) -> Mention | None:
    for c in tokens:
        m = view.mention(c)
        if m is not None and m.cls in PLACES | ORG_LIKE:
            return m
    return None


def title_holder_of(view: DocView, noun: Token) -> tuple[Mention | None, bool]:
    """Whom a title noun is the title for, and whether the title is held in a unit of it.

    "X's minister", "EU envoy", "spokeswoman for X", "head of the KNB": the title is for X.
    "France's armed forces chief", "head of the Finnish central bank", "chairman of the LDP's
    policy council", "head of the Manila branch of X", "research director at X": the title is held
    in an unnamed unit of X (its holder works for X; he does not lead it).
    """
    mods = [c for c in noun.children if c.dep_ in ("poss", "compound", "nmod", "amod")]
    units = [c for c in mods if is_unit_word(view, c)]
    owner = _owner_among(view, mods)
    if owner is None:
        for unit in units:  # "France's [armed forces] chief" (the state may hang on the unit)
            owner = _owner_among(view, [c for c in unit.children if c.dep_ in ("poss", "amod")])
            if owner is not None and (owner.cls != "Country" or is_body_word(view, unit)):
                break
            owner = None
    if owner is not None and owner.cls == "Country" and units:
        if not all(is_body_word(view, u) for u in units):
            return None, False  # "Syrian rebel leader", "Dutch coffee trade chairman": no state's
    if owner is not None:
        return owner, bool(units)
    for p in pobjs(noun, {"for", "of", "at", "to", "in", "with"}):
        m = view.mention(p)
        if (
            m is not None
            and m.source == "coref"
            and any(c.dep_ in ("appos", "compound") and c.pos_ == "PROPN" for c in p.children)
        ):
            continue  # "the research firm Dataquest Inc": a name, not a reference back
        if m is not None and m.cls in PLACES | ORG_LIKE:
            # "the LDP's policy council" read as the LDP: a unit of it ("Mali's government" is
            # the state itself)
            part = m.source == "coref" and (
                any(is_unit_word(view, c) for c in p.children)
                or (
                    any(c.dep_ == "poss" for c in p.children)
                    and view.res.lexicon.references.get(p.lower_) == "Organization"
                )
            )
            return m, bool(units) or part
        if m is not None:
            continue
        # an unnamed unit: "chief of staff of X", "head of X's council", "head of the Finnish
        # central bank"; a state only through one of its bodies ("Mexico's advisory committee"
        # need not be Mexico's)
        if not p.is_lower:  # "head of Acme Inc <ACM>": a ticker or a name part the tagger left
            named = view.mentions_in(
                [c for c in p.children if c.dep_ in ("nmod", "compound")], ORG_LIKE
            )
            if named:
                return named[0], bool(units)
        around = pobjs(p, {"of"}) + [c for c in p.children if c.dep_ in ("poss", "amod", "nmod")]
        for q in around:
            m = view.mention(q)
            if m is None or m.cls not in PLACES | ORG_LIKE:
                continue
            if m.cls in ORG_LIKE or is_body_word(view, p):
                return m, True
    return None, False


def is_unit_word(view: DocView, token: Token) -> bool:
    """A word naming the part a title is held in: "[research] director", "[Asian] Director"."""
    if not token.is_alpha or token.i > token.head.i or view.mention(token) is not None:
        return False
    if token.lower_ in view.res.lexicon.title_vocab:
        return False
    noun = token.dep_ == "compound" and token.pos_ in ("NOUN", "PROPN")
    named = token.dep_ in ("amod", "compound") and token.text[:1].isupper()
    return noun or named


def title_of_noun(view: DocView, noun: Token) -> str:
    """The title phrase headed by a noun, with its title modifiers ("foreign minister").

    Hyphenated parts count however the parser attached them ("vice-president", "ex-minister",
    "secretary-general").
    """
    mods = [
        c
        for c in noun.subtree
        if c.i < noun.i
        if c.dep_ in ("compound", "amod")
        and view.mention(c) is None
        and (c.lower_ in view.res.lexicon.title_modifiers or title_relation(view, c.text))
    ]
    doc, i = view.doc, noun.i
    while (
        i >= 2
        and doc[i - 1].text in ("-", "–")
        and not doc[i - 2].whitespace_
        and doc[i - 2].lower_ in view.res.lexicon.title_vocab
    ):
        mods += [doc[i - 2], doc[i - 1]]
        i -= 2
    j = noun.i
    while (  # "secretary-general", however the parser attached "general"
        j + 2 < len(doc)
        and doc[j + 1].text in ("-", "–")
        and not doc[j].whitespace_
        and not doc[j + 1].whitespace_
        and doc[j + 2].lower_ in view.res.lexicon.title_vocab
    ):
        mods += [doc[j + 1], doc[j + 2]]
        j += 2
    tokens = sorted(set(mods + [noun]), key=lambda t: t.i)
    return "".join(t.text_with_ws for t in tokens if t.lower_ not in ("the", "a", "an")).strip()


def names_a_thing(view: DocView, m: Mention) -> bool:
    """Whether a "person" is no personal name.

    It modifies a common noun ("the Sultan Murat barracks"), is written in capitals (a headline)
    or holds a title word or an organisation's head word ("U.K. Economist", "X Services").
    """
    head = view.doc[m.token_end - 1]
    if head.dep_ == "compound" and head.head.pos_ == "NOUN" and view.mention(head.head) is None:
        return True
    words = [t for t in view.doc[m.token_start : m.token_end] if t.is_alpha]
    if len(words) > 1 and all(t.is_upper and len(t) > 1 for t in words):
        return True
    lex = view.res.lexicon
    return any(t.lower_ in lex.title_heads or t.lower_ in lex.org_heads for t in words)


@MATCHERS("prenominal_title")
def prenominal_title(view: DocView, rule: Rule) -> Iterator[Found]:
    """Titles before a name: "French President Emmanuel Macron", "Russia's Foreign Minister X"."""
    doc, lex = view.doc, view.res.lexicon
    for m in view.index.mentions:
        if m.cls != "Person" or not m.is_name or names_a_thing(view, m):
            continue
        end = m.token_start
        while (  # "Energy Minister Prince X", "Prime Minister Sir X": an honorific in between
            end > 0
            and end > m.token_start - 2
            and doc[end - 1].lower_ in lex.honorifics
            and doc[end - 1].lower_ not in lex.title_vocab
            and view.mention(doc[end - 1]) is None
        ):
            end -= 1
        title = title_tokens_left(view, end)
        phrases = split_titles(view, title)
        if not phrases:
            continue
        token = doc[m.token_start]
        owner = owner_before(view, title[0].i)
        of_body = False
        if owner is None:
            owner = body_owner_before(view, title[0].i)
            of_body = owner is not None
        if owner is None and title_words(phrases[-1])[-1] in view.words(PORTFOLIO_HEADS):
            owner = portfolio_owner_before(view, title[0].i)
        if owner is None:  # "President X of Egypt", "Chairman X of Acme Corp" (not "of Kansas")
            owner = owner_after(view, m, phrases[-1])
        start = owner.token_start if owner is not None else title[0].i
        past = past_before(view, min(start, title[0].i)) or next(
            (t.text for t in title if t.lower_ in view.words(PAST)), None
        )  # "Former Nigerian President X", "chairman-designate X"
        # the owner goes with the last title that is a position, not an honorific ("Supreme
        # Leader Ayatollah X", "Chad's Interim President and General X")
        positions = [n for n, p in enumerate(phrases) if p.lower() not in lex.honorifics]
        last = positions[-1] if positions else len(phrases) - 1
        for n, phrase in enumerate(phrases):
            if n == last and past:  # "Former Nigerian President X": a former President
                written = "".join(t.text_with_ws for t in title).strip()
                within = any(t.text == past for t in title)  # "chairman-designate X"
                yield Found(m, None, token, written if within else f"{past} {phrase}")
            else:
                yield Found(m, owner if n == last else None, token, phrase, of_body)


@MATCHERS("as_title")
def as_title(view: DocView, rule: Rule) -> Iterator[Found]:
    """Titles taken up or held: "X took over as chairman of the Audit Committee", "X serves as".

    Only verbs of taking, holding or being given a post (``post_taking_verbs``).
    """
    for m in view.index.mentions:
        if m.cls != "Person" or m.source == "inner":
            continue
        head = view.doc[m.token_end - 1]
        if head.dep_ not in ("nsubj", "nsubjpass"):
            continue
        verb = head.head
        if verb.lemma_.lower() not in view.words(TAKING):
            continue  # "he stayed away, as a member of the court ..." says nothing of him
        if head.dep_ == "nsubjpass" and verb.lemma_.lower() in ("succeed", "replace"):
            continue  # "X will be replaced as chairman by Y": X leaves the post
        if cancelled(view, verb) or held_before(view, verb):
            continue
        for noun in pobjs(verb, {"as"}):
            if view.mention(noun) is not None:
                continue
            phrase = title_of_noun(view, noun)
            if title_relation(view, phrase) is None:
                continue
            owner, of_body = title_holder_of(view, noun)
            yield Found(m, owner, noun, phrase, of_body or one_of_many(noun))


def held_before(view: DocView, verb: Token) -> bool:
    """A predicate saying a post was held in the past: "was president", "served as ... until".

    Verbs of holding a post ("be", "serve") in the simple past speak of a post held before; so
    does any predicate with "until". A future ("will become") is a post not held yet.
    """
    if any(c.dep_ == "prep" and c.lower_ in view.words(ENDED) for c in verb.children):
        return True
    if any(c.dep_ == "aux" and c.lower_ in ("will", "shall", "'ll") for c in verb.children):
        return True  # "X will become chairman": not yet
    perfect = any(c.dep_ == "aux" and c.lemma_ == "have" for c in verb.children)
    return verb.tag_ == "VBD" and not perfect and verb.lemma_.lower() in view.words(HELD)


@MATCHERS("predicate_title")
def predicate_title(view: DocView, rule: Rule) -> Iterator[Found]:
    """Titles said of a person: "X is the president of Y", "X was named head of Y".

    Also "X, who is also Y's envoy", "the board made X chairman", "X became chairman of Y". A
    post held before ("X was prime minister until 2019") is no title of the person now.
    """
    appoint = view.words(APPOINT)
    for noun in view.tokens:
        if noun.dep_ not in ("attr", "oprd") or view.mention(noun) is not None:
            continue
        verb = noun.head
        lemma = verb.lemma_.lower()
        if lemma not in appoint and lemma not in view.words(HELD):
            continue
        if held_before(view, verb) or cancelled(view, verb):
            continue
        phrase = title_of_noun(view, noun)
        if title_relation(view, phrase) is None:
            continue
        objects = [c for c in verb.children if c.dep_ == "dobj" and c.lower_ not in REFLEXIVE]
        if objects:  # "the board named X chairman"
            people = view.mentions_in(objects, {"Person"})
        else:
            people = [m for m in view.subjects(verb) if m.cls == "Person"]
        owner, of_body = title_holder_of(view, noun)
        for person in people:
            yield Found(person, owner, noun, phrase, of_body or one_of_many(noun))


@MATCHERS("appositive_title")
def appositive_title(view: DocView, rule: Rule) -> Iterator[Found]:
    """Titles in apposition: "X, a spokeswoman for Y", "Y's foreign minister, X"."""
    seen: set[tuple[str, int]] = set()
    for m in view.index.mentions:
        if m.cls != "Person" or m.source not in ("ner", "gazetteer", "acronym", "coref"):
            continue
        if m.is_name and names_a_thing(view, m):
            continue
        head = view.doc[m.token_end - 1]
        nouns = [c for c in head.children if c.dep_ == "appos"]
        if head.dep_ == "appos":
            nouns.append(head.head)
        for noun in nouns:
            if (m.key, noun.i) in seen or view.mention(noun) is not None:
                continue
            phrase = title_of_noun(view, noun)
            if title_relation(view, phrase) is None:
                continue
            seen.add((m.key, noun.i))
            owner, of_body = title_holder_of(view, noun)
            if owner is None and noun.head is head:  # "X, a vice-president at Y" (at X's head)
                at = view.mentions_in(pobjs(head, {"at", "with"}), {"Organization"})
                owner = at[0] if at else None
            past = past_between(view, m, noun)
            if past is not None and past.lower() not in phrase.lower().split():
                phrase = f"{past} {phrase}"  # "X, then head of Y", "X, formerly chairman of Y"
            yield Found(m, owner, noun, phrase, of_body or one_of_many(noun))


def past_between(view: DocView, person: Mention, noun: Token) -> str | None:
    """A word marking a post held before, between a name and its apposition ("X, then head")."""
    past = view.words(PAST)
    lo, hi = sorted((person.token_end, noun.i))
    words = [t for t in view.doc[lo:hi] if t.lower_ in past]
    words += [c for c in noun.children if c.i < noun.i and c.lower_ in past]
    return words[0].text if words else None


def one_of_many(noun: Token) -> bool:
    """A title with an indefinite article: "a director of X" is one of its directors.

    The article may hang on the first part of a hyphenated title ("a vice-president").
    """
    doc, parts = noun.doc, [noun]
    while parts[0].i >= 2 and doc[parts[0].i - 1].text in ("-", "–"):
        parts.insert(0, doc[parts[0].i - 2])
    return any(c.dep_ == "det" and c.lower_ in ("a", "an") for t in parts for c in t.children)


def owner_unread(view: DocView, found: Found) -> bool:
    """Whether a title found without an owner has one the text gives but the rules did not read.

    "the Solomons' Prime Minister", "Brazilian Coffee Institute, IBC, President X", "President X
    of the commission", "X, president of a trade mission": the title is someone's, not unowned.
    """
    doc, m = view.doc, found.subject
    if not m.token_start <= found.anchor.i < m.token_end:  # an apposition: the title noun
        noun = found.anchor
        return any(c.dep_ == "poss" for c in noun.children) or bool(
            pobjs(noun, {"of", "for", "at"})
        )
    if pobjs(doc[m.token_end - 1], {"of"}):
        return True
    title = title_tokens_left(view, m.token_start)
    i = title[0].i if title else m.token_start
    if i > 0 and doc[i - 1].text in ("'s", "’s", "'", "’"):
        return True
    j, first = i - 1, doc[i].sent.start if i < len(doc) else 0
    while j >= first and i - j <= 4 and (doc[j].is_punct or doc[j].is_upper):
        if view.mention(doc[j]) is not None or doc[j].text in (".", ";", ":"):
            break
        j -= 1
    near = view.mention(doc[j]) if j >= first and doc[j].text not in (".", ";", ":") else None
    return near is not None and near.source != "coref" and near.cls in ("Country", *ORG_LIKE)


@MATCHERS("office_in_context")
def office_in_context(view: DocView, rule: Rule) -> Iterator[Found]:
    """A state's office named by its title alone: "President X" in an article about one state.

    Only offices of states ("President", "Prime Minister", "Interior Minister"), only where the
    text gives the state (see :func:`~kg.builder.extract.matchers.offices.office_state`), and
    never for a person the article already ties to a state, or to a body by such a title ("Acme
    President X"), nor for "a vice-president" (one of many, of whatever).
    """
    found = list(prenominal_title(view, rule)) + list(appositive_title(view, rule))
    tied = {  # "Acme President X ... President X said": no state's president
        f.subject.key
        for f in found
        if f.object is not None and (f.object.cls == "Country" or is_national_office(view, f.title))
    }
    bare = [
        f
        for f in found
        if f.object is None
        and f.subject.key not in tied
        and not held_no_more(view, f.title)
        and not owner_unread(view, f)
        and not (
            not f.subject.token_start <= f.anchor.i < f.subject.token_end and one_of_many(f.anchor)
        )
        and is_national_office(view, f.title)
    ]
    context = OfficeContext(
        ties={
            f.subject.key: f.object.key
            for f in found
            if f.object is not None and f.object.cls == "Country"
        },
        leaders=Counter(
            f.anchor.sent.start for f in bare if is_state_leader(view, title_words(f.title))
        ),
    )
    for f in bare:
        state = office_state(view, f.subject, f.anchor, context)
        if state is not None:
            yield Found(f.subject, state, f.anchor, f.title)
