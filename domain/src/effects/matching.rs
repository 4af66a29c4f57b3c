//! The effects of matching events.
