//! Background work that runs inside `buurt serve`: webhook delivery, the delivery outbox (push,
//! e-mail and SMS), and the push and SMS senders.

pub mod deliveries;
pub mod push;
pub mod push_dispatch;
pub mod sms;
pub mod webhooks;
