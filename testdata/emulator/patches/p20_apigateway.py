"""API Gateway (REST APIs, v1) as AWS documents it, where moto 5.2.1 differs.

- UpdateResource, UpdateMethod, UpdateMethodResponse, UpdateIntegration,
  UpdateIntegrationResponse and UpdateDeployment are missing (500). They
  apply JSON-patch operations (`op`, `path`, `value`) on the documented paths
  (https://docs.aws.amazon.com/apigateway/latest/api/patch-operations.html):
  scalar properties take `replace`; map entries (`/requestParameters/{name}`,
  `/requestTemplates/{content-type}`, ...) take `add`, `replace` and
  `remove`, their names escaped as JSON pointers (`~1` for `/`).
- UpdateStage ignores `remove` operations (variables, a method setting such
  as `/*/*`, the access log settings) and does not know
  `/clientCertificateId` or `/documentationVersion`; method settings start
  without a logging level (AWS: `OFF`).
- UpdateRestApi turns `disableExecuteApiEndpoint=false` into true, cannot add
  or remove binary media types by path (`/binaryMediaTypes/image~1png`),
  ignores `/minimumCompressionSize` and vpc endpoint IDs; CreateRestApi drops
  `binaryMediaTypes`; PutRestApi in overwrite mode gives the API a new root
  resource (AWS keeps its ID).
- GetTags is missing, and TagResource/UntagResource only know stages; AWS
  tags REST APIs and stages by ARN.
- PutIntegration ignores `cacheKeyParameters` and leaves out what AWS
  defaults: `timeoutInMillis` 29000, `passthroughBehavior` WHEN_NO_MATCH,
  `connectionType` INTERNET, `cacheNamespace` the resource ID.
- Reading or deleting what does not exist answers 500 (or an empty 200 for
  GetIntegration) instead of NotFoundException: a method response, an
  integration, an integration response, a deployment, a resource, a REST
  API. DeleteResource leaves the resource's children; AWS deletes them.
- DeleteDeployment deletes a deployment that stages still use; AWS refuses
  (BadRequestException).
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote


def _unescape(segment: str) -> str:
    """A JSON-pointer path segment as the name it stands for."""
    return segment.replace("~1", "/").replace("~0", "~")


def _bool(value) -> bool:
    return str(value).lower() == "true"


def _map_op(target: dict | None, op: str, key: str, value, convert=lambda v: v):
    """Applies add/replace/remove on one entry of a map property."""
    target = dict(target or {})
    if op in ("add", "replace"):
        target[key] = convert(value)
    elif op == "remove":
        target.pop(key, None)
    return target


def apply() -> None:
    from moto.apigateway import models, responses, urls
    from moto.apigateway.exceptions import (
        BadRequestException,
        DeploymentNotFoundException,
        MethodNotFoundException,
        NotFoundException,
        ResourceIdNotFoundException,
        RestAPINotFound,
        StageNotFoundException,
    )

    backend_cls = models.APIGatewayBackend
    response_cls = responses.APIGatewayResponse

    def not_found(message: str) -> NotFoundException:
        return NotFoundException(message)

    def ops_of(resp) -> list[dict]:
        return resp._get_param("patchOperations") or []

    def bad_path(op: dict) -> BadRequestException:
        return BadRequestException(
            f"Invalid patch path '{op.get('path')}' specified for op '{op.get('op')}'."
        )

    # ---- not found ------------------------------------------------------

    def get_method_response(self, function_id, resource_id, method_type, code):
        method = self.get_method(function_id, resource_id, method_type)
        found = method.get_response(code)
        if found is None:
            raise not_found("Invalid Response status code specified")
        return found

    def delete_method_response(self, function_id, resource_id, method_type, code):
        found = get_method_response(self, function_id, resource_id, method_type, code)
        method = self.get_method(function_id, resource_id, method_type)
        method.delete_response(code)
        return found

    def get_integration(self, function_id, resource_id, method_type):
        method = self.get_method(function_id, resource_id, method_type)
        if method.method_integration is None:
            raise not_found("Invalid Integration identifier specified")
        return method.method_integration

    def delete_integration(self, function_id, resource_id, method_type):
        integration = get_integration(self, function_id, resource_id, method_type)
        self.get_method(function_id, resource_id, method_type).method_integration = None
        return integration

    def get_integration_response(self, function_id, resource_id, method_type, code):
        integration = get_integration(self, function_id, resource_id, method_type)
        found = (integration.integration_responses or {}).get(code)
        if found is None:
            raise not_found("Invalid Response status code specified")
        return found

    def delete_integration_response(self, function_id, resource_id, method_type, code):
        found = get_integration_response(self, function_id, resource_id, method_type, code)
        integration = get_integration(self, function_id, resource_id, method_type)
        integration.integration_responses.pop(code, None)
        return found

    def get_deployment(self, function_id, deployment_id):
        api = self.get_rest_api(function_id)
        if deployment_id not in api.deployments:
            raise DeploymentNotFoundException()
        return api.deployments[deployment_id]

    def delete_deployment(self, function_id, deployment_id):
        api = self.get_rest_api(function_id)
        if deployment_id not in api.deployments:
            raise DeploymentNotFoundException()
        if any(s.deployment_id == deployment_id for s in api.stages.values()):
            raise BadRequestException(
                "Active stages pointing to this deployment must be moved or deleted"
            )
        return api.deployments.pop(deployment_id)

    def delete_resource(self, function_id, resource_id):
        api = self.get_rest_api(function_id)
        if resource_id not in api.resources:
            raise ResourceIdNotFoundException()
        doomed = {resource_id}
        grew = True
        while grew:
            children = {
                r.id for r in api.resources.values() if r.parent_id in doomed
            } - doomed
            grew = bool(children)
            doomed |= children
        resource = api.resources[resource_id]
        for rid in doomed:
            api.resources.pop(rid, None)
        return resource

    def delete_rest_api(self, function_id):
        if function_id not in self.apis:
            raise RestAPINotFound()
        return self.apis.pop(function_id)

    def delete_method(self, function_id, resource_id, method_type):
        resource = self.get_resource(function_id, resource_id)
        if method_type not in resource.resource_methods:
            raise MethodNotFoundException()
        resource.resource_methods.pop(method_type)

    backend_cls.get_method_response = get_method_response
    backend_cls.delete_method_response = delete_method_response
    backend_cls.get_integration = get_integration
    backend_cls.delete_integration = delete_integration
    backend_cls.get_integration_response = get_integration_response
    backend_cls.delete_integration_response = delete_integration_response
    backend_cls.get_deployment = get_deployment
    backend_cls.delete_deployment = delete_deployment
    backend_cls.delete_resource = delete_resource
    backend_cls.delete_rest_api = delete_rest_api
    backend_cls.delete_method = delete_method

    # ---- REST APIs --------------------------------------------------------

    original_create_rest_api = response_cls.create_rest_api

    def create_rest_api(self):
        status, headers, body = original_create_rest_api(self)
        media_types = self._get_param("binaryMediaTypes")
        if status == 200 and media_types:
            api = self.backend.get_rest_api(json.loads(body)["id"])
            api.binaryMediaTypes = list(media_types)
            body = json.dumps(api.to_dict())
        return status, headers, body

    original_put_rest_api = backend_cls.put_rest_api

    def put_rest_api(self, function_id, api_doc, fail_on_warnings, mode="merge"):
        if mode == "overwrite":
            # Overwrite replaces every resource but the root, whose ID stays.
            api = self.get_rest_api(function_id)
            root = api.default
            root.resource_methods = {}
            api.resources = {root.id: root}
            mode = "merge"
        return original_put_rest_api(self, function_id, api_doc, fail_on_warnings, mode)

    def rest_api_patch(self, patch_operations):
        for op in patch_operations:
            path, verb, value = op.get("path", ""), op.get("op"), op.get("value")
            parts = path.split("/")
            if path == "/name" and verb == "replace":
                self.name = value
            elif path == "/description" and verb in ("replace", "add"):
                self.description = value
            elif path == "/description" and verb == "remove":
                self.description = None
            elif path == "/apiKeySource" and verb == "replace":
                self.api_key_source = value
            elif path == "/disableExecuteApiEndpoint" and verb == "replace":
                self.disableExecuteApiEndpoint = _bool(value)
            elif path == "/minimumCompressionSize" and verb == "replace":
                self.minimum_compression_size = None if value in (None, "") else int(value)
            elif path == "/policy" and verb == "replace":
                self.policy = value
            elif path.startswith("/endpointConfiguration/types/") and verb == "replace":
                self.endpoint_configuration = dict(self.endpoint_configuration or {})
                self.endpoint_configuration["types"] = [value]
            elif path == "/endpointConfiguration/vpcEndpointIds" and verb in ("add", "remove"):
                config = dict(self.endpoint_configuration or {})
                ids = list(config.get("vpcEndpointIds") or [])
                if verb == "add" and value not in ids:
                    ids.append(value)
                elif verb == "remove" and value in ids:
                    ids.remove(value)
                config["vpcEndpointIds"] = ids
                self.endpoint_configuration = config
            elif path.startswith("/binaryMediaTypes/") and len(parts) == 3:
                media_type = _unescape(parts[2])
                types = list(self.binaryMediaTypes or [])
                if verb == "add" and media_type not in types:
                    types.append(media_type)
                elif verb == "remove" and media_type in types:
                    types.remove(media_type)
                elif verb == "replace":
                    types = [value if t == media_type else t for t in types]
                self.binaryMediaTypes = types
            else:
                raise bad_path(op)

    response_cls.create_rest_api = create_rest_api
    backend_cls.put_rest_api = put_rest_api
    models.RestAPI.apply_patch_operations = rest_api_patch

    # ---- resources ------------------------------------------------------

    def update_resource(self):
        parts = self.path.split("/")
        function_id, resource_id = parts[2], parts[4]
        resource = self.backend.get_resource(function_id, resource_id)
        for op in ops_of(self):
            if op.get("op") != "replace":
                raise bad_path(op)
            if op.get("path") == "/parentId":
                self.backend.get_resource(function_id, op.get("value"))
                resource.parent_id = op.get("value")
            elif op.get("path") == "/pathPart":
                resource.path_part = op.get("value")
            else:
                raise bad_path(op)
        return 200, {}, json.dumps(resource.to_dict())

    response_cls.update_resource = update_resource

    # ---- methods and method responses -----------------------------------

    def method_of(resp):
        parts = resp.path.split("/")
        return resp.backend.get_method(parts[2], parts[4], parts[6])

    def update_method(self):
        method = method_of(self)
        for op in ops_of(self):
            path, verb, value = op.get("path", ""), op.get("op"), op.get("value")
            parts = path.split("/")
            if path == "/authorizationType" and verb == "replace":
                method.authorization_type = value
            elif path == "/authorizerId" and verb == "replace":
                method.authorizer_id = value or None
            elif path == "/apiKeyRequired" and verb == "replace":
                method.api_key_required = _bool(value)
            elif path == "/operationName" and verb == "replace":
                method.operation_name = value or None
            elif path == "/requestValidatorId" and verb == "replace":
                method.request_validator_id = value or None
            elif path == "/authorizationScopes" and verb in ("add", "remove"):
                scopes = list(method.authorization_scopes or [])
                if verb == "add" and value not in scopes:
                    scopes.append(value)
                elif verb == "remove" and value in scopes:
                    scopes.remove(value)
                method.authorization_scopes = scopes or None
            elif path.startswith("/requestParameters/") and len(parts) == 3:
                method.request_parameters = _map_op(
                    method.request_parameters, verb, _unescape(parts[2]), value, _bool
                )
            elif path.startswith("/requestModels/") and len(parts) == 3:
                method.request_models = _map_op(
                    method.request_models, verb, _unescape(parts[2]), value
                )
            else:
                raise bad_path(op)
        return 200, {}, json.dumps(method.to_json())

    def update_method_response(self):
        parts = self.path.split("/")
        found = self.backend.get_method_response(parts[2], parts[4], parts[6], parts[8])
        for op in ops_of(self):
            path, verb, value = op.get("path", ""), op.get("op"), op.get("value")
            segments = path.split("/")
            if path.startswith("/responseParameters/") and len(segments) == 3:
                found.response_parameters = _map_op(
                    found.response_parameters, verb, _unescape(segments[2]), value, _bool
                )
            elif path.startswith("/responseModels/") and len(segments) == 3:
                found.response_models = _map_op(
                    found.response_models, verb, _unescape(segments[2]), value
                )
            else:
                raise bad_path(op)
        return 200, {}, json.dumps(found.to_json())

    response_cls.update_method = update_method
    response_cls.update_method_response = update_method_response

    # ---- integrations and integration responses -------------------------

    def put_integration(self):
        parts = self.path.split("/")
        function_id, resource_id, method_type = parts[2], parts[4], parts[6]
        self.backend.get_method(function_id, resource_id, method_type)
        integration = self.backend.put_integration(
            function_id,
            resource_id,
            method_type,
            self._get_param("type"),
            self._get_param("uri"),
            credentials=self._get_param("credentials"),
            integration_method=self._get_param("httpMethod"),
            request_templates=self._get_param("requestTemplates"),
            passthrough_behavior=self._get_param("passthroughBehavior") or "WHEN_NO_MATCH",
            tls_config=self._get_param("tlsConfig"),
            cache_namespace=self._get_param("cacheNamespace") or resource_id,
            timeout_in_millis=self._get_param("timeoutInMillis") or 29000,
            request_parameters=self._get_param("requestParameters"),
            content_handling=self._get_param("contentHandling"),
            connection_type=self._get_param("connectionType") or "INTERNET",
        )
        integration.cache_key_parameters = list(self._get_param("cacheKeyParameters") or [])
        integration.connection_id = self._get_param("connectionId")
        return 201, {"status": 201}, json.dumps(integration_json(integration))

    def integration_json(integration) -> dict:
        out = integration.to_json()
        connection_id = getattr(integration, "connection_id", None)
        if connection_id:
            out["connectionId"] = connection_id
        return out

    def get_integration_response_method(self):
        parts = self.path.split("/")
        integration = self.backend.get_integration(parts[2], parts[4], parts[6])
        return 200, {}, json.dumps(integration_json(integration))

    def update_integration(self):
        parts = self.path.split("/")
        integration = self.backend.get_integration(parts[2], parts[4], parts[6])
        for op in ops_of(self):
            path, verb, value = op.get("path", ""), op.get("op"), op.get("value")
            segments = path.split("/")
            scalar = {
                "/uri": "uri",
                "/httpMethod": "http_method",
                "/credentials": "credentials",
                "/connectionType": "connection_type",
                "/connectionId": "connection_id",
                "/passthroughBehavior": "passthrough_behaviour",
                "/contentHandling": "content_handling",
                "/cacheNamespace": "cache_namespace",
            }
            if path in scalar and verb == "replace":
                setattr(integration, scalar[path], value or None)
            elif path == "/timeoutInMillis" and verb == "replace":
                integration.timeout_in_millis = int(value)
            elif path == "/tlsConfig/insecureSkipVerification" and verb == "replace":
                integration.tls_config = {"insecureSkipVerification": _bool(value)}
            elif path.startswith("/requestTemplates/") and len(segments) == 3:
                integration.request_templates = _map_op(
                    integration.request_templates, verb, _unescape(segments[2]), value
                )
            elif path.startswith("/requestParameters/") and len(segments) == 3:
                integration.request_parameters = _map_op(
                    integration.request_parameters, verb, _unescape(segments[2]), value
                )
            elif path.startswith("/cacheKeyParameters") and verb in ("add", "remove"):
                name = _unescape(path[len("/cacheKeyParameters/"):]) if len(segments) > 2 else value
                keys = list(integration.cache_key_parameters or [])
                if verb == "add" and name not in keys:
                    keys.append(name)
                elif verb == "remove" and name in keys:
                    keys.remove(name)
                integration.cache_key_parameters = keys
            else:
                raise bad_path(op)
        return 200, {}, json.dumps(integration_json(integration))

    def update_integration_response(self):
        parts = self.path.split("/")
        found = self.backend.get_integration_response(parts[2], parts[4], parts[6], parts[9])
        for op in ops_of(self):
            path, verb, value = op.get("path", ""), op.get("op"), op.get("value")
            segments = path.split("/")
            if path == "/selectionPattern" and verb == "replace":
                found.selection_pattern = value or None
            elif path == "/contentHandling" and verb == "replace":
                found.content_handling = value or None
            elif path.startswith("/responseTemplates/") and len(segments) == 3:
                found.response_templates = _map_op(
                    found.response_templates, verb, _unescape(segments[2]), value
                )
            elif path.startswith("/responseParameters/") and len(segments) == 3:
                found.response_parameters = _map_op(
                    found.response_parameters, verb, _unescape(segments[2]), value
                )
            else:
                raise bad_path(op)
        return 200, {}, json.dumps(found.to_json())

    response_cls.put_integration = put_integration
    response_cls.get_integration = get_integration_response_method
    response_cls.update_integration = update_integration
    response_cls.update_integration_response = update_integration_response

    # ---- deployments ------------------------------------------------------

    def update_deployment(self):
        parts = self.path.split("/")
        deployment = self.backend.get_deployment(parts[2], parts[4])
        for op in ops_of(self):
            if op.get("path") == "/description" and op.get("op") == "replace":
                deployment.description = op.get("value")
            else:
                raise bad_path(op)
        return 200, {}, json.dumps(deployment.to_json())

    response_cls.update_deployment = update_deployment

    # ---- stages -----------------------------------------------------------

    stage_cls = models.Stage
    original_stage_json = stage_cls.to_json
    original_default_settings = stage_cls._get_default_method_settings

    def stage_json(self):
        out = original_stage_json(self)
        for key, attr in (
            ("clientCertificateId", "client_certificate_id"),
            ("documentationVersion", "documentation_version"),
        ):
            if getattr(self, attr, None):
                out[key] = getattr(self, attr)
        if not self.variables:
            out.pop("variables", None)
        return out

    def default_method_settings(self):
        settings = original_default_settings(self)
        settings.setdefault("loggingLevel", "OFF")
        return settings

    setting_paths = {
        "metrics/enabled",
        "logging/loglevel",
        "logging/dataTrace",
        "throttling/burstLimit",
        "throttling/rateLimit",
        "caching/enabled",
        "caching/ttlInSeconds",
        "caching/dataEncrypted",
        "caching/requireAuthorizationForCacheControl",
        "caching/unauthorizedCacheControlHeaderStrategy",
    }

    def method_key(raw: str) -> str:
        """`/~1pets/GET` or `/pets/GET` → `pets/GET`; `/*/*` → `*/*`."""
        return _unescape(raw).lstrip("/")

    def stage_patch(self, patch_operations):
        for op in patch_operations:
            path, verb, value = op.get("path", ""), op.get("op"), op.get("value")
            if path.startswith("/variables/"):
                name = _unescape(path[len("/variables/"):])
                self.variables = _map_op(self.variables, verb, name, value)
            elif path == "/cacheClusterEnabled" and verb == "replace":
                self.cache_cluster_enabled = _bool(value)
                self.cache_cluster_status = (
                    "AVAILABLE" if self.cache_cluster_enabled else "NOT_AVAILABLE"
                )
            elif path == "/cacheClusterSize" and verb == "replace":
                self.cache_cluster_size = str(value)
            elif path == "/description" and verb == "replace":
                self.description = value
            elif path == "/deploymentId" and verb == "replace":
                self.deployment_id = value
            elif path == "/tracingEnabled" and verb == "replace":
                self.tracing_enabled = _bool(value)
            elif path == "/clientCertificateId" and verb == "replace":
                self.client_certificate_id = value or None
            elif path == "/documentationVersion" and verb == "replace":
                self.documentation_version = value or None
            elif path.startswith("/accessLogSettings/") and verb == "replace":
                self.access_log_settings = dict(self.access_log_settings or {})
                self.access_log_settings[path.split("/")[-1]] = value
            elif path == "/accessLogSettings" and verb == "remove":
                self.access_log_settings = None
            elif verb == "replace":
                # /{resource path}/{method}/{setting}/{name}: the setting is
                # the last two segments, the method path the rest.
                head, _, name = path.rpartition("/")
                head, _, group = head.rpartition("/")
                if f"{group}/{name}" not in setting_paths or not head:
                    raise bad_path(op)
                self._patch_method_setting(method_key(head), f"{group}/{name}", value)
            elif verb == "remove":
                key = method_key(path)
                if key not in self.method_settings:
                    raise BadRequestException(
                        f"Cannot remove method setting {key} because there is no "
                        "method setting for this method "
                    )
                del self.method_settings[key]
            else:
                raise bad_path(op)
        return self

    original_create_stage = response_cls.create_stage

    def create_stage(self):
        status, headers, body = original_create_stage(self)
        stage = self.backend.get_stage(self.path.split("/")[2], self._get_param("stageName"))
        stage.client_certificate_id = self._get_param("clientCertificateId")
        stage.documentation_version = self._get_param("documentationVersion")
        return status, headers, json.dumps(stage.to_json())

    stage_cls.to_json = stage_json
    stage_cls._get_default_method_settings = default_method_settings
    stage_cls.apply_operations = stage_patch
    response_cls.create_stage = create_stage

    # ---- tags ---------------------------------------------------------------

    # TagResource and friends address REST APIs by ARN too; the ARN's
    # slashes reach the server decoded.
    urls.url_paths[
        "{0}/tags/arn:(?P<partition>[^/]+):apigateway:(?P<region_name>[^/]+)::/restapis/(?P<function_id>[^/]+)$"
    ] = response_cls.dispatch

    arn_pattern = re.compile(
        r"^arn:[^:]+:apigateway:[^:]*::/restapis/(?P<api>[^/]+)(?:/stages/(?P<stage>[^/]+))?$"
    )

    def tagged(resp):
        arn = unquote(resp.path.split("/tags/", 1)[1])
        m = arn_pattern.match(arn)
        if not m:
            raise not_found(f"Invalid resource ARN {arn}")
        if m.group("stage"):
            try:
                return resp.backend.get_stage(m.group("api"), m.group("stage"))
            except StageNotFoundException:
                raise not_found("Invalid stage identifier specified")
        return resp.backend.get_rest_api(m.group("api"))

    def get_tags(self):
        target = tagged(self)
        return 200, {}, json.dumps({"tags": dict(target.tags or {})})

    def tag_resource(self):
        target = tagged(self)
        target.tags = {**(target.tags or {}), **(self._get_param("tags") or {})}
        return 204, {"status": 204}, ""

    def untag_resource(self):
        target = tagged(self)
        keys = self.querystring.get("tagKeys") or []
        target.tags = {k: v for k, v in (target.tags or {}).items() if k not in keys}
        return 204, {"status": 204}, ""

    response_cls.get_tags = get_tags
    response_cls.tag_resource = tag_resource
    response_cls.untag_resource = untag_resource
