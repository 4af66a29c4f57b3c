//! Use cases of posts.
