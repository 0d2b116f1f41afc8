"""Baseline figures: %%dnet against the docker CLI doing the same, image preparation, lab machines,
and each notebook (and the whole course) end to end.

    python benchmarks/run.py [--repeat N] [--images] [--machines] [--notebooks]

Needs a running engine and the course images (scripts/lab or scripts/test prepare both).
Prints a table and writes benchmarks/results/latest.json. Nothing here is a test: no thresholds.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Callable

from IPython.core.interactiveshell import InteractiveShell

import dnlab

ROOT = Path(__file__).resolve().parent.parent
LAB = "benchmarks"


def median_ms(action: Callable[[], object], repeat: int) -> float:
    action()  # warm up: connections, imports, caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def cli(*args: str) -> Callable[[], object]:
    docker = shutil.which("docker")
    return lambda: subprocess.run([docker, *args], check=True, capture_output=True)


def operations(dnet: Callable[[str], object]) -> dict[str, tuple[Callable[[], object], Callable[[], object]]]:
    return {
        "network ls": (lambda: dnet("network ls"), cli("network", "ls")),
        "ps -a": (lambda: dnet("ps -a"), cli("ps", "-a")),
        "images": (lambda: dnet("images"), cli("images")),
        "inspect": (lambda: dnet("inspect bench-target"), cli("inspect", "bench-target")),
        "network inspect": (lambda: dnet("network inspect bridge"), cli("network", "inspect", "bridge")),
        "exec true": (lambda: dnet("exec bench-target true"), cli("exec", "bench-target", "true")),
        "network create + rm": (lambda: (dnet("network create bench-net"), dnet("network rm bench-net")),
                                lambda: (cli("network", "create", "--label", "dnlab.lab=benchmarks", "bench-net")(),
                                         cli("network", "rm", "bench-net")())),
        "run -d + rm -f": (lambda: (dnet("run -d --name bench-run alpine:latest sleep 30"), dnet("rm -f bench-run")),
                           lambda: (cli("run", "-d", "--label", "dnlab.lab=benchmarks", "--name", "bench-run",
                                        "alpine:latest", "sleep", "30")(), cli("rm", "-f", "bench-run")())),
    }


def notebook_seconds(path: Path) -> float:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def image_seconds(references: list[str]) -> dict[str, float]:
    """Preparing ``references``: cold (no image, an empty cache: built), from the cache (no image),
    and warm (present, as on every later run). Only images dnlab made are removed for it."""
    from dnlab.images import prepare
    from dnlab.images.preparation import made_by_dnlab

    client = dnlab.engine.connect()

    def drop() -> None:
        for reference in references:
            attrs = client.api.inspect_image(reference)
            assert made_by_dnlab(client, attrs["Id"]), f"{reference} is not dnlab's: not removed"
            client.api.remove_image(reference)

    def timed(**env: str) -> float:
        saved = {key: os.environ.get(key) for key in env}
        os.environ.update(env)
        try:
            start = time.perf_counter()
            prepare(client, references, progress=False)
            return time.perf_counter() - start
        finally:
            for key, value in saved.items():
                os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)

    prepare(client, references, progress=False)
    figures = {}
    with tempfile.TemporaryDirectory() as empty_cache:
        drop()
        figures["cold (built)"] = timed(DNLAB_CACHE=empty_cache, DNLAB_REGISTRY="off")
    drop()
    figures["from cache"] = timed(DNLAB_REGISTRY="off")
    figures["warm (present)"] = timed(DNLAB_REGISTRY="off")
    return figures


def swarm_seconds(shell: InteractiveShell, fresh: bool) -> float:
    """From `machines up 2` to a converged two-node swarm with one service on each machine."""
    if fresh:
        dnlab.machines.down()
    start = time.perf_counter()
    dnlab.machines.up(2)
    for machine in ("machine1", "machine2"):  # a warm start reuses machines: leave the last run's swarm
        client = dnlab.machines.client_for(machine)
        if client.info()["Swarm"]["LocalNodeState"] != "inactive":
            client.api.leave_swarm(force=True)
    on = lambda machine, line: shell.run_line_magic("dnet", f"--on {machine} {line}")  # noqa: E731
    addr = dnlab.machines.underlay_ip("machine1")
    on("machine1", f"swarm init --advertise-addr {addr}")
    token = on("machine1", "swarm join-token -q worker").text
    on("machine2", f"swarm join --token {token} {addr}:2377")
    on("machine1", "network create benchnet --driver overlay")
    for i in (1, 2):
        on("machine1", f"service create -t --network benchnet --endpoint-mode dnsrr "
                       f"--constraint node.hostname==machine{i} --name bench{i} alpine:latest")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--notebooks", action="store_true", help="also time each notebook end to end")
    parser.add_argument("--images", action="store_true",
                        help="also time preparing the everyday images cold (built), from the cache and warm")
    parser.add_argument("--machines", action="store_true",
                        help="also time machines up 2 to a converged swarm, cold (fresh machines) and warm")
    args = parser.parse_args()

    shell = InteractiveShell.instance()
    shell.extension_manager.load_extension("dnlab")
    shell.run_line_magic("dnet", f"lab {LAB}")
    dnet = lambda cell: shell.run_cell_magic("dnet", "", cell)  # noqa: E731
    dnet("run -itd --name bench-target alpine:latest")
    results: dict[str, dict[str, float]] = {}
    try:
        for name, (ours, theirs) in operations(dnet).items():
            dnet_ms, cli_ms = median_ms(ours, args.repeat), median_ms(theirs, args.repeat)
            results[name] = {"dnet_ms": round(dnet_ms, 1), "cli_ms": round(cli_ms, 1),
                             "ratio": round(dnet_ms / cli_ms, 2)}
    finally:
        dnlab.cleanup(lab=LAB)
    if args.images:
        for label, seconds in image_seconds(["alpine:latest", "nginx:latest"]).items():
            results[f"prepare alpine + nginx, {label}"] = {"seconds": round(seconds, 2)}
    if args.machines:
        for label, fresh in (("cold", True), ("warm", False)):
            results[f"machines up 2 -> swarm, 2 services ({label})"] = {"seconds": round(swarm_seconds(shell, fresh), 1)}
        dnlab.machines.down()
    if args.notebooks:
        total = 0.0
        for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
            seconds = notebook_seconds(path)
            total += seconds
            results[f"notebook {path.stem}"] = {"seconds": round(seconds, 1)}
        results["the whole course, end to end"] = {"seconds": round(total, 1)}

    print(f"{'operation':<48}{'%%dnet ms':>10}{'CLI ms':>10}{'ratio':>8}")
    for name, row in results.items():
        if "seconds" in row:
            print(f"{name:<48}{row['seconds']:>10} s")
        else:
            print(f"{name:<48}{row['dnet_ms']:>10}{row['cli_ms']:>10}{row['ratio']:>8}")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
