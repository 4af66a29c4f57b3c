//! Use cases of partners.
