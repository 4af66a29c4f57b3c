//! The seam between the delivery outbox and the push senders.
use std::{collections::BTreeMap, future::Future, pin::Pin};

/// One push notification for one user, already in their language.
#[derive(Debug, Clone)]
pub struct PushMessage {
    pub user_id: uuid::Uuid,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub data: BTreeMap<String, String>,
}

/// What became of a push message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushResult {
    /// Sent to at least one device (tokens the service rejected are already removed).
    Delivered,
    /// The user has no (valid) device: nothing to retry.
    NoDevices,
    /// A transient failure: try again later.
    Retry(String),
}

/// Sends a push message to every device of its user.
pub trait PushDispatch: Send + Sync + 'static {
    fn deliver<'a>(
        &'a self,
        message: &'a PushMessage,
    ) -> Pin<Box<dyn Future<Output = PushResult> + Send + 'a>>;
}
