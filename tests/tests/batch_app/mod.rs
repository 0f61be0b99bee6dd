//! Many files' metadata in few requests with a generated Drive client (`media_drive_v3`, generated
//! from Google's Drive v3 document).

use media_drive_v3::schemas::File;
use media_drive_v3::{Client, Code, StandardParameters as _};

/// The metadata of the files `ids` (id, name, size), in batches of 100 calls: the files found, and
/// the ids that are not (404), in order. Any other failure of a call is returned.
pub async fn metadata(
    client: &Client,
    ids: &[&str],
) -> media_drive_v3::Result<(Vec<File>, Vec<String>)> {
    let files = client.files();
    let calls = ids.iter().map(|id| files.get(*id).fields("id,name,size"));
    // One call's result per id, in order, each as `files.get(id).send()` would give it.
    let results = client.batch().send_all(calls).await;
    let (mut found, mut missing) = (Vec::new(), Vec::new());
    for (id, result) in ids.iter().zip(results) {
        match result {
            Ok(file) => found.push(file),
            Err(error) if error.rpc_status().is_some_and(|s| s.code == Code::NotFound) => {
                missing.push(id.to_string())
            }
            Err(error) => return Err(error),
        }
    }
    Ok((found, missing))
}
