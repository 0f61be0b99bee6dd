//! Media: uploads from bytes, files or any `AsyncRead`, in resumable chunks that survive a dropped
//! connection, and downloads streamed chunk by chunk that resume where they broke off.
//!
//! - [`Upload`]: what a resumable upload sends ([`UploadSource`]), in chunks of a multiple of 256 KiB
//!   ([`Upload::chunk_size`]), with progress ([`UploadProgress`]) and the session URL handed out
//!   ([`Upload::on_session`]) so that another process can [`resume`](Upload::resume) it. Each chunk is
//!   sent with its `Content-Range`; a `308` says what the server committed, which may be less than was
//!   sent; after a failed chunk the session is asked what it has (`Content-Range: bytes */N`) and the
//!   upload goes on from there, never from what was assumed. A server that reports fewer bytes than it
//!   had confirmed, or more than were sent, and a source whose length changes, are errors.
//! - [`Client::upload_media`](crate::Client::upload_media): a simple or multipart upload, the source
//!   streamed in one request.
//! - [`MediaLimits`]: the largest size and accepted media types a method's document gives, checked
//!   before anything is sent.
//! - [`Download`]: a stream of byte chunks (or [`Download::write_to`] a file), never the whole body in
//!   memory; a body that breaks off is asked for again from the bytes already received (`Range`).

mod download;
mod exchange;
mod limits;
mod multipart;
mod resumable;
mod source;

pub use download::Download;
pub use limits::MediaLimits;
pub use resumable::{Upload, UploadProgress, CHUNK_GRANULARITY, DEFAULT_CHUNK_SIZE};
pub use source::UploadSource;
