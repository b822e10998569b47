"""One password hash, and one check, with Django's Argon2 parameters and with the product's
(accounts/hashers.py): wall and CPU time per call (the median of `--rounds`), and the peak memory
of a fresh child process that does nothing else, read from the kernel.

    .venv/bin/python benchmarks/bench_password_hash.py [--rounds 20]

A sign-in checks one password, so its CPU time is a sign-in's floor (and a hash made with other
parameters is checked, then made again, once)."""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HASHERS = {
    "django": "django.contrib.auth.hashers.Argon2PasswordHasher",
    "product": "accounts.hashers.OwaspArgon2PasswordHasher",
}
PASSWORD = "correct-horse-battery-staple"


def timed(call, rounds):
    """The median wall and CPU seconds of `call()` (CPU of every thread of this process)."""
    walls, cpus = [], []
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def measure(path, rounds):
    """In the child: the hasher's figures as a dict."""
    from django.utils.module_loading import import_string

    hasher = import_string(path)()
    encoded = hasher.encode(PASSWORD, hasher.salt())
    hash_wall, hash_cpu = timed(lambda: hasher.encode(PASSWORD, hasher.salt()), rounds)
    check_wall, check_cpu = timed(lambda: hasher.verify(PASSWORD, encoded), rounds)
    return {"hasher": path, "parameters": encoded.split("$")[3], "hash_wall_ms": round(hash_wall * 1000, 1),
            "hash_cpu_ms": round(hash_cpu * 1000, 1), "check_wall_ms": round(check_wall * 1000, 1),
            "check_cpu_ms": round(check_cpu * 1000, 1)}


def run_child(name, rounds):
    """The figures of one hasher, measured in a fresh process, with that process's peak memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    child = subprocess.run([sys.executable, __file__, "--child", HASHERS[name], "--rounds", str(rounds)],
                           capture_output=True, text=True, check=True, cwd=ROOT)
    figures = json.loads(child.stdout)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    figures["peak_mb"] = round(peak / 1024, 1) if peak > before else "<= earlier child"
    return {"name": name, **figures}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20, help="calls per figure (the median is kept)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(measure(args.child, args.rounds)))
        return
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} CPUs")
    # The cheaper one first: a child's peak memory is only seen when it exceeds every earlier one's.
    for name in ("product", "django"):
        print(json.dumps(run_child(name, args.rounds)))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
