//! The effects of membership events.
