//! Token streams → formatted Rust source.

use proc_macro2::TokenStream;

/// Formats one file with prettyplease. Fails only if the emitter produced tokens that are not a Rust file.
pub fn format_file(tokens: &TokenStream) -> Result<String, syn::Error> {
    let file: syn::File = syn::parse2(tokens.clone())?;
    Ok(separate_items(&prettyplease::unparse(&file)))
}

/// Puts a blank line between consecutive items (prettyplease packs them), keeping struct fields, enum
/// variants and statements together.
fn separate_items(source: &str) -> String {
    const ITEM_STARTS: &[&str] = &[
        "///",
        "#[",
        "pub ",
        "pub(crate) ",
        "fn ",
        "impl ",
        "impl<",
        "mod ",
        "const ",
        "type ",
        "struct ",
        "enum ",
        "trait ",
        "async fn ",
        "::discogen_runtime::open_enum!",
    ];
    let mut out = String::with_capacity(source.len() + source.len() / 16);
    let mut previous = "";
    for line in source.lines() {
        let trimmed = line.trim_start();
        let is_comment = previous.starts_with("//") || previous.starts_with("#[");
        let ends_item = !is_comment && (previous.ends_with('}') || previous.ends_with(';'));
        let in_body = trimmed.starts_with("pub ") && line.trim_end().ends_with(',');
        if ends_item && !in_body && ITEM_STARTS.iter().any(|s| trimmed.starts_with(s)) {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        previous = line.trim();
    }
    out
}

/// Runs `rustfmt` over a formatted file so that checked-in crates also pass `cargo fmt --check`.
///
/// prettyplease's layout differs from rustfmt's in places; the generated crates are workspace members, so
/// their files must be what rustfmt would write. Deterministic for a given toolchain.
pub fn rustfmt(source: &str) -> std::io::Result<String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let rustfmt = std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into());
    let mut child = Command::new(rustfmt)
        .args(["--edition", "2021", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = source.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output()?;
    writer
        .join()
        .map_err(|_| std::io::Error::other("rustfmt writer thread panicked"))??;
    if !output.status.success() {
        return Err(std::io::Error::other(format!(
            "rustfmt failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    String::from_utf8(output.stdout).map_err(std::io::Error::other)
}
