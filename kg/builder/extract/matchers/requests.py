"""Requests for help: "X requested assistance from Y", "X asked Y for help"."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from kg.builder.extract.guards import cancelled
from kg.builder.extract.lexicon import uses
from kg.builder.extract.relations import Found
from kg.builder.extract.rules import MATCHERS, Rule
from kg.builder.extract.syntax import group, pobjs
from kg.builder.extract.view import ORG_LIKE, DocView
from kg.model import Mention

REQUEST, HELP = uses("request_verbs", "help_nouns")


def help_sources(view: DocView, noun: Token) -> list[Mention]:
    """Whom help is asked from: "assistance from the AU", "help of the heads of the ECOWAS"."""
    out = []
    for p in pobjs(noun, {"from", "of"}):
        m = view.mention(p)
        if m is not None and m.cls in ORG_LIKE | {"Country"}:
            out.append(m)
        else:
            out.extend(view.mentions_in(pobjs(p, {"of"}), ORG_LIKE | {"Country"}))
    return out


@MATCHERS("requested_assistance")
def requested_assistance(view: DocView, rule: Rule) -> Iterator[Found]:
    """Requests: "X requested assistance from Y", "X asked Y for help", "appealed to Y"."""
    request, helps = view.words(REQUEST), view.words(HELP)
    for verb in view.tokens:
        if verb.lemma_.lower() not in request or verb.pos_ != "VERB" or cancelled(view, verb):
            continue
        agents = view.subjects(verb)
        if not agents and verb.dep_ in ("acl",):  # "X's decision to ask ..."
            agents = view.mentions_in(
                [c for c in verb.head.children if c.dep_ == "poss"],
                {"Person", "Country", "Organization"},
            )
        sources: list[Mention] = []
        has_help = False
        for c in verb.children:
            if c.dep_ in ("dobj", "dative") and c.lemma_.lower() in helps:
                has_help = True
                sources += help_sources(view, c)
            elif c.dep_ in ("dobj", "dative"):
                m = view.mention(c)
                if m is not None and any(p.lemma_.lower() in helps for p in pobjs(verb, {"for"})):
                    has_help = True
                    sources += view.mentions_in(group(c), ORG_LIKE | {"Country"})
        for p in pobjs(verb, {"to", "from"}):
            if any(q.lemma_.lower() in helps for q in pobjs(verb, {"for"})) or has_help:
                has_help = True
                sources += view.mentions_in(group(p), ORG_LIKE | {"Country"})
        if not has_help:
            continue
        for agent in agents:
            for source in (view.government_of(s) for s in sources):
                if agent.key != source.key:
                    yield Found(agent, source, verb)
