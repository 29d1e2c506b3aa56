//! `rsadecrypt`: RSA PKCS #1 v1.5 decryption with a PEM private key.

use super::{arg_error, call_error, FuncContext, FuncResult};
use tfrs_provider::Value;

pub(super) fn rsadecrypt(_: &FuncContext, args: &[Value]) -> FuncResult {
    let ct = args[0].as_str().unwrap_or("");
    let Some(_data) = super::encoding::go_base64_decode(ct) else {
        return Err(arg_error(
            0,
            "ciphertext",
            format!(
                "failed to decode input {}: cipher text must be base64-encoded",
                super::go_quote(ct)
            ),
        ));
    };
    Err(call_error("rsadecrypt", "rsadecrypt is not supported"))
}
