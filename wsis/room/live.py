"""The live room: every change the facilitator makes reaches every reader as a server-sent event.

A change is rendered once, as the HTML of the room's screen, and published with the reading's
revision; each reader's stream sends it on as it is, so a thousand readers cost one rendering,
not a thousand. With ``REDIS_URL`` the screens travel over Redis pub/sub, so that any number of
web processes serve readers; each process holds one subscription and hands every screen to its
own readers. Without it (``make run`` on the embedded defaults: one process) they go from thread
to event loop in memory.

A reader keeps only the newest screen, not a queue: a reader on a slow link skips the screens it
had no time for, and memory stays one screen per reader however far behind it falls. The newest
screen of each reading is kept too, for a reader who connects (or reconnects) between changes.
"""

import asyncio
import functools
import logging
import threading
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable

import redis
import redis.asyncio
from django.conf import settings

log = logging.getLogger(__name__)

CHANNEL = "wsis:room:"
# A comment line this often keeps proxies from closing a quiet stream and finds readers gone.
HEARTBEAT_SECONDS = 15
# How long the newest screen of a reading is kept for readers who connect later.
LATEST_SECONDS = 24 * 3600


class Reader:
    """One connected reader: the newest screen not yet sent, and a flag that one is waiting."""

    def __init__(self):
        self.screen: tuple[int, str] | None = None
        self.ready = asyncio.Event()

    def offer(self, screen: tuple[int, str]) -> None:
        if self.screen is None or screen[0] > self.screen[0]:
            self.screen = screen
        self.ready.set()


class Hub:
    """This process's readers, by reading. Used from its event loop only, except ``publish``."""

    def __init__(self):
        self.readers: dict[int, set[Reader]] = defaultdict(set)
        self.latest: dict[int, tuple[int, str]] = {}
        self.loop: asyncio.AbstractEventLoop | None = None
        self.listener: asyncio.Task | None = None
        self.client: redis.asyncio.Redis | None = None
        # Set while the Redis subscription is up: a screen published before would be missed.
        self.subscribed: asyncio.Event | None = None
        self.lock = threading.Lock()

    def join(self, reading_id: int) -> Reader:
        loop = asyncio.get_running_loop()
        if self.loop is not loop:
            # A new event loop (the server restarted it, or a test started its own): the old
            # one's readers and listener are gone with it.
            self.loop, self.listener = loop, None
            self.readers.clear()
            self.client = redis.asyncio.Redis.from_url(redis_url()) if redis_url() else None
            self.subscribed = asyncio.Event()
        if redis_url() and (self.listener is None or self.listener.done()):
            self.listener = loop.create_task(self.listen())
        reader = Reader()
        self.readers[reading_id].add(reader)
        return reader

    def leave(self, reading_id: int, reader: Reader) -> None:
        self.readers[reading_id].discard(reader)
        if not self.readers[reading_id]:
            del self.readers[reading_id]

    def count(self) -> int:
        return sum(len(readers) for readers in self.readers.values())

    def hand_out(self, reading_id: int, screen: tuple[int, str]) -> None:
        for reader in self.readers.get(reading_id, ()):
            reader.offer(screen)

    async def listen(self) -> None:
        """Hand every screen published on Redis to this process's readers; reconnect if Redis
        goes away (readers keep their stream meanwhile, and get the newest screen after)."""
        while True:
            try:
                async with self.client.pubsub() as pubsub:
                    await pubsub.psubscribe(CHANNEL + "*")
                    self.subscribed.set()
                    async for message in pubsub.listen():
                        if message["type"] != "pmessage":
                            continue
                        reading_id = int(message["channel"].decode().removeprefix(CHANNEL))
                        self.hand_out(reading_id, decode(message["data"]))
            except (redis.RedisError, OSError):
                self.subscribed.clear()
                log.warning("room: lost the Redis subscription, retrying", exc_info=True)
                await asyncio.sleep(1)

    def publish(self, reading_id: int, revision: int, html: str) -> None:
        """Send a reading's new screen to every reader; called from any thread."""
        screen = (revision, html)
        url = redis_url()
        if url:
            payload = encode(screen)
            with sync_client(url).pipeline(transaction=False) as pipe:
                pipe.set(latest_key(reading_id), payload, ex=LATEST_SECONDS)
                pipe.publish(CHANNEL + str(reading_id), payload)
                pipe.execute()
            return
        with self.lock:
            if reading_id in self.latest and self.latest[reading_id][0] > revision:
                return
            self.latest[reading_id] = screen
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.hand_out, reading_id, screen)

    async def newest(self, reading_id: int) -> tuple[int, str] | None:
        """The newest screen published, once this process is sure to hear of the next one."""
        if self.client is None:
            return self.latest.get(reading_id)
        await self.subscribed.wait()
        found = await self.client.get(latest_key(reading_id))
        return decode(found) if found else None


def redis_url() -> str:
    return getattr(settings, "ROOM_REDIS_URL", "")


@functools.cache
def sync_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def latest_key(reading_id: int) -> str:
    return f"{CHANNEL}{reading_id}:latest"


def encode(screen: tuple[int, str]) -> bytes:
    return f"{screen[0]}\n{screen[1]}".encode()


def decode(payload: bytes) -> tuple[int, str]:
    revision, html = payload.decode().split("\n", 1)
    return int(revision), html


def event(name: str, html: str) -> str:
    """One server-sent event; every line of the HTML on a ``data:`` line of its own."""
    lines = "".join(f"data: {line}\n" for line in html.splitlines() or [""])
    return f"event: {name}\n{lines}\n"


hub = Hub()


# With ``once``, how long the browser waits before it asks again, in milliseconds.
RETRY_MS = 5000


async def stream(
    reading_id: int, render: Callable[[], Awaitable[tuple[int, str]]], *, once: bool = False
) -> AsyncIterator[str]:
    """A reader's events: the newest screen (``render``-ed if none was kept), then each newer
    one, and a comment line when nothing happens for a while. The reader joins before the
    newest screen is read, so that a change published in between is not missed. With
    ``once``, only the screen now, and the browser reconnects after ``RETRY_MS``."""
    if once:
        yield f"retry: {RETRY_MS}\n" + event("screen", (await render())[1])
        return
    reader = hub.join(reading_id)
    try:
        reader.offer(await hub.newest(reading_id) or await render())
        sent = -1
        while True:
            try:
                await asyncio.wait_for(reader.ready.wait(), HEARTBEAT_SECONDS)
            except TimeoutError:
                yield ": still here\n\n"
                continue
            reader.ready.clear()
            revision, html = reader.screen
            if revision > sent:
                sent = revision
                yield event("screen", html)
    finally:
        hub.leave(reading_id, reader)
