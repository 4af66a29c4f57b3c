//! Where image bytes are kept: one interface (`object_store`) over the local file system (the
//! default, beside the SQLite file) or S3-compatible object storage (`BUURT_OBJECT_STORE_URL`
//! `s3://bucket[/prefix]`, for several nodes; endpoint and credentials from the usual `AWS_*`
//! environment variables, as `object_store` reads them).

use std::path::PathBuf;
use std::sync::Arc;

use actix_web::web::Bytes;
use buurt_domain::images::ImageId;
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload, RetryConfig};

/// The image bytes, by image and fixed width.
#[derive(Clone)]
pub struct ImageStore {
    store: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for ImageStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ImageStore({})", self.store)
    }
}

/// The store could not be set up from its configuration.
#[derive(Debug, thiserror::Error)]
#[error("BUURT_OBJECT_STORE_URL: {0}")]
pub struct BadStore(String);

impl ImageStore {
    /// `url`: `s3://bucket[/prefix]` or `file:///absolute/dir`; none: the directory
    /// `default_dir`. `options` are `object_store`'s S3 settings (`aws_endpoint`,
    /// `aws_access_key_id`, …) on top of those in the environment.
    pub fn open(
        url: Option<&str>,
        options: &[(String, String)],
        default_dir: PathBuf,
    ) -> Result<Self, BadStore> {
        let store: Arc<dyn ObjectStore> = match url {
            None => local(default_dir)?,
            Some(url) => match url.split_once("://") {
                Some(("file", path)) if path.starts_with('/') => local(PathBuf::from(path))?,
                Some(("s3", rest)) => {
                    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
                    if bucket.is_empty() {
                        return Err(BadStore("s3:// needs a bucket: s3://bucket".into()));
                    }
                    // A store that is down fails an upload within seconds, not minutes.
                    let retry = RetryConfig {
                        max_retries: 3,
                        retry_timeout: std::time::Duration::from_secs(10),
                        ..RetryConfig::default()
                    };
                    let mut builder = AmazonS3Builder::from_env()
                        .with_url(format!("s3://{bucket}"))
                        .with_retry(retry);
                    for (key, value) in options {
                        let key: AmazonS3ConfigKey = key
                            .parse()
                            .map_err(|error| BadStore(format!("option {key}: {error}")))?;
                        builder = builder.with_config(key, value);
                    }
                    let s3 = builder
                        .build()
                        .map_err(|error| BadStore(error.to_string()))?;
                    let prefix = prefix.trim_matches('/');
                    if prefix.is_empty() {
                        Arc::new(s3)
                    } else {
                        Arc::new(PrefixStore::new(s3, prefix))
                    }
                }
                _ => {
                    return Err(BadStore(format!(
                        "{url:?} is not s3://bucket[/prefix] or file:///absolute/dir"
                    )));
                }
            },
        };
        Ok(Self { store })
    }

    fn path(id: ImageId, width: u32) -> Path {
        Path::from(format!("images/{id}/{width}.jpg"))
    }

    /// Stores one variant.
    pub async fn put(
        &self,
        id: ImageId,
        width: u32,
        jpeg: Vec<u8>,
    ) -> Result<(), object_store::Error> {
        self.store
            .put(&Self::path(id, width), PutPayload::from(jpeg))
            .await?;
        Ok(())
    }

    /// Deletes every variant of `id` (those not stored are no matter).
    pub async fn delete(&self, id: ImageId) -> Result<(), object_store::Error> {
        for width in buurt_domain::images::WIDTHS {
            match self.store.delete(&Self::path(id, width)).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(error) => return Err(error),
            }
        }
        Ok(())
    }

    /// One variant's bytes; `None` when it is not stored.
    pub async fn get(&self, id: ImageId, width: u32) -> Result<Option<Bytes>, object_store::Error> {
        match self.store.get(&Self::path(id, width)).await {
            Ok(found) => Ok(Some(found.bytes().await?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(error),
        }
    }
}

fn local(dir: PathBuf) -> Result<Arc<dyn ObjectStore>, BadStore> {
    std::fs::create_dir_all(&dir)
        .map_err(|error| BadStore(format!("{}: {error}", dir.display())))?;
    let store = LocalFileSystem::new_with_prefix(&dir)
        .map_err(|error| BadStore(format!("{}: {error}", dir.display())))?;
    Ok(Arc::new(store))
}
