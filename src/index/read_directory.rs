//! The directory a build writes its generation through: tantivy's own (`MmapDirectory`) for
//! everything but reading, which goes through `pread` into owned buffers instead of mapping the
//! files.
//!
//! Why: a build reads back every segment it merges. Through maps, each page read stays in the
//! process's resident set until the segment is dropped, so merging a million questions into one
//! segment showed a peak RSS of 2 GB of which 26 MB was the merge's own memory (`RssAnon`) and the
//! rest pages of the files it read (`RssFile`). Read into buffers (or, for a large read, a mapping
//! of its own range, see [`MAP_FROM`]), a page counts only while its bytes are in use: the build's
//! RSS is then what it really holds. Serving still maps the files (`IndexHandle`), where a page
//! read once is worth keeping.

use std::fmt;
use std::fs::File;
use std::io;
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, WatchCallback, WatchHandle, WritePtr,
};
use tantivy::HasLen;

/// `MmapDirectory`, with files read by `pread` rather than mapped.
#[derive(Clone)]
pub struct ReadDirectory {
    root: PathBuf,
    inner: MmapDirectory,
}

impl fmt::Debug for ReadDirectory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReadDirectory({})", self.root.display())
    }
}

impl ReadDirectory {
    /// The directory at `root`, which must exist.
    pub fn open(root: &Path) -> Result<Self, OpenDirectoryError> {
        // The path `MmapDirectory` writes under, so that reads and writes name the same files.
        let root = root.canonicalize().map_err(|_| OpenDirectoryError::DoesNotExist(root.to_path_buf()))?;
        Ok(ReadDirectory { inner: MmapDirectory::open(&root)?, root })
    }
}

/// A file read by `pread`. (tantivy-common's `WrapFile` does the same but refuses an empty range,
/// which a reader may ask for.)
#[derive(Debug)]
struct ReadFile {
    file: File,
    len: usize,
}

impl HasLen for ReadFile {
    fn len(&self) -> usize {
        self.len
    }
}

/// Reads of at least this many bytes are mapped for as long as their bytes are in use rather than
/// copied: a merge reads a segment's whole store of records at once (1.2 GB per million
/// questions), which as a buffer would be memory nothing else could reclaim.
const MAP_FROM: usize = 1 << 20;

impl FileHandle for ReadFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        if range.end > self.len || range.start > range.end {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{range:?} outside {} bytes", self.len)));
        }
        if range.len() >= MAP_FROM {
            // SAFETY: a segment's files are written once and never changed while they are read
            // (tantivy's own `MmapDirectory` maps them on the same ground).
            let map =
                unsafe { memmap2::MmapOptions::new().offset(range.start as u64).len(range.len()).map(&self.file)? };
            return Ok(OwnedBytes::new(map));
        }
        let mut buffer = vec![0; range.len()];
        self.file.read_exact_at(&mut buffer, range.start as u64)?;
        Ok(OwnedBytes::new(buffer))
    }
}

impl Directory for ReadDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let full = self.root.join(path);
        let file = File::open(&full).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => OpenReadError::FileDoesNotExist(path.to_path_buf()),
            _ => OpenReadError::wrap_io_error(e, path.to_path_buf()),
        })?;
        let len = file.metadata().map_err(|e| OpenReadError::wrap_io_error(e, path.to_path_buf()))?.len() as usize;
        Ok(Arc::new(ReadFile { file, len }))
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
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_was_written_and_reports_missing_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let directory = ReadDirectory::open(dir.path()).expect("open");
        directory.atomic_write(Path::new("a.bin"), "zawartość pliku".as_bytes()).expect("write");
        let slice = directory.open_read(Path::new("a.bin")).expect("read");
        assert_eq!(slice.read_bytes().expect("bytes").as_slice(), "zawartość pliku".as_bytes());
        assert_eq!(slice.slice(2..6).read_bytes().expect("range").as_slice(), b"wart");
        assert!(slice.slice(3..3).read_bytes().expect("an empty range").is_empty());
        // A large read is mapped rather than copied, from any offset.
        let large: Vec<u8> = (0..3 * MAP_FROM + 7).map(|i| (i % 251) as u8).collect();
        directory.atomic_write(Path::new("b.bin"), &large).expect("write");
        let slice = directory.open_read(Path::new("b.bin")).expect("read");
        assert_eq!(slice.read_bytes().expect("whole").as_slice(), &large[..]);
        let tail = slice.slice(5..large.len()).read_bytes().expect("unaligned");
        assert_eq!(tail.as_slice(), &large[5..]);
        assert!(matches!(
            directory.open_read(Path::new("missing.bin")),
            Err(OpenReadError::FileDoesNotExist(p)) if p == Path::new("missing.bin")
        ));
    }
}
