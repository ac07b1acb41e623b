"""kg's extraction as spaCy pipeline components, added after spaCy's own with ``nlp.add_pipe``.

``kg_mentions`` finds entity mentions (names, demonyms, unnamed forces, references),
``kg_relations`` runs the relation and title rules, ``kg_events`` the event rules. Each reads the
article it works on from ``doc._.kg_article`` (``{"id", "date"}``), and the results end up on the
``Doc``: ``doc.spans["kg_mentions"]`` (the mentions, labelled with their class) and
``doc._.kg`` (every result as plain data, see :meth:`kg.model.DocResult.from_plain`), so docs
can cross process boundaries (``nlp.pipe(..., n_process=N)``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.builder.extract.events import extract_events
from kg.builder.extract.forces import find_exercises, find_forces, name_forces
from kg.builder.extract.gazetteer import Gazetteer
from kg.builder.extract.mentions import extract_mentions
from kg.builder.extract.references import find_references
from kg.builder.extract.relations import extract_relations
from kg.builder.extract.resources import Resources, load_resources
from kg.builder.extract.view import DocView, MentionIndex
from kg.model import DocResult

#: Names of kg's components that run after the model's, in pipeline order.
COMPONENTS = ("kg_mentions", "kg_relations", "kg_events")
#: kg's component that runs before the parser.
PARAGRAPHS = "kg_paragraphs"
_VIEW = "kg.view"
_PARTS = "kg.parts"

for _name in ("kg_article", "kg"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def _article(doc: Doc) -> tuple[str, dt.date | None]:
    info = doc._.kg_article or {}
    date = info.get("date")
    return str(info.get("id", "")), dt.date.fromisoformat(date) if date else None


@Language.component(PARAGRAPHS)
def paragraphs(doc: Doc) -> Doc:
    """Start a sentence after every line break, before the parser runs (it keeps them).

    A headline or a paragraph never runs on into the next one: the reader leaves one paragraph
    per line, so a line break always ends a sentence.
    """
    for i in range(1, len(doc)):
        if "\n" in doc[i - 1].whitespace_ or (doc[i - 1].is_space and "\n" in doc[i - 1].text):
            doc[i].is_sent_start = True
    return doc


class _Component:
    """Shared by kg's components: the resources, loaded once for the pipeline."""

    def __init__(
        self, nlp: Language, patterns: list[str], gazetteers: list[str], packaged_gazetteer: bool
    ) -> None:
        gazetteer = None if packaged_gazetteer or gazetteers else Gazetteer([])
        self.res: Resources = load_resources(
            nlp.vocab, nlp.tokenizer, patterns, gazetteers, gazetteer
        )

    def view(self, doc: Doc) -> DocView:
        """The document view ``kg_mentions`` left on the doc."""
        view = doc.user_data.get(_VIEW)
        if view is None:
            raise ValueError("kg_mentions must run before kg_relations and kg_events")
        return view


class Mentions(_Component):
    """Entity mentions: spaCy's names corrected by the gazetteer, forces, references."""

    def __call__(self, doc: Doc) -> Doc:
        """Find the mentions of ``doc`` and leave the document view on it."""
        doc_id, date = _article(doc)
        mentions = name_forces(doc, extract_mentions(doc, doc_id, self.res), self.res)
        index = MentionIndex(mentions)
        # forces first: "it" and "its" may then refer to a force the article described
        forces = list(find_exercises(doc, doc_id, index, self.res))
        forces += find_forces(doc, doc_id, index, self.res)
        refs = list(find_references(doc, doc_id, index, self.res))
        all_mentions = mentions + forces + refs
        doc.user_data[_VIEW] = DocView(doc, doc_id, index, self.res, date)
        doc.user_data[_PARTS] = {"mentions": all_mentions}
        doc.spans["kg_mentions"] = [
            Span(doc, m.token_start, m.token_end, label=m.cls)
            for m in all_mentions
            if 0 <= m.token_start < m.token_end
        ]
        return doc


class Relations(_Component):
    """Relations and titles, by the rules of ``kg/data/rules``."""

    def __call__(self, doc: Doc) -> Doc:
        """Find the relations and titles of ``doc``."""
        relations, attributes = extract_relations(self.view(doc))
        doc.user_data[_PARTS].update(relations=relations, attributes=attributes)
        return doc


class Events(_Component):
    """Events, by the rules of ``kg/data/rules``; packs every result into ``doc._.kg``."""

    def __call__(self, doc: Doc) -> Doc:
        """Find the events of ``doc`` and put every result on ``doc._.kg``."""
        view = self.view(doc)
        parts: dict[str, Any] = doc.user_data.pop(_PARTS)
        parts["events"] = extract_events(view)
        doc.user_data.pop(_VIEW, None)
        doc.user_data.pop("kg.tokens", None)
        result = DocResult(article=None, **parts)  # type: ignore[arg-type]
        doc._.kg = result.extraction()
        return doc


#: Configuration of every kg component: users' patterns and gazetteer files, and whether the
#: packaged gazetteer is used (``False`` with no files: no gazetteer, for ablation studies).
CONFIG: dict[str, Any] = {"patterns": [], "gazetteers": [], "packaged_gazetteer": True}


@Language.factory("kg_mentions", default_config=CONFIG)
def make_mentions(
    nlp: Language, name: str, patterns: list[str], gazetteers: list[str], packaged_gazetteer: bool
) -> Mentions:
    """The ``kg_mentions`` component."""
    return Mentions(nlp, patterns, gazetteers, packaged_gazetteer)


@Language.factory("kg_relations", default_config=CONFIG)
def make_relations(
    nlp: Language, name: str, patterns: list[str], gazetteers: list[str], packaged_gazetteer: bool
) -> Relations:
    """The ``kg_relations`` component."""
    return Relations(nlp, patterns, gazetteers, packaged_gazetteer)


@Language.factory("kg_events", default_config=CONFIG)
def make_events(
    nlp: Language, name: str, patterns: list[str], gazetteers: list[str], packaged_gazetteer: bool
) -> Events:
    """The ``kg_events`` component."""
    return Events(nlp, patterns, gazetteers, packaged_gazetteer)
