//! The one way upwire reads an input file (descriptor, env file, CA file): bounded in size
//! whatever the file is, refusing binary and non-UTF-8 text with an [`Error`] that says so.

use std::io;
use std::path::Path;

use crate::diagnostic::SourceFile;
use crate::error::Error;

/// The largest descriptor or env file upwire reads.
pub(crate) const MAX_INPUT_BYTES: u64 = 8 * 1024 * 1024;

/// Reads a text file for diagnostics, refusing binary, non-UTF-8 and oversized input. A
/// UTF-8 byte-order mark is dropped (descriptors, `--env-file`s).
///
/// # Errors
/// Any [`Error`] of the reading kinds, naming the path.
pub(crate) fn load_source(path: &Path) -> Result<SourceFile, Error> {
    let source = load_source_keeping_bom(path)?;
    if crate::envfile::bom_len(&source.text) == 0 {
        return Ok(source);
    }
    let text = source.text[crate::envfile::bom_len(&source.text)..].to_owned();
    Ok(SourceFile::new(source.name, text))
}

/// [`load_source`] with a byte-order mark kept in the text, so that spans are byte offsets
/// in the file and `lint` can report the mark (`bom`); columns do not count it.
///
/// # Errors
/// Any [`Error`] of the reading kinds, naming the path.
pub(crate) fn load_source_keeping_bom(path: &Path) -> Result<SourceFile, Error> {
    let bytes = read_bounded(path)?;
    if bytes.contains(&0) {
        return Err(Error::Binary {
            path: path.to_path_buf(),
        });
    }
    let text = String::from_utf8(bytes).map_err(|e| Error::NotUtf8 {
        path: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })?;
    Ok(SourceFile::new(path.display().to_string(), text))
}

/// Reads at most [`MAX_INPUT_BYTES`] from `path`, whatever it is: a regular file, a pipe, a
/// FIFO, a device (`/dev/zero`) or `/dev/stdin`. The one way upwire reads an input file.
///
/// A file's reported size cannot be trusted (pipes and devices report 0, a file may grow
/// while it is read), so the read itself is bounded: limit + 1 bytes at most, and one byte
/// past the limit is the refusal.
///
/// # Errors
/// [`Error::NotFound`], [`Error::Read`] (also for a directory) or [`Error::TooLarge`].
pub(crate) fn read_bounded(path: &Path) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| read_error(path, e))?;
    let meta = file.metadata().map_err(|e| read_error(path, e))?;
    if meta.is_dir() {
        return Err(Error::Read {
            path: path.to_path_buf(),
            source: io::Error::other("it is a directory"),
        });
    }
    let too_large = || Error::TooLarge {
        path: path.to_path_buf(),
        limit: MAX_INPUT_BYTES,
    };
    // A regular file that is already too large is refused without reading it.
    if meta.is_file() && meta.len() > MAX_INPUT_BYTES {
        return Err(too_large());
    }
    let capacity = if meta.is_file() { meta.len() } else { 0 };
    let mut bytes = Vec::with_capacity(usize::try_from(capacity.min(MAX_INPUT_BYTES)).unwrap_or(0));
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| read_error(path, e))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

/// A file upwire reads by convention, not because it was named (a project's `package.json`,
/// `Cargo.toml`, `deno.json`): its text when it is a regular file (a link to one counts), under
/// the bound of [`read_bounded`], and UTF-8 without NUL bytes; `None` for anything else. A
/// `package.json` that is a FIFO or a link to `/dev/zero` is skipped, never waited on or read
/// without end.
#[must_use]
pub(crate) fn read_convention_file(path: &Path) -> Option<String> {
    if !path.is_file() {
        return None;
    }
    let bytes = read_bounded(path).ok()?;
    if bytes.contains(&0) {
        return None;
    }
    String::from_utf8(bytes).ok()
}

/// A manifest in TOML read by convention ([`read_convention_file`]): its table, `None` when it
/// is not there, not readable so, or not TOML.
#[must_use]
pub(crate) fn read_convention_toml(path: &Path) -> Option<toml::Table> {
    read_convention_file(path)?.parse().ok()
}

fn read_error(path: &Path, e: io::Error) -> Error {
    if e.kind() == io::ErrorKind::NotFound {
        Error::NotFound {
            path: path.to_path_buf(),
        }
    } else {
        Error::Read {
            path: path.to_path_buf(),
            source: e,
        }
    }
}
