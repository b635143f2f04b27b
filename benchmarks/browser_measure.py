"""What the browser benchmark measures, driven through Playwright (async) in Debian's chromium.

Every timing is wall-clock in the harness, from just before the user's action
to the moment both hold: Streamlit's script has finished
(``data-test-script-state="notRunning"``) and a Leaflet map inside a
component iframe has its polygons drawn (``path.leaflet-interactive``) and,
after a change, redrawn (new path elements, or the same ones restyled).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import time
from dataclasses import dataclass
from urllib.parse import urlparse

from benchmarks import browser_servers as servers
from benchmarks.browser_data import USER

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
VIEWPORT = {"width": 1400, "height": 1000}
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
UNITS = 25  # paths on the default map (geoBoundaries, 25 provinces), in both apps
TIMEOUT_S = 180.0

#: Each map (iframe) with at least ``min`` Leaflet paths: their count, a style signature, whether all are new.
_MAPS_JS = """
(min) => {
  const maps = [];
  for (const f of document.querySelectorAll('iframe')) {
    let d = null;
    try { d = f.contentDocument; } catch (e) { continue; }
    if (!d) continue;
    const ps = [...d.querySelectorAll('path.leaflet-interactive')];
    if (ps.length < min) continue;
    maps.push({n: ps.length, fresh: ps.every(p => !p.__benchOld),
               sig: ps.map(p => [p.getAttribute('fill'), p.getAttribute('stroke'),
                                 p.getAttribute('stroke-width'), p.getAttribute('stroke-dasharray')].join(',')).join('|')});
  }
  return maps;
}
"""  # noqa: E501 - JavaScript source: rewrapping would change the string
#: Tag the paths drawn now, and return their signature: a redraw shows as new paths or a new signature.
_MARK_JS = "(min) => { const maps = (" + _MAPS_JS + """)(min);
  for (const f of document.querySelectorAll('iframe')) {
    try { f.contentDocument && f.contentDocument.querySelectorAll('path.leaflet-interactive')
          .forEach(p => { p.__benchOld = true; }); } catch (e) {}
  }
  return maps.map(m => m.sig).join('#');
}"""
_DRAWN_JS = "([min, ready]) => !!document.querySelector(ready) && (" + _MAPS_JS + ")(min).length > 0"
_CHANGED_JS = """([min, ready, before]) => {
  if (!document.querySelector(ready)) return false;
  const maps = (""" + _MAPS_JS + """)(min);
  return maps.length > 0 && (maps.some(m => m.fresh) || maps.map(m => m.sig).join('#') !== before);
}"""
#: The map redrawn, whether or not the rest of the page has finished.
_MAP_CHANGED_JS = """([min, before]) => {
  const maps = (""" + _MAPS_JS + """)(min);
  return maps.length > 0 && (maps.some(m => m.fresh) || maps.map(m => m.sig).join('#') !== before);
}"""
_RUNNING_JS = "() => !!document.querySelector('[data-testid=\"stApp\"][data-test-script-state=\"running\"]')"
_EXCEPTION = '[data-testid="stException"]'


class MeasureError(RuntimeError):
    """A view that did not finish: timed out, or showed an exception."""


@dataclass
class App:
    """One app under test: its server, and whether (and as whom) it needs sign-in."""

    name: str
    server: servers.Server
    password: str | None = None  # None: no sign-in (the baseline)
    filter_page: str = "/"


async def _wait_js(pg, js: str, arg, timeout_s: float = TIMEOUT_S) -> None:
    """page.wait_for_function that survives the navigations of a sign-in (a destroyed context is retried)."""
    deadline = time.monotonic() + timeout_s
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise MeasureError(f"timed out after {timeout_s:.0f} s waiting for the map")
        try:
            await pg.wait_for_function(js, arg=arg, polling="raf", timeout=left * 1000)
            return
        except Exception as err:  # noqa: BLE001 - playwright raises its own Error for navigations and timeouts
            text = str(err)
            if "Timeout" in type(err).__name__ or "Timeout" in text:
                raise MeasureError(f"timed out after {timeout_s:.0f} s waiting for the map") from err
            if "destroyed" in text or "navigation" in text.lower() or "detached" in text:
                await asyncio.sleep(0.05)
                continue
            raise


async def keep_offline(context) -> list[str]:
    """Refuse (and record) every request leaving the machine: both apps must work with no network."""
    outside: list[str] = []

    async def guard(route):
        url = route.request.url
        host = urlparse(url).hostname or ""
        if host in ("127.0.0.1", "localhost", "::1") or url.startswith(("data:", "blob:", "about:")):
            await route.continue_()
        else:
            outside.append(url)
            await route.abort()

    await context.route("**/*", guard)
    return outside


async def new_page(browser):
    context = await browser.new_context(viewport=VIEWPORT)
    outside = await keep_offline(context)
    pg = await context.new_page()
    return context, pg, outside


async def wait_drawn(pg, timeout_s: float = TIMEOUT_S) -> None:
    await _wait_js(pg, _DRAWN_JS, [UNITS, READY], timeout_s)
    if await pg.locator(_EXCEPTION).count():
        raise MeasureError("the page shows an exception: " + (await pg.locator(_EXCEPTION).first.inner_text())[:300])


async def settle(pg, quiet_s: float = 0.8, timeout_s: float = 60) -> None:
    """Wait until the script has stayed idle for ``quiet_s`` (late reruns, e.g. st_folium reporting its bounds)."""
    deadline = time.monotonic() + timeout_s
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        if await pg.evaluate(_RUNNING_JS):
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= quiet_s:
            return
        await asyncio.sleep(0.05)


async def open_first_page(app: App, pg) -> dict:
    """Open the app's first page (signing in when it asks) until its map is drawn; seconds."""
    t0 = time.perf_counter()
    await pg.goto(app.server.base + "/", timeout=TIMEOUT_S * 1000)
    out: dict = {}
    if app.password is not None:
        user = pg.get_by_role("textbox", name="User name")
        await user.wait_for(timeout=TIMEOUT_S * 1000)
        out["signin_form_s"] = time.perf_counter() - t0
        await user.fill(USER)
        await pg.get_by_role("textbox", name="Password").fill(app.password)
        t_click = time.perf_counter()
        await pg.get_by_role("button", name="Sign in").click()
        await wait_drawn(pg)
        out["signin_to_map_s"] = time.perf_counter() - t_click
    else:
        await wait_drawn(pg)
    out["total_s"] = time.perf_counter() - t0
    return out


async def _timed_change(pg, action, map_times: list[float] | None = None) -> float:
    """Seconds from ``action()`` to the script finished and the map redrawn; with ``map_times``, also records
    the seconds to the map alone redrawn (what the viewer sees change first, before the rest of the page)."""
    await settle(pg)
    before = await pg.evaluate(_MARK_JS, UNITS)
    t0 = time.perf_counter()
    await action()
    if map_times is not None:
        await _wait_js(pg, _MAP_CHANGED_JS, [UNITS, before])
        map_times.append(time.perf_counter() - t0)
    await _wait_js(pg, _CHANGED_JS, [UNITS, READY, before])
    elapsed = time.perf_counter() - t0
    if await pg.locator(_EXCEPTION).count():
        raise MeasureError("the page shows an exception after a filter change")
    return elapsed


def _province_box(pg):
    return pg.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Provinces").first


async def province_changes(pg, names: list[str], map_times: list[float] | None = None) -> list[float]:
    """Add each province (type its name, Enter), then remove it again (Backspace): two changes each."""
    samples = []
    box = _province_box(pg)
    for name in names:
        await box.get_by_role("combobox").focus()
        await pg.keyboard.type(name)
        samples.append(await _timed_change(pg, lambda: pg.keyboard.press("Enter"), map_times))
        await pg.keyboard.press("Escape")
        await box.get_by_role("combobox").focus()
        samples.append(await _timed_change(pg, lambda: pg.keyboard.press("Backspace"), map_times))
        await pg.keyboard.press("Escape")
    return samples


async def date_changes(pg, days: list[str]) -> list[float]:
    """Type each day into the sidebar's 'To' date; closing the picker (Escape) applies it."""
    samples = []
    for day in days:
        field = pg.locator('[data-testid="stSidebar"] [data-testid="stDateInput"]').nth(1).locator("input")
        await field.focus()
        await field.fill(day)
        samples.append(await _timed_change(pg, lambda: pg.keyboard.press("Escape")))
    return samples


async def map_clicks(pg, unit_index: int, times: int) -> list[float]:
    """Click one province on the map (adds it to the filter, then removes it): change → redrawn."""
    samples = []
    for _ in range(times):
        path = pg.frame_locator('[data-testid="stCustomComponentV1"]').first.locator(
            "path.leaflet-interactive").nth(unit_index)
        await path.wait_for(timeout=TIMEOUT_S * 1000)
        samples.append(await _timed_change(pg, lambda path=path: path.dispatch_event("click")))
    return samples


async def zoom_reruns(pg, wait_s: float = 3.0) -> bool:
    """Whether zooming the map in reruns the script (watched for ``wait_s``)."""
    await settle(pg)
    button = pg.frame_locator('[data-testid="stCustomComponentV1"]').first.locator(".leaflet-control-zoom-in")
    await button.click()
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if await pg.evaluate(_RUNNING_JS):
            await settle(pg)
            return True
        await asyncio.sleep(0.02)
    return False


async def open_session(browser, app: App) -> tuple[object, float | None, str | None]:
    """One viewer in a browser context of its own: (context, seconds to the map, error)."""
    context, pg, outside = await new_page(browser)
    try:
        out = await open_first_page(app, pg)
        return context, out["total_s"], (f"outside requests: {outside[:3]}" if outside else None)
    except Exception as err:  # noqa: BLE001 - a failed view is counted, not fatal
        return context, None, f"{type(err).__name__}: {str(err)[:200]}"


async def concurrent_sessions(browser, app: App, n: int) -> dict:
    """``n`` viewers opening the first page at once; the server's CPU and RSS while they stay open."""
    pid = app.server.pid
    cpu0, client0 = servers.cpu_seconds(pid), client_cpu_seconds(pid)
    results = await asyncio.gather(*(open_session(browser, app) for _ in range(n)))
    cpu, client = servers.cpu_seconds(pid) - cpu0, client_cpu_seconds(pid) - client0
    await asyncio.sleep(1.0)
    rss = servers.rss_mb(pid)
    for context, _, _ in results:
        await context.close()
    times = sorted(t for _, t, e in results if t is not None and e is None)
    errors = [e for _, _, e in results if e]
    return {"sessions": n, "median_s": _r(statistics.median(times)) if times else None,
            "p95_s": _r(percentile(times, 95)) if times else None, "max_s": _r(max(times)) if times else None,
            "errors": len(errors), "error_messages": errors[:5], "cpu_s": _r(cpu),
            "cpu_per_view_s": _r(cpu / n), "rss_open_mb": rss,
            "client_cpu_per_view_s": _r(client / n), "loadavg": servers.loadavg()}


def client_cpu_seconds(server_pid: int) -> float:
    """CPU of the harness, its Playwright driver and chromium (what the browsers took from the same 2 cores):
    the harness's process tree without the server, which the harness started and so is part of that tree."""
    return servers.cpu_seconds(os.getpid()) - servers.cpu_seconds(server_pid)


def percentile(sorted_values: list[float], q: float) -> float:
    """Linear-interpolated percentile of sorted values (numpy's default method)."""
    if len(sorted_values) == 1:
        return sorted_values[0]
    pos = (len(sorted_values) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def summary(samples: list[float]) -> dict:
    s = sorted(samples)
    return {"n": len(s), "median_s": _r(statistics.median(s)) if s else None,
            "p95_s": _r(percentile(s, 95)) if s else None, "min_s": _r(s[0]) if s else None,
            "max_s": _r(s[-1]) if s else None}


def _r(x: float) -> float:
    return round(x, 3)
