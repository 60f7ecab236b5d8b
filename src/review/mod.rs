//! The review station: a small web page, served by sohoa itself, where a person checks what
//! the machine was unsure of. It lists the dossiers whose flagged pages no one has cleared,
//! shows each page's image beside its text and form values (unsure ones marked), and records
//! every decision in the catalog (`catalog::review`: appended, chained, never updated).
//!
//! Safety: bound to 127.0.0.1 unless told otherwise; every request must carry the random
//! token printed with the address (as `?token=` once, then a cookie), or gets 403; every
//! POST must also carry the page's CSRF token in a header; images are looked up by a page's
//! catalog id, never by a path from the request, so nothing outside the archive's own
//! objects can be served. The station holds no archive lock: each decision is one short
//! write transaction beside a running `sohoa run` (WAL, busy timeout).
//!
//! One thread serves requests in turn, owning the one catalog connection; the `tiny_http`
//! crate lives here and nowhere else. Called by the binary's `review` command.

mod auth;
mod routes;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::catalog::{Catalog, CatalogError};
use crate::store::ObjectStore;

pub use auth::Tokens;

/// How long the serving loop waits for a request before it looks at the stop flag again.
const POLL: Duration = Duration::from_millis(200);

/// What the station needs to know.
#[derive(Debug, Clone)]
pub struct StationOptions {
    pub archive: PathBuf,
    pub bind: IpAddr,
    /// 0: any free port.
    pub port: u16,
    /// Who decides: recorded with every decision.
    pub reviewer: String,
    /// Confidence below which a form value is marked unsure (`[records] sure`).
    pub sure: f32,
}

/// Why the station cannot start or go on.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("cannot listen on {addr}: {message}")]
    Bind { addr: SocketAddr, message: String },
    #[error("cannot draw a random token: {0}")]
    Token(std::io::Error),
    #[error("the review station stopped receiving requests: {0}")]
    Receive(std::io::Error),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
}

/// A listening station.
pub struct Station {
    server: tiny_http::Server,
    addr: SocketAddr,
    tokens: Tokens,
    state: routes::State,
}

impl Station {
    /// Open the archive's catalog and listen.
    ///
    /// # Errors
    /// The catalog cannot be opened for writing, the address cannot be bound, or the
    /// system has no randomness to give.
    pub fn open(options: StationOptions) -> Result<Station, ReviewError> {
        let catalog = Catalog::open_existing(&options.archive.join(crate::pipeline::CATALOG_FILE))?;
        let tokens = Tokens::draw().map_err(ReviewError::Token)?;
        let wanted = SocketAddr::new(options.bind, options.port);
        let bind_err = |message: String| ReviewError::Bind {
            addr: wanted,
            message,
        };
        let server = tiny_http::Server::http(wanted).map_err(|e| bind_err(e.to_string()))?;
        let addr = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| bind_err("not an IP address".into()))?;
        let state = routes::State {
            catalog,
            store: ObjectStore::at(&options.archive),
            reviewer: options.reviewer,
            sure: options.sure,
        };
        Ok(Station {
            server,
            addr,
            tokens,
            state,
        })
    }

    /// The address to open, token included.
    pub fn url(&self) -> String {
        format!("http://{}/?token={}", self.addr, self.tokens.access())
    }

    /// Serve until `stop` is set.
    ///
    /// # Errors
    /// The listening socket failed. A request that fails gets its error status; the
    /// station goes on.
    pub fn serve(mut self, stop: &AtomicBool) -> Result<(), ReviewError> {
        while !stop.load(Ordering::SeqCst) {
            let request = self
                .server
                .recv_timeout(POLL)
                .map_err(ReviewError::Receive)?;
            if let Some(request) = request {
                routes::handle(&mut self.state, &self.tokens, request);
            }
        }
        Ok(())
    }
}
