"""The HTTP contract of the corpus: /articles, /articles/{id}/..., /search, /stats/corpus.

Every test runs against each store engine (the ``corpus_client`` fixture), and the
two engines' answers are compared byte for byte."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from fastapi.testclient import TestClient

from app.api import http
from app.config import Settings
from app.main import create_app
from tests.api.helpers import assert_problem
from tests.api.test_http import COMPARED, raw
from tests.conftest import DATA
from tests.pgserver import PostgresServer

COUNT = 25


def _without_cursor(url: str) -> tuple[str, list[tuple[str, str]]]:
    """A page URL's path and its query, the cursor left out (the first page's)."""
    parts = urlsplit(url)
    return parts.path, sorted((k, v) for k, v in parse_qsl(parts.query) if k != "cursor")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from scripts.gen_corpus import generate

    path = tmp_path_factory.mktemp("corpus")
    generate(COUNT, path)
    (path / "zz_empty.txt").write_bytes(b"")
    return path


ENGINES = ["sqlite", "postgresql"]


def _settings(engine: str, folder: Path, request: pytest.FixtureRequest) -> Settings:
    """Settings that ingest ``folder`` into a fresh store of ``engine``."""
    if engine == "postgresql":
        server: PostgresServer = request.getfixturevalue("postgres")
        return Settings(data=folder, store=server.database())
    cache = request.getfixturevalue("tmp_path_factory").mktemp("cache")
    return Settings(data=folder, cache_dir=cache)  # the default store in the cache folder


@pytest.fixture(scope="module", params=ENGINES)
def corpus_client(folder: Path, request: pytest.FixtureRequest) -> Iterator[TestClient]:
    with TestClient(create_app(_settings(request.param, folder, request))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def both_clients(folder: Path, request: pytest.FixtureRequest) -> Iterator[list[TestClient]]:
    with (
        TestClient(create_app(_settings("sqlite", folder, request))) as sqlite,
        TestClient(create_app(_settings("postgresql", folder, request))) as postgresql,
    ):
        yield [sqlite, postgresql]


def walk(client: TestClient, url: str) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    next_url: str | None = url
    while next_url:
        response = client.get(next_url)
        assert response.status_code == 200
        body = response.json()
        items += body["items"]
        links = response.headers["link"].split(", ")
        assert links[-1].endswith('>; rel="first"')
        assert _without_cursor(links[-1][1:-14]) == _without_cursor(url)
        if body["next"]:
            assert links[0] == f'<{body["next"]}>; rel="next"'
            assert body["next"].startswith("/")
            assert body["next"].endswith(f"cursor={body['next_cursor']}")
        else:
            assert len(links) == 1
            assert body["next_cursor"] is None
        next_url = body["next"]
    return items


def test_paging_returns_each_article_once(corpus_client: TestClient) -> None:
    items = walk(corpus_client, "/articles?limit=7")
    assert len(items) == COUNT
    assert len({item["id"] for item in items}) == COUNT
    dates = [str(item["date"]) for item in items]
    assert dates == sorted(dates, reverse=True)


def test_summary_shape(corpus_client: TestClient) -> None:
    body = corpus_client.get("/articles?limit=1").json()
    assert body["total"] == COUNT
    item = body["items"][0]
    assert set(item) == {"id", "title", "subtitle", "date", "authors", "source", "counts"}
    assert item["counts"]["paragraphs"] == 15


def test_filters(corpus_client: TestClient) -> None:
    every = walk(corpus_client, "/articles?limit=100")
    some = corpus_client.get("/articles?date_from=2021-01-01&date_to=2021-12-31").json()
    assert some["total"] == sum(1 for a in every if str(a["date"]).startswith("2021"))
    author = every[0]["authors"][0]  # type: ignore[index]
    by_author = corpus_client.get("/articles", params={"author": author, "limit": 100}).json()
    assert by_author["items"]
    assert all(author in a["authors"] for a in by_author["items"])
    source = corpus_client.get("/articles", params={"source": "岳阳日报", "limit": 100}).json()
    assert all(a["source"] == "岳阳日报" for a in source["items"])


@pytest.mark.parametrize(
    "query",
    ["limit=101", "limit=0", "cursor=-1", "cursor=abc", "date_from=2021-13-01", "date_to=x"],
)
def test_bad_paging_or_filter_is_422(corpus_client: TestClient, query: str) -> None:
    assert_problem(corpus_client.get(f"/articles?{query}"), 422)


def test_cursor_past_the_end_is_an_empty_page(corpus_client: TestClient) -> None:
    body = corpus_client.get("/articles?cursor=999999999").json()
    assert body == {"items": [], "next": None, "next_cursor": None, "total": COUNT}


def _offset_walk(client: TestClient, url: str, limit: int) -> list[list[dict[str, object]]]:
    """The pages as old offset cursors give them (cursor=0, limit, 2*limit, ...)."""
    pages: list[list[dict[str, object]]] = []
    while True:
        body = client.get(f"{url}&limit={limit}&cursor={len(pages) * limit}").json()
        if not body["items"]:
            return pages
        pages.append(body["items"])


@pytest.mark.parametrize(
    "url",
    [
        "/articles?",
        "/articles?date_from=2021-01-01&date_to=2022-06-30",
        "/articles?date_to=2020-12-31",
        "/articles?source=%E5%B2%B3%E9%98%B3%E6%97%A5%E6%8A%A5",
        "/articles?author=%E6%9D%8E%E6%98%8E",
        "/search?q=%E5%85%9A%E5%8F%B2",
        "/search?q=%E5%AD%A6%E4%B9%A0%E6%95%99%E8%82%B2",
        "/search?q=%E5%85%9A",
    ],
)
def test_keyset_pages_equal_the_offset_pages(corpus_client: TestClient, url: str) -> None:
    """Following next_cursor (a keyset token) gives the pages old offsets gave."""
    for limit in (3, 7):
        pages = []
        next_url: str | None = f"{url}&limit={limit}"
        while next_url:
            body = corpus_client.get(next_url).json()
            pages.append(body["items"])
            next_url = body["next"]
        assert pages == (_offset_walk(corpus_client, url, limit) or [[]])


def test_cursors_are_opaque_tokens(corpus_client: TestClient) -> None:
    for url in ("/articles?limit=3", "/search?q=%E5%85%9A&limit=3"):
        token = corpus_client.get(url).json()["next_cursor"]
        assert isinstance(token, str)
        assert re.fullmatch(r"[as][0-9a-f]+", token), "URL-safe, never a decimal offset"


def test_an_old_offset_cursor_keeps_its_meaning(corpus_client: TestClient) -> None:
    """An offset starts the page where it always did; the page hands out a token."""
    every = walk(corpus_client, "/articles?limit=100")
    page = corpus_client.get("/articles?limit=7&cursor=7").json()
    assert page["items"] == every[7:14]
    assert page["total"] == COUNT
    assert not page["next_cursor"].isdigit()
    rest = corpus_client.get("/articles", params={"limit": 7, "cursor": page["next_cursor"]})
    assert rest.json()["items"] == every[14:21]
    hits = walk(corpus_client, "/search?q=%E5%85%9A%E5%8F%B2&limit=100")
    page = corpus_client.get("/search?q=%E5%85%9A%E5%8F%B2&limit=5&cursor=4").json()
    assert page["items"] == hits[4:9]
    rest = corpus_client.get(
        "/search", params={"q": "党史", "limit": 5, "cursor": page["next_cursor"]}
    )
    assert rest.json()["items"] == hits[9:14]


BAD_ARTICLE_CURSORS = [
    "a" + b"1\x01z".hex().upper(),  # one spelling: lowercase
    "a" + b"1\x01x".hex()[:-1],  # half a byte
    "a" + b"garbage".hex(),  # not a sort key
    "a" + b"1\x01".hex(),  # no id
    "a" + b"1\x01\xff\xfe".hex(),  # not UTF-8
    "a" + b"1\x01\xc0\xaf".hex(),  # an overlong form
    "a" + b"1\x01\xed\xa0\x80".hex(),  # a surrogate
    "a" + b"1\x01a\x00b".hex(),  # NUL (PostgreSQL text cannot hold it)
    "a" + b"0202l-06-04\x01x".hex(),  # a date that is not one
    "s" + (5).to_bytes(8, "big").hex(),  # a search token
    "A" + b"1\x01x".hex(),
    "-1",
]
BAD_SEARCH_CURSORS = [
    "s" + (5).to_bytes(9, "big").hex(),  # too long
    "s" + (5).to_bytes(7, "big").hex(),  # too short
    "s" + (1 << 63).to_bytes(8, "big").hex(),  # not a signed 64-bit row id
    "s" + (0xABC).to_bytes(8, "big").hex().upper(),  # one spelling: lowercase
    "a" + b"1\x01x".hex(),  # an /articles token
]


@pytest.mark.parametrize("cursor", BAD_ARTICLE_CURSORS)
def test_a_malformed_articles_cursor_is_422(corpus_client: TestClient, cursor: str) -> None:
    body = assert_problem(corpus_client.get("/articles", params={"cursor": cursor}), 422)
    assert "cursor" in str(body["detail"])


@pytest.mark.parametrize("cursor", BAD_SEARCH_CURSORS)
def test_a_malformed_search_cursor_is_422(corpus_client: TestClient, cursor: str) -> None:
    response = corpus_client.get("/search", params={"q": "党史", "cursor": cursor})
    body = assert_problem(response, 422)
    assert "cursor" in str(body["detail"])


def test_a_token_past_the_end_is_an_empty_page(corpus_client: TestClient) -> None:
    """A well-formed position after every item (an id that sorts last) answers, empty."""
    last = "a" + "1\x01\U0010ffff".encode().hex()
    body = corpus_client.get("/articles", params={"cursor": last}).json()
    assert body == {"items": [], "next": None, "next_cursor": None, "total": COUNT}


def test_one_article_and_its_parts(corpus_client: TestClient) -> None:
    article = corpus_client.get("/articles/10003").json()
    assert article["id"] == "10003"
    sections = corpus_client.get("/articles/10003/sections").json()
    assert sections["total"] == 3
    section = corpus_client.get("/articles/10003/sections/1").json()
    assert section == article["sections"][0]
    stats = corpus_client.get("/articles/10003/stats").json()
    assert stats == article["stats"]
    figures = corpus_client.get("/articles/10003/figures?kind=count").json()
    assert figures["items"]
    assert all(f["kind"] == "count" for f in figures["items"])


def test_unknown_article_and_section_are_404(corpus_client: TestClient) -> None:
    for path in ("/articles/nope", "/articles/nope/sections", "/articles/10003/sections/4"):
        assert_problem(corpus_client.get(path), 404)


@pytest.mark.parametrize(
    "path", ["/articles/10003%00", "/articles/a%00b/sections", "/articles/%00/stats"]
)
def test_an_id_with_a_nul_is_404(corpus_client: TestClient, path: str) -> None:
    assert_problem(corpus_client.get(path), 404)


@pytest.mark.parametrize(
    "path",
    [
        "/search?q=%00",
        "/search?q=%E5%85%9A%00",
        "/search?q=%E5%85%9A%E5%8F%B2%00%E5%AD%A6",
        "/articles?author=%00",
        "/articles?source=%E6%97%A5%00",
    ],
)
def test_a_query_or_filter_with_a_nul_is_an_empty_page(
    corpus_client: TestClient, path: str
) -> None:
    response = corpus_client.get(path)
    assert response.status_code == 200
    assert (response.json()["items"], response.json()["total"]) == ([], 0)


def test_skipped_files_are_listed(corpus_client: TestClient) -> None:
    body = corpus_client.get("/articles/skipped").json()
    assert body["total"] == 1
    assert body["items"][0]["file"] == "zz_empty.txt"
    assert body["items"][0]["reason"]
    assert corpus_client.get("/health").json()["skipped"] == 1


@pytest.mark.parametrize("q", ["党史", "项目代号甲一二乙", "学史以明志,"])
def test_search_highlights_round_trip(corpus_client: TestClient, q: str) -> None:
    hits = walk(corpus_client, f"/search?q={q}&limit=7")
    assert hits
    for cursor in (0, 7, len(hits)):  # every page tells the same total
        page = corpus_client.get("/search", params={"q": q, "limit": 7, "cursor": cursor})
        assert page.json()["total"] == len(hits)
    for hit in hits:
        spans = hit["highlights"]
        assert isinstance(spans, list)
        assert spans
        assert all(str(hit["text"])[s:e] == q for s, e in spans)


@pytest.mark.parametrize("q", ["党史", "项目代号甲一二乙", "不在任何段落里的词"])
def test_search_total_counts_every_page(corpus_client: TestClient, q: str) -> None:
    first = corpus_client.get("/search", params={"q": q, "limit": 5}).json()
    assert first["total_exact"] is True
    assert first["total"] == len(walk(corpus_client, f"/search?q={q}&limit=5"))


def test_paging_cursor_follows_without_parsing_urls(corpus_client: TestClient) -> None:
    """A typed client passes next_cursor back as cursor and gets the same page as `next`."""
    page = corpus_client.get("/articles", params={"limit": 7}).json()
    by_cursor = corpus_client.get("/articles", params={"limit": 7, "cursor": page["next_cursor"]})
    assert by_cursor.json() == corpus_client.get(page["next"]).json()


def test_link_is_readable_cross_origin(corpus_client: TestClient) -> None:
    response = corpus_client.get("/articles?limit=7", headers={"origin": "https://example.org"})
    assert "Link" in response.headers["access-control-expose-headers"].split(", ")


def test_rare_term_finds_one_article(corpus_client: TestClient) -> None:
    hits = corpus_client.get("/search", params={"q": "项目代号甲一二乙"}).json()["items"]
    assert [h["article_id"] for h in hits] == ["10012"]
    assert hits[0]["section"] is None


@pytest.mark.parametrize("q", ["", "党" * 65])
def test_empty_or_long_query_is_422(corpus_client: TestClient, q: str) -> None:
    assert_problem(corpus_client.get("/search", params={"q": q}), 422)


def test_corpus_stats(corpus_client: TestClient) -> None:
    body = corpus_client.get("/stats/corpus").json()
    assert body["articles"] == COUNT
    assert body["paragraphs"] == 15 * COUNT
    assert sum(body["articles_per_month"].values()) == COUNT
    assert body["figures_by_kind"]["count"] > 0


def test_bundled_examples_exist(client: TestClient) -> None:
    assert client.get("/articles/4980").status_code == 200
    assert client.get("/articles/4980/sections/1").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/health",
        "/article",
        "/articles",
        "/articles?limit=3&cursor=3",
        "/articles?limit=3&cursor=a30373937382d39382d3938013130303033",
        "/articles?limit=4&author=%E6%9D%8E%E6%98%8E&cursor=a30373937382d39382d3938013130303033",
        "/articles?date_from=2021-01-01&date_to=2021-12-31",
        "/articles?author=%E6%9D%8E%E6%98%8E",
        "/articles?source=%E5%B2%B3%E9%98%B3%E6%97%A5%E6%8A%A5",
        "/articles/10003",
        "/articles/10003/sections",
        "/articles/10003/sections/2",
        "/articles/10003/figures?kind=count",
        "/articles/10003/stats",
        "/articles/skipped",
        "/search?q=%E5%85%9A%E5%8F%B2&limit=5&cursor=5",
        "/search?q=%E5%85%9A%E5%8F%B2&limit=5&cursor=s0000000000000000",
        "/search?q=%E5%85%9A",
        "/search?q=%E5%AD%A6%E4%B9%A0%E6%95%99%E8%82%B2",
        "/stats/corpus",
        "/articles/nope",
        "/articles/a%00b",
        "/search?q=%E5%85%9A%E5%8F%B2%00",
        "/articles?author=%00",
    ],
)
def test_both_stores_answer_byte_for_byte(both_clients: list[TestClient], path: str) -> None:
    sqlite, postgresql = (client.get(path) for client in both_clients)
    assert sqlite.status_code == postgresql.status_code
    assert sqlite.content == postgresql.content
    assert sqlite.headers.get("etag") == postgresql.headers.get("etag")


@pytest.mark.parametrize("coding", ["identity", "gzip", "br"])
def test_articles_are_answered_from_stored_bytes(corpus_client: TestClient, coding: str) -> None:
    """/articles/{id}, its sections, each section and its stats come from the store's
    bytes through the fast path, byte for byte what FastAPI answers (a query string
    forces FastAPI), in the coding asked for."""
    layer = corpus_client.app.http_layer  # type: ignore[attr-defined]
    ids = [str(item["id"]) for item in walk(corpus_client, "/articles?limit=100")][:6]
    for article_id in ids:
        sections = corpus_client.get(f"/articles/{article_id}/sections").json()["total"]
        paths = ["", "/sections", "/stats", *(f"/sections/{i}" for i in range(1, sections + 1))]
        for part in paths:
            path = f"/articles/{article_id}{part}"
            fast = raw(corpus_client, path, **{"accept-encoding": coding})
            assert path in layer.recent
            slow = raw(corpus_client, f"{path}?fall=through", **{"accept-encoding": coding})
            assert fast[0] == slow[0] == 200, path
            assert fast[2] == slow[2], path
            assert {h: fast[1].get(h) for h in COMPARED} == {h: slow[1].get(h) for h in COMPARED}
            size = len(raw(corpus_client, path, **{"accept-encoding": "identity"})[2])
            expected = None if coding == "identity" or size < http.MIN_COMPRESS_BYTES else coding
            assert fast[1].get("content-encoding") == expected
    for path in ("/articles/nope", "/articles/10003/sections/99", "/articles/skipped"):
        raw(corpus_client, path)
        assert path not in layer.recent  # FastAPI answered (a 404, or the skipped list)


def test_a_request_compresses_only_into_its_coding(
    corpus_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[str] = []
    original = http._compressed

    def counting(body: bytes, digest: str, coding: str) -> bytes:
        made.append(coding)
        return original(body, digest, coding)

    monkeypatch.setattr(http, "_compressed", counting)
    http._COMPRESSED.clear()
    response = corpus_client.get("/articles?limit=50&fresh=1", headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert made == ["gzip"]


def test_a_long_qualified_id_is_reachable(tmp_path: Path) -> None:
    """``<id>~<stem>`` of a long file name (up to 255 bytes) is served like any id."""
    folder = tmp_path / "data"
    folder.mkdir()
    seed = DATA / "000_bd4049ec00aa3a8d.txt"
    shutil.copy(seed, folder / "a.txt")
    long_stem = "x" * 240  # a name of 244 bytes: its qualified id has 245 characters
    shutil.copy(seed, folder / f"{long_stem}.txt")
    with TestClient(create_app(Settings(data=folder, cache_dir=tmp_path / "c"))) as client:
        article_id = f"4980~{long_stem}"
        for path in (f"/articles/{quote(article_id)}", f"/articles/{quote(article_id)}/stats"):
            response = client.get(path)
            assert response.status_code == 200, path
        assert client.get(f"/articles/{quote(article_id)}").json()["id"] == article_id
