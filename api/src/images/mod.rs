//! Images: turning uploads into served JPEGs (`process`) and keeping their bytes
//! (`storage`). The record of whose an image is and where it shows is `buurt_app::images`.

pub mod process;
pub mod storage;

pub use storage::ImageStore;
