//! A host process started by a test, killed when dropped.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// A running `medusa` server.
pub struct HostProcess {
    child: Child,
    port: u16,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    pub client: reqwest::Client,
}

impl HostProcess {
    /// Spawns `cmd` and waits (60 s at most) for its "ready" line.
    pub async fn start(mut cmd: Command, port: u16) -> Self {
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn host");
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let out = stdout.clone();
        tokio::spawn(async move {
            let mut ready = Some(ready_tx);
            while let Ok(Some(line)) = lines.next_line().await {
                let ready_line = line.contains("is ready on");
                out.lock().expect("lock").push_str(&(line + "\n"));
                if ready_line && let Some(tx) = ready.take() {
                    let _ = tx.send(());
                }
            }
        });
        let mut err_lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let err = stderr.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = err_lines.next_line().await {
                err.lock().expect("lock").push_str(&(line + "\n"));
            }
        });
        let host = Self {
            child,
            port,
            stdout,
            stderr,
            client: reqwest::Client::new(),
        };
        if tokio::time::timeout(Duration::from_secs(60), ready_rx)
            .await
            .is_err()
        {
            panic!(
                "host did not become ready\nstdout:\n{}\nstderr:\n{}",
                host.stdout(),
                host.stderr()
            );
        }
        host
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Absolute URL of `path` on this host.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub fn stdout(&self) -> String {
        self.stdout.lock().expect("lock").clone()
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().expect("lock").clone()
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let pid = self.child.id().expect("running host has a pid");
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Waits for the process to exit (30 s at most) and returns its exit code.
    pub async fn wait(&mut self) -> Option<i32> {
        let status = tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .expect("host did not exit in time")
            .expect("wait for host");
        // Let the reader tasks take the last lines.
        tokio::time::sleep(Duration::from_millis(100)).await;
        status.code()
    }
}

impl Drop for HostProcess {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}
