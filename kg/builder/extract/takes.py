"""Resolvers: how a token matched by a rule pattern becomes the entities it stands for."""

from __future__ import annotations

from spacy.tokens import Token

from kg.builder.extract import syntax
from kg.builder.extract.rules import TAKES, Role
from kg.builder.extract.view import DocView
from kg.model import Mention
from kg.vocab import ENTITY_CLASSES


@TAKES("mention")
def mention(view: DocView, token: Token, role: Role) -> list[Mention]:
    """The entity named at the token (or by the name modifying a generic head noun)."""
    return view.mentions_in([token], role.classes or ENTITY_CLASSES)


@TAKES("group")
def group(view: DocView, token: Token, role: Role) -> list[Mention]:
    """The entities at the token and everything coordinated or in apposition with it."""
    return view.mentions_in(syntax.group(token), role.classes or ENTITY_CLASSES)


@TAKES("subjects")
def subjects(view: DocView, token: Token, role: Role) -> list[Mention]:
    """The subjects of a verb (through relative clauses and open complements)."""
    return view.subjects(token)


@TAKES("objects_of")
def objects_of(view: DocView, token: Token, role: Role) -> list[Mention]:
    """The objects of the token's prepositions ``preps`` (with coordinated items)."""
    preps = role.params.get("preps", ())
    return view.mentions_in(syntax.pobjs(token, preps), role.classes or ENTITY_CLASSES)
