//! Progress of long work: a bar on a terminal, plain log lines otherwise.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// Reports steps of a task of known length.
pub struct Progress {
    bar: Option<ProgressBar>,
    task: &'static str,
}

impl Progress {
    pub fn new(task: &'static str, total: u64) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total);
            if let Ok(style) =
                ProgressStyle::with_template("{prefix:>10} [{bar:30}] {pos}/{len} {msg}")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_prefix(task);
            bar
        });
        Self { bar, task }
    }

    /// One step done.
    pub fn step(&self, what: &str) {
        match &self.bar {
            Some(bar) => {
                bar.set_message(what.to_owned());
                bar.inc(1);
            }
            None => tracing::info!(task = self.task, step = what, "done"),
        }
    }

    pub fn finish(self, summary: &str) {
        match self.bar {
            Some(bar) => bar.finish_with_message(summary.to_owned()),
            None => tracing::info!(task = self.task, "{summary}"),
        }
    }
}
