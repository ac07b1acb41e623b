"""Resolve references within a document: definite descriptions, pronouns and unnamed forces.

News refers back to what it has named: "the country", "the alliance", "the bloc", "he", "its".
It also names forces without a proper name: "peacekeeping forces from the ECOWAS", "the ECOWAS's
peacekeeping forces", "ECOWAS troops". This module adds non-name mentions for the former and
``MilitaryForce`` mentions (keyed by the organisation they belong to) for the latter.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from spacy.tokens import Doc, Token

from kg.builder.extract.mentions import Context, tokens_of
from kg.model import Mention
from kg.text import slug

PERSON_PRONOUNS = {"he", "she", "him", "his", "her", "hers"}
THING_PRONOUNS = {"it", "its"}


class MentionIndex:
    """Mentions of a document indexed by token, kept in document order."""

    def __init__(self, mentions: list[Mention]) -> None:
        self.mentions = sorted(mentions, key=lambda m: (m.token_start, -m.token_end))
        self.by_token: dict[int, Mention] = {}
        for m in self.mentions:
            for i in range(m.token_start, m.token_end):
                current = self.by_token.get(i)
                if current is None or (current.is_name is False and m.is_name):
                    self.by_token[i] = m
                elif current.source == "inner" or m.source not in ("inner",):
                    self.by_token.setdefault(i, m)

    def at(self, token: Token | int) -> Mention | None:
        """The mention covering a token (names win over inner mentions)."""
        i = token if isinstance(token, int) else token.i
        return self.by_token.get(i)

    def add(self, mention: Mention) -> None:
        """Add a mention (references and forces) unless its tokens are taken."""
        if any(i in self.by_token for i in range(mention.token_start, mention.token_end)):
            return
        self.mentions.append(mention)
        self.mentions.sort(key=lambda m: (m.token_start, -m.token_end))
        for i in range(mention.token_start, mention.token_end):
            self.by_token[i] = mention

    def before(
        self, i: int, classes: set[str], *, names_only: bool = False, where=None
    ) -> Mention | None:
        """The closest mention of one of ``classes`` that ends before token ``i``."""
        best = None
        for m in self.mentions:
            if m.token_end > i:
                break
            if m.cls in classes and (m.is_name or not names_only) and m.source != "inner":
                if where is None or where(m):
                    best = m
        return best

    def most_frequent(self, classes: set[str], before: int | None = None) -> Mention | None:
        """The most often mentioned entity of the given classes (ties: the latest mentioned).

        Args:
            classes: Classes to consider.
            before: Only count mentions that end before this token.
        """
        counts: Counter[str] = Counter()
        last: dict[str, Mention] = {}
        for m in self.mentions:
            if before is not None and m.token_end > before:
                break
            if m.cls in classes and m.source != "inner":
                counts[m.key] += 1
                last[m.key] = m
        if not counts:
            return None
        top = max(counts.values())
        return max((last[k] for k, n in counts.items() if n == top), key=lambda m: m.token_start)


def _reference(doc_id: str, token: Token, target: Mention, source: str = "coref") -> Mention:
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


def resolve_description(token: Token, index: MentionIndex, ctx: Context) -> Mention | None:
    """Antecedent of a description like "the country" / "the alliance" headed by ``token``."""
    cls = ctx.lexicon.references.get(token.lower_)
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
    if token.lower_ in ctx.lexicon.words("top_level_nouns"):
        # "the bloc", "the alliance": a top-level body, not one of its institutions
        top = index.before(token.i, {"Organization"}, names_only=True, where=_top_level(ctx))
        if top is not None:
            return top
        parent = _parent_body(index.before(token.i, {"Organization"}, names_only=True), ctx)
        if parent is not None:  # "the bloc" after the European Commission: the EU
            return parent
    return index.before(token.i, _compatible(cls), names_only=True)


def _parent_body(last: Mention | None, ctx: Context) -> Mention | None:
    """The gazetteer's parent body of an organisation, as a mention to refer to."""
    entry = ctx.gazetteer.get(last.key) if last is not None else None
    parent = ctx.gazetteer.get(entry.part_of) if entry is not None and entry.part_of else None
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


def _top_level(ctx: Context):
    def check(m: Mention) -> bool:
        entry = ctx.gazetteer.get(m.key)
        return entry is None or not entry.part_of

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


def find_references(doc: Doc, doc_id: str, index: MentionIndex, ctx: Context) -> Iterator[Mention]:
    """Non-name mentions for descriptions and pronouns, with their antecedents' keys."""
    for token in tokens_of(doc):
        if index.at(token) is not None:
            continue
        if token.pos_ == "PRON":
            target = resolve_pronoun(token, index)
        else:
            target = resolve_description(token, index, ctx)
        if target is not None:
            ref = _reference(doc_id, token, target)
            index.add(ref)
            yield ref


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
    if token.dep_ == "dobj" and verb.lemma_.lower() in fielding and _has_force_modifier(token):
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


def named_force_of(owner: Mention, index: MentionIndex, ctx: Context) -> Mention | None:
    """A named force of the document that the gazetteer says belongs to ``owner``."""
    for m in index.mentions:
        if m.cls == "MilitaryForce" and m.is_name and m.source == "gazetteer":
            entry = ctx.gazetteer.get(m.key)
            if entry is not None and entry.part_of == owner.key:
                return m
    return None


def find_exercises(doc: Doc, doc_id: str, index: MentionIndex, ctx: Context) -> Iterator[Mention]:
    """Named military exercises ("the Sabre-2022 drills") as ``MilitaryForce`` mentions.

    A joint exercise is modelled as a force that countries contribute troops to.
    """
    for token in tokens_of(doc):
        if token.lower_ not in ctx.lexicon.exercise_nouns or token.pos_ != "NOUN":
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
            cls="MilitaryForce",
            key=f"militaryforce:{slug(span.text)}",
            label=span.text,
            source="exercise",
            is_name=True,
            token_start=start,
            token_end=end,
        )
        index.add(mention)
        yield mention


def led_by(token: Token, index: MentionIndex) -> Mention | None:
    """The country or person of "X-led" modifying a noun ("the Saudi-led coalition")."""
    for child in token.children:
        if child.dep_ == "amod" and child.lower_ == "led":
            i = child.i - 2
            if i >= 0 and token.doc[child.i - 1].text in ("-", "–"):
                m = index.at(i)
                if m is not None and m.cls in ("Country", "Person"):
                    return m
    return None


def force_label(owner: Mention, token: Token, ctx: Context) -> str:
    """A readable name for an unnamed force: acronym or name of its owner + modifiers + head."""
    entry = ctx.gazetteer.get(owner.key)
    names = (owner.text, *(entry.names if entry else (owner.label,)))
    # the acronym as written, else the gazetteer's first (English) acronym, else the name
    acronyms = [n for n in names if n.isupper() and n.isalpha() and len(n) <= 8]
    short = acronyms[0] if acronyms else owner.label
    mods = [
        c.lower_
        for c in token.children
        if (c.dep_ == "amod" and c.lower_ in ctx.lexicon.force_modifiers)
        or (c.dep_ == "compound" and c.pos_ == "NOUN" and c.is_lower and c.is_alpha)
    ]
    head = token.lemma_.lower() if token.lemma_ else token.lower_
    if head in ("troop", "soldier", "unit", "peacekeeper", "personnel", "serviceman"):
        head = "force"
    return " ".join([short, *mods, head]).replace("peace-keeping", "peacekeeping")


def find_forces(doc: Doc, doc_id: str, index: MentionIndex, ctx: Context) -> Iterator[Mention]:
    """``MilitaryForce`` mentions for unnamed forces tied to an organisation.

    "peacekeeping forces from the ECOWAS", "the ECOWAS's peacekeeping forces", "NATO troops":
    one force per organisation, keyed ``force:<organisation key>``. Later force nouns without an
    owner ("the peacekeeping forces", "the troops") refer to the document's last force.
    """
    lex = ctx.lexicon
    last: Mention | None = None
    by_leader: dict[str, Mention] = {}  # "NATO's Canadian-led battlegroup" … "the Canadian-led …"
    for token in tokens_of(doc):
        if token.lower_ not in lex.force_nouns or token.pos_ not in ("NOUN", "PROPN"):
            continue
        if index.at(token) is not None:
            named = index.at(token)
            if named.cls == "MilitaryForce":
                last = named
            continue
        owner = force_owner(token, index, lex.words("fielding_verbs"))
        if owner is not None and is_company(owner, lex):
            owner = None
        leader = led_by(token, index)
        public = (owner is not None and ctx.gazetteer.get(owner.key) is not None) or leader
        if not military_noun(token, lex, bool(public)):
            # "Exxon's operations", "the sales force": no new force; but "the mission" may
            # still refer back to a force the article has named
            owner = leader = None
            if token.lower_ not in lex.weak_force_nouns or any(
                c.lower_ in lex.non_military_modifiers for c in token.children
            ):
                continue
        if owner is None and leader is not None and leader.key in by_leader:
            mention = _reference(doc_id, token, by_leader[leader.key], "force-ref")
        elif owner is None and leader is not None:
            lead_tok = doc[leader.token_start]
            mention = Mention(
                doc_id=doc_id,
                start=lead_tok.idx,
                end=token.idx + len(token.text),
                text=doc[leader.token_start : token.i + 1].text,
                cls="MilitaryForce",
                key=f"force:{slug(leader.key)}-led-{slug(token.lemma_)}",
                label=f"{lead_tok.text}-led {token.lemma_.lower()}",
                source="force",
                is_name=True,
                token_start=token.i,
                token_end=token.i + 1,
            )
        elif owner is not None and (named := named_force_of(owner, index, ctx)) is not None:
            # "the EU mission" in an article naming the EU's Operation Atalanta refers to it
            mention = _reference(doc_id, token, named, "force-ref")
        elif owner is not None:
            mention = Mention(
                doc_id=doc_id,
                start=token.idx,
                end=token.idx + len(token.text),
                text=doc[_np_start(token) : token.i + 1].text,
                cls="MilitaryForce",
                key=f"force:{slug(owner.key)}",
                label=force_label(owner, token, ctx),
                source="force",
                is_name=True,
                token_start=token.i,
                token_end=token.i + 1,
            )
        elif last is not None and _refers_back(token, lex):
            mention = _reference(doc_id, token, last, "force-ref")
        else:
            continue
        index.add(mention)
        last = mention if mention.is_name else last
        if leader is not None and mention.is_name:
            by_leader.setdefault(leader.key, mention)
        yield mention


def _np_start(token: Token) -> int:
    """First token of the noun phrase headed by ``token`` (without determiners)."""
    left = [c.i for c in token.lefts if c.dep_ not in ("det", "predet", "punct", "case")]
    start = min(left, default=token.i)
    doc = token.doc
    while start < token.i and (doc[start].dep_ in ("det", "case") or doc[start].is_punct):
        start += 1
    return start


def _refers_back(token: Token, lex) -> bool:
    """A force noun used as a definite reference ("the forces", "peacekeeping troops")."""
    dets = {c.lower_ for c in token.children if c.dep_ == "det"}
    mods = {c.lower_ for c in token.children if c.dep_ in ("amod", "compound")}
    return "the" in dets or bool(mods & lex.force_modifiers)
