//! Background work that runs inside `buurt serve`: webhook delivery, and the delivery outbox
//! (push and e-mail).

pub mod deliveries;
pub mod push_dispatch;
pub mod webhooks;
