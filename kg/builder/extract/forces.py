"""Military forces without a proper name, and named exercises, as ``MilitaryForce`` mentions.

News names forces without a proper name: "peacekeeping forces from the ECOWAS", "the ECOWAS's
peacekeeping forces", "ECOWAS troops", "the Saudi-led coalition". Each becomes a mention keyed by
the body or state it belongs to; later force nouns without an owner refer back to it.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Token

from kg.builder.extract.lexicon import uses
from kg.builder.extract.references import reference_mention
from kg.builder.extract.resources import Resources
from kg.builder.extract.syntax import np_start, tokens_of
from kg.builder.extract.view import MentionIndex
from kg.model import Mention
from kg.text import slug

(FIELDING,) = uses("fielding_verbs")


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


def named_force_of(owner: Mention, index: MentionIndex, res: Resources) -> Mention | None:
    """A named force of the document that the gazetteer says belongs to ``owner``."""
    for m in index.mentions:
        if m.cls == "MilitaryForce" and m.is_name and m.source == "gazetteer":
            entry = res.gazetteer.get(m.key)
            if entry is not None and entry.part_of == owner.key:
                return m
    return None


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
    if head in ("troop", "soldier", "unit", "peacekeeper", "personnel", "serviceman"):
        head = "force"
    return " ".join([short, *mods, head]).replace("peace-keeping", "peacekeeping")


def find_forces(doc: Doc, doc_id: str, index: MentionIndex, res: Resources) -> Iterator[Mention]:
    """``MilitaryForce`` mentions for unnamed forces tied to an organisation.

    "peacekeeping forces from the ECOWAS", "the ECOWAS's peacekeeping forces", "NATO troops":
    one force per organisation, keyed ``force:<organisation key>``. Later force nouns without an
    owner ("the peacekeeping forces", "the troops") refer to the document's last force.
    """
    lex = res.lexicon
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
        owner = force_owner(token, index, lex.words(FIELDING))
        if owner is not None and is_company(owner, lex):
            owner = None
        leader = led_by(token, index)
        public = (owner is not None and res.gazetteer.get(owner.key) is not None) or leader
        if not military_noun(token, lex, bool(public)):
            # "Exxon's operations", "the sales force": no new force; but "the mission" may
            # still refer back to a force the article has named
            owner = leader = None
            if token.lower_ not in lex.weak_force_nouns or any(
                c.lower_ in lex.non_military_modifiers for c in token.children
            ):
                continue
        if owner is None and leader is not None and leader.key in by_leader:
            mention = reference_mention(doc_id, token, by_leader[leader.key], "force-ref")
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
        elif owner is not None and (named := named_force_of(owner, index, res)) is not None:
            # "the EU mission" in an article naming the EU's Operation Atalanta refers to it
            mention = reference_mention(doc_id, token, named, "force-ref")
        elif owner is not None:
            mention = Mention(
                doc_id=doc_id,
                start=token.idx,
                end=token.idx + len(token.text),
                text=doc[np_start(token) : token.i + 1].text,
                cls="MilitaryForce",
                key=f"force:{slug(owner.key)}",
                label=force_label(owner, token, res),
                source="force",
                is_name=True,
                token_start=token.i,
                token_end=token.i + 1,
            )
        elif last is not None and _refers_back(token, lex):
            mention = reference_mention(doc_id, token, last, "force-ref")
        else:
            continue
        index.add(mention)
        last = mention if mention.is_name else last
        if leader is not None and mention.is_name:
            by_leader.setdefault(leader.key, mention)
        yield mention


def _refers_back(token: Token, lex) -> bool:
    """A force noun used as a definite reference ("the forces", "peacekeeping troops")."""
    dets = {c.lower_ for c in token.children if c.dep_ == "det"}
    mods = {c.lower_ for c in token.children if c.dep_ in ("amod", "compound")}
    return "the" in dets or bool(mods & lex.force_modifiers)
