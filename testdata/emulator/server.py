#!/usr/bin/env python3
"""Local AWS emulator for tfrs tests: moto's standalone server plus patches.

Usage:
    python3 testdata/emulator/server.py [--host 127.0.0.1] [--port 5000] [--quiet]

Runs in the foreground. Once the listening socket accepts connections it
prints exactly one line to stdout:

    emulator listening on http://HOST:PORT

(`--port 0` binds a free port and prints the actual one.) Everything else
(request log, errors, the shutdown notice) goes to stderr. SIGTERM and SIGINT
stop it with exit status 0.

Before moto is imported, two environment defaults are set, only if the caller
has not set them:

    MOTO_ACM_VALIDATION_WAIT=0           requested certificates are ISSUED at once
                                         (moto's own default is 60 seconds)
    MOTO_IAM_LOAD_MANAGED_POLICIES=true  AWS-managed policy ARNs can be attached

Every other MOTO_* variable (MOTO_AMIS_PATH, ...) is left as given and read by
moto as usual. MOTO_PORT, if unset, is set to the port actually bound.

Then every module of the `patches` package beside this file is imported in
sorted order and its `apply()` is called (see patches/__init__.py), so that
moto's classes are extended before the first request.

moto's management API stays available: `POST /moto-api/reset` wipes all
state, `POST /moto-api/seed?a=N` makes generated IDs deterministic.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys

ENV_DEFAULTS = {
    "MOTO_ACM_VALIDATION_WAIT": "0",
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
}


class _Stop(Exception):
    """Raised from the signal handler to leave serve_forever()."""


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="moto standalone server with tfrs patches (foreground)."
    )
    parser.add_argument(
        "-H", "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)"
    )
    parser.add_argument(
        "-p",
        "--port",
        type=int,
        default=5000,
        help="port to bind; 0 picks a free port (default 5000)",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="do not log each request to stderr",
    )
    return parser.parse_args(argv)


def _url(host: str, port: int) -> str:
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)

    # moto reads most settings when moto.settings is first imported, so the
    # defaults must be in place before any moto import below.
    for name, value in ENV_DEFAULTS.items():
        os.environ.setdefault(name, value)

    # The patches package lives beside this file; make it importable whatever
    # the working directory is.
    here = os.path.dirname(os.path.abspath(__file__))
    if here not in sys.path:
        sys.path.insert(0, here)

    import patches  # noqa: E402  (needs the environment above)
    from moto.moto_server.werkzeug_app import (  # noqa: E402
        DomainDispatcherApplication,
        create_backend_app,
    )
    from werkzeug.serving import make_server  # noqa: E402

    applied = patches.apply_all()
    if applied:
        print(f"emulator patches applied: {', '.join(applied)}", file=sys.stderr)

    if args.quiet:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)

    app = DomainDispatcherApplication(create_backend_app)
    app.debug = True  # as moto.server.main does

    # make_server binds and listens (exits with a message if the port is
    # taken); from here on connections are queued by the kernel.
    server = make_server(args.host, args.port, app, threaded=True)
    port = server.port
    os.environ.setdefault("MOTO_PORT", str(port))

    def _on_signal(signum, frame):  # noqa: ARG001
        raise _Stop()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)

    print(f"emulator listening on {_url(args.host, port)}", flush=True)
    try:
        server.serve_forever()
    except _Stop:
        pass
    finally:
        server.server_close()
    print("emulator stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
