//! The effects of mediation events.
