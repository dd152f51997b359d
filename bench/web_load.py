"""The web app under load: concurrent clients against ``wiretrace serve`` on 127.0.0.1.

Starts the real server (``wiretrace serve``, uvicorn) on a free loopback port over a store of
100k synthetic articles (built by ``web_speed.build`` unless --db names an existing one), then
runs N asyncio clients (httpx, one connection each) for a fixed time. Each client loops over a
mix of pages a reader opens: the story list, story pages, article pages, search, the JSON API.
Prints requests/s, p50/p95/p99 latency per page kind and overall, and the error count (any
status other than 200, or a transport error). Loopback only: the script never binds elsewhere.

Usage: python bench/web_load.py [--clients 50] [--seconds 60] [--db /tmp/web_load.duckdb]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def sample_urls(db: Path, rng: random.Random) -> dict[str, list[str]]:
    """URLs of each page kind, drawn from the store."""
    from wiretrace.store import Store

    with Store(db, read_only=True) as store:
        sql = store.connection.execute
        stories = [r[0] for r in sql("SELECT story_id FROM stories USING SAMPLE 300 ROWS").fetchall()]
        articles = [r[0] for r in sql("SELECT article_id FROM articles USING SAMPLE 300 ROWS").fetchall()]
        speakers = [
            r[0]
            for r in sql(
                "SELECT speaker_canonical FROM claims WHERE speaker_canonical IS NOT NULL"
                " USING SAMPLE 100 ROWS"
            ).fetchall()
        ]
    words = ["port", "ministry", "council", "storm", "election", "prices", "court", "border"]
    return {
        "index": ["/", "/?page=2"],
        "story": [f"/stories/{s}" for s in stories],
        "article": [f"/articles/{a}" for a in articles],
        "search": [f"/search?q={w}" for w in words],
        "speaker": [f"/speakers/{s}" for s in speakers] or ["/"],
        "api_stories": ["/api/stories", *(f"/api/stories?q={w}" for w in words[:4])],
        "api_story": [f"/api/stories/{s}" for s in stories],
    }


# share of requests per page kind: readers mostly open stories and articles
MIX = {
    "index": 10,
    "story": 30,
    "article": 25,
    "search": 10,
    "speaker": 5,
    "api_stories": 10,
    "api_story": 10,
}


async def client(
    base: str, urls: dict[str, list[str]], stop: float, seed: int, results: list[tuple[str, float, bool]]
) -> None:
    """One user: one connection, requests back to back until ``stop``."""
    rng = random.Random(seed)
    kinds = list(MIX)
    weights = [MIX[k] for k in kinds]
    async with httpx.AsyncClient(base_url=base, timeout=30.0, limits=httpx.Limits(max_connections=1)) as http:
        while time.perf_counter() < stop:
            kind = rng.choices(kinds, weights)[0]
            url = rng.choice(urls[kind])
            start = time.perf_counter()
            try:
                response = await http.get(url)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            results.append((kind, time.perf_counter() - start, ok))


async def load(
    base: str, urls: dict[str, list[str]], clients: int, seconds: float
) -> list[tuple[str, float, bool]]:
    results: list[tuple[str, float, bool]] = []
    stop = time.perf_counter() + seconds
    await asyncio.gather(*(client(base, urls, stop, n, results) for n in range(clients)))
    return results


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def report(results: list[tuple[str, float, bool]], seconds: float) -> None:
    kinds = sorted({k for k, _t, _ok in results}, key=list(MIX).index)
    print(f"{'page':12} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for kind in [*kinds, "all"]:
        rows = [r for r in results if kind in ("all", r[0])]
        times = [t * 1000 for _k, t, _ok in rows]
        errors = sum(1 for r in rows if not r[2])
        print(
            f"{kind:12} {len(rows):>9} {len(rows) / seconds:>8.1f} {percentile(times, 50):>8.1f}"
            f" {percentile(times, 95):>8.1f} {percentile(times, 99):>8.1f} {errors:>7}"
        )


def wait_ready(base: str, server: subprocess.Popen[bytes], timeout: float = 120.0) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with code {server.returncode}")
        try:
            if httpx.get(base + "/", timeout=5.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not answer within the timeout")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--articles", type=int, default=100_000, help="size of a store built for the run")
    parser.add_argument("--db", type=Path, default=Path("/tmp/web_load.duckdb"))
    args = parser.parse_args()
    if not args.db.exists():
        from web_speed import build

        started = time.perf_counter()
        counts = build(args.db, args.articles)
        built = counts.get("articles", 0)
        print(f"built {args.db} in {time.perf_counter() - started:.0f} s: {built} articles")
    urls = sample_urls(args.db, random.Random(1))
    port = free_port()
    base = f"http://{HOST}:{port}"
    command = [sys.executable, "-m", "wiretrace.cli", "serve", "--db", str(args.db), "--host", HOST]
    environment = {**os.environ, "PYTHONPATH": str(HERE.parent / "src")}
    server = subprocess.Popen(
        [*command, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment
    )
    try:
        wait_ready(base, server)
        for kind in MIX:  # warm-up: templates compiled, caches filled once per kind
            httpx.get(base + urls[kind][0], timeout=60.0)
        print(f"{args.clients} clients for {args.seconds:.0f} s against {base} ({args.db})")
        results = asyncio.run(load(base, urls, args.clients, args.seconds))
        report(results, args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
