"""Adversarial run: start the real server on loopback and attack it, bounded in count and time.

    .venv/bin/python scripts/attack.py [--quick] [--only NAME ...]

Starts `article-api serve` on 127.0.0.1 (never another address) over a hostile data
folder made for the run, with small limits so each attack ends in seconds, and runs
every attack of issue 12 against it: hostile headers (huge, many, a variety of huge
Accept-Encoding values), pipelining clients that never read, silent and slow
connections beyond the connection cap, busy connections beyond it, the hostile data
folder, and HTTP oddities. For each it prints what the server answered, its RSS
before and after, and the p99 of GET /health (a fresh connection every 20 ms, as a
health checker does) during the attack. Exit status 1 when any check fails, when the
server logs a traceback, or when RSS or /health p99 leave their bounds (RSS within
1.5x idle during and after, p99 <= 100 ms). `--quick` uses smaller counts (the test
suite runs it: tests/test_attack.py). ATTACK_OLD_SERVER=1 leaves out the limits'
settings, to attack a build from before them (run from its checkout with PYTHONPATH).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "000_bd4049ec00aa3a8d.txt"
HOST = "127.0.0.1"  # loopback only: this script attacks nothing else
MAX_FILE_BYTES = 200_000
RSS_FACTOR = 1.5
P99_LIMIT_MS = 100.0


@dataclass
class Limits:
    """The server's settings for the run and the attack sizes (full or --quick)."""

    connections: int = 200
    request_timeout: float = 2.0
    header_bytes: int = 8192
    pipeliners: int = 200
    pipeline_bytes: int = 660_000
    encodings: int = 300
    slow: int = 100
    huge_header_bytes: int = 100_000_000


QUICK = Limits(pipeliners=50, pipeline_bytes=200_000, encodings=100, slow=30)


@dataclass
class Outcome:
    answer: str
    ok: bool
    notes: list[str] = field(default_factory=list)


@dataclass
class Server:
    """A running `article-api serve` and where its log goes."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path
    data: Path
    limits: Limits

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def connect(self, timeout: float = 5.0, rcvbuf: int | None = None) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        sock.settimeout(timeout)
        try:
            sock.connect((HOST, self.port))
        except OSError:
            sock.close()
            raise
        return sock


# ---- HTTP on raw sockets ----


def read_response(sock: socket.socket, limit: int = 1_000_000) -> tuple[int, dict[str, str], bytes]:
    """One response: status, headers (lower-case names; repeated ones joined), body."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
        if len(data) > limit:
            break
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    if not lines[0].startswith("HTTP/"):
        return 0, {}, data
    status = int(lines[0].split()[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        key = name.strip().lower()
        headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, headers, body


def request(server: Server, raw: bytes, timeout: float = 5.0) -> tuple[int, dict[str, str], bytes]:
    with server.connect(timeout) as sock:
        sock.sendall(raw)
        return read_response(sock)


def get(server: Server, target: str, *headers: str) -> tuple[int, dict[str, str], bytes]:
    lines = [f"GET {target} HTTP/1.1", f"Host: {HOST}", *headers, "Connection: close", "", ""]
    return request(server, "\r\n".join(lines).encode("latin-1"))


def is_problem(status: int, headers: dict[str, str], body: bytes, expected: int) -> bool:
    """The service's one error form: problem+json, its status, the security headers."""
    if status != expected or headers.get("content-type") != "application/problem+json":
        return False
    try:
        document = json.loads(body)
    except ValueError:
        return False
    return (
        document.get("status") == expected
        and headers.get("x-content-type-options") == "nosniff"
        and "content-security-policy" in headers
        and headers.get("cache-control") == "no-store"
        and "server" not in headers
    )


def closed(sock: socket.socket, wait: float) -> bool:
    """Whether the server closed ``sock`` within ``wait`` seconds (data read is dropped)."""
    sock.settimeout(wait)
    deadline = time.monotonic() + wait
    try:
        while time.monotonic() < deadline:
            if not sock.recv(65536):
                return True
    except TimeoutError:
        return False
    except OSError:
        return True
    return False


def is_open(sock: socket.socket) -> bool:
    """Whether the server has not closed ``sock`` (looked at without waiting)."""
    sock.setblocking(False)
    try:
        return sock.recv(1, socket.MSG_PEEK) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False


# ---- the /health prober ----


class Prober:
    """GET /health on a fresh connection every 20 ms, from its own process (so the
    attack's own threads cannot delay it); latencies in ms, failures count 5000."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.process: subprocess.Popen[str] | None = None

    def __enter__(self) -> Prober:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--probe", str(self.server.port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.process is not None
        out, _ = self.process.communicate("", timeout=30)  # EOF on stdin: stop, report
        result = json.loads(out)
        self.latencies = result["latencies"]
        self.statuses = {int(k): v for k, v in result["statuses"].items()}

    def p99(self) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def probe(port: int) -> None:
    """The prober's process: probe until stdin closes (at most 120 s), print JSON."""
    stop = threading.Event()

    def wait_for_eof() -> None:
        sys.stdin.read()
        stop.set()

    threading.Thread(target=wait_for_eof, daemon=True).start()
    server = Server(None, port, Path(), Path(), Limits())  # type: ignore[arg-type]
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.monotonic() + 120
    while not stop.is_set() and time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            status, _, _ = get(server, "/health")
        except OSError:
            status = 0
        elapsed = (time.perf_counter() - started) * 1000
        latencies.append(elapsed if status else 5000.0)
        statuses[status] = statuses.get(status, 0) + 1
        stop.wait(0.02)
    print(json.dumps({"latencies": latencies, "statuses": statuses}))


# ---- the attacks ----


def huge_header(server: Server) -> Outcome:
    """One header streamed up to 100 MB: a 431 must come at once, not after the upload."""
    started = time.perf_counter()
    sent = 0
    with server.connect(timeout=10) as sock:
        sock.sendall(f"GET /health HTTP/1.1\r\nHost: {HOST}\r\nX-Big: ".encode())
        chunk = b"a" * 65536
        try:
            while sent < server.limits.huge_header_bytes:
                sock.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass  # the server answered and closed: the rest cannot be sent
        try:
            status, headers, body = read_response(sock)
        except OSError:
            status, headers, body = 0, {}, b""
    elapsed = time.perf_counter() - started
    ok = is_problem(status, headers, body, 431) and sent < 10_000_000
    return Outcome(f"{status or 'no answer'} after {sent / 1e6:.2f} MB sent, {elapsed:.2f} s", ok)


def many_headers(server: Server) -> Outcome:
    headers = "".join(f"X-H{i}: v\r\n" for i in range(5000))
    raw = f"GET /health HTTP/1.1\r\nHost: {HOST}\r\n{headers}\r\n".encode()
    try:
        status, head, body = request(server, raw)
    except OSError as exc:
        return Outcome(f"error {exc}", False)
    return Outcome(f"{status} for 5,000 headers", is_problem(status, head, body, 431))


def accept_encoding_variety(server: Server) -> Outcome:
    """Many distinct Accept-Encoding values, each just under the head limit."""
    size = server.limits.header_bytes - 200
    statuses: dict[int, int] = {}
    for i in range(server.limits.encodings):
        value = f"gzip;q=0.{i % 10}, " + f"x{i:06d}" * (size // 7)
        status, _, _ = get(server, "/article", f"Accept-Encoding: {value[:size]}")
        statuses[status] = statuses.get(status, 0) + 1
    ok = set(statuses) == {200}
    return Outcome(f"{statuses} for {server.limits.encodings} values of {size} bytes", ok)


def pipelining_non_readers(server: Server) -> Outcome:
    """Clients that pipeline hundreds of KB of requests and never read an answer."""
    one = f"GET /health HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()
    batch = one * (server.limits.pipeline_bytes // len(one))
    socks = []
    for _ in range(server.limits.pipeliners):
        sock = server.connect(timeout=2, rcvbuf=4096)
        sock.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            sock.send(batch)
        socks.append(sock)
    time.sleep(1.0)
    # Each must be closed by the server: at the pipelining limit, or once it stopped reading.
    wait = server.limits.request_timeout + 3
    deadline = time.monotonic() + wait
    closed_count = 0
    for sock in socks:
        sock.setblocking(True)
        if closed(sock, max(0.1, deadline - time.monotonic())):
            closed_count += 1
        sock.close()
    ok = closed_count == len(socks)
    return Outcome(f"{closed_count}/{len(socks)} closed by the server within {wait:.0f} s", ok)


def silent_beyond_cap(server: Server) -> Outcome:
    """More silent sockets than the cap: the oldest idle ones make room for new clients."""
    count = server.limits.connections + 100
    socks = [server.connect(timeout=2) for _ in range(count)]
    time.sleep(0.5)
    status, _, _ = get(server, "/health")
    wait = server.limits.request_timeout + 2
    still_open = sum(1 for sock in socks if is_open(sock))
    time.sleep(wait)
    after = sum(1 for sock in socks if is_open(sock))
    for sock in socks:
        sock.close()
    ok = status == 200 and after == 0 and still_open <= server.limits.connections
    return Outcome(
        f"/health {status} with {count} silent sockets open; {still_open} kept, "
        f"{after} open after {wait:.0f} s",
        ok,
    )


def slow_headers(server: Server) -> Outcome:
    """Slowloris: half a request head, one more header line now and then."""
    socks = []
    for _ in range(server.limits.slow):
        sock = server.connect(timeout=2)
        sock.sendall(f"GET /health HTTP/1.1\r\nHost: {HOST}\r\n".encode())
        socks.append(sock)
    deadline = time.monotonic() + server.limits.request_timeout + 2
    answers: dict[int, int] = {}
    while time.monotonic() < deadline and len(answers) < len(socks):
        time.sleep(0.5)
        for i, sock in enumerate(socks):
            if i in answers:
                continue
            try:
                sock.sendall(b"X-Slow: 1\r\n")
            except OSError:
                answers[i] = 0
    statuses: dict[int, int] = {}
    for sock in socks:
        try:
            sock.settimeout(1)
            status, _, _ = read_response(sock)
        except OSError:
            status = 0
        statuses[status] = statuses.get(status, 0) + 1
        sock.close()
    ok = set(statuses) <= {408, 0} and statuses.get(408, 0) > 0
    return Outcome(f"answers {statuses} (0: closed) to {len(socks)} slow heads", ok)


def busy_beyond_cap(server: Server) -> Outcome:
    """Every connection busy with large answers nobody reads (more than the kernel's
    buffers hold): new ones get a fast 503, and each stalled reader holds about one
    piece of an answer, not all of it. Runs against its own server, capped at BUSY_CAP."""
    one = f"GET /docs-assets/swagger-ui-bundle.js HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()
    socks = []
    for _ in range(server.limits.connections):
        sock = server.connect(timeout=2, rcvbuf=4096)
        # Within the pipelining limit (past it the server would answer one and close):
        # 8 answers of 1.4 MB are more than the kernel's buffers hold.
        sock.sendall(one * 8)
        socks.append(sock)
    time.sleep(0.5)
    timings = []
    statuses: dict[int, int] = {}
    for _ in range(20):
        started = time.perf_counter()
        try:
            status, headers, body = get(server, "/health")
            if status == 503 and not is_problem(status, headers, body, 503):
                status = -503  # a 503 that is not problem+json
        except OSError:
            status = 0
        timings.append((time.perf_counter() - started) * 1000)
        statuses[status] = statuses.get(status, 0) + 1
    for sock in socks:
        sock.close()
    slowest = max(timings)
    ok = statuses.get(503, 0) > 0 and -503 not in statuses and slowest < 1000
    return Outcome(f"{statuses} for 20 new clients, slowest {slowest:.0f} ms", ok)


def hostile_data(server: Server) -> Outcome:
    """The data folder's entries: every one not served is listed with a safe reason."""
    _, _, body = get(server, "/articles/skipped")
    skipped = {item["file"]: item["reason"] for item in json.loads(body)["items"]}
    _, _, health_body = get(server, "/health")
    health = json.loads(health_body)
    expected = set(EXPECTED_SKIPPED)
    # Root reads a mode-0 file (it is served) and can make a device node.
    expected |= {"device.txt"} if os.geteuid() == 0 else {"unreadable.txt"}
    loaded = 4 if os.geteuid() == 0 else 3
    missing = expected - set(skipped)
    leaks = [reason for reason in skipped.values() if str(server.data.parent) in reason]
    ok = not missing and not leaks and set(skipped) == expected
    ok = ok and health["skipped"] == len(skipped) and health["loaded"] == loaded
    notes = [f"{name}: {reason}" for name, reason in sorted(skipped.items())]
    answer = f"loaded {health['loaded']}, skipped {health['skipped']}"
    if missing:
        answer += f"; not reported: {sorted(missing)}"
    return Outcome(answer, ok, notes)


def _oddities() -> list[tuple[str, bytes | str, Callable[[int, dict[str, str], bytes], bool]]]:
    def problem(expected: int) -> Callable[[int, dict[str, str], bytes], bool]:
        return lambda s, h, b: is_problem(s, h, b, expected)

    def unprocessable(s: int, h: dict[str, str], b: bytes) -> bool:
        return is_problem(s, h, b, 422) or is_problem(s, h, b, 404)

    upgrade = (
        f"GET /health HTTP/1.1\r\nHost: {HOST}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
    )
    return [
        ("garbage request line", b"GARBAGE\r\n\r\n", problem(400)),
        ("control byte in the path", b"GET /he\x01alth HTTP/1.1\r\nHost: x\r\n\r\n", problem(400)),
        ("websocket upgrade", upgrade.encode(), lambda s, h, b: s == 200 and "server" not in h),
        (
            "bad Range on a docs asset",
            "/docs-assets/favicon.png|Range: bytes=9999999-",
            problem(416),
        ),
        ("malformed Range", "/docs-assets/favicon.png|Range: bytes=x-y", problem(400)),
        ("TRACE", b"TRACE /health HTTP/1.1\r\nHost: x\r\n\r\n", problem(405)),
        ("/sections/+1", "/sections/+1", unprocessable),
        ("/sections/%201", "/sections/%201", unprocessable),
        ("/sections/1_0", "/sections/1_0", unprocessable),
        ("/figures?min=nan", "/figures?min=nan", problem(422)),
        ("/figures?max=inf", "/figures?max=inf", problem(422)),
        ("date_from=2021-02-30", "/articles?date_from=2021-02-30", problem(422)),
        (
            "/health is live",
            "/health",
            lambda s, h, b: s == 200 and h.get("cache-control") == "no-store" and "etag" not in h,
        ),
        ("no Server header", "/article", lambda s, h, b: s == 200 and "server" not in h),
        # Issue 10's part of the findings (a poisoned Host; OPTIONS on what does not exist).
        (
            "Host: evil.example, Link and next",
            b"GET /articles?limit=1 HTTP/1.1\r\nHost: evil.example\r\n\r\n",
            lambda s, h, b: (
                s == 200 and "link" in h and "evil" not in h["link"] and b"evil" not in b
            ),
        ),
        (
            "Host: evil.example, redirect",
            b"GET /article/ HTTP/1.1\r\nHost: evil.example\r\n\r\n",
            lambda s, h, b: 300 <= s < 400 and h.get("location", "evil").startswith("/"),
        ),
        ("OPTIONS /nope", b"OPTIONS /nope HTTP/1.1\r\nHost: x\r\n\r\n", problem(404)),
        ("OPTIONS *", b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", lambda s, h, b: s != 204),
    ]


def http_oddities(server: Server) -> Outcome:
    failed = []
    notes = []
    for name, what, check in _oddities():
        if isinstance(what, bytes):
            status, headers, body = request(server, what)
        else:
            target, *extra = what.split("|")
            status, headers, body = get(server, target, *extra)
        good = check(status, headers, body)
        notes.append(
            f"{name}: {status} {headers.get('content-type', '')} {'ok' if good else 'FAIL'}"
        )
        if not good:
            failed.append(name)
    answer = "all as expected" if not failed else f"unexpected: {', '.join(failed)}"
    return Outcome(answer, not failed, notes)


ATTACKS: dict[str, Callable[[Server], Outcome]] = {
    "huge header": huge_header,
    "many headers": many_headers,
    "Accept-Encoding variety": accept_encoding_variety,
    "pipelining non-readers": pipelining_non_readers,
    "silent sockets beyond the cap": silent_beyond_cap,
    "slow headers": slow_headers,
    "busy connections beyond the cap": busy_beyond_cap,
    "hostile data folder": hostile_data,
    "HTTP oddities": http_oddities,
}
# Attacks that refuse /health on purpose (every connection is busy): p99 is not judged.
# They run against a server of their own, capped at BUSY_CAP connections.
REFUSES_HEALTH = {"busy connections beyond the cap"}
BUSY_CAP = 20


# ---- the hostile data folder and the server ----

EXPECTED_SKIPPED = {
    "bad\\xfe.txt",  # empty, and a name that is not UTF-8
    "dangling.txt",
    "loop.txt",
    "out_passwd.txt",
    "out_article.txt",
    "out_kallsyms.txt",
    "fifo.txt",
    "folder.txt",
    "oversize.txt",
    "zero.txt",
}


def hostile_folder(root: Path) -> Path:
    """Three good articles (one with a name that is not UTF-8, one linked inside) and
    every entry that must be skipped with a reason."""
    data = root / "data"
    outside = root / "outside"
    data.mkdir()
    outside.mkdir()
    seed = SEED.read_bytes()
    shutil.copy(SEED, data / SEED.name)
    raw = os.fsencode(data)
    Path(os.fsdecode(os.path.join(raw, b"good\xff.txt"))).write_bytes(seed)
    Path(os.fsdecode(os.path.join(raw, b"bad\xfe.txt"))).write_bytes(b"")
    (data / "sub").mkdir()
    (data / "sub" / "inner").write_bytes(seed)
    (data / "linked_in.txt").symlink_to(Path("sub") / "inner")
    (outside / "article.txt").write_bytes(seed)
    (data / "out_article.txt").symlink_to(outside / "article.txt")
    (data / "out_passwd.txt").symlink_to("/etc/passwd")
    (data / "out_kallsyms.txt").symlink_to("/proc/kallsyms")
    (data / "dangling.txt").symlink_to(data / "nothing")
    (data / "loop.txt").symlink_to(data / "loop.txt")
    (data / "zero.txt").symlink_to("/dev/zero")
    os.mkfifo(data / "fifo.txt")
    (data / "folder.txt").mkdir()
    (data / "oversize.txt").write_bytes(seed * (MAX_FILE_BYTES // len(seed) + 1))
    unreadable = data / "unreadable.txt"
    unreadable.write_bytes(seed)
    unreadable.chmod(0)
    if os.geteuid() == 0:
        os.mknod(data / "device.txt", 0o600 | stat.S_IFCHR, os.makedev(1, 5))
    return data


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def running_server(limits: Limits) -> Iterator[Server]:
    root = Path(tempfile.mkdtemp(prefix="article-api-attack-"))
    data = hostile_folder(root)
    log = root / "server.log"
    port = free_port()
    argv = [
        sys.executable, "-m", "app", "serve", "--host", HOST, "--port", str(port),
        "--data", str(data), "--cache-dir", "", "--max-file-bytes", str(MAX_FILE_BYTES),
        "--no-access-log",
    ]  # fmt: skip
    if not os.environ.get("ATTACK_OLD_SERVER"):  # an older build lacks these settings
        argv += [
            "--max-connections", str(limits.connections),
            "--request-timeout", str(limits.request_timeout),
            "--max-header-bytes", str(limits.header_bytes),
        ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    server = Server(process, port, log, data, limits)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited: {server.log_text()[-2000:]}")
            try:
                if get(server, "/health")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer within 30 s")
            time.sleep(0.1)
        time.sleep(1.5)  # the background precomputation
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        (data / "unreadable.txt").chmod(0o600)
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class Row:
    attack: str
    outcome: Outcome
    rss_before: float
    rss_peak: float
    rss_after: float
    p99: float
    health: dict[int, int]
    ok: bool


def run_attack(server: Server, name: str, idle_rss: float) -> Row:
    before = server.rss_mb()
    peak = before
    done = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not done.wait(0.05):
            peak = max(peak, server.rss_mb())

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    with Prober(server) as prober:
        try:
            outcome = ATTACKS[name](server)
        except Exception as exc:  # an attack that breaks is a failed check, not a crash
            outcome = Outcome(f"the attack failed: {exc!r}", False)
    done.set()
    watcher.join()
    time.sleep(0.3)
    after = server.rss_mb()
    p99 = prober.p99()
    bounded = peak <= idle_rss * RSS_FACTOR and after <= idle_rss * RSS_FACTOR
    fast = name in REFUSES_HEALTH or p99 <= P99_LIMIT_MS
    ok = outcome.ok and bounded and fast
    return Row(name, outcome, before, peak, after, p99, dict(prober.statuses), ok)


def run(limits: Limits, only: list[str] | None = None) -> tuple[list[Row], list[str]]:
    """Every attack (or ``only`` those) against one server; the rows and log problems."""
    names = only or list(ATTACKS)
    rows = []
    log_text = ""
    shared = [name for name in names if name not in REFUSES_HEALTH]
    if shared:
        with running_server(limits) as server:
            idle = server.rss_mb()
            for name in shared:
                rows.append(run_attack(server, name, idle))
            log_text += server.log_text()
    for name in names:
        if name in REFUSES_HEALTH:
            with running_server(dataclasses.replace(limits, connections=BUSY_CAP)) as server:
                rows.append(run_attack(server, name, server.rss_mb()))
                log_text += server.log_text()
    problems = [
        line
        for line in log_text.splitlines()
        if "Traceback" in line or "Exception in ASGI application" in line
    ]
    return rows, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller counts (the test suite)")
    parser.add_argument("--only", nargs="*", choices=list(ATTACKS), help="run only these")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each check")
    parser.add_argument("--probe", type=int, help=argparse.SUPPRESS)  # the prober's process
    args = parser.parse_args(argv)
    if args.probe:
        probe(args.probe)
        return 0
    limits = QUICK if args.quick else Limits()
    rows, problems = run(limits, args.only)
    print(
        "| attack | answer | RSS before / peak / after MB | /health p99 ms (statuses) | ok |\n"
        "| --- | --- | ---: | ---: | --- |"
    )
    for row in rows:
        health = ", ".join(f"{k}: {v}" for k, v in sorted(row.health.items()))
        print(
            f"| {row.attack} | {row.outcome.answer} | {row.rss_before:.0f} / {row.rss_peak:.0f}"
            f" / {row.rss_after:.0f} | {row.p99:.1f} ({health}) | {'yes' if row.ok else 'NO'} |"
        )
        if args.verbose or not row.ok:
            for note in row.outcome.notes:
                print(f"    {note}")
    if problems:
        print("the server logged tracebacks:")
        for line in problems[:20]:
            print(f"    {line}")
    failed = [row.attack for row in rows if not row.ok]
    print(f"attacks: {len(rows) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed or problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
