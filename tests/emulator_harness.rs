//! The emulator harness starts on a free loopback port, answers AWS calls
//! and honours moto's reset API. Later provider tests build on it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

struct Emulator {
    child: Child,
    addr: String,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Emulator {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/emulator/server.py");
    let mut child = Command::new("python3")
        .arg(script)
        .args(["--host", "127.0.0.1", "--port", "0", "--quiet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 runs the emulator");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("emulator prints its address");
    let addr = line
        .trim()
        .strip_prefix("emulator listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    Emulator { child, addr }
}

/// A minimal HTTP/1.1 request; returns the status code and body.
fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect to emulator");
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).expect("send");
    let mut resp = String::new();
    s.read_to_string(&mut resp).expect("read");
    let status = resp
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = resp
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn emulator_answers_sts_and_resets() {
    let emu = start();
    let auth = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0";
    let (status, body) = request(
        &emu.addr,
        "POST",
        "/",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Authorization", auth),
        ],
        "Action=GetCallerIdentity&Version=2011-06-15",
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("123456789012"), "{body}");

    let s3_auth = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0";
    let (status, _) = request(
        &emu.addr,
        "PUT",
        "/www.example.site",
        &[("Authorization", s3_auth)],
        "",
    );
    assert_eq!(status, 200);
    let (_, listing) = request(&emu.addr, "GET", "/", &[("Authorization", s3_auth)], "");
    assert!(listing.contains("www.example.site"), "{listing}");

    let (status, _) = request(&emu.addr, "POST", "/moto-api/reset", &[], "");
    assert_eq!(status, 200);
    let (_, listing) = request(&emu.addr, "GET", "/", &[("Authorization", s3_auth)], "");
    assert!(
        !listing.contains("www.example.site"),
        "reset must remove the bucket: {listing}"
    );
}
