#!/usr/bin/env python3
"""Apply and destroy times of the reference terraform and of tfrs, against one
emulator, for the same configuration.

    python3 scripts/apply-times.py [--tfrs PATH] [--terraform PATH] [--keep]

The configuration is the user's original Monolithic/main.tf
(testdata/originals/monolithic) with its two hashicorp/aws v4 constructs
replaced by their v5 forms, which the reference terraform accepts:
`data "aws_subnet_ids"` becomes `data "aws_subnets"` with a `vpc-id` filter
and `alb_target_group_arn` becomes `lb_target_group_arn`
(testdata/originals/README.md shows the diff). An override.tf relaxes the
`~> 5.16.2` pin to `>= 5.0` (the mirror holds 5.100.0) and sets
`s3_use_path_style`; both tools read the same files.

One emulator (testdata/emulator/server.py with
MOTO_AMIS_PATH=testdata/originals/amis.json) is started and seeded
(testdata/originals/seed.py monolithic). Terraform runs first (init, apply,
plan -detailed-exitcode, destroy), then tfrs the same way, each in its own
copy of the folder; after each destroy the script checks, through
testdata/emulator/inventory.py, that nothing is left, so the second tool
starts from the same emulator state as the first.

Terraform: `terraform` on PATH (v1.11.4 here) with hashicorp/aws from the
filesystem mirror /opt/tf-plugins (a CLI config in TF_CLI_CONFIG_FILE;
--mirror to change it). tfrs: --tfrs, else $TFRS_BIN, else
$CARGO_TARGET_DIR/debug/tfrs or target/debug/tfrs (the script does not
build it). Prints the times in seconds; exits non-zero if a step fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORIGINAL = ROOT / "testdata/originals/monolithic/main.tf"

OVERRIDE = """terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  s3_use_path_style = true
}
"""

# The v4 -> v5 edits, as testdata/originals/README.md gives them.
EDITS = [
    (
        'data "aws_subnet_ids" "default" {\n  vpc_id = data.aws_vpc.default.id\n}',
        'data "aws_subnets" "default" {\n'
        "  filter {\n"
        '    name   = "vpc-id"\n'
        "    values = [data.aws_vpc.default.id]\n"
        "  }\n"
        "}",
    ),
    (
        "  alb_target_group_arn   = aws_lb_target_group.fortune_tg.arn",
        "  lb_target_group_arn    = aws_lb_target_group.fortune_tg.arn",
    ),
    ("data.aws_subnet_ids.default.ids", "data.aws_subnets.default.ids"),
]


def v5_config() -> str:
    text = ORIGINAL.read_text()
    for old, new in EDITS:
        if text.count(old) != 1:
            sys.exit(f"apply-times: {ORIGINAL} no longer has {old!r} exactly once")
        text = text.replace(old, new)
    return text


def find_tfrs(given: str | None) -> str:
    if given:
        return given
    if os.environ.get("TFRS_BIN"):
        return os.environ["TFRS_BIN"]
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    built = target / "debug/tfrs"
    if built.exists():
        return str(built)
    found = shutil.which("tfrs")
    if found:
        return found
    sys.exit("apply-times: no tfrs binary (build it, or pass --tfrs PATH)")


class Emulator:
    def __init__(self) -> None:
        env = dict(os.environ, MOTO_AMIS_PATH=str(ROOT / "testdata/originals/amis.json"))
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "testdata/emulator/server.py"),
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--quiet",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.proc.stdout.readline().strip() if self.proc.stdout else ""
        prefix = "emulator listening on "
        if not line.startswith(prefix):
            self.stop()
            sys.exit(f"apply-times: the emulator did not start ({line!r})")
        self.url = line[len(prefix) :]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()

    def script(self, path: str, *args: str) -> str:
        out = subprocess.run(
            [sys.executable, str(ROOT / path), "--endpoint", self.url, *args],
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            sys.exit(f"apply-times: {path} failed:\n{out.stderr}")
        return out.stdout


class Tool:
    def __init__(self, name: str, binary: str, work: Path, env: dict[str, str]) -> None:
        self.name = name
        self.binary = binary
        self.work = work
        self.env = env
        self.times: dict[str, float] = {}

    def run(self, step: str, *args: str, ok=(0,)) -> subprocess.CompletedProcess:
        start = time.monotonic()
        out = subprocess.run(
            [self.binary, *args], cwd=self.work, env=self.env, capture_output=True, text=True
        )
        self.times[step] = time.monotonic() - start
        if out.returncode not in ok:
            sys.exit(
                f"apply-times: {self.name} {step} exited {out.returncode}:\n"
                f"{out.stdout[-4000:]}\n{out.stderr[-4000:]}"
            )
        return out


def run_tool(tool: Tool, emu: Emulator, baseline: str) -> str:
    tool.run("init", "init", "-input=false", "-no-color")
    out = tool.run("apply", "apply", "-auto-approve", "-input=false", "-no-color")
    summary = next(
        (line for line in out.stdout.splitlines() if line.startswith("Apply complete!")),
        "?",
    )
    plan = tool.run("plan", "plan", "-detailed-exitcode", "-input=false", "-no-color", ok=(0, 2))
    second_plan = "no changes" if plan.returncode == 0 else "changes planned"
    tool.run("destroy", "destroy", "-auto-approve", "-input=false", "-no-color")
    left = json.loads(emu.script("testdata/emulator/inventory.py", "--baseline", baseline))["new"]
    if left:
        sys.exit(f"apply-times: {tool.name} destroy left {left}")
    return f"{summary} second plan: {second_plan}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tfrs", help="the tfrs binary")
    parser.add_argument("--terraform", default="terraform", help="the terraform binary")
    parser.add_argument("--mirror", default="/opt/tf-plugins", help="provider mirror")
    parser.add_argument("--keep", action="store_true", help="keep the work folders")
    args = parser.parse_args()
    tfrs = find_tfrs(args.tfrs)
    terraform = shutil.which(args.terraform)
    if not terraform:
        sys.exit(f"apply-times: {args.terraform} is not on PATH")

    tmp = Path(tempfile.mkdtemp(prefix="tfrs-apply-times-"))
    emu = Emulator()
    try:
        emu.script("testdata/originals/seed.py", "monolithic")
        baseline = str(tmp / "baseline.json")
        emu.script("testdata/emulator/inventory.py", "--save", baseline)
        cli_config = tmp / "terraform.rc"
        cli_config.write_text(
            "provider_installation {\n"
            f'  filesystem_mirror {{\n    path = "{args.mirror}"\n  }}\n'
            "}\n"
        )
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AWS_", "TF_"))
        }
        env.update(
            AWS_ENDPOINT_URL=emu.url,
            AWS_ACCESS_KEY_ID="test",
            AWS_SECRET_ACCESS_KEY="test",
            TF_CLI_CONFIG_FILE=str(cli_config),
            TF_IN_AUTOMATION="1",
            CHECKPOINT_DISABLE="1",
        )
        config = v5_config()
        tools = []
        for name, binary in [("terraform", terraform), ("tfrs", tfrs)]:
            work = tmp / name
            work.mkdir()
            (work / "main.tf").write_text(config)
            (work / "override.tf").write_text(OVERRIDE)
            tools.append(Tool(name, binary, work, env))
        results = {}
        for tool in tools:
            print(f"running {tool.name} ({tool.binary}) ...", file=sys.stderr, flush=True)
            results[tool.name] = run_tool(tool, emu, baseline)
    finally:
        emu.stop()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"work folders kept in {tmp}", file=sys.stderr)

    version = subprocess.run([terraform, "version"], capture_output=True, text=True).stdout
    print("Monolithic (v5 form), 14 resources, against one emulator")
    print(f"terraform: {version.splitlines()[0] if version else '?'}; tfrs: {tfrs}")
    print(f"{'':10} {'init':>8} {'apply':>8} {'plan':>8} {'destroy':>8}   result")
    for tool in tools:
        t = tool.times
        print(
            f"{tool.name:10} {t['init']:8.2f} {t['apply']:8.2f} {t['plan']:8.2f}"
            f" {t['destroy']:8.2f}   {results[tool.name]}"
        )
    tf, rs = tools[0].times, tools[1].times
    print(
        f"apply: terraform {tf['apply']:.2f} s, tfrs {rs['apply']:.2f} s"
        f" ({tf['apply'] / max(rs['apply'], 1e-9):.0f}x);"
        f" destroy: terraform {tf['destroy']:.2f} s, tfrs {rs['destroy']:.2f} s"
        f" ({tf['destroy'] / max(rs['destroy'], 1e-9):.0f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
