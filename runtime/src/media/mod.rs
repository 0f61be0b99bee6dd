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
//! - Simple and multipart uploads (a generated builder's `upload`): the source streamed in one
//!   request.
//! - The largest size and the accepted media types a method's document gives are checked before
//!   anything is sent.
//! - [`Download`]: a stream of byte chunks (or [`Download::write_to`] a file), never the whole body in
//!   memory; a body that breaks off is asked for again from the bytes already received (`Range`).

mod download;
mod exchange;
pub(crate) mod limits;
mod multipart;
mod resumable;
mod source;

pub use download::Download;
pub use resumable::{SessionUrl, Upload, UploadProgress, CHUNK_GRANULARITY, DEFAULT_CHUNK_SIZE};
pub use source::UploadSource;
