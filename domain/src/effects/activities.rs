//! The effects of activities events.
