//! Use cases of matching.
