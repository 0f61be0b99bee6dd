//! Where an upload's bytes come from.

use std::fmt;
use std::path::Path;
use std::pin::Pin;

use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncSeekExt as _};

use crate::error::{MediaError, MediaErrorKind};

/// The bytes of an upload: in memory, a file, or any
/// [`AsyncRead`](https://docs.rs/tokio/1/tokio/io/trait.AsyncRead.html), with its length when known. Only
/// one chunk of it is in memory at a time.
pub struct UploadSource {
    reader: Reader,
    len: Option<u64>,
    /// Where it was opened, for messages.
    label: String,
}

enum Reader {
    Bytes(bytes::Bytes),
    File(tokio::fs::File),
    Stream(Pin<Box<dyn AsyncRead + Send>>),
}

impl UploadSource {
    /// Bytes in memory.
    pub fn from_bytes(bytes: impl Into<bytes::Bytes>) -> Self {
        let bytes = bytes.into();
        UploadSource {
            len: Some(bytes.len() as u64),
            reader: Reader::Bytes(bytes),
            label: "the bytes".to_owned(),
        }
    }

    /// The file at `path`; its length is taken now, and a file that then grows or shrinks fails the
    /// upload. A file that cannot be opened is [`Error::Media`](crate::Error::Media) of kind
    /// [`MediaErrorKind::SourceRead`], naming it, with the I/O error as its source.
    pub async fn from_file(path: impl AsRef<Path>) -> crate::Result<Self> {
        let path = path.as_ref();
        let label = format!("file {}", path.display());
        let opened = async {
            let file = tokio::fs::File::open(path).await?;
            let len = file.metadata().await?.len();
            Ok::<_, std::io::Error>((file, len))
        };
        let (file, len) = opened.await.map_err(|e| {
            let message = format!("cannot open {label}");
            crate::Error::Media(MediaError::new(MediaErrorKind::SourceRead, message).caused_by(e))
        })?;
        Ok(UploadSource {
            reader: Reader::File(file),
            len: Some(len),
            label,
        })
    }

    /// Any reader, `len` bytes long when known (a reader of another length fails the upload); without
    /// a length, the total is sent with the last chunk.
    pub fn from_reader(reader: impl AsyncRead + Send + 'static, len: Option<u64>) -> Self {
        UploadSource {
            reader: Reader::Stream(Box::pin(reader)),
            len,
            label: "the reader".to_owned(),
        }
    }

    /// The length, when known.
    pub fn len(&self) -> Option<u64> {
        self.len
    }

    /// Whether the source is known to be empty.
    pub fn is_empty(&self) -> bool {
        self.len == Some(0)
    }

    pub(crate) fn label(&self) -> &str {
        &self.label
    }

    /// The bytes, when they are in memory.
    pub(crate) fn in_memory(&self) -> Option<&[u8]> {
        match &self.reader {
            Reader::Bytes(bytes) => Some(bytes),
            Reader::File(_) | Reader::Stream(_) => None,
        }
    }

    /// The error of a read that failed.
    pub(crate) fn read_error(&self, error: std::io::Error) -> crate::Error {
        let message = format!("cannot read {}", self.label);
        crate::Error::Media(MediaError::new(MediaErrorKind::SourceRead, message).caused_by(error))
    }

    /// The error of a source that gave `got` bytes (or more) when it had `len` when the upload started.
    pub(crate) fn length_error(&self, got: u64, len: u64) -> crate::Error {
        let label = &self.label;
        crate::Error::media(
            MediaErrorKind::SourceLength,
            match got < len {
                true => format!(
                    "{label} ended after {got} of the {len} bytes it had when the upload started"
                ),
                false => {
                    format!("{label} grew past the {len} bytes it had when the upload started")
                }
            },
        )
    }

    /// Up to `n` more bytes; fewer only at the end.
    pub(crate) async fn read(&mut self, n: usize) -> std::io::Result<bytes::Bytes> {
        match &mut self.reader {
            Reader::Bytes(bytes) => Ok(bytes.split_to(n.min(bytes.len()))),
            Reader::File(file) => read_full(file, n).await,
            Reader::Stream(stream) => read_full(stream, n).await,
        }
    }

    /// Skips the first `n` bytes (those a resumed session already has).
    pub(crate) async fn skip(&mut self, n: u64) -> std::io::Result<()> {
        match &mut self.reader {
            Reader::Bytes(bytes) => {
                let n = usize::try_from(n).unwrap_or(usize::MAX).min(bytes.len());
                let _ = bytes.split_to(n);
                Ok(())
            }
            Reader::File(file) => file.seek(std::io::SeekFrom::Start(n)).await.map(|_| ()),
            Reader::Stream(stream) => {
                let copied = tokio::io::copy(&mut stream.take(n), &mut tokio::io::sink()).await?;
                match copied == n {
                    true => Ok(()),
                    false => Err(std::io::ErrorKind::UnexpectedEof.into()),
                }
            }
        }
    }
}

/// Reads until `n` bytes or the end.
async fn read_full<R: AsyncRead + Unpin + ?Sized>(
    reader: &mut R,
    n: usize,
) -> std::io::Result<bytes::Bytes> {
    let mut buffer = vec![0; n];
    let mut filled = 0;
    while filled < n {
        match reader.read(&mut buffer[filled..]).await? {
            0 => break,
            read => filled += read,
        }
    }
    buffer.truncate(filled);
    Ok(buffer.into())
}

impl fmt::Debug for UploadSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadSource")
            .field("source", &self.label)
            .field("len", &self.len)
            .finish()
    }
}

impl From<Vec<u8>> for UploadSource {
    fn from(bytes: Vec<u8>) -> Self {
        UploadSource::from_bytes(bytes)
    }
}

impl From<bytes::Bytes> for UploadSource {
    fn from(bytes: bytes::Bytes) -> Self {
        UploadSource::from_bytes(bytes)
    }
}

impl From<&'static [u8]> for UploadSource {
    fn from(bytes: &'static [u8]) -> Self {
        UploadSource::from_bytes(bytes::Bytes::from_static(bytes))
    }
}

impl From<String> for UploadSource {
    fn from(text: String) -> Self {
        UploadSource::from_bytes(text.into_bytes())
    }
}
