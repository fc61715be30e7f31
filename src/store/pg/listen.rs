//! Live updates (issue 14, item 4): a connection of its own that listens on
//! [`super::CHANGED_CHANNEL`] and hands out the names of the tables other people's committed
//! changes touched, so a window reloads only the views that show them.
//!
//! Its own connection, not the store's: the store's connection is busy with the window's
//! commands (one at a time, possibly a long report), and notifications are only read while a
//! connection does I/O. A listener that waits on its socket hears a change within
//! milliseconds of its commit, whatever the window is doing.

use std::time::{Duration, Instant};

use postgres::fallible_iterator::FallibleIterator;
use postgres::Client;

use crate::error::Result;

/// After the first notification, how long to gather more before answering: one save sends a
/// notification per table it wrote, and they should reach the window as one reload.
const GATHER: Duration = Duration::from_millis(50);

/// A connection listening for committed changes on the shared database.
pub struct Listener {
    client: Client,
    /// The server process whose changes are not handed out: the window's own store's, whose
    /// writes the window already announces after each command.
    ignored: Option<i32>,
}

impl Listener {
    /// Connect to `url` (as [`super::connect`]: TLS, pgpass) and start listening.
    pub fn connect(url: &str) -> Result<Self> {
        let mut client = super::connect(url)?;
        client.batch_execute(&format!("LISTEN {}", super::CHANGED_CHANNEL)).map_err(super::lost)?;
        Ok(Self { client, ignored: None })
    }

    /// Hand out no changes made through the connection of server process `pid` (see
    /// [`crate::Store::backend_pid`]), so the window does not reload its own saves twice.
    pub fn ignore(&mut self, pid: Option<i32>) {
        self.ignored = pid;
    }

    /// Wait at most `timeout` for changes; the tables named (each once, in the order heard),
    /// empty when nobody saved meanwhile. When nothing came the connection is checked with a
    /// round trip, so a connection the network dropped silently is found within one wait.
    /// `Err` with [`crate::ErrorCode::Disconnected`] when the connection is lost: connect a
    /// new listener, and reload everything once it is back (changes made meanwhile were not
    /// heard).
    pub fn wait(&mut self, timeout: Duration) -> Result<Vec<String>> {
        let mut tables: Vec<String> = Vec::new();
        let deadline = Instant::now() + timeout;
        loop {
            let left = if tables.is_empty() { deadline.saturating_duration_since(Instant::now()) } else { GATHER };
            let next = {
                let mut notifications = self.client.notifications();
                let mut waiting = notifications.timeout_iter(left);
                waiting.next().map_err(super::lost)?
            };
            match next {
                Some(n) => {
                    let own = self.ignored == Some(n.process_id());
                    if !own && n.channel() == super::CHANGED_CHANNEL && !tables.iter().any(|t| t == n.payload()) {
                        tables.push(n.payload().to_string());
                    }
                }
                None if tables.is_empty() => {
                    if Instant::now() < deadline {
                        continue;
                    }
                    self.client.is_valid(super::PING_TIMEOUT).map_err(super::lost)?;
                    return Ok(tables);
                }
                None => return Ok(tables),
            }
        }
    }
}
