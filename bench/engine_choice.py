"""Dask against Ray for `portero load --cluster`: start-up, memory per worker, results as completed.

For each engine, in its own child process (so one engine's runtime does not sit in the other's figures):
- start-up: seconds from nothing to a local cluster of 2 worker processes that has answered one task;
- memory: the RSS of each worker after it loaded the spaCy pipeline once (``load_nlp``), and the RSS of
  the engine's other processes (scheduler, nanny, raylet, GCS...) in the same tree;
- streaming: 40 synthetic articles of uneven length (one per task) extracted on the 2 workers, read back
  as each completes; the time to the first result and to the last, and whether the order they came back
  in differs from the order they were sent (it should, when results stream as completed).
- install size: the engine's own packages in site-packages.

Run: python bench/engine_choice.py [dask|ray ...]
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

N_TASKS = 40


def _articles() -> list:
    import synthetic

    from graph_loader.articles import parse_article

    out = []
    for i, (name, text) in enumerate(synthetic.generate(N_TASKS, seed=7)):
        if i % 4 == 0:  # every fourth article three times as long: uneven tasks finish out of order
            head, _, body = text.partition("\n---\n")
            text = f"{head}\n---\n{body}\n{body}\n{body}"
        out.append(parse_article(text, name))
    return out


def _extract_one(article):  # runs in a worker: the pipeline is cached per process by load_nlp
    from graph_loader.extract import extract_article, load_nlp

    return article.id, len(extract_article(article, load_nlp()).entities)


def _load_pipeline() -> int:
    import psutil

    from graph_loader.extract import load_nlp

    load_nlp()
    return psutil.Process().memory_info().rss


def _tree_rss(exclude: set[int]) -> tuple[int, int]:
    """RSS of this process's descendants not in ``exclude``: (bytes, processes)."""
    import psutil

    kids = [p for p in psutil.Process().children(recursive=True) if p.pid not in exclude]
    total = 0
    for p in kids:
        with contextlib.suppress(psutil.Error):  # a process that ended meanwhile
            total += p.memory_info().rss
    return total, len(kids)


def _run_dask() -> dict:
    from dask.distributed import Client, LocalCluster, as_completed

    t0 = time.perf_counter()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    client.submit(os.getpid, pure=False).result()
    startup = time.perf_counter() - t0
    pids = client.run(os.getpid)
    rss = list(client.run(_load_pipeline).values())
    other, n_other = _tree_rss(set(pids.values()))
    arts = _articles()
    t0 = time.perf_counter()
    futures = [client.submit(_extract_one, a, pure=False) for a in arts]
    order, first = [], None
    for fut in as_completed(futures):
        order.append(fut.result()[0])
        first = first or time.perf_counter() - t0
    last = time.perf_counter() - t0
    client.close()
    cluster.close()
    return {"startup_s": startup, "worker_rss_mb": [r / 2**20 for r in rss], "other_rss_mb": other / 2**20,
            "other_procs": n_other, "first_s": first, "last_s": last,
            "out_of_order": order != [a.id for a in arts]}


def _run_ray() -> dict:
    import ray

    t0 = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")

    @ray.remote(num_cpus=1)
    class Extractor:
        def pid(self) -> int:
            return os.getpid()

        def load(self) -> int:
            return _load_pipeline()

        def extract(self, article):
            return _extract_one(article)

    actors = [Extractor.remote() for _ in range(2)]
    pids = ray.get([a.pid.remote() for a in actors])
    startup = time.perf_counter() - t0
    rss = ray.get([a.load.remote() for a in actors])
    other, n_other = _tree_rss(set(pids))
    arts = _articles()
    t0 = time.perf_counter()
    pending = [actors[i % 2].extract.remote(a) for i, a in enumerate(arts)]
    order, first = [], None
    while pending:
        done, pending = ray.wait(pending, num_returns=1)
        order.append(ray.get(done[0])[0])
        first = first or time.perf_counter() - t0
    last = time.perf_counter() - t0
    ray.shutdown()
    return {"startup_s": startup, "worker_rss_mb": [r / 2**20 for r in rss], "other_rss_mb": other / 2**20,
            "other_procs": n_other, "first_s": first, "last_s": last,
            "out_of_order": order != [a.id for a in arts]}


def _install_mb(names: list[str]) -> float:
    import importlib.util

    total = 0
    for name in names:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            continue
        for root in spec.submodule_search_locations:
            for dirpath, _, files in os.walk(root):
                total += sum(os.path.getsize(os.path.join(dirpath, f)) for f in files)
    return total / 2**20


PACKAGES = {"dask": ["dask", "distributed", "tornado", "msgpack", "cloudpickle", "toolz", "zict", "partd",
                     "fsspec", "tblib", "locket"],
            "ray": ["ray", "msgpack", "filelock"]}


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        result = {"dask": _run_dask, "ray": _run_ray}[argv[1]]()
        print("RESULT " + json.dumps(result))
        return 0
    os.environ["PYTHONPATH"] = f"{ROOT}:{ROOT / 'bench'}"
    print(f"load average: {os.getloadavg()}")
    for engine in argv or ["dask", "ray"]:
        out = subprocess.run([sys.executable, __file__, "--child", engine], capture_output=True, text=True)
        line = next((x for x in out.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            print(f"{engine}: failed\n{out.stderr[-2000:]}")
            continue
        r = json.loads(line[7:])
        print(f"{engine}: start-up {r['startup_s']:.2f} s; worker RSS with the pipeline "
              f"{', '.join(f'{x:.0f}' for x in r['worker_rss_mb'])} MB; engine's other processes "
              f"{r['other_rss_mb']:.0f} MB in {r['other_procs']}; {N_TASKS} articles: first back at "
              f"{r['first_s']:.2f} s, last at {r['last_s']:.2f} s, out of order: {r['out_of_order']}; "
              f"install {_install_mb(PACKAGES[engine]):.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
