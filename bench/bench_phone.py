"""The reader on a phone over a slow link: Debian's Chromium, a 390 px touch screen, a cold
cache, and the network of Chrome DevTools' "Regular 3G" preset (750 kbit/s down, 250 kbit/s up,
100 ms latency) applied through the DevTools protocol.

The server runs as in production (gunicorn, uvicorn workers, ``DEBUG`` off, static files from
WhiteNoise), on the demo. Every figure is the browser's own: bytes are the transfer sizes of
the navigation and resource timing entries (headers and bodies as sent, compressed where the
server compressed); times are from the navigation's start (``performance.timeOrigin``). The
first paragraph is the first ``.paragraph .text`` painted, told by the Element Timing API:
the page does not mark it, so a script run before the page's own marks it as it is parsed.
Figures are medians of ROUNDS loads, each in a new browser context (cold cache).
"""

import statistics

ROUNDS = 5
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
# Chrome DevTools' "Regular 3G", as DevTools defines it (kbit/s of 1,024 bits; bytes/s here).
REGULAR_3G = {
    "offline": False,
    "latency": 100,
    "downloadThroughput": 750 * 1024 / 8,
    "uploadThroughput": 250 * 1024 / 8,
}
PROFILE = "Chrome DevTools Regular 3G: 750 kbit/s down, 250 kbit/s up, 100 ms latency"
MARK_FIRST_PARAGRAPH = """
window.__firstParagraph = null;
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    if (entry.identifier === "first-paragraph" && window.__firstParagraph === null) {
      window.__firstParagraph = entry.renderTime || entry.loadTime;
    }
  }
}).observe({type: "element", buffered: true});
new MutationObserver((records, observer) => {
  const first = document.querySelector(".paragraph .text");
  if (first) { first.setAttribute("elementtiming", "first-paragraph"); observer.disconnect(); }
}).observe(document, {childList: true, subtree: true});
"""
MEASURES = """() => {
  const [nav] = performance.getEntriesByType("navigation");
  const resources = performance.getEntriesByType("resource");
  return {
    first_paragraph: window.__firstParagraph,
    dom_content_loaded: nav.domContentLoadedEventStart,
    load: nav.loadEventStart,
    bytes: [nav, ...resources].reduce((sum, e) => sum + e.transferSize, 0),
    document_bytes: nav.transferSize,
    document_decoded_bytes: nav.decodedBodySize,
    requests: 1 + resources.length,
  };
}"""


def _load(browser, base, user, password):
    context = browser.new_context(base_url=base, **PHONE)
    try:
        page = context.new_page()
        if user:
            # Signed in at full speed: only the reader's own load is throttled and measured.
            page.goto("/signin/")
            page.fill("#id_username", user)
            page.fill("#id_password", password)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            page.goto("about:blank")
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.clearBrowserCache")
        else:
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", REGULAR_3G)
        page.add_init_script(MARK_FIRST_PARAGRAPH)
        encodings = {}
        page.on(
            "response",
            lambda r: encodings.setdefault(r.request.resource_type, set()).add(
                r.headers.get("content-encoding", "none")
            ),
        )
        page.goto("/c/wsis20/", wait_until="load")
        page.wait_for_function("window.__firstParagraph !== null")
        measures = page.evaluate(MEASURES)
        if user:
            assert page.locator(".site-nav").get_by_text("Acting for").count(), "not signed in"
        measures["encodings"] = {kind: sorted(found) for kind, found in encodings.items()}
        return measures
    finally:
        context.close()


def run() -> dict:
    from django.core.management import call_command
    from playwright.sync_api import sync_playwright

    from bench.server import gunicorn
    from bench.timing import figure
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
    from wsis.drafts.demo import PASSWORD

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    results = {}
    with gunicorn(workers=2, asgi=True) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for who, user in (("anonymous", None), ("delegate", "upu.delegate")):
            _load(browser, base, user, PASSWORD)  # the server renders the text once
            loads = [_load(browser, base, user, PASSWORD) for _ in range(ROUNDS)]

            def median(key, loads=loads):
                return statistics.median(load[key] for load in loads)

            extra = {
                "who": who,
                "profile": PROFILE,
                "viewport": "390x844, touch",
                "cache": "cold (a new browser context per load)",
                "rounds": ROUNDS,
                "server": "gunicorn, 2 uvicorn workers, production settings",
            }
            prefix = f"phone.reader_3g.{who}"
            results[f"{prefix}.bytes"] = figure(
                median("bytes"),
                "bytes",
                **extra,
                document_bytes=median("document_bytes"),
                document_decoded_bytes=median("document_decoded_bytes"),
                requests=median("requests"),
                content_encoding=loads[-1]["encodings"],
            )
            for key in ("first_paragraph", "dom_content_loaded", "load"):
                results[f"{prefix}.{key}_ms"] = figure(
                    round(median(key), 1),
                    "ms",
                    **extra,
                    samples=[round(load[key]) for load in loads],
                )
        browser.close()
    return results
