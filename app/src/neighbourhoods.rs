//! Use cases of neighbourhoods.
