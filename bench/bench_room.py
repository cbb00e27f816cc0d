"""The live room: 1,000 readers connected to a reading while the facilitator makes one change
a second; how long from the change (committed) to the last reader having it.

The server runs as in production (gunicorn, two uvicorn workers, ``wsis.asgi``, screens over
Redis pub/sub). The readers are asyncio clients in one process of their own
(``python -m bench.bench_room readers CONFIG``), each holding a server-sent event stream; the
facilitator's changes are made here through the service, as the pen's view does, and each
screen carries its revision, so a reader's clock tells when that change reached it. Readers
and benchmark share the machine's clock.
"""

import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import time

READERS = 1000
CHANGES = 20
# Readers open their streams this many at a time, as a room filling up, not all in one burst.
CONNECT_BATCH = 20
SERVER_WORKERS = 2
REVISION = re.compile(r'data-revision="(\d+)"')


def run() -> dict:
    from django.conf import settings
    from django.test import Client, RequestFactory, override_settings
    from django.urls import reverse

    from bench.server import ROOT, gunicorn, production_env
    from bench.timing import figure
    from tests.conftest import group, make_user, parsed
    from wsis.drafts.demo import ZERO_DRAFT
    from wsis.drafts.importer import import_draft
    from wsis.drafts.models import Consultation
    from wsis.room import services
    from wsis.stakeholders.groups import ensure_groups
    from wsis.stakeholders.models import Membership, Organisation, StakeholderGroup

    if not settings.ROOM_REDIS_URL:
        # Several web processes hear of a change only through Redis.
        return {"room.skipped": figure(1, "flag", reason="needs REDIS_URL")}
    ensure_groups(StakeholderGroup)
    consultation = Consultation.objects.create(slug="room-bench", title="Room benchmark")
    version = import_draft(consultation, "Zero draft", parsed(ZERO_DRAFT))
    kenya = Organisation.objects.create(name="Kenya", acronym="KEN", group=group("member_state"))
    kenya.accredit(consultation)
    reader, chair = make_user("room-reader"), make_user("room-chair")
    Membership.objects.create(user=reader, organisation=kenya, role=Membership.Role.DELEGATE)
    consultation.facilitators.add(chair)
    client = Client()
    # Signed as the server will check it: with the production settings' key.
    with override_settings(SECRET_KEY=production_env("")["SECRET_KEY"]):
        client.force_login(reader)
    request = RequestFactory().post("/")
    request.user = chair
    reading = services.open_reading(version, request=request)
    paragraphs = list(version.paragraphs.in_document_order())
    path = reverse("room:stream", args=[consultation.slug, version.label, reading.number])

    with gunicorn(workers=SERVER_WORKERS, asgi=True) as base:
        config = {
            "url": base + path,
            "cookie": f"sessionid={client.cookies['sessionid'].value}",
            "readers": READERS,
            "changes": CHANGES,
        }
        readers = subprocess.Popen(  # noqa: S603 - our own module
            [sys.executable, "-m", "bench.bench_room", "readers", json.dumps(config)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stdin=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        connected = json.loads(readers.stdout.readline())
        changed_at = {}
        for n in range(1, CHANGES + 1):
            started = time.monotonic()
            # From the facilitator's change: its transaction, the rendering, the publishing.
            changed_at[reading.revision + 1] = time.time()
            services.move_to(reading, paragraphs[n % len(paragraphs)], request=request)
            reading.refresh_from_db()
            time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))
        readers.stdin.write("done\n")
        readers.stdin.flush()
        result = json.loads(readers.stdout.readline())
        readers.wait(timeout=60)

    lags = []
    complete = 0
    for revision, at in changed_at.items():
        got = result["received"].get(str(revision), [])
        if len(got) == connected["connected"]:
            complete += 1
        if got:
            lags.append(max(got) - at)
    lags = sorted(lags) or [float("nan")]
    extra = {
        "readers": READERS,
        "changes": CHANGES,
        "server": f"gunicorn {SERVER_WORKERS} uvicorn workers, Redis pub/sub",
    }
    return {
        "room.connected": figure(connected["connected"], "readers", **extra),
        "room.connect_seconds": figure(connected["seconds"], "s", **extra),
        "room.changes_to_every_reader": figure(complete, f"of {CHANGES} changes", **extra),
        "room.last_reader_p50": figure(statistics.median(lags) * 1000, "ms", **extra),
        "room.last_reader_p95": figure(lags[int(0.95 * (len(lags) - 1))] * 1000, "ms", **extra),
        "room.last_reader_max": figure(lags[-1] * 1000, "ms", **extra),
        "room.still_connected": figure(result["still_connected"], "readers", **extra),
    }


async def _reader(client, config, received, first, stop) -> bool:
    """One reader: hold the stream, note when each revision arrives. Whether it stayed on."""
    headers = {"Cookie": config["cookie"], "Accept": "text/event-stream"}
    try:
        async with client.stream("GET", config["url"], headers=headers) as response:
            if response.status_code != 200:
                first.set_result(False)
                return False
            async for line in response.aiter_lines():
                found = REVISION.search(line)
                if found:
                    received.setdefault(found.group(1), []).append(time.time())
                    if not first.done():
                        first.set_result(True)
                if stop.is_set():
                    return True
    except Exception:  # noqa: BLE001 - a reader dropped is counted, not raised
        if not first.done():
            first.set_result(False)
        return False
    return False


async def _readers(config) -> None:
    import httpx

    received: dict[str, list[float]] = {}
    stop = asyncio.Event()
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=0)
    timeout = httpx.Timeout(30, read=None)
    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
        started = time.monotonic()
        tasks, firsts = [], []
        for start in range(0, config["readers"], CONNECT_BATCH):
            batch = []
            for _ in range(start, min(start + CONNECT_BATCH, config["readers"])):
                first = asyncio.get_running_loop().create_future()
                tasks.append(asyncio.create_task(_reader(client, config, received, first, stop)))
                batch.append(first)
            await asyncio.gather(*batch)
            firsts += batch
        connected = sum(first.result() for first in firsts)
        print(json.dumps({"connected": connected, "seconds": round(time.monotonic() - started, 2)}))
        sys.stdout.flush()
        await asyncio.to_thread(sys.stdin.readline)
        still = sum(not task.done() for task in tasks)
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    print(json.dumps({"received": received, "still_connected": still}))


if __name__ == "__main__" and sys.argv[1:2] == ["readers"]:
    asyncio.run(_readers(json.loads(sys.argv[2])))
