//! The `upwire` binary: everything lives in [`upwire::cli`].

fn main() -> std::process::ExitCode {
    upwire::cli::run()
}
