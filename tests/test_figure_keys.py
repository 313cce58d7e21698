"""Figure keys: a stable id that survives re-parsing, unlike the positional `id`."""

from __future__ import annotations

from app.models import Article
from app.parsing import parse_article

# A figure added to the lead's first sentence: every later figure's id shifts by one.
OLD, NEW = "从烈士纪念碑前", "近3个月来,从烈士纪念碑前"


def test_keys_are_unique_and_the_same_on_every_parse(seed_bytes: bytes, article: Article) -> None:
    keys = [f.key for f in (*article.figures, *article.slogans)]
    assert len(set(keys)) == len(keys)
    assert all(key.startswith("f") and len(key) == 13 for key in keys)
    again = parse_article(seed_bytes, fallback_id="x")
    assert [f.key for f in (*again.figures, *again.slogans)] == keys


def test_keys_survive_a_figure_found_before_them(seed_bytes: bytes, article: Article) -> None:
    text = seed_bytes.decode("utf-8")
    assert text.count(OLD) == 1
    changed = parse_article(text.replace(OLD, NEW).encode(), fallback_id="x")
    first_sentence = article.figures[0].sentence
    before = {f.key: f.id for f in article.figures if f.sentence != first_sentence}
    after = {f.key: f.id for f in changed.figures}
    assert before
    assert before.keys() <= after.keys()
    assert all(after[key] == before[key] + 1 for key in before)  # the ids did shift
