"""The HTTP contract of the primary article's resources."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.models import Article
from tests.api.helpers import assert_problem


def test_article_is_the_parse(client: TestClient, article: Article) -> None:
    response = client.get("/article")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert Article.model_validate(response.json()) == article


def test_json_is_utf8_with_chinese_unescaped(client: TestClient) -> None:
    raw = client.get("/article").content
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert "传承红色基因".encode() in raw
    assert b"\\u" not in raw


def test_sections(client: TestClient, article: Article) -> None:
    body = client.get("/sections").json()
    assert body["total"] == 3
    assert [s["heading"] for s in body["items"]] == [s.heading for s in article.sections]


@pytest.mark.parametrize("index", [1, 2, 3])
def test_one_section(client: TestClient, article: Article, index: int) -> None:
    body = client.get(f"/sections/{index}").json()
    assert body == article.sections[index - 1].model_dump(mode="json")


@pytest.mark.parametrize("index", [0, 4, 99, -1])
def test_section_out_of_range_is_404(client: TestClient, index: int) -> None:
    body = assert_problem(client.get(f"/sections/{index}"), 404)
    assert "1-3" in str(body["detail"])


@pytest.mark.parametrize("index", ["one", "1.5", "%E4%B8%80"])
def test_section_not_an_integer_is_422(client: TestClient, index: str) -> None:
    assert_problem(client.get(f"/sections/{index}"), 422)


def test_stats(client: TestClient, article: Article) -> None:
    body = client.get("/stats").json()
    assert body == article.stats.model_dump(mode="json")
    assert body["paragraphs"] == 15


def test_health(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body == {
        "status": "ok",
        "loaded": 1,
        "skipped": 0,
        "primary": "4980",
        "articles": 1,
        "primary_id": "4980",
    }


@pytest.mark.parametrize("lead", [True, False])
def test_figures_in_the_lead_or_not(client: TestClient, article: Article, lead: bool) -> None:
    body = client.get("/figures", params={"lead": lead}).json()
    expected = [f.id for f in article.figures if (f.section is None) == lead]
    assert [f["id"] for f in body["items"]] == expected
    assert expected
    if lead:
        assert body == client.get("/figures", params={"section": 0}).json()


def test_stats_figure_counts_follow_the_glossary(client: TestClient) -> None:
    stats = client.get("/stats").json()
    assert (
        stats["figures_total"]
        == stats["figures"]["total"]
        == sum(stats["figures_by_kind"].values())
    )
    assert stats["figures_by_kind"] == stats["figures"]["by_kind"]


def test_unknown_path_is_a_problem(client: TestClient) -> None:
    assert_problem(client.get("/nope"), 404)


def test_docs_are_self_hosted(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        assert "cdn" not in html.lower()
        assert "fonts.googleapis" not in html
        assert "/docs-assets/" in html
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
        response = client.get(f"/docs-assets/{asset}")
        assert response.status_code == 200
        assert len(response.content) > 10_000


def test_every_schema_field_has_description_and_example(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    missing = []
    for name, schema in schemas.items():
        if name in {"HTTPValidationError", "ValidationError"}:
            continue  # FastAPI's own, never served: errors are Problem bodies
        for field, spec in schema.get("properties", {}).items():
            if "description" not in spec:
                missing.append(f"{name}.{field}: description")
            if "examples" not in spec and "$ref" not in spec and "allOf" not in spec:
                missing.append(f"{name}.{field}: example")
    assert missing == []


def test_figures_filter_by_unit(client: TestClient, article: Article) -> None:
    body = client.get("/figures", params={"unit": "件"}).json()
    assert body["total"] == sum(1 for f in article.figures if f.unit == "件") > 0
    assert {f["unit"] for f in body["items"]} == {"件"}


@pytest.mark.parametrize("query", ["unit=光年", "kind=bogus", "min=abc", "approximate=maybe"])
def test_unknown_figure_filter_values_are_422(client: TestClient, query: str) -> None:
    for prefix in ("/figures", "/articles/4980/figures"):
        assert_problem(client.get(f"{prefix}?{query}"), 422)


def test_slogans_only_when_asked(client: TestClient, article: Article) -> None:
    figures = client.get("/figures").json()
    slogans = client.get("/figures", params={"kind": "slogan"}).json()
    assert all(f["kind"] != "slogan" for f in figures["items"])
    assert [s["text"] for s in slogans["items"]] == [s.text for s in article.slogans]
    assert client.get("/figures", params={"kind": "slogan", "unit": "个"}).status_code == 200


def test_a_figure_is_found_by_its_stable_key(client: TestClient) -> None:
    by_id = client.get("/figures/2").json()
    assert client.get(f"/figures/{by_id['key']}").json() == by_id
    assert client.get(f"/articles/4980/figures/{by_id['key']}").json() == by_id
    assert_problem(client.get("/figures/f000000000000"), 404)
