"""Ingest: a folder into a store, as the loader reads it; incremental; atomic for readers."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.catalog import Catalog
from app.loader import PARALLEL_MIN_FILES, load_corpus, unique_ids
from app.store import Engine, Filters
from app.store import ingest as ingest_module
from app.store.base import FileState
from app.store.ingest import ingest
from tests.conftest import DATA, SAMPLES
from tests.store.conftest import EngineFactory

MAX = 2_000_000
NO_ID_SAMPLE = SAMPLES / "no_metadata_no_headings.txt"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The seed, every sample, a duplicate id and two bad files."""
    path = tmp_path / "data"
    path.mkdir()
    for file in [*DATA.glob("*.txt"), *SAMPLES.glob("*.txt")]:
        shutil.copy(file, path / file.name)
    shutil.copy(DATA / "000_bd4049ec00aa3a8d.txt", path / "zz_copy.txt")
    (path / "empty.txt").write_bytes(b"")
    (path / "big.txt").write_bytes(b"x" * (MAX + 1))
    return path


def test_store_answers_what_the_loader_loads(folder: Path, new_store: EngineFactory) -> None:
    """Same articles, ids (duplicates renamed), order, counts, skip reasons and search."""
    store = new_store()
    report = ingest(folder, store, max_bytes=MAX)
    catalog = Catalog(load_corpus(folder, max_bytes=MAX))
    assert report.loaded == len(catalog.ordered)
    assert report.skipped == {s.file: s.reason for s in catalog.corpus.skipped}
    items, total = store.page(Filters(), 0, 100)
    assert total == len(catalog.ordered)
    assert [i.id for i in items] == [a.id for a in catalog.ordered]
    assert "4980~zz_copy" in [i.id for i in items]
    assert (
        report.renamed
        == {  # the collisions, reported by the ingest that served them
            name: f"served as 4980~{name[:-4]}: its id 4980 is also carried by"
            " 000_bd4049ec00aa3a8d.txt, which comes first by name"
            for name in ("top_block_glued_subtitle.txt", "zz_copy.txt")
        }
    )
    for item in catalog.ordered:
        stored = store.article(item.id)
        assert stored is not None
        assert stored.file == item.file
        assert stored.json.decode() == item.article.model_dump_json()
    counts = store.corpus_counts()
    assert (counts.articles, counts.paragraphs, counts.characters) == (
        catalog.counts.articles,
        catalog.counts.paragraphs,
        catalog.counts.characters,
    )
    assert counts.figures_by_kind == catalog.counts.figures_by_kind
    assert counts.per_month == catalog.counts.per_month
    for query in ("党史", "党", "学习教育", "的", "2021", "不存在的词"):
        hits, _ = catalog.search.search(query, limit=1000)
        found, found_total = store.search(query, 0, 1000)
        assert found == hits
        assert found_total == len(hits)
    assert store.counts() == (len(catalog.ordered), len(catalog.corpus.skipped))
    primary = store.primary()
    assert primary is not None
    assert primary.file == catalog.corpus.articles[0].file


def test_filters_match_the_catalog(folder: Path, new_store: EngineFactory) -> None:
    store = new_store()
    ingest(folder, store, max_bytes=MAX)
    catalog = Catalog(load_corpus(folder, max_bytes=MAX))
    authors = {a for item in catalog.ordered for a in item.digest.authors}
    sources = {item.digest.source for item in catalog.ordered if item.digest.source}
    cases = [
        Filters(date_from="2021-06-04"),
        Filters(date_to="2021-06-04"),
        Filters(date_from="2021-01-01", date_to="2021-12-31"),
        *(Filters(author=a) for a in sorted(authors)),
        *(Filters(source=s) for s in sorted(sources)),
        Filters(author="nobody"),
    ]
    for filters in cases:
        expected = [
            a.id
            for a in catalog.select(
                date_from=filters.date_from,
                date_to=filters.date_to,
                author=filters.author,
                source=filters.source,
            )
        ]
        items, total = store.page(filters, 0, 100)
        assert [i.id for i in items] == expected, filters
        assert total == len(expected)
        assert [i.id for i in store.page(filters, 1, 2)[0]] == expected[1:3]


def test_reingest_is_incremental(folder: Path, new_store: EngineFactory) -> None:
    store = new_store()
    first = ingest(folder, store, max_bytes=MAX)
    generation = store.generation()
    again = ingest(folder, store, max_bytes=MAX)
    assert again.parsed == 0
    assert again.unchanged == again.files
    assert store.generation() == generation, "nothing changed: servers keep their caches"

    os.utime(folder / "top_block_numbered.txt", (1, 1))  # touched, same bytes: not parsed
    seed = (DATA / "000_bd4049ec00aa3a8d.txt").read_text(encoding="utf-8")
    (folder / "zz_copy.txt").write_text(seed.replace("党史", "蓝史"), "utf-8")
    (folder / "empty.txt").unlink()
    (folder / "gbk_crlf_date_header.txt").unlink()
    third = ingest(folder, store, max_bytes=MAX)
    assert third.parsed == 1
    assert third.removed == 2
    assert third.loaded == first.loaded - 1
    assert "empty.txt" not in third.skipped
    assert store.generation() > generation
    hits, total = store.search("蓝史", 0, 100)
    assert total > 0
    assert {h.article_id for h in hits} == {"4980~zz_copy"}  # its own stem, whatever else
    changed = store.article("4980~zz_copy")
    assert changed is not None
    assert changed.file == "zz_copy.txt"
    assert "蓝史" in changed.json.decode()
    assert [s.file for s in store.skipped()] == ["big.txt"]


def test_changes_of_a_run_that_failed_are_settled_by_the_next(
    folder: Path, new_store: EngineFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that dies before ``finish`` (Ctrl-C, a lost connection) has committed its
    batches: the next run finds every file unchanged, and still counts the corpus
    and moves the generation, so that servers reload."""
    store = new_store()
    ingest(folder, store, max_bytes=MAX)
    generation = store.generation()
    (folder / "zz_copy.txt").unlink()  # removed
    seed = (DATA / "000_bd4049ec00aa3a8d.txt").read_text(encoding="utf-8")
    for cms_id in ("7001", "7002"):  # added, ids of their own (no id is settled)
        (folder / f"new_{cms_id}.txt").write_text(_dump_with_id(seed, cms_id), "utf-8")
    engine = type(store)
    finish = engine.finish

    def dies(self: Engine, changed: bool) -> None:
        self.flush()
        raise KeyboardInterrupt

    monkeypatch.setattr(engine, "finish", dies)
    with pytest.raises(KeyboardInterrupt):
        ingest(folder, store, max_bytes=MAX)
    monkeypatch.setattr(engine, "finish", finish)
    listed = store.listing(Filters(), 1000)
    assert store.corpus_counts().articles != len(listed.items), "the failed run left them stale"

    report = ingest(folder, store, max_bytes=MAX)
    assert report.parsed == report.removed == 0
    assert store.corpus_counts().articles == len(listed.items) == report.loaded
    assert store.counts()[0] == len(listed.items)
    assert store.generation() > generation
    settled = store.generation()
    ingest(folder, store, max_bytes=MAX)
    assert store.generation() == settled, "settled once: the run after changes nothing"


def test_a_removed_duplicate_gives_its_id_back(folder: Path, new_store: EngineFactory) -> None:
    store = new_store()
    ingest(folder, store, max_bytes=MAX)
    (folder / "000_bd4049ec00aa3a8d.txt").unlink()
    ingest(folder, store, max_bytes=MAX)
    first = store.article("4980")
    assert first is not None
    assert first.file == "top_block_glued_subtitle.txt"  # was 4980~top_block_glued_subtitle
    assert '"id":"4980"' in first.json.decode()
    kept = store.article("4980~zz_copy")
    assert kept is not None
    assert kept.file == "zz_copy.txt"  # the other duplicate keeps its id
    assert store.article("4980~top_block_glued_subtitle") is None


@pytest.mark.parametrize("batch", [512, 65])
def test_parallel_ingest_equals_serial(
    tmp_path: Path, new_store: EngineFactory, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    """One batch, or several parsed ahead (65 files: each goes to the worker pool) while
    the ones before are written: the same store as a serial ingest."""
    from scripts.gen_corpus import generate

    generate(200, tmp_path / "many")
    serial, parallel = new_store(), new_store()
    ingest(tmp_path / "many", serial, max_bytes=MAX, workers=1)
    monkeypatch.setattr(ingest_module, "BATCH", batch)
    monkeypatch.setattr(ingest_module, "AHEAD", 2)
    report = ingest(tmp_path / "many", parallel, max_bytes=MAX, workers=2)
    assert report.parsed == 200
    assert serial.page(Filters(), 0, 400) == parallel.page(Filters(), 0, 400)
    assert serial.search("党史", 0, 1000) == parallel.search("党史", 0, 1000)


def test_parse_workers_yield_to_the_writer(tmp_path: Path) -> None:
    """The parse workers run niced (WORKER_NICE), so the one writer never waits for a core."""
    from scripts.gen_corpus import generate

    generate(PARALLEL_MIN_FILES + 1, tmp_path / "many")
    jobs = [
        (path.name, FileState(path.name, "p"), path.read_bytes())
        for path in sorted((tmp_path / "many").iterdir())
    ]
    run = ingest_module._Runner(2)
    try:
        assert run.submit(jobs) == []  # parsing, in the pool
        assert run.pool is not None
        own = os.nice(0)
        assert run.pool.submit(os.nice, 0).result() == min(19, own + ingest_module.WORKER_NICE)
        assert len(run.submit([])) == len(jobs)
    finally:
        run.close()


def test_readers_never_see_half_an_article(tmp_path: Path, new_store: EngineFactory) -> None:
    """While ingest rewrites an article again and again, a reader finds each version's
    marker in all of that version's paragraphs, or in none, and never an error."""
    seed = (DATA / "000_bd4049ec00aa3a8d.txt").read_text(encoding="utf-8")
    folder = tmp_path / "data"
    folder.mkdir()
    marked = {m: seed.replace("党史", m) for m in ("甲子", "乙丑")}
    paragraphs = seed.count("党史")  # upper bound on paragraphs holding a marker
    store = new_store()
    (folder / "a.txt").write_text(marked["甲子"], "utf-8")
    ingest(folder, store, max_bytes=MAX)
    full = store.search("甲子", 0, 100)[1]
    assert 1 < full <= paragraphs
    errors: list[BaseException] = []
    seen: set[tuple[str, int]] = set()
    stop = threading.Event()

    def read() -> None:
        try:
            while not stop.is_set():
                for marker in marked:
                    seen.add((marker, store.search(marker, 0, 100)[1]))
        except BaseException as exc:
            errors.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for round_ in range(12):
            text = marked["乙丑" if round_ % 2 == 0 else "甲子"]
            (folder / "a.txt").write_text(text, "utf-8")
            ingest(folder, store, max_bytes=MAX)
    finally:
        stop.set()
        reader.join()
    assert not errors
    assert seen == {(m, n) for m in marked for n in (0, full)}


def test_a_store_of_an_older_format_is_rebuilt(tmp_path: Path) -> None:
    import sqlite3

    from app.store import open_store
    from app.store.sqlite import FORMAT

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('format', '0')")
    store = open_store(path)
    assert store.generation() == 0
    store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone() == (FORMAT,)


# ---- ids: a function of the file (issue 10) ----

ID_NAMES = ("a.txt", "b.txt", "c.txt", "d.txt", "5123.txt")
ID_CHOICES = ("4980", "5123", "7777", None)  # None: no metadata, the id is the file's stem
id_steps = st.lists(
    st.tuples(st.sampled_from(ID_NAMES), st.sampled_from(ID_CHOICES) | st.just("remove")),
    min_size=1,
    max_size=10,
)


def _dump_with_id(seed: str, cms_id: str | None) -> str:
    if cms_id is None:
        return NO_ID_SAMPLE.read_text("utf-8")
    return seed.replace("4980", cms_id)  # content_4980.html in the metadata block


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=id_steps)
def test_ids_follow_the_rule_after_every_incremental_ingest(
    tmp_path_factory: pytest.TempPathFactory,
    new_store: EngineFactory,
    steps: list[tuple[str, str | None]],
) -> None:
    """Whatever was added, changed and removed before, the store serves each file under
    ``unique_ids`` of the folder as it is now (the CMS id, or ``<id>~<stem>`` when a file
    earlier by name holds it), exactly as an ingest from scratch does."""
    seed = (DATA / "000_bd4049ec00aa3a8d.txt").read_text("utf-8")
    folder = tmp_path_factory.mktemp("ids")
    store = new_store()
    carried: dict[str, str] = {}  # file -> the id its text carries
    for name, choice in steps:
        if choice == "remove":
            (folder / name).unlink(missing_ok=True)
            carried.pop(name, None)
        else:
            (folder / name).write_text(_dump_with_id(seed, choice), "utf-8")
            carried[name] = choice or Path(name).stem
        ingest(folder, store, max_bytes=MAX, workers=1)
        files = sorted(carried)
        wanted = dict(zip(files, unique_ids([(f, carried[f]) for f in files]), strict=True))
        served = {}
        for item in store.page(Filters(), 0, 100)[0]:
            stored = store.article(item.id)
            assert stored is not None
            assert f'"id":"{item.id}"' in stored.json.decode()
            served[stored.file] = item.id
        assert served == wanted
    scratch = new_store()
    ingest(folder, scratch, max_bytes=MAX, workers=1)
    assert store.page(Filters(), 0, 100) == scratch.page(Filters(), 0, 100)


def test_unique_ids_depend_only_on_the_file_and_its_id_group() -> None:
    files = [("a.txt", "1"), ("b.txt", "1"), ("c.txt", "2"), ("d.txt", "1")]
    assert unique_ids(files) == ["1", "1~b", "2", "1~d"]
    # Adding or removing files of other ids, or later files of the same id, moves nothing.
    assert unique_ids([("b.txt", "1"), ("d.txt", "1")]) == ["1", "1~d"]
    assert unique_ids([*files, ("e.txt", "1"), ("f.txt", "3")])[:4] == ["1", "1~b", "2", "1~d"]
    # A qualified id that is also another file's own id is numbered (a contrived folder).
    assert unique_ids([("a.txt", "1"), ("b.txt", "1"), ("c.txt", "1~b")]) == ["1", "1~b-2", "1~b"]


def test_an_unchanged_reingest_settles_ids_of_an_older_rule(folder: Path, tmp_path: Path) -> None:
    """A store written when a second file became ``<id>-2`` is settled by the next run."""
    import sqlite3

    from app.store import open_store

    path = tmp_path / "old.db"
    store = open_store(str(path))
    ingest(folder, store, max_bytes=MAX)
    with sqlite3.connect(path) as db:  # the ids the order-counting rule gave
        db.execute("UPDATE articles SET id = '4980-3' WHERE file = 'zz_copy.txt'")
    generation = store.generation()
    report = ingest(folder, store, max_bytes=MAX)
    assert (report.parsed, report.removed) == (0, 0)
    assert store.article("4980-3") is None
    settled = store.article("4980~zz_copy")
    assert settled is not None
    assert '"id":"4980~zz_copy"' in settled.json.decode()
    assert store.generation() == generation + 1
    store.close()


# ---- a re-ingest spares the reads of files whose stat signature is unchanged ----


def _count_hashes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    import app.store.ingest as module

    calls = [0]
    real = module._sha256

    def counting(data: bytes) -> str:
        calls[0] += 1
        return real(data)

    monkeypatch.setattr(module, "_sha256", counting)
    return calls


def test_an_unchanged_signature_spares_the_read(
    folder: Path, new_store: EngineFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.store.ingest as module

    monkeypatch.setattr(module, "TRUST_AFTER_NS", 0)  # the files were written just now
    store = new_store()
    first = ingest(folder, store, max_bytes=MAX)
    generation = store.generation()
    hashes = _count_hashes(monkeypatch)
    again = ingest(folder, store, max_bytes=MAX)
    assert (again.parsed, again.unchanged) == (0, first.files)
    assert hashes[0] == 1  # only big.txt, known by its reason (over the limit: never read)
    assert store.generation() == generation

    # The same bytes written again: a new signature, so read and hashed, not parsed,
    # and the new signature recorded for the next run.
    seed = folder / "000_bd4049ec00aa3a8d.txt"
    seed.write_bytes(seed.read_bytes())
    touched = ingest(folder, store, max_bytes=MAX)
    assert (touched.parsed, hashes[0]) == (0, 3)
    ingest(folder, store, max_bytes=MAX)
    assert hashes[0] == 4
    assert store.generation() == generation

    # Other bytes of the same size under the old modification time: the change time
    # (which no one can set back) still tells.
    info = seed.stat()
    text = seed.read_text("utf-8")
    seed.write_text(text.replace("党史", "蓝史", 1), "utf-8")
    os.utime(seed, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert seed.stat().st_size == info.st_size
    changed = ingest(folder, store, max_bytes=MAX)
    assert changed.parsed == 1
    assert store.generation() == generation + 1


def test_a_fresh_file_signature_is_not_trusted(folder: Path, new_store: EngineFactory) -> None:
    """Written within the last 2 s, a file could change again without its signature
    changing (timestamp granularity): it is hashed on every run until it settles."""
    store = new_store()
    ingest(folder, store, max_bytes=MAX)
    assert {state.stat for state in store.files().values()} == {None}


def test_a_lowered_size_limit_still_refuses_a_spared_file(
    folder: Path, new_store: EngineFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A signature spares the read, never the size limit (start-up without a store
    would refuse the file: so does a re-ingest)."""
    import app.store.ingest as module

    monkeypatch.setattr(module, "TRUST_AFTER_NS", 0)
    store = new_store()
    ingest(folder, store, max_bytes=MAX)
    seed = folder / "000_bd4049ec00aa3a8d.txt"
    lower = seed.stat().st_size - 1
    report = ingest(folder, store, max_bytes=lower)
    assert "over the" in report.skipped[seed.name]
    assert "ARTICLE_MAX_FILE_BYTES" in report.skipped[seed.name]


def test_an_unchanged_reingest_adds_the_day_counts_an_older_store_lacks(
    folder: Path, tmp_path: Path
) -> None:
    import dataclasses
    import sqlite3

    from app.store import open_store
    from app.store.rows import counts_json

    path = tmp_path / "older.db"
    store = open_store(str(path))
    ingest(folder, store, max_bytes=MAX)
    counts = store.corpus_counts()
    assert counts.per_day
    older = dataclasses.replace(counts, per_day=None)  # as a store of yesterday holds them
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'counts'", (counts_json(older),))
    assert store.corpus_counts().per_day is None
    ingest(folder, store, max_bytes=MAX)
    assert store.corpus_counts() == counts
    store.close()
