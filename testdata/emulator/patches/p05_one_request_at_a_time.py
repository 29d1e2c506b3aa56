"""Each request sees the emulator's state whole, as each AWS call does.

moto's models are not thread-safe and its server is threaded: a request that
iterates over a backend's dictionaries while another request adds to them
fails with a 500 ("RuntimeError: dictionary changed size during iteration",
e.g. DescribeSecurityGroupRules while security groups are being created).
The SDK retries a 500 a few times; when every attempt collides (a loaded
machine, tfrs creating ten things at once), the call fails, and a create
whose object AWS made is reported failed. This patch handles one request at
a time: connections are still accepted concurrently, and a request holds
the lock only while moto computes its answer (milliseconds here).
"""

from __future__ import annotations

import functools
import threading

_ONE_AT_A_TIME = threading.Lock()


def apply() -> None:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    original = DomainDispatcherApplication.__call__
    if getattr(original, "__tfrs_serialised__", False):
        return

    @functools.wraps(original)
    def call(self, environ, start_response):
        with _ONE_AT_A_TIME:
            body = original(self, environ, start_response)
            # The answer is computed while the lock is held, not when the
            # server iterates over it.
            try:
                return [b"".join(body)]
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()

    call.__tfrs_serialised__ = True
    DomainDispatcherApplication.__call__ = call
