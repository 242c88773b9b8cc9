"""Benchmark: what a five-year-old phone on a weak mobile signal sees, page by page.

Debian's Chromium through Playwright, with the CPU slowed four times (the
DevTools protocol's Emulation.setCPUThrottlingRate) and Lighthouse's mobile
network profile (150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up), the
browser's cache off and a new browser context for every load. The server is
gunicorn as deployed (DEBUG off, collectstatic, WhiteNoise with compressed,
hashed files) against PostgreSQL and Redis.

Pages: the landing page, the first question, the plan page of the longest
first season (the profile with the most steps in its first 12 weeks, of a few
broad ones) and the printable plan (PDF). For each: first contentful paint,
largest contentful paint, bytes over the wire and requests, each the median of
5 loads. The limit beside each: the page's own HTML (or PDF) written to a file
under the static root and served by the same server in the same run, loaded
in turns with the page, and sent over the wire the way the page is (a .gz
beside it only if the page itself comes gzipped; each load's encoding is
printed, and a page and copy that differ are a miss). The ratio says what our
server adds before the first paint; the stylesheet, font and scripts are the
same in both. Fonts: every font face the page declares, with its
font-display; one that is not swap, optional or fallback holds text back.

A PDF is not painted: its figure is the time its download takes, fetched from
a blank page of the same server under the same profile.

    python bench/browser.py [--runs 5]

Needs /usr/bin/chromium and a PostgreSQL server (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/littlesteps_bench, created when missing).
The plans and files it makes are deleted at the end.
"""

import argparse
import gzip
import os
import re
import shutil
import statistics
import sys
import tempfile
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from server import database_url, deployed_env, free_port, manage, start_server, stop_server
from summary import report

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
LCP_TARGET_MS = 1000.0
RATIO_TARGET = 1.1
BLOCKING_TARGET = 1  # the one stylesheet

# Lighthouse's "mobile" (slow 4G) profile, in bytes a second.
NETWORK = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6 * 1024 * 1024 / 8,
    "uploadThroughput": 750 * 1024 / 8,
}
CPU_SLOWDOWN = 4
BROWSER_ENCODINGS = "gzip, deflate, br, zstd"  # what Chromium asks for
FONT_DISPLAYS = {"swap", "optional", "fallback"}  # text shows before the font comes

MAKE_PLANS = """
from personas.profile import profile_from_answers
from plans.services import plan_create
base = {"capability": 3, "habits": [], "visibility": "some",
        "adversaries": ["scammers", "thieves", "harassers"], "minutes_per_week": 20,
        "group": "knows"}
candidates = [
    {"devices": ["iphone", "windows"]},
    {"devices": ["android", "windows", "mac"], "capability": 1, "visibility": "public"},
    {"devices": ["iphone", "android", "windows", "mac", "chromebook"], "capability": 2},
    {"devices": ["android", "shared_computer"], "capability": 1, "minutes_per_week": 40},
]
for extra in candidates:
    plan = plan_create(profile=profile_from_answers({**base, **extra}), persona="mere-cafe-owner")
    print("PLAN", plan.pk, plan.key, plan.steps.filter(week__lte=12).count())
"""

DELETE_PLANS = """
import os
from plans.models import Plan
Plan.objects.filter(pk__in=[int(pk) for pk in os.environ["BENCH_PLAN_IDS"].split(",")]).delete()
"""

# Set before the page's own scripts run: the largest contentful paint so far.
LCP_OBSERVER = """
window.__lcp = null;
new PerformanceObserver((list) => {
  const entries = list.getEntries();
  window.__lcp = entries[entries.length - 1].startTime;
}).observe({type: "largest-contentful-paint", buffered: true});
"""

PAINTS = """
() => new Promise((resolve) => setTimeout(() => {
  const fcp = performance.getEntriesByName("first-contentful-paint")[0];
  const blocking = performance.getEntriesByType("resource")
    .filter((e) => e.renderBlockingStatus === "blocking").map((e) => e.name);
  const fonts = Array.from(document.fonts).map(
    (f) => `${f.family} ${f.weight}: ${f.display}`);
  resolve({fcp: fcp ? fcp.startTime : null, lcp: window.__lcp, blocking, fonts});
}, 300))
"""

DOWNLOAD = """
async (url) => {
  const start = performance.now();
  const response = await fetch(url, {cache: "no-store"});
  await response.arrayBuffer();
  return performance.now() - start;
}
"""


@dataclass
class Load:
    fcp_ms: float
    lcp_ms: float
    bytes: int
    requests: int
    blocking: list[str]
    encoding: str  # of the page's own bytes, as they came over the wire
    fonts: list[str]  # each font face and its font-display


def one_load(browser, url: str, *, pdf: bool) -> Load:
    context = browser.new_context(
        viewport={"width": 412, "height": 823}, device_scale_factor=2.6, is_mobile=True
    )
    try:
        page = context.new_page()
        page.add_init_script(LCP_OBSERVER)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", NETWORK)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        wire: dict[str, float] = {}
        requests: set[str] = set()
        encoding = ["?"]

        def sent(event: dict) -> None:
            requests.add(event["requestId"])

        def received(event: dict) -> None:
            if event["response"]["url"] == url:
                headers = {k.lower(): v for k, v in event["response"]["headers"].items()}
                encoding[0] = headers.get("content-encoding", "identity")

        def finished(event: dict) -> None:
            wire[event["requestId"]] = event["encodedDataLength"]

        if pdf:
            # Start from the server's smallest answer, then count only the PDF.
            page.goto(urllib.parse.urljoin(url, "/healthz"))
            cdp.on("Network.requestWillBeSent", sent)
            cdp.on("Network.responseReceived", received)
            cdp.on("Network.loadingFinished", finished)
            elapsed = page.evaluate(DOWNLOAD, url)
            page.wait_for_timeout(100)
            return Load(
                elapsed, elapsed, int(sum(wire.values())), len(requests), [], encoding[0], []
            )
        cdp.on("Network.requestWillBeSent", sent)
        cdp.on("Network.responseReceived", received)
        cdp.on("Network.loadingFinished", finished)
        page.goto(url, wait_until="load")
        paints = page.evaluate(PAINTS)
        page.wait_for_load_state("networkidle")
        return Load(
            paints["fcp"] or float("nan"),
            paints["lcp"] or float("nan"),
            int(sum(wire.values())),
            len(requests),
            paints["blocking"],
            encoding[0],
            paints["fonts"],
        )
    finally:
        context.close()


def fetch(url: str) -> tuple[bytes, str, str]:
    """The page's bytes and type, and how the server encodes it for a browser."""
    with urllib.request.urlopen(url) as response:
        body, content_type = response.read(), response.headers.get("Content-Type", "")
    request = urllib.request.Request(url, headers={"Accept-Encoding": BROWSER_ENCODINGS})
    with urllib.request.urlopen(request) as response:
        encoding = response.headers.get("Content-Encoding", "identity")
    return body, content_type, encoding


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="loads of each page and its copy")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing: sudo apt-get install chromium")

    url = database_url("browser")
    static_root = tempfile.mkdtemp(prefix="littlesteps-bench-browser-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # One worker (of 4 threads): the untimed first load of each page warms
    # the process every later load meets (its PDF modules, drawn parts).
    env = deployed_env(url, static_root, port, GUNICORN_WORKERS="1")
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    made = re.findall(r"^PLAN (\d+) (\S+) (\d+)$", manage(env, "shell", "-c", MAKE_PLANS), re.M)
    plan_ids = [pk for pk, *_ in made]
    _, key, first_season = max(made, key=lambda row: int(row[2]))
    pages = {
        "landing page": "/",
        "question": "/start/devices/",
        f"plan page ({first_season} steps in 12 weeks)": f"/p/{key}/",
        "printable plan (PDF)": f"/p/{key}/plan.pdf",
    }
    server = start_server(env, base)
    try:
        # The limit: each page's own bytes as a file WhiteNoise serves, over
        # the wire as the page itself goes: compressed only if the page is
        # (WhiteNoise sends a file's .gz beside it when there is one).
        copies = {}
        for index, (name, path) in enumerate(pages.items()):
            body, content_type, encoding = fetch(base + path)
            suffix = ".pdf" if "pdf" in content_type else ".html"
            copy = Path(static_root) / "bench-copies" / f"page{index}{suffix}"
            copy.parent.mkdir(exist_ok=True)
            copy.write_bytes(body)
            if encoding == "gzip":
                copy.with_name(copy.name + ".gz").write_bytes(gzip.compress(body))
            elif encoding != "identity":
                sys.exit(f"{path} comes {encoding}-encoded: give its copy the same encoding")
            copies[name] = f"/static/bench-copies/{copy.name}"
        stop_server(server)
        server = start_server(env, base)  # WhiteNoise finds its files at start
        return run(base, pages, copies, args.runs)
    finally:
        stop_server(server)
        shutil.rmtree(static_root, ignore_errors=True)
        manage({**env, "BENCH_PLAN_IDS": ",".join(plan_ids)}, "shell", "-c", DELETE_PLANS)


def run(base: str, pages: dict[str, str], copies: dict[str, str], runs: int) -> int:
    from playwright.sync_api import sync_playwright

    launch_args = [
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    if os.geteuid() == 0:
        launch_args.append("--no-sandbox")
    results: dict[str, tuple[list[Load], list[Load]]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=launch_args
        )
        for name, path in pages.items():
            pdf = path.endswith(".pdf")
            one_load(browser, base + path, pdf=pdf)  # the server's first drawing, untimed
            own, limit = [], []
            for _ in range(runs):  # in turns, so both see the same minute
                own.append(one_load(browser, base + path, pdf=pdf))
                limit.append(one_load(browser, base + copies[name], pdf=pdf))
            results[name] = (own, limit)
        browser.close()

    print(
        f"\nChromium, CPU {CPU_SLOWDOWN}x slower, {NETWORK['latency']} ms round trip, "
        "1.6 Mbit/s down, 750 kbit/s up, cold cache; medians of "
        f"{runs} loads. limit: the same bytes as a static file, loaded in turns."
    )
    print(
        f"\n{'page':36} {'FCP ms':>7} {'limit':>6} {'LCP ms':>7} {'limit':>6} {'ratio':>6} "
        f"{'KB':>6} {'limit':>6} {'reqs':>4} {'blocking':>8}  encoding (page/limit)"
    )
    ok = True
    for name, (own, limit) in results.items():

        def med(loads: list[Load], field: str) -> float:
            return statistics.median(getattr(load, field) for load in loads)

        lcp, lcp_limit = med(own, "lcp_ms"), med(limit, "lcp_ms")
        ratio = lcp / lcp_limit
        blocking = max(len(load.blocking) for load in own)
        encodings = {load.encoding for load in own}, {load.encoding for load in limit}
        print(
            f"{name:36} {med(own, 'fcp_ms'):7.0f} {med(limit, 'fcp_ms'):6.0f} {lcp:7.0f} "
            f"{lcp_limit:6.0f} {ratio:6.2f} {med(own, 'bytes') / 1024:6.1f} "
            f"{med(limit, 'bytes') / 1024:6.1f} "
            f"{med(own, 'requests'):4.0f} {blocking:8d}  "
            f"{','.join(sorted(encodings[0]))}/{','.join(sorted(encodings[1]))}"
        )
        if encodings[0] != encodings[1] or len(encodings[0]) != 1:
            # The copy must come over the wire as the page does, or the ratio
            # measures the compression, not the server.
            print(f"  {name}: the page and its copy came encoded differently")
            ok = False
        short = name.split(" (")[0]
        label = "download" if "PDF" in name else "LCP"
        ok &= report(
            f"browser: {short} {label}",
            f"{lcp_limit:.0f} ms",
            f"{lcp:.0f} ms ({ratio:.2f}x)",
            f"<= {LCP_TARGET_MS:.0f} ms, <= {RATIO_TARGET}x",
            lcp <= LCP_TARGET_MS and ratio <= RATIO_TARGET,
        )
        if "PDF" not in name:
            names = sorted({b.rsplit("/", 1)[-1] for load in own for b in load.blocking})
            ok &= report(
                f"browser: {short} render-blocking",
                "",
                f"{blocking} ({', '.join(names)})",
                f"<= {BLOCKING_TARGET}",
                blocking <= BLOCKING_TARGET,
            )
            faces = sorted({face for load in own for face in load.fonts})
            late = [face for face in faces if face.rsplit(": ", 1)[-1] not in FONT_DISPLAYS]
            ok &= report(
                f"browser: {short} fonts that hold back text",
                "",
                f"{len(late)} of {len(faces)}" + (f" ({', '.join(late)})" if late else ""),
                "0 (font-display swap)",
                not late and bool(faces),
            )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
