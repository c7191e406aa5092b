//! The `medusa` command: see `medusa --help`.

// Request handling allocates many small JSON values and SQL strings across
// worker threads; mimalloc serves that pattern with far less time in the
// allocator than the system malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    medusa_host::cli::main()
}
