#!/usr/bin/env python3
"""Record golden outputs of `terraform console` for the expressions in cases.txt.

Usage: python3 record.py [--cases FILE] [--out FILE] [--jobs N] [--timeout SECONDS]

Each expression is fed alone on stdin (followed by a newline) to
`terraform console -no-color` running in its own fresh, empty temporary
directory, with TF_CLI_CONFIG_FILE pointing at an empty CLI config file (so
Terraform does not warn about a missing /root/.terraformrc).  Output goes to
golden.jsonl, one JSON object per case, in the order of cases.txt:

    {"expr": ..., "exit": <code>, "stdout": ..., "stderr": ...}

ANSI escape sequences are stripped from stderr (there should be none with
-no-color, but be safe).  stdout is kept byte-exact unless it contains a
colour reset sequence, because a rendered value may itself contain an ESC
byte (heredoc bodies are printed raw, e.g. "x\n\u001b[1m").  A case that times out is recorded with
"exit": null and "timeout": true.

If `terraform` is not on PATH the script prints a message and exits 0.
Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# CSI sequences (colours, cursor movement), OSC sequences and lone ESC-x pairs.
ANSI_RE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")

# In case a CLI-config warning slips through anyway (e.g. the empty config
# file could not be used), drop the whole warning block.
RC_WARNING_RE = re.compile(
    r"There are some problems with the CLI configuration:\n"
    r"(?:.*\n)*?.*\.terraformrc.*\n(?:.*\n)*?(?:╵\n|\n)",
)


def strip_ansi(text: str) -> str:
    return ANSI_RE.sub("", text)


def clean(text: str) -> str:
    text = strip_ansi(text)
    if ".terraformrc" in text:
        text = RC_WARNING_RE.sub("", text, count=1)
    return text


def clean_stdout(text: str) -> str:
    # With -no-color Terraform writes no escape sequences of its own to
    # stdout, and any ESC byte there comes from the value being rendered
    # (heredoc bodies are printed raw: "x\n\u001b[1m" prints a real ESC).
    # Stripping those would corrupt the golden output, so stdout is only
    # stripped if it looks like colour output leaked in (a reset sequence).
    if "\x1b[0m" in text:
        return clean(text)
    return text


def read_cases(path: str) -> list[str]:
    cases: list[str] = []
    seen: set[str] = set()
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            expr = line.strip()
            if not expr or expr.startswith("#"):
                continue
            if expr in seen:
                print(f"warning: {path}:{lineno}: duplicate case skipped: {expr}", file=sys.stderr)
                continue
            seen.add(expr)
            cases.append(expr)
    return cases


def run_case(terraform: str, env: dict[str, str], expr: str, timeout: float) -> dict:
    workdir = tempfile.mkdtemp(prefix="tfconsole-")
    try:
        try:
            proc = subprocess.run(
                [terraform, "console", "-no-color"],
                input=(expr + "\n").encode("utf-8"),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=workdir,
                env=env,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as e:
            return {
                "expr": expr,
                "exit": None,
                "stdout": clean_stdout((e.stdout or b"").decode("utf-8", "replace")),
                "stderr": clean((e.stderr or b"").decode("utf-8", "replace")),
                "timeout": True,
            }
        return {
            "expr": expr,
            "exit": proc.returncode,
            "stdout": clean_stdout(proc.stdout.decode("utf-8", "replace")),
            "stderr": clean(proc.stderr.decode("utf-8", "replace")),
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", default=os.path.join(HERE, "cases.txt"))
    ap.add_argument("--out", default=os.path.join(HERE, "golden.jsonl"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=60.0)
    args = ap.parse_args()

    terraform = shutil.which("terraform")
    if terraform is None:
        print("record.py: terraform not found on PATH; skipping (nothing recorded)")
        return 0

    version = subprocess.run(
        [terraform, "version"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        env={**os.environ, "TF_CLI_CONFIG_FILE": os.devnull}, text=True,
    ).stdout.splitlines()
    print(f"record.py: using {terraform} ({version[0] if version else 'unknown version'})")

    cases = read_cases(args.cases)

    with tempfile.TemporaryDirectory(prefix="tfconsole-cfg-") as cfgdir:
        cfg = os.path.join(cfgdir, "empty.tfrc")
        open(cfg, "w").close()
        env = dict(os.environ)
        env["TF_CLI_CONFIG_FILE"] = cfg
        env["TF_IN_AUTOMATION"] = "1"
        env["CHECKPOINT_DISABLE"] = "1"
        for var in ("TF_LOG", "TF_LOG_PATH", "TF_CLI_ARGS", "TF_CLI_ARGS_console", "TF_DATA_DIR", "TF_WORKSPACE"):
            env.pop(var, None)
        for key in list(env):
            if key.startswith("TF_VAR_"):
                del env[key]

        start = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            results = list(pool.map(lambda e: run_case(terraform, env, e, args.timeout), cases))
        elapsed = time.monotonic() - start

    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for r in results:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    os.replace(tmp, args.out)

    exits = collections.Counter(r["exit"] for r in results)
    timeouts = [r["expr"] for r in results if r.get("timeout")]
    ok = sum(1 for r in results if r["exit"] == 0)
    err = sum(1 for r in results if r["exit"] not in (0, None))
    both = sum(1 for r in results if r["stdout"] and r["stderr"])
    print(f"record.py: {len(results)} cases in {elapsed:.1f}s -> {args.out}")
    print(f"  exit 0 (value printed): {ok}")
    print(f"  exit !=0 (error):       {err}")
    print(f"  timeouts:               {len(timeouts)}")
    print(f"  exit codes:             {dict(sorted(exits.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)))}")
    print(f"  cases with both stdout and stderr: {both}")
    for t in timeouts:
        print(f"  TIMEOUT: {t}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
