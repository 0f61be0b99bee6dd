//! The app against the crates' mocks: no network, the real clients.

use drive_v3::methods::FILES_LIST;
use drive_v3::schemas::{File, FileList};
use drive_v3::testing::Mock;
use sheets_v4::methods::SPREADSHEETS_GET;
use sheets_v4::schemas::{Sheet, SheetProperties, Spreadsheet};

#[tokio::test]
async fn lists_the_sheets_of_each_spreadsheet_in_a_folder() {
    let files = Mock::new();
    files.on(FILES_LIST).returns(
        FileList::default().with_files(vec![File::default().with_id("s1").with_name("Budget")]),
    );
    let spreadsheets = Mock::new();
    let sheet = |title: &str| Sheet::default().with_properties(SheetProperties::default().with_title(title));
    spreadsheets
        .on(SPREADSHEETS_GET)
        .returns(Spreadsheet::default().with_sheets(vec![sheet("2025"), sheet("2026")]));
    let drive = drive_v3::Client::builder().transport(files.transport()).build().unwrap();
    let sheets = sheets_v4::Client::builder()
        .transport(spreadsheets.transport())
        .build()
        .unwrap();

    let found = app::sheet_titles(&drive, &sheets, "folder-1").await.unwrap();

    assert_eq!(found, [("Budget".to_owned(), vec!["2025".to_owned(), "2026".to_owned()])]);
    let listed = &files.requests()[0];
    assert_eq!(listed.path, "/drive/v3/files");
    let query = listed.query.iter().find(|(name, _)| name == "q").unwrap();
    assert_eq!(
        query.1,
        "'folder-1' in parents and mimeType = 'application/vnd.google-apps.spreadsheet'"
    );
    assert_eq!(spreadsheets.requests()[0].path, "/v4/spreadsheets/s1");
}
