//! Uploads and downloads with a generated Drive client (`media_drive_v3`, generated from Google's
//! Drive v3 document).

use std::error::Error;
use std::path::Path;

use media_drive_v3::media::{Upload, UploadSource};
use media_drive_v3::schemas::File;
use media_drive_v3::Client;

/// Uploads the video at `path` in chunks, reporting progress, and keeps the session URL in
/// `session_file` so that another process can resume the upload if this one stops.
pub async fn upload_video(
    client: &Client,
    path: &Path,
    session_file: &Path,
) -> Result<File, Box<dyn Error>> {
    let session_file = session_file.to_owned();
    let upload = Upload::new(UploadSource::from_file(path).await?, "video/mp4")
        .chunk_size(16 * 1024 * 1024)
        .on_session(move |url| {
            // The URL carries the right to upload: keep it like a secret.
            let _ = std::fs::write(&session_file, url);
        })
        .on_progress(|progress| {
            eprintln!("{} of {:?} bytes", progress.committed, progress.total);
        });
    let metadata = File::default().with_name("video.mp4");
    Ok(client
        .files()
        .create(metadata)
        .upload_resumable(upload)
        .await?)
}

/// Goes on, in a new process, with the upload `upload_video` started: the session says how much it
/// has, and the file is read from there.
pub async fn resume_video(
    client: &Client,
    path: &Path,
    session_file: &Path,
) -> Result<File, Box<dyn Error>> {
    let session_url = std::fs::read_to_string(session_file)?;
    let upload = Upload::new(UploadSource::from_file(path).await?, "video/mp4").resume(session_url);
    Ok(client
        .files()
        .create(File::default())
        .upload_resumable(upload)
        .await?)
}

/// Downloads the file `file_id` into `path`, chunk by chunk; a connection that breaks is resumed
/// from the bytes already written.
pub async fn download(client: &Client, file_id: &str, path: &Path) -> Result<u64, Box<dyn Error>> {
    let mut out = tokio::fs::File::create(path).await?;
    let media = client.files().get(file_id).download_stream().await?;
    Ok(media
        .write_to(&mut out, |written| eprintln!("{written} bytes"))
        .await?)
}
