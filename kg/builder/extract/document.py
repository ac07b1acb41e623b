"""The one entry point of extraction: kg's spaCy pipeline, articles in, results out."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from kg.builder.extract.components import COMPONENTS, PARAGRAPHS
from kg.model import Article, DocResult


def make_pipeline(
    model: str | None = None,
    patterns: Sequence[str | Path] = (),
    gazetteers: Sequence[str | Path] = (),
    *,
    packaged_gazetteer: bool = True,
) -> Language:
    """A fresh spaCy pipeline (the model's components, then kg's).

    Raises:
        kg.builder.nlp.ModelNotFoundError: if the model is not installed.
        kg.builder.extract.rules.RulesError: if a lexicon, rule or patterns file is malformed.
    """
    from kg.builder.nlp import load_model

    nlp = load_model(model, fresh=True)
    config = {
        "patterns": [str(p) for p in patterns],
        "gazetteers": [str(g) for g in gazetteers],
        "packaged_gazetteer": packaged_gazetteer,
    }
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPHS, before="parser")
    for name in COMPONENTS:
        nlp.add_pipe(name, config=config)
    return nlp


@lru_cache(maxsize=4)
def shared_pipeline(
    model: str, patterns: tuple[str, ...], gazetteers: tuple[str, ...], packaged_gazetteer: bool
) -> Language:
    """The pipeline of :func:`make_pipeline`, made once per process for the same arguments."""
    return make_pipeline(model, patterns, gazetteers, packaged_gazetteer=packaged_gazetteer)


class Extractor:
    """Parses and extracts articles: the spaCy pipeline with kg's components, loaded once.

    This is the one entry point the build uses (locally, in worker processes or on Dask
    workers): make one per process, then :meth:`pipe` articles through it. Results are plain
    picklable values (:class:`~kg.model.DocResult`), never spaCy objects.

    Args:
        model: spaCy pipeline name; ``None`` uses ``$KG_MODEL`` or the best installed one.
        patterns: Users' patterns files (lexicon words and rules to add).
        gazetteers: Users' gazetteer TSV files.
        packaged_gazetteer: ``False`` (with no ``gazetteers``) extracts without a gazetteer.
    """

    def __init__(
        self,
        model: str | None = None,
        patterns: Sequence[str | Path] = (),
        gazetteers: Sequence[str | Path] = (),
        *,
        packaged_gazetteer: bool = True,
    ) -> None:
        from kg.builder.nlp import choose_model

        self.model_name = choose_model(model)
        self.nlp = shared_pipeline(
            self.model_name,
            tuple(str(p) for p in patterns),
            tuple(str(g) for g in gazetteers),
            packaged_gazetteer,
        )

    @property
    def model_version(self) -> str:
        """``name-version`` of the loaded spaCy pipeline (part of the cache fingerprint)."""
        meta = self.nlp.meta
        return f"{meta.get('lang', '')}_{meta.get('name', '')}-{meta.get('version', '')}"

    def pipe(self, articles: Iterable[Article], batch_size: int = 32) -> Iterator[DocResult]:
        """Parse and extract articles in order, one :class:`DocResult` each, streaming.

        An article whose extraction fails gives a result with ``failed=True`` and a warning
        naming it: one bad article never aborts a corpus build (its batch is redone one article
        at a time to find it).
        """
        for batch in batched(articles, batch_size):
            try:
                results = [
                    DocResult.from_plain(article, doc._.kg)
                    for article, doc in self._docs(batch, batch_size)
                ]
            except Exception:  # noqa: BLE001 - find the bad article, keep the others
                results = [self._one(article) for article in batch]
            yield from results

    def _one(self, article: Article) -> DocResult:
        try:
            ((_, doc),) = self._docs([article], 1)
            return DocResult.from_plain(article, doc._.kg)
        except Exception as err:  # noqa: BLE001 - one bad article never aborts a build
            name = article.source or article.id
            return DocResult(
                article=article,
                warnings=[f"{name}: extraction failed ({err!r}), skipped"],
                failed=True,
            )

    def _docs(self, articles: list[Article], batch_size: int) -> list[tuple[Article, Doc]]:
        def inputs() -> Iterator[tuple[Doc, Article]]:
            for article in articles:
                doc = self.nlp.make_doc(article.text)
                doc._.kg_article = {
                    "id": article.id,
                    "date": article.date.isoformat() if article.date else None,
                }
                yield doc, article

        return [
            (article, doc)
            for doc, article in self.nlp.pipe(inputs(), batch_size=batch_size, as_tuples=True)
        ]


def batched(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    """Consecutive lists of ``size`` items (the last may be shorter)."""
    batch: list[Article] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
