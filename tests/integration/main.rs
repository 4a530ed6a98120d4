//! One integration test binary: each module tests one command or peer.

mod support;
