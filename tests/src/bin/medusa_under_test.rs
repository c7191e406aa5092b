//! The host under test: exactly the `medusa` binary's entry point, built inside
//! this package so that the end-to-end tests can spawn it.

fn main() -> std::process::ExitCode {
    medusa_host::cli::main()
}
