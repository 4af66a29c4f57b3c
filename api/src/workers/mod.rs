//! Background work that runs inside `buurt serve`: webhook delivery, the delivery outbox (push
//! and e-mail), and the push senders.

pub mod deliveries;
pub mod push;
pub mod push_dispatch;
pub mod webhooks;
