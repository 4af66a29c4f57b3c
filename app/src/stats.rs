//! Use cases of stats.
