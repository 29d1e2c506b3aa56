//! Zip files byte for byte as the archive provider writes them with Go's
//! `archive/zip`: every entry deflated (level 5) with a data descriptor,
//! no extra fields, entries in the order given. Files taken from disk
//! carry Unix modes and Go's zero modification time (which MS-DOS time
//! encodes as 2049-01-01); inline content has neither.

use super::deflate;

/// How an entry's header describes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Inline content (`writer.Create`): FAT creator, no attributes,
    /// timestamp zero.
    Content,
    /// A file (`zip.FileInfoHeader` then `SetModTime(time.Time{})`): Unix
    /// creator and mode, the zero time.
    File { unix_mode: u32 },
}

pub struct Entry {
    pub name: String,
    pub data: Vec<u8>,
    pub origin: Origin,
}

const ZIP_VERSION_20: u16 = 20;
const CREATOR_UNIX: u16 = 3;
/// Go's `timeToMsDosTime(time.Time{})`: year 1 does not fit the MS-DOS
/// date, and the overflow reads as 2049-01-01.
const ZERO_TIME_DATE: u16 = 0x8a21;

/// Whether Go sets the UTF-8 flag for a name: a character outside
/// 0x20-0x7d, or a backslash, and valid UTF-8 throughout (a Rust string
/// always is).
fn requires_utf8(name: &str) -> bool {
    name.chars()
        .any(|r| (r as u32) < 0x20 || (r as u32) > 0x7d || r == '\\')
}

/// The mode bits Go stores for a file mode: `S_IFREG` and the
/// permission bits, shifted into the high half, plus the MS-DOS
/// read-only bit when the owner cannot write.
pub fn external_attrs(unix_mode: u32) -> u32 {
    let mut attrs = unix_mode << 16;
    if unix_mode & 0o200 == 0 {
        attrs |= 0x01;
    }
    attrs
}

struct Central {
    name: String,
    flags: u16,
    creator: u16,
    date: u16,
    crc: u32,
    compressed: u32,
    size: u32,
    external: u32,
    offset: u32,
}

fn u16le(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn u32le(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// The archive of `entries`, in order. Archives beyond the classic zip
/// limits (4 GiB, 65535 entries) would need zip64 and are refused.
pub fn write(entries: &[Entry]) -> Result<Vec<u8>, String> {
    let too_big = || "the archive is too large (zip64 archives are not supported)".to_string();
    if entries.len() >= 0xffff {
        return Err(too_big());
    }
    let mut out = Vec::new();
    let mut dir = Vec::with_capacity(entries.len());
    for e in entries {
        if e.name.len() > 0xffff {
            return Err(format!("file name too long: {}", e.name));
        }
        let offset = u32::try_from(out.len()).map_err(|_| too_big())?;
        let mut flags = 0x8u16;
        if requires_utf8(&e.name) {
            flags |= 0x800;
        }
        let (creator, date, external) = match e.origin {
            Origin::Content => (ZIP_VERSION_20, 0, 0),
            Origin::File { unix_mode } => (
                CREATOR_UNIX << 8 | ZIP_VERSION_20,
                ZERO_TIME_DATE,
                external_attrs(unix_mode),
            ),
        };
        // Local header: sizes and CRC follow in the data descriptor.
        u32le(&mut out, 0x0403_4b50);
        u16le(&mut out, ZIP_VERSION_20);
        u16le(&mut out, flags);
        u16le(&mut out, 8);
        u16le(&mut out, 0);
        u16le(&mut out, date);
        u32le(&mut out, 0);
        u32le(&mut out, 0);
        u32le(&mut out, 0);
        u16le(&mut out, e.name.len() as u16);
        u16le(&mut out, 0);
        out.extend_from_slice(e.name.as_bytes());
        let compressed = deflate::compress(&e.data);
        let crc = crc32fast::hash(&e.data);
        let csize = u32::try_from(compressed.len())
            .ok()
            .filter(|n| *n < u32::MAX)
            .ok_or_else(too_big)?;
        let size = u32::try_from(e.data.len())
            .ok()
            .filter(|n| *n < u32::MAX)
            .ok_or_else(too_big)?;
        out.extend_from_slice(&compressed);
        u32le(&mut out, 0x0807_4b50);
        u32le(&mut out, crc);
        u32le(&mut out, csize);
        u32le(&mut out, size);
        dir.push(Central {
            name: e.name.clone(),
            flags,
            creator,
            date,
            crc,
            compressed: csize,
            size,
            external,
            offset,
        });
    }
    let start = u32::try_from(out.len()).map_err(|_| too_big())?;
    for h in &dir {
        u32le(&mut out, 0x0201_4b50);
        u16le(&mut out, h.creator);
        u16le(&mut out, ZIP_VERSION_20);
        u16le(&mut out, h.flags);
        u16le(&mut out, 8);
        u16le(&mut out, 0);
        u16le(&mut out, h.date);
        u32le(&mut out, h.crc);
        u32le(&mut out, h.compressed);
        u32le(&mut out, h.size);
        u16le(&mut out, h.name.len() as u16);
        u16le(&mut out, 0); // extra
        u16le(&mut out, 0); // comment
        u16le(&mut out, 0); // disk number start
        u16le(&mut out, 0); // internal attributes
        u32le(&mut out, h.external);
        u32le(&mut out, h.offset);
        out.extend_from_slice(h.name.as_bytes());
    }
    let end = u32::try_from(out.len())
        .ok()
        .filter(|n| *n < u32::MAX)
        .ok_or_else(too_big)?;
    u32le(&mut out, 0x0605_4b50);
    u16le(&mut out, 0);
    u16le(&mut out, 0);
    u16le(&mut out, dir.len() as u16);
    u16le(&mut out, dir.len() as u16);
    u32le(&mut out, end - start);
    u32le(&mut out, start);
    u16le(&mut out, 0);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_outside_printable_ascii_set_the_utf8_flag() {
        assert!(!requires_utf8("lambda_function.py"));
        assert!(requires_utf8("caf\u{e9}.txt"));
        assert!(requires_utf8("a~b"));
        assert!(requires_utf8("a\\b"));
    }

    #[test]
    fn read_only_files_carry_the_msdos_flag() {
        assert_eq!(external_attrs(0o100644), 0x81a4_0000);
        assert_eq!(external_attrs(0o100444), 0x8124_0001);
    }
}
