//! Use cases of activities.
