//! A read-only Tantivy `Directory` over a pack, whole in memory or paged
//! ([`crate::pages`]).
//!
//! Why not `RamDirectory`? It copies every file, and its default locking
//! creates lock files, which a read-only store cannot do. Here every file is
//! a zero-copy slice of the one pack buffer (or a window on its pages),
//! writes are refused, and locks
//! are no-ops (nothing can write, so there is nothing to lock against).
//! The reader is opened with `ReloadPolicy::Manual`, so `watch` is never
//! needed either.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{DirectoryLock, FileHandle, Lock, WatchCallback, WatchHandle, WritePtr};
use tantivy::Directory;

#[derive(Clone, Debug)]
pub(crate) struct PackDirectory {
    files: Arc<HashMap<PathBuf, Arc<dyn FileHandle>>>,
}

impl PackDirectory {
    pub(crate) fn new(files: HashMap<PathBuf, Arc<dyn FileHandle>>) -> PackDirectory {
        PackDirectory { files: Arc::new(files) }
    }

    fn get(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.files.get(path).cloned().ok_or_else(|| OpenReadError::FileDoesNotExist(path.to_path_buf()))
    }
}

fn read_only(path: &Path) -> io::Error {
    io::Error::new(io::ErrorKind::PermissionDenied, format!("the search index is read-only ({})", path.display()))
}

impl Directory for PackDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.get(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        Err(DeleteError::IoError { io_error: Arc::new(read_only(path)), filepath: path.to_path_buf() })
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        Ok(self.files.contains_key(path))
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::IoError { io_error: Arc::new(read_only(path)), filepath: path.to_path_buf() })
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        let file = self.get(path)?;
        let bytes = file
            .read_bytes(0..file.len())
            .map_err(|io_error| OpenReadError::IoError { io_error: Arc::new(io_error), filepath: path.to_path_buf() })?;
        Ok(bytes.as_slice().to_vec())
    }

    fn atomic_write(&self, path: &Path, _data: &[u8]) -> io::Result<()> {
        Err(read_only(path))
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    fn acquire_lock(&self, _lock: &Lock) -> Result<DirectoryLock, LockError> {
        Ok(DirectoryLock::from(Box::new(())))
    }

    fn watch(&self, _watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        Ok(WatchHandle::empty())
    }
}
