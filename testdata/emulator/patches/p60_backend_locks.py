"""Conditional writes are atomic, as AWS documents them.

Terraform's S3 backend locks a state with a conditional write: an S3
PutObject with `If-None-Match: *` (the `.tflock` file) or a DynamoDB
PutItem with `attribute_not_exists(LockID)`. moto checks the condition and
then writes, and its server is threaded, so two clients racing for a lock
could both win. AWS evaluates the condition and the write as one step;
this patch serialises moto's S3 PutObject and its DynamoDB item writes so
the emulator does too.
"""

from __future__ import annotations

import functools
import threading

_S3_WRITES = threading.Lock()
_DYNAMODB_WRITES = threading.Lock()


def _serialised(method, lock):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with lock:
            return method(self, *args, **kwargs)

    wrapper.__tfrs_serialised__ = True
    return wrapper


def apply() -> None:
    from moto.dynamodb.responses import DynamoHandler
    from moto.s3.responses import S3Response

    if getattr(S3Response.put_object, "__tfrs_serialised__", False):
        return
    S3Response.put_object = _serialised(S3Response.put_object, _S3_WRITES)
    for name in ("put_item", "delete_item", "update_item"):
        setattr(
            DynamoHandler,
            name,
            _serialised(getattr(DynamoHandler, name), _DYNAMODB_WRITES),
        )
