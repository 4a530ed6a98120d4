//! Failures that stop a run (exit 2). Findings about the input are diagnostics, not errors;
//! reading the input is `input.rs`.

use std::io;
use std::path::PathBuf;

/// Why a run could not go on: a file that could not be read or written, or (on the command
/// line only) a usage mistake or a runtime failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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
    /// The input is larger than 8 MiB (a file, pipe, device or stdin).
    #[error("`{}` is larger than {limit} bytes (8 MiB), the most upwire reads from one input", path.display())]
    TooLarge {
        /// The path given.
        path: PathBuf,
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
    /// Something failed while running: the async runtime, the TLS setup, `serve`.
    #[error("{0}")]
    Runtime(String),
}
