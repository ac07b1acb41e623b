"""Run every extractor over one parsed document and collect a :class:`~kg.model.DocResult`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from spacy.tokens import Doc

from kg.builder.extract.events import extract_events
from kg.builder.extract.gazetteer import Gazetteer
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
        Everything found, with corpus-local keys (resolved later by :mod:`kg.builder.resolve`).
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


class Extractor:
    """Parses and extracts articles: the spaCy pipeline and kg's extraction, loaded once.

    This is the one entry point the build uses (locally, in worker processes or on Dask
    workers): make one per process, then :meth:`pipe` articles through it. Results are plain
    picklable values (:class:`~kg.model.DocResult`), never spaCy objects.

    Args:
        model: spaCy pipeline name; ``None`` uses ``$KG_MODEL`` or the best installed one.
        patterns: Users' pattern files extending the extraction rules.
        gazetteers: Users' gazetteer TSV files.
        gazetteer: A gazetteer to use instead (``gazetteers`` is then ignored).
    """

    def __init__(
        self,
        model: str | None = None,
        patterns: Sequence[str | Path] = (),
        gazetteers: Sequence[str | Path] = (),
        *,
        gazetteer: Gazetteer | None = None,
    ) -> None:
        from kg.builder.extract.lexicon import load_lexicon
        from kg.builder.nlp import choose_model, load_model

        self.model_name = choose_model(model)
        self.nlp = load_model(model)
        if gazetteer is None:
            paths = tuple(Path(g) for g in gazetteers)
            gazetteer = Gazetteer.load(paths) if paths else Gazetteer.default()
        self.ctx = Context(
            gazetteer,
            load_lexicon(tuple(Path(p) for p in patterns)),
            self.nlp.tokenizer,
        )

    @property
    def model_version(self) -> str:
        """``name-version`` of the loaded spaCy pipeline (part of the cache fingerprint)."""
        meta = self.nlp.meta
        return f"{meta.get('lang', '')}_{meta.get('name', '')}-{meta.get('version', '')}"

    def pipe(self, articles: Iterable[Article], batch_size: int = 32) -> Iterator[DocResult]:
        """Parse and extract articles in order, one :class:`DocResult` each.

        An article whose extraction fails gives a result with ``failed=True`` and a warning
        naming it: one bad article never aborts a corpus build.
        """
        articles = iter(articles)
        pending: list[Article] = []

        def texts() -> Iterator[str]:
            for article in articles:
                pending.append(article)
                yield article.text

        for doc in self.nlp.pipe(texts(), batch_size=batch_size):
            article = pending.pop(0)
            try:
                yield extract_document(doc, article, self.ctx)
            except Exception as err:  # noqa: BLE001 - one bad article never aborts a build
                name = article.source or article.id
                yield DocResult(
                    article=article,
                    warnings=[f"{name}: extraction failed ({err!r}), skipped"],
                    failed=True,
                )
