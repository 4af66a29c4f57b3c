//! The neighbourhood world: values, rules and state machines. No I/O and no frameworks, so it
//! compiles fast and every rule is unit-tested on its own.

pub mod accounts;
pub mod achievements;
pub mod activities;
pub mod category;
pub mod delivery;
pub mod devices;
pub mod digest;
pub mod effects;
pub mod escalation;
pub mod grants;
pub mod images;
pub mod lasting;
pub mod matching;
#[macro_use]
pub mod mediation;
pub mod membership;
pub mod moderation;
pub mod neighbourhoods;
pub mod notifications;
pub mod offline;
pub mod partners;
pub mod policy;
pub mod posts;
pub mod signals;
pub mod stats;
pub mod throttle;
pub mod value;

pub use value::ValueError;
