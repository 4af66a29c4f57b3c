//! The effects of posts events.
