//! The `starling` binary: picks the command line or the language server, nothing more.

fn main() -> std::process::ExitCode {
    starling::cli::main()
}
