//! Background work that runs inside `buurt serve`: webhook delivery.

pub mod webhooks;
