"""Lambda as AWS documents it, where moto 5.2.1 differs.

- CreateFunction keeps DeadLetterConfig, KMSKeyArn, LoggingConfig and
  FileSystemConfigs, and every function reports a LoggingConfig (default
  LogFormat Text, LogGroup /aws/lambda/NAME), as AWS does
  (https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html);
  moto drops them.
- UpdateFunctionConfiguration applies TracingConfig, EphemeralStorage,
  DeadLetterConfig (an empty TargetArn removes it), KMSKeyArn, LoggingConfig,
  FileSystemConfigs and ImageConfig
  (https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionConfiguration.html);
  moto ignores them.
- UpdateFunctionCode applies Architectures
  (https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionCode.html);
  moto ignores it.
- Both updates set LastModified to the time of the update; moto keeps the
  creation time.
- A function's resource policy is per qualifier: GetPolicy with a Qualifier
  returns the statements of that version or alias only, without one the
  statements of the unqualified function, and RemovePermission with a
  Qualifier removes from that policy only
  (https://docs.aws.amazon.com/lambda/latest/api/API_GetPolicy.html);
  moto keeps one policy for all and ignores the Qualifier.
"""

from __future__ import annotations

import json

_CONFIG_KEYS = ("DeadLetterConfig", "KMSKeyArn", "LoggingConfig", "FileSystemConfigs")


def _default_logging(fn) -> dict:  # type: ignore[no-untyped-def]
    return {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{fn.function_name}"}


def _statement_qualifier(statement: dict, function_arn: str) -> str | None:
    """The qualifier of the function a statement grants on, None for none."""
    resource = statement.get("Resource", "")
    if isinstance(resource, list):
        resource = resource[0] if resource else ""
    base = function_arn.split(":")
    # arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
    base_arn = ":".join(base[:7])
    if resource == base_arn:
        return None
    if resource.startswith(base_arn + ":"):
        return resource[len(base_arn) + 1 :]
    return None


def apply() -> None:
    from moto.awslambda import models, responses
    from moto.awslambda.exceptions import (
        GenericResourcNotFound,
        UnknownPolicyException,
    )
    from moto.core.utils import iso_8601_datetime_with_nanoseconds

    Function = models.LambdaFunction

    original_init = Function.__init__

    def init(self, account_id, spec, region, version=1):  # type: ignore[no-untyped-def]
        original_init(self, account_id, spec, region, version)
        self.extra_config = {k: spec[k] for k in _CONFIG_KEYS if spec.get(k)}
        logging = dict(_default_logging(self))
        logging.update(self.extra_config.get("LoggingConfig") or {})
        self.extra_config["LoggingConfig"] = logging

    Function.__init__ = init

    original_get_configuration = Function.get_configuration

    def get_configuration(self, on_create=False):  # type: ignore[no-untyped-def]
        config = original_get_configuration(self, on_create)
        extra = getattr(self, "extra_config", None)
        if extra is None:
            extra = {"LoggingConfig": _default_logging(self)}
        config.update(extra)
        return config

    Function.get_configuration = get_configuration

    original_update_configuration = Function.update_configuration

    def update_configuration(self, config_updates):  # type: ignore[no-untyped-def]
        extra = getattr(self, "extra_config", None)
        if extra is None:
            extra = self.extra_config = {"LoggingConfig": _default_logging(self)}
        for key, value in config_updates.items():
            if key == "TracingConfig" and value:
                self.tracing_config = value
            elif key == "EphemeralStorage" and value:
                self.ephemeral_storage = value["Size"]
            elif key == "DeadLetterConfig":
                if value and value.get("TargetArn"):
                    extra["DeadLetterConfig"] = value
                else:
                    extra.pop("DeadLetterConfig", None)
            elif key == "KMSKeyArn":
                if value:
                    extra["KMSKeyArn"] = value
                else:
                    extra.pop("KMSKeyArn", None)
            elif key == "LoggingConfig" and value is not None:
                logging = dict(_default_logging(self))
                logging.update(value)
                extra["LoggingConfig"] = logging
            elif key == "FileSystemConfigs":
                if value:
                    extra["FileSystemConfigs"] = value
                else:
                    extra.pop("FileSystemConfigs", None)
            elif key == "ImageConfig" and value is not None:
                self.image_config = models.ImageConfig(value)
        result = original_update_configuration(self, config_updates)
        self.last_modified = iso_8601_datetime_with_nanoseconds()
        return self.get_configuration() if result is not None else result

    Function.update_configuration = update_configuration

    original_update_function_code = Function.update_function_code

    def update_function_code(self, updated_spec):  # type: ignore[no-untyped-def]
        if updated_spec.get("DryRun"):
            return original_update_function_code(self, updated_spec)
        if updated_spec.get("Architectures"):
            self.architectures = updated_spec["Architectures"]
        original_update_function_code(self, updated_spec)
        self.last_modified = iso_8601_datetime_with_nanoseconds()
        return self.get_configuration()

    Function.update_function_code = update_function_code

    def get_policy(self):  # type: ignore[no-untyped-def]
        from urllib.parse import unquote

        function_name = unquote(self.path.split("/")[-2])
        qualifier = self.querystring.get("Qualifier", [None])[0]
        fn = self.backend.get_function(function_name, qualifier)
        policy = fn.policy
        statements = [
            s
            for s in policy.statements
            if _statement_qualifier(s, fn.function_arn) == (qualifier or None)
        ]
        if not statements:
            raise GenericResourcNotFound()
        return json.dumps(
            {
                "Policy": json.dumps(
                    {"Version": "2012-10-17", "Id": "default", "Statement": statements}
                ),
                "RevisionId": policy.revision,
            }
        )

    responses.LambdaResponse.get_policy = get_policy

    def remove_permission(self):  # type: ignore[no-untyped-def]
        from urllib.parse import unquote

        function_name = unquote(self.path.split("/")[-3])
        statement_id = self.path.split("/")[-1].split("?")[0]
        qualifier = self.querystring.get("Qualifier", [None])[0]
        fn = self.backend.get_function(function_name)
        policy = fn.policy
        for statement in policy.statements:
            if statement.get("Sid") == statement_id and _statement_qualifier(
                statement, fn.function_arn
            ) == (qualifier or None):
                policy.statements.remove(statement)
                return 204, {"status": 204}, "{}"
        raise UnknownPolicyException()

    responses.LambdaResponse.remove_permission = remove_permission
