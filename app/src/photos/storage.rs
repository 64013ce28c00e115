//! Where claim photos and products' uploaded pictures are kept, behind one interface
//! (`object_store`): a folder in the data directory by default, or an S3-compatible bucket so
//! that several server instances share them. Only the photo's random id names its files; nothing a shopper typed does.

use super::rules::PhotoLimits;
use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use std::sync::Arc;
use thiserror::Error;
use tokio::sync::Semaphore;

#[derive(Debug, Error)]
#[error("photo storage: {0}")]
pub struct StorageError(#[from] object_store::Error);

/// The photo store and the rules uploads to it follow.
#[derive(Clone, Debug)]
pub struct PhotoStore {
    objects: Arc<dyn ObjectStore>,
    pub limits: PhotoLimits,
    /// Decoding a camera photo takes a core and up to a few hundred MB: uploads beyond these
    /// permits wait their turn instead of exhausting the machine.
    pub decodes: Arc<Semaphore>,
}

/// Which of a photo's two files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    Full,
    Thumb,
}

impl PhotoStore {
    pub fn new(objects: Arc<dyn ObjectStore>, limits: PhotoLimits) -> PhotoStore {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        PhotoStore {
            objects,
            limits,
            decodes: Arc::new(Semaphore::new(cores)),
        }
    }

    /// Photos in the folder `dir` (created if missing).
    pub fn in_folder(dir: &std::path::Path, limits: PhotoLimits) -> std::io::Result<PhotoStore> {
        std::fs::create_dir_all(dir)?;
        let folder = LocalFileSystem::new_with_prefix(dir).map_err(std::io::Error::other)?;
        Ok(PhotoStore::new(Arc::new(folder), limits))
    }

    /// Photos in the S3 bucket `bucket`, reached with the standard `AWS_*` settings of the
    /// environment (`AWS_ENDPOINT`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
    /// `AWS_REGION`, and `AWS_ALLOW_HTTP=true` for a plain-HTTP endpoint).
    pub fn in_s3_bucket(bucket: &str, limits: PhotoLimits) -> Result<PhotoStore, StorageError> {
        let s3 = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .build()?;
        Ok(PhotoStore::new(Arc::new(s3), limits))
    }

    fn path(id: &str, size: Size) -> Path {
        match size {
            Size::Full => Path::from(format!("claims/{id}.jpg")),
            Size::Thumb => Path::from(format!("claims/{id}-thumb.jpg")),
        }
    }

    /// A product's picture: public, and kept when replaced (orders show the picture they
    /// were placed with).
    fn picture_path(id: &str) -> Path {
        Path::from(format!("products/{id}.jpg"))
    }

    async fn put_at(&self, path: &Path, bytes: Vec<u8>) -> Result<(), StorageError> {
        self.objects.put(path, PutPayload::from(bytes)).await?;
        Ok(())
    }

    async fn get_at(&self, path: &Path) -> Result<Option<Bytes>, StorageError> {
        match self.objects.get(path).await {
            Ok(found) => Ok(Some(found.bytes().await?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    pub async fn put(&self, id: &str, size: Size, bytes: Vec<u8>) -> Result<(), StorageError> {
        self.put_at(&Self::path(id, size), bytes).await
    }

    /// The file, or `None` if it is not there.
    pub async fn get(&self, id: &str, size: Size) -> Result<Option<Bytes>, StorageError> {
        self.get_at(&Self::path(id, size)).await
    }

    pub async fn put_picture(&self, id: &str, bytes: Vec<u8>) -> Result<(), StorageError> {
        self.put_at(&Self::picture_path(id), bytes).await
    }

    /// A product's picture, or `None` if it is not there.
    pub async fn get_picture(&self, id: &str) -> Result<Option<Bytes>, StorageError> {
        self.get_at(&Self::picture_path(id)).await
    }

    async fn remove_at(&self, path: &Path) -> Result<(), StorageError> {
        match self.objects.delete(path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }

    /// Removes both files of photo `id`; files already gone are no error.
    pub async fn remove(&self, id: &str) -> Result<(), StorageError> {
        for size in [Size::Full, Size::Thumb] {
            self.remove_at(&Self::path(id, size)).await?;
        }
        Ok(())
    }

    /// Removes a product picture no variant was given.
    pub async fn remove_picture(&self, id: &str) -> Result<(), StorageError> {
        self.remove_at(&Self::picture_path(id)).await
    }

    /// How many files the store holds: for tests that prove nothing was left behind.
    pub async fn count_files(&self) -> Result<usize, StorageError> {
        use futures::TryStreamExt;
        let all: Vec<_> = self.objects.list(None).try_collect().await?;
        Ok(all.len())
    }
}
