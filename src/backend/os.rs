//! The operating-system pieces of local state: file locks, atomic writes,
//! and who we are.
//!
//! The lock is the one Terraform takes on a local state file: an `fcntl`
//! write lock over the whole state file (Terraform's
//! `statemgr.Filesystem`), so tfrs and terraform exclude each other. On
//! Linux it is an open-file-description lock (`F_OFD_SETLK`), which
//! conflicts with terraform's classic lock but, unlike it, is not dropped
//! when some other descriptor of the file in this process is closed.
//! Either kind disappears when the process dies.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// Tries to take the write lock on the whole of `file` without waiting.
/// `Ok(false)` when another process holds a conflicting lock.
#[cfg(unix)]
pub fn try_lock(file: &File) -> io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    // SAFETY: flock is a plain C struct; zeroed is a valid value.
    let mut fl: libc::flock = unsafe { std::mem::zeroed() };
    fl.l_type = libc::F_WRLCK as _;
    fl.l_whence = libc::SEEK_SET as _;
    fl.l_start = 0;
    fl.l_len = 0;
    #[cfg(target_os = "linux")]
    let cmd = libc::F_OFD_SETLK;
    #[cfg(not(target_os = "linux"))]
    let cmd = libc::F_SETLK;
    // SAFETY: the descriptor is open for the lifetime of `file`, and `fl`
    // is a valid flock structure.
    let r = unsafe { libc::fcntl(file.as_raw_fd(), cmd, &mut fl) };
    if r == 0 {
        return Ok(true);
    }
    let err = io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::EAGAIN) | Some(libc::EACCES) => Ok(false),
        _ => Err(err),
    }
}

#[cfg(not(unix))]
pub fn try_lock(_file: &File) -> io::Result<bool> {
    Ok(true)
}

/// Releases the lock taken by [`try_lock`] (closing the file does too).
#[cfg(unix)]
pub fn unlock(file: &File) -> io::Result<()> {
    use std::os::unix::io::AsRawFd;
    // SAFETY: as in try_lock.
    let mut fl: libc::flock = unsafe { std::mem::zeroed() };
    fl.l_type = libc::F_UNLCK as _;
    fl.l_whence = libc::SEEK_SET as _;
    #[cfg(target_os = "linux")]
    let cmd = libc::F_OFD_SETLK;
    #[cfg(not(target_os = "linux"))]
    let cmd = libc::F_SETLK;
    // SAFETY: as in try_lock.
    let r = unsafe { libc::fcntl(file.as_raw_fd(), cmd, &mut fl) };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(unix))]
pub fn unlock(_file: &File) -> io::Result<()> {
    Ok(())
}

/// Whether `file` is still the file at `path` (not replaced or removed).
#[cfg(unix)]
pub fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
pub fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

/// Creates (or truncates) `path` readable and writable by the owner only.
pub fn create_private(path: &Path) -> io::Result<File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

/// Writes `bytes` to `path` atomically: a temporary file in the same
/// directory (mode 0600), fsync, rename over `path`, fsync the directory.
/// `before_rename` runs on the finished temporary file just before it takes
/// `path`'s place (the state manager locks it there).
pub fn write_atomic(
    path: &Path,
    bytes: &[u8],
    before_rename: impl FnOnce(&File) -> io::Result<()>,
) -> io::Result<File> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("terraform.tfstate");
    let tmp = dir.join(format!(
        ".{name}.tmp-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    let result = (|| {
        let mut f = create_private(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        before_rename(&f)?;
        std::fs::rename(&tmp, path)?;
        sync_dir(&dir);
        Ok(f)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Flushes a directory's entries (after a rename) where the platform can.
pub fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// The login name of the current user, as Go's `user.Current()`.
pub fn user_name() -> String {
    #[cfg(unix)]
    {
        // SAFETY: getpwuid_r writes into the buffers we own; the result
        // pointer is checked before use.
        unsafe {
            let uid = libc::getuid();
            let mut pwd: libc::passwd = std::mem::zeroed();
            let mut buf = vec![0 as libc::c_char; 4096];
            let mut result: *mut libc::passwd = std::ptr::null_mut();
            let r = libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result);
            if r == 0 && !result.is_null() && !pwd.pw_name.is_null() {
                if let Ok(s) = std::ffi::CStr::from_ptr(pwd.pw_name).to_str() {
                    return s.to_string();
                }
            }
        }
    }
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_default()
}

/// The host name, as Go's `os.Hostname()`.
pub fn host_name() -> String {
    #[cfg(unix)]
    {
        let mut buf = [0 as libc::c_char; 256];
        // SAFETY: the buffer is ours and its length is passed.
        let r = unsafe { libc::gethostname(buf.as_mut_ptr(), buf.len()) };
        if r == 0 {
            // SAFETY: gethostname NUL-terminates within the buffer on success
            // (we keep the last byte as a terminator in any case).
            buf[buf.len() - 1] = 0;
            let s = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) };
            if let Ok(s) = s.to_str() {
                return s.to_string();
            }
        }
    }
    std::env::var("HOSTNAME")
        .or_else(|_| std::env::var("COMPUTERNAME"))
        .unwrap_or_default()
}

/// An I/O error as Go prints it: `open terraform.tfstate: no such file or directory`.
pub fn go_io_error(op: &str, path: &Path, err: &io::Error) -> String {
    format!("{op} {}: {}", path.display(), go_errno_text(err))
}

/// The text of an OS error as Go's `syscall.Errno.Error()` writes it
/// (lower case, no "(os error N)").
pub fn go_errno_text(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => return "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => return "permission denied".into(),
        _ => {}
    }
    let s = err.to_string();
    let s = match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    };
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().collect::<String>() + chars.as_str(),
        None => s,
    }
}
