//! Failures that stop a run (exit 2). Findings about the input are diagnostics, not errors.

use std::io;
use std::path::{Path, PathBuf};

use crate::diagnostic::SourceFile;

/// The largest descriptor or env file upwire reads.
pub const MAX_INPUT_BYTES: u64 = 8 * 1024 * 1024;

/// Why a run could not go on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file does not exist.
    #[error("`{}` does not exist", path.display())]
    NotFound {
        /// The path given.
        path: PathBuf,
    },
    /// The file exists but cannot be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Read {
        /// The path given.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// The file is not UTF-8.
    #[error("`{}` is not UTF-8 text (invalid byte at offset {offset}); save it as UTF-8", path.display())]
    NotUtf8 {
        /// The path given.
        path: PathBuf,
        /// First invalid byte.
        offset: usize,
    },
    /// The file holds NUL bytes.
    #[error("`{}` looks like a binary file, not a text descriptor or env file", path.display())]
    Binary {
        /// The path given.
        path: PathBuf,
    },
    /// The file is larger than [`MAX_INPUT_BYTES`].
    #[error("`{}` is {size} bytes; upwire reads files up to {limit} bytes", path.display())]
    TooLarge {
        /// The path given.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// An `--env-file` could not be parsed.
    #[error("env file `{}`: {reason}", path.display())]
    EnvFile {
        /// The path given.
        path: PathBuf,
        /// What went wrong, without any value.
        reason: String,
    },
    /// A file could not be written.
    #[error("cannot write `{}`: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// A file exists and `--force` was not given.
    #[error("`{}` already exists; pass --force to overwrite it", path.display())]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// The command line asks for something that cannot be done.
    #[error("{0}")]
    Usage(String),
}

/// Reads a text file for diagnostics, refusing binary, non-UTF-8 and oversized input. A
/// UTF-8 byte-order mark is dropped (descriptors, `--env-file`s).
///
/// # Errors
/// Any [`Error`] of the reading kinds, naming the path.
pub fn load_source(path: &Path) -> Result<SourceFile, Error> {
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
pub fn load_source_keeping_bom(path: &Path) -> Result<SourceFile, Error> {
    let meta = std::fs::metadata(path).map_err(|e| read_error(path, e))?;
    if meta.is_dir() {
        return Err(Error::Read {
            path: path.to_path_buf(),
            source: io::Error::other("it is a directory"),
        });
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            size: meta.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    let bytes = std::fs::read(path).map_err(|e| read_error(path, e))?;
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
