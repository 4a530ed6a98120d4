//! The `upwire` binary: everything lives in the crate's `cli` module.

fn main() -> std::process::ExitCode {
    upwire::internal::run()
}
