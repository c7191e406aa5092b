//! The `medusa` command line: parse, run, and turn the outcome into an exit code.

mod db;
mod exit;
mod plugin;
mod progress;
mod serve;
mod user;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

pub use exit::CliError;

/// medusa-rs: a headless commerce server compatible with Medusa v2.
#[derive(Debug, Parser)]
#[command(name = "medusa", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Path of the configuration file.
    #[arg(long, short = 'c', global = true, env = "MEDUSA_CONFIG", default_value = crate::config::DEFAULT_CONFIG_FILE)]
    pub config: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a development server: creates and migrates the database, seeds a demo
    /// store when it is empty, loads the plugins and serves on the configured port.
    Develop,
    /// Run the production server. Refuses to run with pending migrations (unless
    /// --migrate) or with the default secrets.
    Start(StartArgs),
    /// Database maintenance.
    #[command(subcommand)]
    Db(DbCommand),
    /// Fill the database with the demo store (skips what already exists).
    Seed,
    /// Manage back-office users.
    #[command(subcommand)]
    User(UserCommand),
    /// Write, build and inspect Wasm plugins.
    #[command(subcommand)]
    Plugin(PluginCommand),
}

#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// Scaffold a plugin crate that builds and serves a route.
    New {
        /// The plugin's name (lowercase, digits, - or _).
        name: String,
        /// Where to create it (default: ./NAME).
        #[arg(long)]
        path: Option<PathBuf>,
    },
    /// Build a plugin crate for wasm32-wasip2 and check it loads.
    Build {
        /// The plugin crate (default: the current folder).
        #[arg(default_value = ".")]
        path: PathBuf,
    },
    /// Describe a plugin component: its modules, routes, subscribers,
    /// workflows, jobs and requested capabilities.
    Inspect {
        /// The `.wasm` component.
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct StartArgs {
    /// Apply pending migrations before serving.
    #[arg(long)]
    pub migrate: bool,
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Create the database if needed and apply every pending migration: core
    /// migrations, then module and link tables.
    Migrate(MigrateArgs),
    /// List migrations and whether each is applied. Exits with 1 when some are pending.
    Status,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Also apply changes that destroy data (dropped fields, models or links).
    #[arg(long)]
    pub allow_destructive: bool,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a back-office user who can log in with email and password.
    Create(CreateUserArgs),
}

#[derive(Debug, Args)]
pub struct CreateUserArgs {
    /// The user's email (their login).
    #[arg(long, short = 'e')]
    pub email: String,
    /// The user's password.
    #[arg(
        long,
        short = 'p',
        env = "MEDUSA_USER_PASSWORD",
        hide_env_values = true
    )]
    pub password: String,
}

/// Entry point of the `medusa` binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    crate::telemetry::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// Runs one parsed command.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Plugin(PluginCommand::New { name, path }) => return plugin::new(&name, path),
        Command::Plugin(PluginCommand::Build { path }) => return plugin::build_cmd(path).await,
        Command::Plugin(PluginCommand::Inspect { file }) => return plugin::inspect(file).await,
        _ => {}
    }
    let config = crate::config::load(&cli.config)?;
    match cli.command {
        Command::Develop => serve::develop(config).await,
        Command::Start(args) => serve::start(config, args.migrate).await,
        Command::Db(DbCommand::Migrate(args)) => db::migrate(config, args.allow_destructive).await,
        Command::Db(DbCommand::Status) => db::status(config).await,
        Command::Seed => db::seed(config).await,
        Command::User(UserCommand::Create(args)) => {
            user::create(config, &args.email, &args.password).await
        }
        Command::Plugin(_) => Ok(()),
    }
}
