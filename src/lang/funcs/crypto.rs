//! Crypto and hashing functions: base64sha256, base64sha512, bcrypt,
//! filebase64sha256, filebase64sha512, filemd5, filesha1, filesha256,
//! filesha512, md5, rsadecrypt, sha1, sha256, sha512, uuid, uuidv5.

use super::encoding::base64_encode;
use super::filesystem::open_file_bytes;
use super::{call_error, ret_string, to_int, FuncContext, FuncResult, Function, Param, ParamType};
use sha2::Digest;
use tfrs_provider::Value;

const STR: Param = Param::new("str", ParamType::String);
const PATH: Param = Param::new("path", ParamType::String);

macro_rules! f {
    ($name:expr, [$($p:expr),*], $imp:expr) => {
        Function { name: $name, params: &[$($p),*], variadic: None, return_type: ret_string, imp: $imp }
    };
    ($name:expr, [$($p:expr),*], $var:expr, $imp:expr) => {
        Function { name: $name, params: &[$($p),*], variadic: Some($var), return_type: ret_string, imp: $imp }
    };
}

pub const FUNCTIONS: &[Function] = &[
    f!("md5", [STR], md5),
    f!("sha1", [STR], sha1),
    f!("sha256", [STR], sha256),
    f!("sha512", [STR], sha512),
    f!("base64sha256", [STR], base64sha256),
    f!("base64sha512", [STR], base64sha512),
    f!("filemd5", [PATH], filemd5),
    f!("filesha1", [PATH], filesha1),
    f!("filesha256", [PATH], filesha256),
    f!("filesha512", [PATH], filesha512),
    f!("filebase64sha256", [PATH], filebase64sha256),
    f!("filebase64sha512", [PATH], filebase64sha512),
    f!(
        "bcrypt",
        [STR],
        Param::new("cost", ParamType::Number),
        bcrypt
    ),
    f!("uuid", [], uuid),
    f!(
        "uuidv5",
        [
            Param::new("namespace", ParamType::String),
            Param::new("name", ParamType::String)
        ],
        uuidv5
    ),
    f!(
        "rsadecrypt",
        [
            Param::new("ciphertext", ParamType::String),
            Param::new("privatekey", ParamType::String)
        ],
        super::rsa::rsadecrypt
    ),
];

fn s(v: &Value) -> &[u8] {
    v.as_str().expect("converted to string").as_bytes()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[derive(Clone, Copy)]
enum Algo {
    Md5,
    Sha1,
    Sha256,
    Sha512,
}

fn digest(a: Algo, data: &[u8]) -> Vec<u8> {
    match a {
        Algo::Md5 => md5::Md5::digest(data).to_vec(),
        Algo::Sha1 => sha1::Sha1::digest(data).to_vec(),
        Algo::Sha256 => sha2::Sha256::digest(data).to_vec(),
        Algo::Sha512 => sha2::Sha512::digest(data).to_vec(),
    }
}

fn md5(_: &FuncContext, args: &[Value]) -> FuncResult {
    Ok(Value::String(hex(&digest(Algo::Md5, s(&args[0])))))
}
fn sha1(_: &FuncContext, args: &[Value]) -> FuncResult {
    Ok(Value::String(hex(&digest(Algo::Sha1, s(&args[0])))))
}
fn sha256(_: &FuncContext, args: &[Value]) -> FuncResult {
    Ok(Value::String(hex(&digest(Algo::Sha256, s(&args[0])))))
}
fn sha512(_: &FuncContext, args: &[Value]) -> FuncResult {
    Ok(Value::String(hex(&digest(Algo::Sha512, s(&args[0])))))
}
fn base64sha256(_: &FuncContext, args: &[Value]) -> FuncResult {
    Ok(Value::String(base64_encode(&digest(
        Algo::Sha256,
        s(&args[0]),
    ))))
}
fn base64sha512(_: &FuncContext, args: &[Value]) -> FuncResult {
    Ok(Value::String(base64_encode(&digest(
        Algo::Sha512,
        s(&args[0]),
    ))))
}

fn file_hash(name: &str, ctx: &FuncContext, args: &[Value], a: Algo, b64: bool) -> FuncResult {
    let path = args[0].as_str().expect("string");
    let data = open_file_bytes(ctx, path).map_err(|e| call_error(name, e))?;
    let d = digest(a, &data);
    Ok(Value::String(if b64 { base64_encode(&d) } else { hex(&d) }))
}

fn filemd5(ctx: &FuncContext, args: &[Value]) -> FuncResult {
    file_hash("filemd5", ctx, args, Algo::Md5, false)
}
fn filesha1(ctx: &FuncContext, args: &[Value]) -> FuncResult {
    file_hash("filesha1", ctx, args, Algo::Sha1, false)
}
fn filesha256(ctx: &FuncContext, args: &[Value]) -> FuncResult {
    file_hash("filesha256", ctx, args, Algo::Sha256, false)
}
fn filesha512(ctx: &FuncContext, args: &[Value]) -> FuncResult {
    file_hash("filesha512", ctx, args, Algo::Sha512, false)
}
fn filebase64sha256(ctx: &FuncContext, args: &[Value]) -> FuncResult {
    file_hash("filebase64sha256", ctx, args, Algo::Sha256, true)
}
fn filebase64sha512(ctx: &FuncContext, args: &[Value]) -> FuncResult {
    file_hash("filebase64sha512", ctx, args, Algo::Sha512, true)
}

fn bcrypt(_: &FuncContext, args: &[Value]) -> FuncResult {
    let mut cost = 10i64;
    if args.len() > 1 {
        cost = to_int(&args[1]).map_err(|m| call_error("bcrypt", m))?;
    }
    if args.len() > 2 {
        return Err(call_error(
            "bcrypt",
            "bcrypt() takes no more than two arguments",
        ));
    }
    let input = s(&args[0]);
    if !(4..=31).contains(&cost) {
        if cost > 31 {
            return Err(call_error(
                "bcrypt",
                format!(
                    "error occured generating password crypto/bcrypt: cost {cost} is outside allowed range (4,31)"
                ),
            ));
        }
        cost = 10;
    }
    if input.len() > 72 {
        return Err(call_error(
            "bcrypt",
            "error occured generating password bcrypt: password length exceeds 72 bytes",
        ));
    }
    let h = ::bcrypt::hash_with_result(input, cost as u32)
        .map_err(|e| call_error("bcrypt", format!("error occured generating password {e}")))?;
    Ok(Value::String(h.format_for_version(::bcrypt::Version::TwoA)))
}

fn uuid(_: &FuncContext, _: &[Value]) -> FuncResult {
    Ok(Value::String(::uuid::Uuid::new_v4().to_string()))
}

/// Go's `uuid.Parse` (github.com/google/uuid).
fn parse_go_uuid(s: &str) -> Result<::uuid::Uuid, String> {
    let body = match s.len() {
        36 => s,
        38 => {
            if !(s.starts_with('{') && s.ends_with('}')) {
                return Err("invalid UUID format".into());
            }
            &s[1..37]
        }
        45 => {
            if !s[..9].eq_ignore_ascii_case("urn:uuid:") {
                return Err(format!("invalid urn prefix: {}", super::go_quote(&s[..9])));
            }
            &s[9..]
        }
        32 => {
            return ::uuid::Uuid::try_parse(s).map_err(|_| "invalid UUID format".into());
        }
        n => return Err(format!("invalid UUID length: {n}")),
    };
    let b = body.as_bytes();
    if b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
        return Err("invalid UUID format".into());
    }
    ::uuid::Uuid::try_parse(body).map_err(|_| "invalid UUID format".into())
}

fn uuidv5(_: &FuncContext, args: &[Value]) -> FuncResult {
    let ns_text = args[0].as_str().expect("string");
    let ns = match ns_text {
        "dns" => ::uuid::Uuid::NAMESPACE_DNS,
        "url" => ::uuid::Uuid::NAMESPACE_URL,
        "oid" => ::uuid::Uuid::NAMESPACE_OID,
        "x500" => ::uuid::Uuid::NAMESPACE_X500,
        other => parse_go_uuid(other).map_err(|e| {
            call_error(
                "uuidv5",
                format!("uuidv5() doesn't support namespace {other} ({e})"),
            )
        })?,
    };
    Ok(Value::String(
        ::uuid::Uuid::new_v5(&ns, s(&args[1])).to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{check, eval};

    #[test]
    fn crypto_functions() {
        check(&[
            (
                r###"md5("hello")"###,
                r###""5d41402abc4b2a76b9719d911017c592""###,
            ),
            (
                r###"sha1("hello")"###,
                r###""aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d""###,
            ),
            (
                r###"sha256("hello")"###,
                r###""2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824""###,
            ),
            (
                r###"sha512("hello")"###,
                r###""9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043""###,
            ),
            (
                r###"md5("")"###,
                r###""d41d8cd98f00b204e9800998ecf8427e""###,
            ),
            (
                r###"base64sha256("hello")"###,
                r###""LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=""###,
            ),
            (
                r###"base64sha512("hello")"###,
                r###""m3HSJL1i83hdltRq0+o9czGb+8KJDKra4t/3JRlnPKcjI8PZm6XBHXx6zG4UuMXaDEZjR1wuXDre9G9zvN7AQw==""###,
            ),
            (
                r###"uuidv5("dns", "www.terraform.io")"###,
                r###""a5008fae-b28c-5ba5-96cd-82b4c53552d6""###,
            ),
            (
                r###"uuidv5("url", "https://www.terraform.io/")"###,
                r###""9db6f67c-dd95-5ea0-aa5b-e70e5c5f7cf5""###,
            ),
            (
                r###"uuidv5("oid", "1.2.3")"###,
                r###""42d5e23b-3a02-5135-85c6-52d1102f1f00""###,
            ),
            (
                r###"uuidv5("x500", "CN=x")"###,
                r###""955bb643-faf8-5f69-a3de-891b89fea215""###,
            ),
            (
                r###"uuidv5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "a")"###,
                r###""4f3f2898-69e3-5a0d-820a-c4e87987dbce""###,
            ),
            (
                r###"uuidv5("6ba7b810-9d ad-11d1-80b4-00c04fd430c8", "a")"###,
                r###"error: Error in function call: Call to function "uuidv5" failed: uuidv5() doesn't support namespace 6ba7b810-9d ad-11d1-80b4-00c04fd430c8 (invalid UUID length: 37)."###,
            ),
            (
                r###"uuidv5("foo", "a")"###,
                r###"error: Error in function call: Call to function "uuidv5" failed: uuidv5() doesn't support namespace foo (invalid UUID length: 3)."###,
            ),
            (
                r###"rsadecrypt("x", "y")"###,
                r###"error: Invalid function argument: Invalid value for "ciphertext" parameter: failed to decode input "x": cipher text must be base64-encoded."###,
            ),
            (
                r###"bcrypt("x", 32)"###,
                r###"error: Error in function call: Call to function "bcrypt" failed: error occured generating password crypto/bcrypt: cost 32 is outside allowed range (4,31)."###,
            ),
            // CASES:crypto
        ]);
    }

    #[test]
    fn random_functions() {
        let u = eval("uuid()");
        assert_eq!(u.len(), 38, "{u}");
        assert_eq!(&u[15..16], "4");
        let b = eval(r#"bcrypt("hello", 4)"#);
        assert!(b.starts_with("\"$2a$04$"), "{b}");
        let b = eval(r#"bcrypt("hello", 3)"#);
        assert!(b.starts_with("\"$2a$10$"), "{b}");
    }
}
