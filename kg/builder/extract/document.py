"""Run every extractor over one parsed document and collect a :class:`~kg.model.DocResult`."""

from __future__ import annotations

from spacy.tokens import Doc

from kg.builder.extract.events import extract_events
from kg.builder.extract.mentions import Context, extract_mentions
from kg.builder.extract.references import MentionIndex, find_exercises, find_forces, find_references
from kg.builder.extract.relations import DocView, extract_relations
from kg.model import Article, DocResult


def extract_document(doc: Doc, article: Article, ctx: Context) -> DocResult:
    """Extract mentions, relations, attributes and events from one document.

    Args:
        doc: The article text parsed by spaCy.
        article: The article (id, date) the text came from.
        ctx: Shared gazetteer, lexicon and matchers.

    Returns:
        Everything found, with keys local to the corpus (resolved later by :mod:`kg.builder.resolve`).
    """
    mentions = extract_mentions(doc, article.id, ctx)
    index = MentionIndex(mentions)
    refs = list(find_references(doc, article.id, index, ctx))
    forces = list(find_exercises(doc, article.id, index, ctx))
    forces += find_forces(doc, article.id, index, ctx)
    view = DocView(doc, article.id, index, ctx)
    relations, attributes = extract_relations(view)
    events = extract_events(view, article)
    return DocResult(
        article=article,
        mentions=mentions + forces + refs,
        relations=relations,
        attributes=attributes,
        events=events,
    )
