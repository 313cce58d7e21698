"""Shared Hypothesis strategies and helpers for the store tests: random small corpora
and queries, stored as articles a0, a1, ... and listed as the catalog lists them."""

from __future__ import annotations

from hypothesis import strategies as st

from app.search import SearchIndex
from app.store import Engine
from app.store.base import FileState, Parsed, Summary, gram_tokens

# Han characters that share trigrams, ASCII in both cases (the index must be
# case-sensitive like str.find), spaces, punctuation, and the index's own pad.
ALPHABET = "党史学习教育的了aA ,。\ue12c"
texts = st.text(alphabet=ALPHABET, min_size=1, max_size=40)
articles = st.lists(
    st.tuples(
        st.sampled_from([None, "2021-06-04", "2021-06-05", "2020-01-01"]),
        st.lists(texts, min_size=1, max_size=5),
    ),
    min_size=1,
    max_size=6,
)
queries = st.text(alphabet=ALPHABET, min_size=1, max_size=6)


def fill(store: Engine, corpus: list[tuple[str | None, list[str]]]) -> list[tuple[str, str | None]]:
    """Store the articles (ids a0, a1, ...), replacing any, and return (id, date) of each."""
    store.remove(list(store.files()))
    items: list[tuple[str, FileState, Parsed | str]] = []
    for n, (date, paragraphs) in enumerate(corpus):
        rows = tuple((None if i == 0 else 1, i + 1, text) for i, text in enumerate(paragraphs))
        summary = Summary(f"a{n}", "t", None, date, (), None, len(rows), 1, 0, 0)
        # Half with the tokens the parse workers send (grams are counted from them).
        tokens = tuple(gram_tokens(text) for text in paragraphs) if n % 2 else None
        parsed = Parsed(f"a{n}", f'{{"id":"a{n}"}}', summary, {}, rows, tokens)
        items.append((f"f{n}.txt", FileState(str(n), "p"), parsed))
    store.put(items)
    store.finish(True)
    return [(f"a{n}", date) for n, (date, _) in enumerate(corpus)]


def listing_order(ids: list[tuple[str, str | None]]) -> list[str]:
    """As the catalog lists them: newest first, undated last, then by id."""
    dated = sorted((i for i in ids if i[1]), key=lambda i: i[0])
    dated.sort(key=lambda i: i[1] or "", reverse=True)
    undated = sorted((i for i in ids if not i[1]), key=lambda i: i[0])
    return [i for i, _ in (*dated, *undated)]


def fill_and_scan(store: Engine, corpus: list[tuple[str | None, list[str]]]) -> SearchIndex:
    """Store the corpus (see :func:`fill`) and return the linear scan over the same
    paragraphs in listing order: the oracle of indexed search."""
    order = listing_order(fill(store, corpus))
    paragraphs = dict(enumerate(corpus))
    scan = SearchIndex(
        (article_id, None if i == 0 else 1, i + 1, text)
        for article_id in order
        for i, text in enumerate(paragraphs[int(article_id[1:])][1])
    )
    return scan
