//! Use cases of memberships.
