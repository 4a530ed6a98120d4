//! One integration test binary: each module tests one command or peer.

// The helpers are `pub` for the other modules of this one test binary, not for export.
#![allow(unreachable_pub)]

mod support;

mod architecture;
mod bad_input;
mod canary;
mod check;
mod ci_examples;
mod cli;
mod env_files;
mod fake_rest;
mod file_safety;
mod fix;
mod gateway_load;
mod generate;
mod generated_files;
mod github_action;
mod leak_matrix;
mod leak_positions;
mod leaks;
mod lint_fixtures;
mod newcomer;
mod npm_package;
mod own_output;
mod platform_scripts;
mod project_paths;
mod projects;
mod proptests;
mod readme;
mod redis_compat;
mod sarif;
mod serve;
mod serve_backends;
mod serve_ephemeral;
mod serve_security;
mod serve_sse;
mod serve_upstash;
mod starters;
