//! One integration test binary: each module tests one command or peer.

// The helpers are `pub` for the other modules of this one test binary, not for export.
#![allow(unreachable_pub)]

mod support;

mod architecture;
mod check;
mod ci_examples;
mod cli;
mod env_files;
mod fix;
mod generate;
mod generated_files;
mod github_action;
mod init;
mod input;
mod lint_fixtures;
mod npm_package;
mod own_output;
mod platform_scripts;
mod project_path;
mod projects;
mod proptests;
mod readme;
mod redis_compat;
mod sarif;
mod secret;
mod secret_matrix;
mod secret_positions;
mod secret_regressions;
mod serve;
mod serve_backends;
mod serve_ephemeral;
mod serve_load;
mod serve_security;
mod serve_sse;
mod serve_upstash;
mod starters;
mod write;
