import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wsis.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """Load now what the first requests of each worker would otherwise load while people
    wait: the URLconf with every view module (the reports import WeasyPrint), the release's
    digest that starts every cache key (its files read once) and the client of the shared
    cache."""
    from django.core.cache import caches
    from django.urls import get_resolver

    from wsis.cache import release

    get_resolver().url_patterns  # noqa: B018 - evaluated for its imports
    release()
    try:
        caches["shared"].get("warm-up")
    except Exception:  # noqa: S110 - not answering now is handled where it is used
        pass


_warm_up()
