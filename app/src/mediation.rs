//! Use cases of mediation.
