//! `rsadecrypt`: RSA PKCS #1 v1.5 decryption with a PEM private key, as
//! Terraform does it with Go's `ssh.ParseRawPrivateKey` and
//! `rsa.DecryptPKCS1v15`. Keys are PKCS #1 (`RSA PRIVATE KEY`) or PKCS #8
//! (`PRIVATE KEY`) DER in PEM; the arithmetic is `num-bigint`'s.

use super::{arg_error, call_error, FuncContext, FuncResult};
use num_bigint::BigUint;
use tfrs_provider::Value;

pub(super) fn rsadecrypt(_: &FuncContext, args: &[Value]) -> FuncResult {
    let ct = args[0].as_str().unwrap_or("");
    let key = args[1].as_str().unwrap_or("");
    let Some(data) = super::encoding::go_base64_decode(ct) else {
        return Err(arg_error(
            0,
            "ciphertext",
            format!(
                "failed to decode input {}: cipher text must be base64-encoded",
                super::go_quote(ct)
            ),
        ));
    };
    let key = parse_private_key(key).map_err(|e| arg_error(1, "privatekey", e))?;
    let plain = decrypt_pkcs1v15(&key, &data)
        .map_err(|e| call_error("rsadecrypt", format!("failed to decrypt: {e}")))?;
    Ok(Value::String(String::from_utf8_lossy(&plain).into_owned()))
}

/// The parts of an RSA private key that decryption needs.
pub(crate) struct RsaKey {
    n: BigUint,
    d: BigUint,
}

/// `ssh.ParseRawPrivateKey`, for RSA keys; the error is the message
/// Terraform reports after "Invalid value for "privatekey" parameter: ".
fn parse_private_key(pem: &str) -> Result<RsaKey, String> {
    let Some((label, der)) = pem_decode(pem) else {
        return Err("invalid private key: ssh: no key found".into());
    };
    if der.is_none() {
        return Err("invalid private key: ssh: this private key is passphrase protected".into());
    }
    let der = der.unwrap_or_default();
    match label.as_str() {
        "RSA PRIVATE KEY" => parse_pkcs1(&der),
        "PRIVATE KEY" => parse_pkcs8(&der),
        "EC PRIVATE KEY" | "DSA PRIVATE KEY" | "OPENSSH PRIVATE KEY" => {
            Err("invalid private key type: only RSA keys can decrypt".into())
        }
        other => Err(format!(
            "invalid private key: ssh: unsupported key type {}",
            super::go_quote(other)
        )),
    }
}

/// Go's `pem.Decode`: the first block whose base64 body decodes. The body is
/// `None` for an encrypted key (a `Proc-Type` header).
fn pem_decode(text: &str) -> Option<(String, Option<Vec<u8>>)> {
    let mut rest = text;
    loop {
        let start = rest.find("-----BEGIN ")?;
        let after = &rest[start + 11..];
        let label_end = after.find("-----")?;
        let label = after[..label_end].to_string();
        let body_start = &after[label_end + 5..];
        let end_marker = format!("-----END {label}-----");
        let Some(end) = body_start.find(&end_marker) else {
            rest = body_start;
            continue;
        };
        let body = &body_start[..end];
        let mut encrypted = false;
        let mut b64 = String::new();
        for line in body.lines() {
            if line.contains(':') {
                if line.trim_start().starts_with("Proc-Type") && line.contains("ENCRYPTED") {
                    encrypted = true;
                }
                continue;
            }
            b64.extend(line.chars().filter(|c| !c.is_whitespace()));
        }
        match super::encoding::go_base64_decode(&b64) {
            Some(der) if !der.is_empty() || b64.is_empty() => {
                return Some((label, if encrypted { None } else { Some(der) }));
            }
            _ => rest = &body_start[end + end_marker.len()..],
        }
    }
}

/// A DER element: its tag and contents, and what follows it.
fn der_next(data: &[u8]) -> Result<(u8, &[u8], &[u8]), String> {
    let truncated = || "invalid ASN1 data in the given private key: data truncated".to_string();
    let tag = *data.first().ok_or_else(truncated)?;
    let first = *data.get(1).ok_or_else(truncated)?;
    let (len, header) = if first & 0x80 == 0 {
        (first as usize, 2)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 {
            return Err("invalid ASN1 data in the given private key: length too large".into());
        }
        let bytes = data.get(2..2 + n).ok_or_else(truncated)?;
        (
            bytes.iter().fold(0usize, |a, b| (a << 8) | *b as usize),
            2 + n,
        )
    };
    let body = data.get(header..header + len).ok_or_else(truncated)?;
    Ok((tag, body, &data[header + len..]))
}

fn der_expect(data: &[u8], tag: u8) -> Result<(&[u8], &[u8]), String> {
    let (t, body, rest) = der_next(data)?;
    if t != tag {
        return Err(format!(
            "invalid ASN1 data in the given private key: tags don't match (expected tag {}, got {})",
            tag & 0x1f,
            t & 0x1f
        ));
    }
    Ok((body, rest))
}

fn der_integer(data: &[u8]) -> Result<(BigUint, &[u8]), String> {
    let (body, rest) = der_expect(data, 0x02)?;
    if body.first().is_some_and(|b| b & 0x80 != 0) {
        return Err("x509: private key contains zero or negative value".into());
    }
    Ok((BigUint::from_bytes_be(body), rest))
}

/// PKCS #1 `RSAPrivateKey`.
fn parse_pkcs1(der: &[u8]) -> Result<RsaKey, String> {
    let (seq, trailing) = der_expect(der, 0x30)?;
    if !trailing.is_empty() {
        return Err("invalid ASN1 data in the given private key: trailing data".into());
    }
    let (version, rest) = der_integer(seq)?;
    if version > BigUint::from(1u8) {
        return Err("invalid private key: x509: unsupported private key version".into());
    }
    let (n, rest) = der_integer(rest)?;
    let (_e, rest) = der_integer(rest)?;
    let (d, _) = der_integer(rest)?;
    if n == BigUint::from(0u8) || d == BigUint::from(0u8) {
        return Err(
            "invalid private key: x509: private key contains zero or negative value".into(),
        );
    }
    Ok(RsaKey { n, d })
}

/// PKCS #8 `PrivateKeyInfo` holding an RSA key.
fn parse_pkcs8(der: &[u8]) -> Result<RsaKey, String> {
    const RSA_OID: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    let (seq, _) = der_expect(der, 0x30)?;
    let (_version, rest) = der_integer(seq)?;
    let (alg, rest) = der_expect(rest, 0x30)?;
    let (oid, _) = der_expect(alg, 0x06)?;
    if oid != RSA_OID {
        return Err("invalid private key type: only RSA keys can decrypt".into());
    }
    let (key, _) = der_expect(rest, 0x04)?;
    parse_pkcs1(key).map_err(|e| {
        e.replace(
            "x509: ",
            "x509: failed to parse RSA private key embedded in PKCS#8: ",
        )
    })
}

/// `rsa.DecryptPKCS1v15`.
fn decrypt_pkcs1v15(key: &RsaKey, ciphertext: &[u8]) -> Result<Vec<u8>, &'static str> {
    const ERR: &str = "crypto/rsa: decryption error";
    let k = key.n.to_bytes_be().len();
    if k < 11 || ciphertext.len() > k {
        return Err(ERR);
    }
    let c = BigUint::from_bytes_be(ciphertext);
    if c >= key.n {
        return Err(ERR);
    }
    let m = c.modpow(&key.d, &key.n).to_bytes_be();
    let mut em = vec![0u8; k - m.len()];
    em.extend(m);
    if em[0] != 0 || em[1] != 2 {
        return Err(ERR);
    }
    let Some(zero) = em[2..].iter().position(|b| *b == 0) else {
        return Err(ERR);
    };
    // At least eight bytes of padding.
    if zero < 8 {
        return Err(ERR);
    }
    Ok(em[2 + zero + 1..].to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decrypts_with_a_small_key() {
        // n = 3233 is too small for PKCS #1 v1.5 (k < 11): refused.
        let key = RsaKey {
            n: BigUint::from(3233u32),
            d: BigUint::from(2753u32),
        };
        assert!(decrypt_pkcs1v15(&key, &[1]).is_err());
    }

    #[test]
    fn no_pem_block_is_no_key() {
        assert_eq!(
            parse_private_key(
                "-----BEGIN RSA PRIVATE KEY-----\nbogus\n-----END RSA PRIVATE KEY-----"
            )
            .err()
            .unwrap(),
            "invalid private key: ssh: no key found"
        );
    }
}
