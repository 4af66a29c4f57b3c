//! Background work that runs inside `buurt serve`: webhook delivery, and the push senders.

pub mod push;
pub mod push_dispatch;
pub mod webhooks;
