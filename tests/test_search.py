"""The substring search: exact hits, exact highlights, stable paging."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.search import SearchIndex

ROWS = [
    ("a", None, 1, "党史学习教育,党史学习。"),
    ("a", 1, 2, "没有这个词。"),
    ("b", 2, 3, "学习党史"),
    ("c", None, 1, "史学"),
]


def test_hits_in_row_order_with_every_occurrence() -> None:
    hits, more = SearchIndex(ROWS).search("党史")
    assert not more
    assert [(h.article_id, h.paragraph) for h in hits] == [("a", 1), ("b", 3)]
    assert hits[0].highlights == ((0, 2), (7, 9))


def test_a_match_across_two_paragraphs_is_not_a_hit() -> None:
    assert SearchIndex(ROWS).search("习。\n没")[0] == []
    assert SearchIndex(ROWS).search("党史\n史")[0] == []


def test_paging() -> None:
    index = SearchIndex(ROWS)
    first, more = index.search("史", limit=2)
    assert more
    rest, more = index.search("史", offset=2, limit=2)
    assert not more
    assert [h.paragraph for h in first + rest] == [1, 3, 1]


def test_empty_query_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        SearchIndex(ROWS).search("")


@given(
    st.lists(st.text(alphabet="党史学习, ", max_size=30), max_size=8),
    st.text("党史学, ", min_size=1, max_size=3),
)
def test_highlights_round_trip(texts: list[str], q: str) -> None:
    """Every highlight is the query, and every paragraph holding it is a hit."""
    rows = [("x", None, i + 1, t) for i, t in enumerate(texts)]
    hits, _ = SearchIndex(rows).search(q, limit=100)
    assert [h.paragraph for h in hits] == [i + 1 for i, t in enumerate(texts) if q in t]
    for hit in hits:
        assert all(hit.text[s:e] == q for s, e in hit.highlights)
        assert len(hit.highlights) == hit.text.count(q)


def test_count_is_exact_up_to_the_cap_then_an_estimate() -> None:
    rows = [("a", None, i, f"第{i}段 党史") for i in range(1, 1001)]
    index = SearchIndex(rows)
    assert index.count("党史") == (1000, True)
    estimate, exact = index.count("党史", cap=100)
    assert not exact
    assert 900 <= estimate <= 1100
    assert index.count("没有") == (0, True)
