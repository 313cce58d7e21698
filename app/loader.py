"""Reading article files from disk into parsed articles; bad files are skipped, with reasons.

Start-up at scale: each file is hashed, looked up in the parsed snapshot
(:mod:`app.snapshot`), and only the misses are parsed, in parallel across cores
when there are many. Every article is kept as its :class:`~app.snapshot.Digest`
(what listing, statistics and search need) plus its JSON; the full
:class:`~app.models.Article` is decoded on demand, except the primary one.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from app.models import Article
from app.parsing import ArticleParseError, parse_article
from app.snapshot import (
    Digest,
    Entry,
    entry_key,
    entry_of,
    read_snapshot,
    snapshot_path,
    write_snapshot,
)

log = logging.getLogger("app.loader")

# Which files in a data folder are articles: plain-text dumps named *.txt.
# Hidden files (.foo.txt: editor and OS droppings) are not.
ARTICLE_GLOB = "*.txt"
# Parse in worker processes only above this many files to parse: a process pool
# costs ~100 ms to start and a parse ~2 ms (scripts/bench.py), so below this one
# core is as fast.
PARALLEL_MIN_FILES = 64
# Files sent to a worker at a time: large enough to amortise the IPC round trip.
PARSE_CHUNK = 16
# Bytes read at a time once a file turns out larger than its reported size.
READ_CHUNK = 65_536
# What an entry that is not a regular file is, in a skip reason.
NOT_FILES: tuple[tuple[Callable[[int], bool], str], ...] = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISLNK, "a symbolic link"),
)


class DataError(Exception):
    """The data cannot be served at all (no articles, or a skipped file in strict mode)."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file that was not loaded, and why."""

    file: str
    reason: str


class Loaded:
    """A parsed article and the file it came from.

    Holds the article's digest and JSON; ``article`` decodes the JSON on each use
    (~0.5 ms) unless the Article was given (the primary article always is).
    """

    __slots__ = ("_article", "_json", "digest", "file")

    def __init__(
        self,
        file: str,
        article: Article | None = None,
        *,
        entry: Entry | None = None,
    ) -> None:
        if entry is None:
            if article is None:
                raise TypeError("Loaded needs an article or an entry")
            entry = entry_of(article)
        self.file = file
        self.digest: Digest = entry.digest
        self._json = entry.article
        self._article = article

    @property
    def id(self) -> str:
        return self.digest.id

    @property
    def article(self) -> Article:
        if self._article is not None:
            return self._article
        article = Article.model_validate_json(self._json)
        if article.id != self.digest.id:  # renamed as a duplicate (<id>~<stem>)
            article = article.model_copy(update={"id": self.digest.id})
        return article

    def renamed(self, new_id: str) -> Loaded:
        digest = self.digest.model_copy(update={"id": new_id})
        article = self._article.model_copy(update={"id": new_id}) if self._article else None
        return Loaded(self.file, article, entry=Entry(digest=digest, article=self._json))

    def materialised(self) -> Loaded:
        """The same, holding its decoded Article (for the primary article)."""
        return self if self._article else Loaded(self.file, self.article, entry=self._entry())

    def _entry(self) -> Entry:
        return Entry(digest=self.digest, article=self._json)


@dataclass(frozen=True, slots=True)
class Corpus:
    """Everything loaded from the data path; ``articles`` in file-name order
    (the primary one first)."""

    articles: tuple[Loaded, ...]
    skipped: tuple[Skipped, ...]

    @property
    def primary(self) -> Article:
        return self.articles[0].article


class UnreadableFile(Exception):
    """A data entry that is not read as an article file. The message is the reason,
    fit to show a client: it never names a path outside the data folder."""


@dataclass(frozen=True, slots=True)
class Scanned:
    """One entry of the data path: its bytes, or the reason it is not read (never both),
    or neither when the caller's ``unchanged`` test said its signature was known."""

    file: str  # the entry's name, as safe_name shows it
    data: bytes | None = None
    reason: str | None = None
    # The file's stat signature (:func:`signature`), when it was a regular file.
    signature: str | None = None


# Whether a file whose signature (name, signature) is this needs no reading again.
Unchanged = Callable[[str, str], bool]


def signature(info: os.stat_result) -> str:
    """What changes when a file's bytes do: size, modification and change times (ns),
    inode and device (as git's index keeps them)."""
    return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}:{info.st_dev}"


def safe_name(name: str) -> str:
    """A file name fit for JSON, logs and terminals, one to one with the raw name.

    Bytes that are not UTF-8 (``os.listdir`` gives them as lone surrogates) become
    ``\\xNN``, control and other unprintable characters ``\\xNN``/``\\uNNNN``, and a
    backslash is doubled so that no two names look the same.
    """
    if name.isprintable() and "\\" not in name:
        return name
    shown = []
    for char in name:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # surrogateescape: the raw byte code - 0xDC00
            shown.append(f"\\x{code - 0xDC00:02x}")
        elif char == "\\":
            shown.append("\\\\")
        elif not char.isprintable():
            shown.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            shown.append(char)
    return "".join(shown)


def scan(path: Path, max_bytes: int, unchanged: Unchanged | None = None) -> Iterator[Scanned]:
    """Every entry at ``path`` that claims to be an article, in name order, each with
    its bytes or the reason it is not read; nothing is left out silently.

    ``path`` is one file (the operator named it: read it if it is a regular file) or a
    folder, whose ``*.txt`` entries that are not hidden are scanned: a symbolic link is
    followed only when it resolves inside the folder; directories, FIFOs, devices,
    sockets, dangling links and link loops are reported, never opened; no read goes
    past ``max_bytes`` whatever size the file system reports. Raises DataError when
    ``path`` itself cannot be listed.

    ``unchanged(name, signature)`` may spare the read of a regular file: when it says
    so, the entry comes with its signature and neither bytes nor reason (every check
    above still runs; only the read is saved).
    """
    if not path.is_dir():
        if not path.exists() and not path.is_symlink():
            raise DataError(f"data path {path} does not exist: point ARTICLE_DATA or --data at it")
        yield _scanned(safe_name(path.name), _read, path, max_bytes, True, None)
        return
    try:
        folder = path.resolve(strict=True)
        names = [n for n in os.listdir(folder) if n.endswith(".txt") and not n.startswith(".")]
    except (OSError, RuntimeError) as exc:
        raise DataError(f"cannot list the data folder {path}: {_os_reason(exc)}") from None
    for shown, raw in sorted((safe_name(raw), raw) for raw in names):
        skip = None if unchanged is None else partial(unchanged, shown)
        yield _scanned(shown, _read_entry, folder, raw, max_bytes, skip)


def _scanned(shown: str, read: Callable[..., tuple[bytes | None, str]], *args: Any) -> Scanned:
    try:
        data, sig = read(*args)
    except UnreadableFile as exc:
        return Scanned(shown, reason=str(exc))
    return Scanned(shown, data=data, signature=sig)


def _read_entry(
    folder: Path, raw: str, max_bytes: int, skip: Callable[[str], bool] | None
) -> tuple[bytes | None, str]:
    """The bytes of the folder's entry ``raw`` (None: ``skip`` spared the read) and its
    signature; a link must resolve inside ``folder``."""
    entry = folder / raw
    try:
        is_link = stat.S_ISLNK(entry.lstat().st_mode)
    except OSError as exc:
        raise UnreadableFile(_os_reason(exc)) from None
    if not is_link:
        return _read(entry, max_bytes, False, skip)
    try:
        target = entry.resolve(strict=True)
    except FileNotFoundError:
        raise UnreadableFile("a symbolic link whose target does not exist") from None
    except RuntimeError:  # Python < 3.13 reports a loop so
        raise UnreadableFile("a symbolic link loop") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnreadableFile("a symbolic link loop") from None
        raise UnreadableFile(_os_reason(exc)) from None
    if not target.is_relative_to(folder):
        raise UnreadableFile("a symbolic link to outside the data folder: not followed")
    return _read(target, max_bytes, False, skip)


def read_file(path: Path, max_bytes: int, *, follow: bool = True) -> bytes:
    """The bytes of the regular file at ``path``, never more than ``max_bytes`` read.

    Anything else (directory, FIFO, device, socket) is refused before it is opened,
    since opening one can block or have effects, and again after (it may have been
    swapped meanwhile). ``follow=False`` refuses a symbolic link. Raises UnreadableFile.
    """
    data, _ = _read(path, max_bytes, follow, None)
    assert data is not None
    return data


def _read(
    path: Path, max_bytes: int, follow: bool, skip: Callable[[str], bool] | None
) -> tuple[bytes | None, str]:
    """:func:`read_file`, and the file's signature; not read when ``skip(signature)``."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
    try:
        info = os.stat(path, follow_symlinks=follow)
        _check_regular(info.st_mode)
        # Over the limit (which may have been lowered since): read, and refused, below.
        if skip is not None and info.st_size <= max_bytes and skip(signature(info)):
            return None, signature(info)
        fd = os.open(path, flags)
    except OSError as exc:
        raise UnreadableFile(_os_reason(exc)) from None
    try:
        info = os.fstat(fd)
        _check_regular(info.st_mode)
        if info.st_size > max_bytes:
            raise UnreadableFile(
                f"file is {info.st_size} bytes, over the {max_bytes}-byte limit"
                " (ARTICLE_MAX_FILE_BYTES)"
            )
        # The reported size is a hint, not a bound (/proc files report 0): read until
        # the end or until one byte past the limit.
        chunks = []
        total = 0
        want = min(info.st_size, max_bytes) + 1
        while chunk := os.read(fd, want):
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise UnreadableFile(
                    f"file is more than {max_bytes} bytes (read, whatever its reported size),"
                    " over the limit (ARTICLE_MAX_FILE_BYTES)"
                )
            want = min(READ_CHUNK, max_bytes + 1 - total)
        return b"".join(chunks), signature(info)
    except OSError as exc:
        raise UnreadableFile(_os_reason(exc)) from None
    finally:
        os.close(fd)


def _check_regular(mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in NOT_FILES if test(mode)), "not a regular file")
        raise UnreadableFile(f"{kind}: only regular files are read")


def _os_reason(exc: OSError | RuntimeError) -> str:
    """An OS error without the path it carries (str(exc) names the full path)."""
    if isinstance(exc, OSError) and exc.errno == errno.ELOOP:
        return "a symbolic link where none is followed, or a link loop"
    strerror = exc.strerror if isinstance(exc, OSError) else None
    return f"cannot be read: {strerror or type(exc).__name__}"


def load_file(path: Path, max_bytes: int) -> Article:
    """Read (bounded) and parse one file; raises UnreadableFile or ArticleParseError."""
    return parse_article(read_file(path, max_bytes), fallback_id=safe_name(path.stem))


def _parse_entry(job: tuple[str, bytes]) -> Entry | str:
    """Parse one file's bytes into an Entry, or the reason it cannot be (runs in workers)."""
    name, data = job
    try:
        return entry_of(parse_article(data, fallback_id=Path(name).stem))
    except ArticleParseError as exc:
        return str(exc)


def _parse_all(jobs: list[tuple[str, bytes]], workers: int) -> Iterable[Entry | str]:
    if workers <= 1 or len(jobs) <= PARALLEL_MIN_FILES:
        return [_parse_entry(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_parse_entry, jobs, chunksize=PARSE_CHUNK))


def load_corpus(
    path: Path,
    *,
    max_bytes: int,
    primary: str | None = None,
    strict: bool = False,
    cache_dir: Path | None = None,
    workers: int | None = None,
) -> Corpus:
    """Load every article at ``path``; never lets one bad file stop the others.

    ``cache_dir`` enables the parsed snapshot; ``workers`` caps the parse
    processes (default: one per core).
    """
    snap_file = snapshot_path(cache_dir, path) if cache_dir else None
    cached = read_snapshot(snap_file) if snap_file else {}
    names: list[str] = []  # every scanned entry, in name order
    found: dict[str, Entry | str] = {}  # file name -> entry, or why it was skipped
    keys: dict[str, str] = {}
    jobs: list[tuple[str, bytes]] = []
    for entry in scan(path, max_bytes):
        names.append(entry.file)
        if entry.data is None:
            found[entry.file] = entry.reason or "not read"
            continue
        key = keys[entry.file] = entry_key(entry.file, entry.data)
        if key in cached:
            found[entry.file] = cached[key]
        else:
            jobs.append((entry.file, entry.data))
    from_snapshot = len(keys) - len(jobs)
    parsed = _parse_all(jobs, workers or os.cpu_count() or 1)
    found.update(zip((name for name, _ in jobs), parsed, strict=True))
    log.info(
        "%d file(s) from the snapshot, %d parsed, %d not read",
        from_snapshot,
        len(jobs),
        len(names) - len(keys),
    )

    loaded: list[Loaded] = []
    skipped: list[Skipped] = []
    for name in names:
        result = found[name]
        if isinstance(result, str):
            log.warning("skipped %s: %s", name, result)
            skipped.append(Skipped(file=name, reason=result))
        else:
            loaded.append(Loaded(name, entry=result))
    if snap_file and (jobs or len(cached) != len(loaded)):
        write_snapshot(snap_file, {keys[item.file]: item._entry() for item in loaded})
    if strict and skipped:
        reasons = "; ".join(f"{s.file}: {s.reason}" for s in skipped)
        raise DataError(f"{len(skipped)} file(s) skipped in strict mode: {reasons}")
    if not loaded:
        raise DataError(
            f"no article could be loaded from {path} ({len(skipped)} skipped): nothing to serve"
        )
    loaded = _unique_ids(loaded)
    if primary is not None:
        first = [item for item in loaded if item.file == primary]
        if not first:
            raise DataError(f"primary article file {primary!r} is not among the loaded files")
        loaded = first + [item for item in loaded if item.file != primary]
    loaded[0] = loaded[0].materialised()
    return Corpus(articles=tuple(loaded), skipped=tuple(skipped))


def _unique_ids(loaded: list[Loaded]) -> list[Loaded]:
    """Two files with one article id both stay (see :func:`unique_ids`)."""
    ids = unique_ids([(item.file, item.id) for item in loaded])
    return [
        item if item.id == new else item.renamed(new) for item, new in zip(loaded, ids, strict=True)
    ]


def qualified_id(base: str, file: str) -> str:
    """The id of an article whose id another file holds: ``<id>~<file's stem>``."""
    return f"{base}~{Path(file).stem}"


def unique_ids(files: list[tuple[str, str]]) -> list[str]:
    """The served id of each article, given ``(file, id it carries)`` in file-name order.

    An article is served under the id it carries (the CMS id, else its file's stem).
    When several files carry one id, the first by file name keeps it and each other
    is served as ``<id>~<its file's stem>``: a function of its own file, whatever
    else the folder holds (never a number that counts the others). File names are
    unique in a folder, so these ids are too, but for a contrived folder where a
    qualified id is also another file's own id: that one gets ``-2``, ``-3``.
    """
    first: dict[str, str] = {}
    for file, base in files:
        first.setdefault(base, file)
    taken = set(first)
    result = []
    for file, base in files:
        if first[base] == file:
            result.append(base)
            continue
        new_id = candidate = qualified_id(base, file)
        n = 1
        while new_id in taken:
            n += 1
            new_id = f"{candidate}-{n}"
        taken.add(new_id)
        result.append(new_id)
    return result
