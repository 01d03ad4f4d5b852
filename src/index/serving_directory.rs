//! The directory a published generation is served from: tantivy's `MmapDirectory`, except that
//! on a read-only file system its locks are not taken.
//!
//! Why: tantivy's reader takes `.tantivy-meta.lock` while it opens the segments, so that a writer's
//! garbage collection cannot remove a file it is about to read, and `MmapDirectory` opens the
//! lock file for writing even when it exists. On an index directory mounted read-only (a
//! container's read-only volume, an index built elsewhere and shipped) that fails, and nothing
//! could be served. The lock guards against a writer that cannot exist there: a published
//! generation is never written again, and on a read-only file system nothing can write at all.

use std::fmt;
use std::io;
use std::path::Path;
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};

/// `MmapDirectory`, whose locks are skipped where the file system is read-only.
#[derive(Clone)]
pub struct ServingDirectory {
    inner: MmapDirectory,
}

impl fmt::Debug for ServingDirectory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ServingDirectory({:?})", self.inner)
    }
}

impl ServingDirectory {
    /// The directory at `root`, which must exist.
    pub fn open(root: &Path) -> Result<Self, OpenDirectoryError> {
        Ok(ServingDirectory { inner: MmapDirectory::open(root)? })
    }
}

/// Whether a lock failed only because its file could not be opened for writing on a read-only
/// file system.
fn read_only(error: &LockError) -> bool {
    matches!(error, LockError::IoError(e) if e.kind() == io::ErrorKind::ReadOnlyFilesystem)
}

impl Directory for ServingDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.inner.acquire_lock(lock) {
            Err(e) if read_only(&e) => Ok(DirectoryLock::from(Box::new(()))),
            taken => taken,
        }
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}
