"""Time recording runs and serving run requests: the store's overhead and the workbench under load.

Run: ``python benchmarks/bench_web_load.py``. Ratios are against baselines measured in
the same run: recording a run (one SQLite transaction) against computing it, and the
workbench answering N concurrent run requests against the same N runs computed
in process one after another.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from accord.runner import run_models, run_to_json
from accord.scenario.io import load_scenario
from accord.store import open_store

MODELS = ["compromise", "median"]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(url: str, proc: subprocess.Popen) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the server exited")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="runs to record in process")
    parser.add_argument("--requests", type=int, default=20, help="concurrent run requests to the server")
    args = parser.parse_args()
    scenario = load_scenario("ukraine-2025")

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "bench.db"))
        start = time.perf_counter()
        results = [run_to_json(run_models(scenario, MODELS, seed=k)) for k in range(args.runs)]
        t_compute = time.perf_counter() - start
        start = time.perf_counter()
        for k, result in enumerate(results):
            store.record(result, scenario, seed=k)
        t_record = time.perf_counter() - start
        store.close()
        print(f"{args.runs} runs of {', '.join(MODELS)} on ukraine-2025")
        print(f"  compute                   {t_compute / args.runs * 1e3:8.2f} ms/run")
        print(f"  record (one transaction)  {t_record / args.runs * 1e3:8.2f} ms/run   "
              f"ratio to compute {t_record / t_compute:5.2f}")

        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "ACCORD_DB": str(Path(tmp) / "web.db")}
        env.pop("ACCORD_TOKEN", None)
        proc = subprocess.Popen([sys.executable, "-m", "accord", "serve", "--port", str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        try:
            wait(url, proc)
            with urllib.request.urlopen(url + "/builtin/ukraine-2025") as page:
                html = page.read().decode()
                cookie = page.headers["set-cookie"].split(";", 1)[0]
            token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

            def request(k: int) -> int:
                body = urllib.parse.urlencode([("csrf_token", token), *[("models", m) for m in MODELS],
                                               ("seed", str(k))]).encode()
                req = urllib.request.Request(url + "/builtin/ukraine-2025/run", data=body, headers={"Cookie": cookie})
                with urllib.request.urlopen(req, timeout=300) as response:
                    response.read()
                    return response.status

            request(0)
            start = time.perf_counter()
            with ThreadPoolExecutor(max_workers=args.requests) as pool:
                statuses = list(pool.map(request, range(1, args.requests + 1)))
            t_web = time.perf_counter() - start
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        direct = t_compute / args.runs * args.requests
        print(f"{args.requests} concurrent run requests (run, record, redirect, results page)")
        print(f"  wall time                 {t_web:8.2f} s       ratio to computing them in process "
              f"{t_web / direct:5.1f}")
        print(f"  all answered 200          {all(s == 200 for s in statuses)}")


if __name__ == "__main__":
    main()
