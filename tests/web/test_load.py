"""Twenty runs requested at once against a live server: every one is stored, none is lost, no error page."""

from __future__ import annotations

import re
import sqlite3
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.slow
REQUESTS = 20


def test_concurrent_runs_all_land(live_server):
    with urllib.request.urlopen(live_server.url + "/builtin/ukraine-2025", timeout=60) as page:
        html = page.read().decode()
        cookie = page.headers["set-cookie"].split(";", 1)[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def run(k: int) -> tuple[int, str, str]:
        body = urllib.parse.urlencode([("csrf_token", token), ("models", "compromise"), ("models", "median"),
                                       ("seed", str(k))]).encode()
        request = urllib.request.Request(live_server.url + "/builtin/ukraine-2025/run", data=body,
                                         headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=240) as response:
            return response.status, response.geturl(), response.read().decode()

    with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
        results = list(pool.map(run, range(REQUESTS)))

    ids = set()
    for status, url, html in results:
        assert status == 200 and re.search(r"/runs/\d+$", url), (status, url)
        assert 'class="error-page"' not in html and 'id="chart-forecast"' in html
        ids.add(int(url.rsplit("/", 1)[1]))
    assert len(ids) == REQUESTS
    with sqlite3.connect(live_server.db) as conn:
        seeds = sorted(row[0] for row in conn.execute("SELECT seed FROM runs"))
        versions = conn.execute("SELECT count(*) FROM scenario_versions").fetchone()[0]
    assert seeds == list(range(REQUESTS))
    assert versions == 1
    assert "Traceback" not in live_server.output()
