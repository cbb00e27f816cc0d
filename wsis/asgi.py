"""The web server's entry point (gunicorn with uvicorn workers, or uvicorn alone).

The live room's streams (``…/stream/``) are long: they run on the event loop through Django's
ASGI handler, a thousand to a process, holding no thread and no database connection while they
wait. Every other request runs as under WSGI, in a pool of threads: Django's ASGI handler would
give each request a thread of its own, so persistent database connections (``CONN_MAX_AGE``)
would never be reused, and all our views are synchronous anyway.
"""

import os

from asgiref.wsgi import WsgiToAsgi
from django.core.asgi import get_asgi_application
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wsis.settings")
streams = get_asgi_application()
pages = WsgiToAsgi(get_wsgi_application())


async def application(scope, receive, send):
    if scope["type"] == "http" and scope["path"].endswith("/stream/"):
        return await streams(scope, receive, send)
    if scope["type"] == "lifespan":
        # Nothing to start or stop.
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        return await send({"type": "lifespan.shutdown.complete"})
    return await pages(scope, receive, send)
