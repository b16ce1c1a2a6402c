//! The language server: `starling lsp`, over stdio.
//!
//! `session` holds the state and runs checks off the request loop, `server` hands each
//! request to its handler in `handlers`, `actions` builds code actions, and `to_lsp` / `from_lsp` are the only places that convert between
//! engine and LSP types, positions through `lines` (which counts a byte order mark).

mod actions;
mod framing;
mod from_lsp;
mod handlers;
mod lines;
mod server;
mod session;
mod to_lsp;

use std::future::Future;
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::sync::Notify;
use tower_lsp_server::jsonrpc::{Error, Id, Request, Response};
use tower_lsp_server::{LspService, Server};

use server::Backend;
use session::{Level, Session};

/// How many requests and notifications may be in flight at once. Requests that wait for a
/// check must never hold up the changes that follow them.
const CONCURRENCY: usize = 64;

/// Runs the language server on stdin/stdout until the client exits. The exit code follows
/// the specification: 0 after `shutdown` then `exit`, 1 when `exit` comes without `shutdown`
/// or the input closes first.
pub fn run(log_level: &str) -> anyhow::Result<ExitCode> {
    let level = Level::parse(log_level);
    one_malloc_arena();
    // Keystrokes never wait for a phrase list's set: it is built beside them.
    crate::theme::build_sets_in_background();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(4)
        .enable_all()
        .build()?;
    let clean = runtime.block_on(serve(level));
    // Blocking checks still running are abandoned rather than awaited.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    Ok(if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Makes glibc's malloc use one arena, unless `MALLOC_ARENA_MAX` says otherwise. With an
/// arena per thread, the memory a check frees on its thread (a syntax tree, an analysis) is
/// left in holes between what other threads keep for long (the text and findings of each
/// open document): with 2,000 documents open the holes held more than the documents did.
fn one_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets a tunable; it is called before any thread starts.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 1);
        }
    }
}

async fn serve(level: Level) -> bool {
    let mut session = None;
    let aliases = framing::Aliases::default();
    let (service, socket) = LspService::build(|client| {
        let shared = Session::new(client, level, aliases.clone());
        session = Some(shared.clone());
        Backend { session: shared }
    })
    .custom_method("starling/stats", Backend::stats)
    .finish();
    let exited = Arc::new(Notify::new());
    let service = ExitWatch {
        inner: service,
        exited: exited.clone(),
        session: session.clone(),
    };
    let (stdin, relay_end) = tokio::io::duplex(64 * 1024);
    tokio::spawn(framing::relay(tokio::io::stdin(), relay_end, aliases));
    let stdout = tokio::io::stdout();
    let server = Server::new(stdin, stdout, socket)
        .concurrency_level(CONCURRENCY)
        .serve(service);
    tokio::select! {
        () = server => {}
        () = exited.notified() => {}
    }
    session.is_some_and(|s| s.shutdown_requested.load(Ordering::SeqCst))
}

/// Passes every message to the server and signals when `exit` arrives, so that the process
/// ends even if the client keeps its end of the pipe open. It also reads, from `initialize`,
/// the one capability the LSP types do not decode: `workspace.diagnostic` (the types read the
/// specification's `workspace.diagnostics`, which VS Code sends).
struct ExitWatch<S> {
    inner: S,
    exited: Arc<Notify>,
    session: Option<Arc<Session>>,
}

impl<S> tower::Service<Request> for ExitWatch<S>
where
    S: tower::Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        if request.method() == framing::MALFORMED {
            let error = match request.params().and_then(serde_json::Value::as_i64) {
                Some(-32600) => Error::invalid_request(),
                _ => Error::parse_error(),
            };
            return Box::pin(async move { Ok(Some(Response::from_error(Id::Null, error))) });
        }
        if request.method() == "initialize" {
            let refresh = request
                .params()
                .and_then(|p| p.pointer("/capabilities/workspace/diagnostic/refreshSupport"))
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false);
            if let Some(session) = &self.session {
                session.pull_refresh.store(refresh, Ordering::SeqCst);
            }
        }
        let is_exit = request.method() == "exit";
        let future = self.inner.call(request);
        let exited = self.exited.clone();
        Box::pin(async move {
            let response = future.await;
            if is_exit {
                exited.notify_one();
            }
            response
        })
    }
}
