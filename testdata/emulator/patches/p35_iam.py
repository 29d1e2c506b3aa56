"""IAM as AWS documents it, where moto 5.2.1 differs.

- UpdateRole changes only what the request gives: AWS leaves an omitted
  Description or MaxSessionDuration as it was
  (https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateRole.html);
  moto clears the description and resets the duration to 3600.
- GetPolicyVersion returns the document URL-encoded (RFC 3986), as every
  IAM policy document AWS returns
  (https://docs.aws.amazon.com/IAM/latest/APIReference/API_PolicyVersion.html);
  moto returns it as stored.
"""

from __future__ import annotations


def apply() -> None:
    from moto.core.responses import EmptyResult
    from moto.core.serialize import url_encode
    from moto.iam.responses import IamResponse

    IamResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER[
        "GetPolicyVersionResponse.PolicyVersion.Document"
    ] = url_encode

    def update_role(self):  # type: ignore[no-untyped-def]
        role = self.backend.get_role(self._get_param("RoleName"))
        description = self._get_param("Description")
        duration = self._get_param("MaxSessionDuration")
        if description is not None:
            role.description = description
        if duration is not None:
            role.max_session_duration = duration
        return EmptyResult()

    IamResponse.update_role = update_role
