//! One integration test binary: each module tests one command or peer.

mod support;

mod bad_input;
mod cli;
mod lint_fixtures;
mod redis_compat;
mod serve;
