//! Use cases of accounts.
