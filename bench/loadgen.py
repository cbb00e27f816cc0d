"""A load generator run as a second process: ``python bench/loadgen.py [CONFIG_JSON]`` (or the
configuration on standard input).

Simulated delegates, each on its own connection per request, run their scenario in a loop
for a bounded time; the script prints one JSON object with throughput, latency percentiles
and errors, and what it cost the generator itself (its processor time, and how late its event
loop woke up: a late loop adds to every latency measured, and means the generator, not the
server, is the limit). Standard library only (asyncio streams), so it needs nothing installed.
"""

import asyncio
import json
import re
import resource
import statistics
import sys
import time
import uuid
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
# Where a save redirects to: the panel, at the saved entry.
SAVED_ENTRY = re.compile(r"#entry-(\d+)")


class User:
    def __init__(self, base: str, stats: dict):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}
        self.stats = stats
        self.location = ""

    async def request(self, method, path, data=None, label=None, expect=(200, 302)):
        body = urlencode(data).encode() if data is not None else b""
        headers = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Connection: close",
            f"Referer: http://{self.host}:{self.port}{path}",
        ]
        if self.cookies:
            headers.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if data is not None:
            headers += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
                f"X-CSRFToken: {self.cookies.get('csrftoken', '')}",
            ]
        start = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection(self.host, self.port)
            writer.write(("\r\n".join(headers) + "\r\n\r\n").encode() + body)
            await writer.drain()
            raw = await reader.read()
            writer.close()
        except OSError as exc:
            self.stats["errors"].append(f"{label or path}: {exc}")
            return 0, b""
        elapsed = time.perf_counter() - start
        head, _, content = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1]) if lines and lines[0].startswith("HTTP/") else 0
        self.location = ""
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "location":
                self.location = value.strip()
            if name.lower() == "set-cookie":
                for key, morsel in SimpleCookie(value.strip()).items():
                    self.cookies[key] = morsel.value
        self.stats["latencies"].setdefault(label or path, []).append(elapsed)
        if method == "POST" and status == 302:
            self.stats["saved"][label] = self.stats["saved"].get(label, 0) + 1
        if status not in expect:
            self.stats["errors"].append(f"{label or path}: HTTP {status}")
        return status, content

    async def sign_in(self, username, password):
        _, page = await self.request("GET", "/signin/", label="sign-in form")
        token = CSRF_INPUT.search(page)
        await self.request(
            "POST",
            "/signin/",
            {"username": username, "password": password, "csrfmiddlewaretoken": token[1].decode()},
            label="sign in",
            expect=(302,),
        )


async def delegate(base, config, stats, index, deadline, sessions):
    user = User(base, stats)
    username, cookies = sessions[index % len(sessions)]
    user.cookies = dict(cookies)
    focal = username in config.get("focal_users", ())
    # Delegates arrive over the first ``ramp_seconds`` rather than all in the same
    # millisecond; from then on each acts, thinks THINK_SECONDS, acts again.
    await asyncio.sleep(config.get("ramp_seconds", 0.0) * index / config["concurrency"])
    while time.perf_counter() < deadline:
        saved = None
        for step in config["scenario"]:
            if step.get("only") == "focal" and not focal:
                continue
            fill = {"i": index, "n": stats["done"], "uuid": uuid.uuid4(), "saved": saved}
            if "{saved}" in step["path"] and saved is None:
                continue  # the save before it failed (counted as an error there)
            path = step["path"].format(**fill)
            data = step.get("data")
            if data is not None:
                # A fresh form token per save, as a freshly rendered form would carry.
                data = {k: v.format(**fill) for k, v in data.items()}
            status, _ = await user.request(
                step.get("method", "GET"), path, data, label=step["label"]
            )
            if step.get("capture") == "saved":
                found = SAVED_ENTRY.search(user.location) if status == 302 else None
                saved = found[1] if found else None
            stats["done"] += 1
            await asyncio.sleep(config.get("think_seconds", 0.0))


async def sign_in_all(config) -> list[tuple[str, dict]]:
    """One session per account, signed in before the clock starts: in the last minutes before
    a deadline delegates are already signed in, and password hashing is slow by design. Or the
    sessions given (``sessions``: username and cookies of each)."""
    if config.get("sessions"):
        return [(username, cookies) for username, cookies in config["sessions"]]
    warmup = {"latencies": {}, "errors": [], "done": 0, "saved": {}}
    if not config.get("users"):
        return [("", {})]  # anonymous readers
    sessions = []
    for username in config["users"]:
        user = User(config["base"], warmup)
        await user.sign_in(username, config["password"])
        if "sessionid" not in user.cookies:
            raise SystemExit(f"could not sign in as {username}: {warmup['errors']}")
        sessions.append((username, user.cookies))
    return sessions


async def loop_lag(deadline, lags, tick=0.01):
    """How late the event loop wakes from a short sleep, until ``deadline``."""
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        await asyncio.sleep(tick)
        lags.append(time.perf_counter() - start - tick)


async def main(config):
    # One open connection per delegate at most, beyond the usual limit of 1,024 files.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    sessions = await sign_in_all(config)
    stats = {"latencies": {}, "errors": [], "done": 0, "saved": {}}
    lags = []
    start = time.perf_counter()
    cpu_start = time.process_time()
    deadline = start + config["seconds"]
    await asyncio.gather(
        loop_lag(deadline, lags),
        *(
            delegate(config["base"], config, stats, i, deadline, sessions)
            for i in range(config["concurrency"])
        ),
    )
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    lags.sort()
    every = sorted(x for values in stats["latencies"].values() for x in values)

    def percentile(values, q):
        return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else None

    saved = sum(stats["saved"].values())
    return {
        "saved": saved,
        "saved_by_step": stats["saved"],
        "requests": len(every),
        "seconds": round(elapsed, 2),
        "throughput_rps": round(len(every) / elapsed, 1),
        "p50_ms": percentile(every, 0.50),
        "p95_ms": percentile(every, 0.95),
        "p99_ms": percentile(every, 0.99),
        "errors": len(stats["errors"]),
        "error_samples": stats["errors"][:10],
        "by_step_p95_ms": {
            label: percentile(sorted(values), 0.95) for label, values in stats["latencies"].items()
        },
        "by_step_median_ms": {
            label: statistics.median(values) * 1000 for label, values in stats["latencies"].items()
        },
        "generator": {
            "cpu_share": round(cpu / elapsed, 3),  # of one core; near 1: the generator limits
            "loop_lag_p95_ms": percentile(lags, 0.95),
            "loop_lag_max_ms": lags[-1] * 1000 if lags else None,
        },
    }


if __name__ == "__main__":
    config = sys.argv[1] if len(sys.argv) > 1 else sys.stdin.read()
    print(json.dumps(asyncio.run(main(json.loads(config)))))
