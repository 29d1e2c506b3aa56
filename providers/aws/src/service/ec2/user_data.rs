//! User data as the hashicorp/aws provider handles it for instances and
//! launch configurations: sent base64-encoded (once: text that already is
//! base64 goes as it is), and kept in state as the SHA-1 hex digest of the
//! decoded bytes, so that a large script does not sit in the state.

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;

/// Go's `base64.StdEncoding`, which the provider decodes with: canonical
/// padding, non-zero trailing bits accepted, line breaks ignored.
const GO_STD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
);

/// The bytes of `s` if it is base64 text.
pub fn decode(s: &str) -> Option<Vec<u8>> {
    let compact: String = s.chars().filter(|c| *c != '\r' && *c != '\n').collect();
    GO_STD.decode(compact).ok()
}

/// The value to send as RunInstances/CreateLaunchConfiguration `UserData`.
pub fn encode_once(s: &str) -> String {
    if decode(s).is_some() {
        s.to_string()
    } else {
        GO_STD.encode(s.as_bytes())
    }
}

/// The raw bytes of configured user data (decoded when it is base64), for
/// ModifyInstanceAttribute, whose blob the SDK encodes itself.
pub fn raw_bytes(s: &str) -> Vec<u8> {
    decode(s).unwrap_or_else(|| s.as_bytes().to_vec())
}

/// What the state holds for user data `s` (the provider's userDataHashSum).
pub fn hash_sum(s: &str) -> String {
    hex(&sha1(&raw_bytes(s)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-1 (FIPS 180-4). Only for the state's fingerprint of user data, as
/// the provider computes it; not for anything that needs a secure hash.
pub fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0];
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_be_bytes());
    for chunk in msg.chunks_exact(64) {
        let mut w = [0u32; 80];
        for (i, word) in chunk.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A827999),
                20..=39 => (b ^ c ^ d, 0x6ED9EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1BBCDC),
                _ => (b ^ c ^ d, 0xCA62C1D6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 20];
    for (i, word) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&word.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_known_digests() {
        assert_eq!(hex(&sha1(b"")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(
            hex(&sha1(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hex(&sha1(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
    }

    #[test]
    fn hashes_the_decoded_bytes() {
        // "hello" is not base64: hashed as it is; its base64 form hashes the same.
        assert_eq!(
            hash_sum("hello"),
            "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"
        );
        assert_eq!(hash_sum("aGVsbG8="), hash_sum("hello"));
        assert_eq!(encode_once("hello"), "aGVsbG8=");
        assert_eq!(encode_once("aGVsbG8="), "aGVsbG8=");
        assert_eq!(
            raw_bytes("#!/bin/bash\necho hi\n"),
            b"#!/bin/bash\necho hi\n"
        );
    }
}
