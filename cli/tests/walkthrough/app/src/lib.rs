//! The spreadsheets of a Drive folder, each with the titles of its sheets.

/// `(file name, sheet titles)` of each spreadsheet in the Drive folder `folder_id`.
pub async fn sheet_titles(
    drive: &drive_v3::Client,
    sheets: &sheets_v4::Client,
    folder_id: &str,
) -> drive_v3::Result<Vec<(String, Vec<String>)>> {
    let query = format!(
        "'{folder_id}' in parents and mimeType = 'application/vnd.google-apps.spreadsheet'"
    );
    let list = drive.files().list().q(query).send().await?;
    let mut found = Vec::new();
    for file in list.files.unwrap_or_default() {
        let id = file.id.unwrap_or_default();
        let spreadsheet = sheets.spreadsheets().get(id).send().await?;
        let titles = spreadsheet
            .sheets
            .unwrap_or_default()
            .into_iter()
            .filter_map(|sheet| sheet.properties?.title)
            .collect();
        found.push((file.name.unwrap_or_default(), titles));
    }
    Ok(found)
}
