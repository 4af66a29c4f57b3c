//! The `buurt` subcommands other than `serve`: they call the use cases and only translate.

pub mod commands;
pub mod seed;
