//! The `medusa` command: see `medusa --help`.

fn main() -> std::process::ExitCode {
    medusa_host::cli::main()
}
