//! Serving the router: bind, serve, and shut down gracefully on SIGTERM or
//! Ctrl-C, draining in-flight requests for up to `http.shutdown_timeout_secs`.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// Serves `app` on `listener` until `shutdown` resolves, then stops accepting
/// connections and waits for in-flight requests, at most `drain_timeout`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    drain_timeout: Duration,
) -> std::io::Result<()> {
    let draining = Arc::new(Notify::new());
    let notify = draining.clone();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        shutdown.await;
        tracing::info!("shutting down: no new connections, draining in-flight requests");
        notify.notify_one();
    });
    let deadline = async {
        draining.notified().await;
        tokio::time::sleep(drain_timeout).await;
    };
    tokio::select! {
        result = server => {
            tracing::info!("all requests drained");
            result
        }
        () = deadline => {
            tracing::warn!(timeout_secs = drain_timeout.as_secs(), "drain timeout reached; dropping remaining connections");
            Ok(())
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;

    async fn start(
        app: Router,
        drain: Duration,
    ) -> (
        std::net::SocketAddr,
        tokio::sync::oneshot::Sender<()>,
        tokio::task::JoinHandle<std::io::Result<()>>,
    ) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve(listener, app, async move { drop(rx.await) }, drain));
        (addr, tx, server)
    }

    #[tokio::test]
    async fn in_flight_requests_finish_after_shutdown_begins() {
        let app = Router::new().route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(400)).await;
                "done"
            }),
        );
        let (addr, stop, server) = start(app, Duration::from_secs(30)).await;
        let slow = tokio::spawn(reqwest::get(format!("http://{addr}/slow")));
        tokio::time::sleep(Duration::from_millis(100)).await;
        stop.send(()).unwrap();
        let res = slow.await.unwrap().unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.text().await.unwrap(), "done");
        server.await.unwrap().unwrap();
        assert!(
            reqwest::get(format!("http://{addr}/slow")).await.is_err(),
            "no longer listening"
        );
    }

    #[tokio::test]
    async fn drain_timeout_bounds_a_stuck_request() {
        let app = Router::new().route("/stuck", get(std::future::pending::<&'static str>));
        let (addr, stop, server) = start(app, Duration::from_millis(200)).await;
        let stuck = tokio::spawn(reqwest::get(format!("http://{addr}/stuck")));
        tokio::time::sleep(Duration::from_millis(100)).await;
        stop.send(()).unwrap();
        // A hang here would be the bug: the drain deadline must end serve().
        tokio::time::timeout(Duration::from_secs(10), server)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        stuck.abort();
    }
}
