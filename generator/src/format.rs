//! Token streams → formatted Rust source. prettyplease alone: no external formatter is run.

use proc_macro2::TokenStream;

/// Formats one file with prettyplease. Fails only if the emitter produced tokens that are not a Rust file.
pub fn format_file(tokens: &TokenStream) -> Result<String, syn::Error> {
    let file: syn::File = syn::parse2(tokens.clone())?;
    Ok(separate_items(&prettyplease::unparse(&file)))
}

/// Formats one file of a crate that is checked in: [`format_file`], with
/// `#![cfg_attr(rustfmt, rustfmt::skip)]` first, so that `cargo fmt` leaves the file as
/// prettyplease wrote it. The layout then depends only on the prettyplease in `Cargo.lock`, never on
/// the machine's rustfmt, and `cargo xtask generate --check` gives one verdict everywhere. rustc ignores
/// the attribute (`rustfmt` is never a set cfg); the file's own lints and docs are unchanged.
pub fn format_crate_file(tokens: &TokenStream) -> Result<String, syn::Error> {
    let mut file: syn::File = syn::parse2(tokens.clone())?;
    file.attrs
        .insert(0, syn::parse_quote!(#![cfg_attr(rustfmt, rustfmt::skip)]));
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
        "::discogen_runtime::__private::open_enum!",
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
