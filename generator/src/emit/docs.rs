//! Discovery descriptions → rustdoc that renders sensibly and builds without warnings.
//!
//! Descriptions are loose markdown written for other tools: reference links with no target
//! (`[google.rpc.Code][]`), raw HTML, bare URLs and indented text that rustdoc would run as a doctest.

use crate::ir::{Api, TypeKind, TypeRef};
use crate::model::RustType;
use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes, one per line, for the given paragraphs (empty ones are skipped).
pub fn doc_attrs<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let lines = doc_lines(paragraphs);
    quote! { #(#[doc = #lines])* }
}

/// `#![doc = "..."]` attributes for the crate, from markdown this generator wrote (not sanitized).
pub fn crate_doc_attrs(markdown: &str) -> TokenStream {
    let lines = markdown.lines().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    });
    quote! { #(#![doc = #lines])* }
}

fn doc_lines<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let text = paragraphs
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(sanitize)
        .collect::<Vec<_>>()
        .join("\n\n");
    text.lines()
        .map(|line| {
            if line.is_empty() {
                String::new()
            } else {
                format!(" {line}")
            }
        })
        .collect()
}

/// Makes one description safe for rustdoc.
pub fn sanitize(text: &str) -> String {
    let mut out = Vec::new();
    // The marker (``` or ~~~) of the open code fence, if any.
    let mut fence: Option<&str> = None;
    for raw in text.replace("\r\n", "\n").lines() {
        let line = raw.trim_end();
        let marker = ["```", "~~~"]
            .into_iter()
            .find(|m| line.trim_start().starts_with(m));
        match (fence, marker) {
            (None, Some(m)) => {
                // Untagged or tagged alike, fenced text is never compiled as a doctest.
                out.push(format!("{m}text"));
                fence = Some(m);
            }
            (Some(open), Some(m)) if open == m => {
                out.push(m.to_owned());
                fence = None;
            }
            (Some(_), _) => out.push(line.to_owned()),
            (None, None) => {
                // Leading spaces would make an indented code block, which rustdoc compiles as a doctest.
                let line = line.trim_start();
                // Without indentation a line after a list item would continue it lazily; start a new block.
                let after_list_item = out
                    .last()
                    .is_some_and(|previous: &String| is_list_item(previous));
                if after_list_item && !line.is_empty() && !is_list_item(line) {
                    out.push(String::new());
                }
                out.push(escape_line(line));
            }
        }
    }
    if let Some(open) = fence {
        out.push(open.to_owned());
    }
    out.join("\n")
}

fn is_list_item(line: &str) -> bool {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    ["- ", "* ", "+ "]
        .iter()
        .any(|marker| line.starts_with(marker))
        || (digits > 0 && (line[digits..].starts_with(". ") || line[digits..].starts_with(") ")))
}

/// Escapes brackets and HTML outside code spans, keeps inline links (whose text may hold code spans),
/// and wraps bare URLs in `<...>`.
fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    loop {
        let tick = rest.find('`');
        // An inline link before the next code span is kept whole, code spans in its text included.
        let link = rest
            .match_indices('[')
            .map(|(i, _)| i)
            .take_while(|&i| tick.is_none_or(|t| i < t))
            .find_map(|i| inline_link_len(&rest[i..]).map(|len| (i, len)));
        if let Some((start, len)) = link {
            escape_text(&rest[..start], &mut out);
            out.push_str(&rest[start..start + len]);
            rest = &rest[start + len..];
            continue;
        }
        match tick {
            Some(start) => match rest[start + 1..].find('`') {
                Some(len) => {
                    escape_text(&rest[..start], &mut out);
                    out.push_str(&rest[start..start + len + 2]);
                    rest = &rest[start + len + 2..];
                }
                None => {
                    escape_text(&rest[..start], &mut out);
                    out.push_str("\\`");
                    rest = &rest[start + 1..];
                }
            },
            None => {
                escape_text(rest, &mut out);
                return out;
            }
        }
    }
}

fn escape_text(text: &str, out: &mut String) {
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < text.len() {
        let rest = &text[i..];
        if let Some(link_len) = inline_link_len(rest) {
            out.push_str(&rest[..link_len]);
            i += link_len;
            continue;
        }
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let len = url_len(rest);
            out.push('<');
            out.push_str(&rest[..len]);
            out.push('>');
            i += len;
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        match c {
            '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' if i + 1 < bytes.len() && bytes[i + 1].is_ascii_punctuation() => {
                out.push_str("\\\\")
            }
            _ => out.push(c),
        }
        i += c.len_utf8();
    }
}

/// Length of a markdown inline link `[text](http...)` at the start of `text`, if there is one.
fn inline_link_len(text: &str) -> Option<usize> {
    let inner = text.strip_prefix('[')?;
    let close = inner.find(']')?;
    let label = &inner[..close];
    // Code spans in the text are whole (an even number of backticks).
    if label.contains('[') || label.matches('`').count() % 2 == 1 {
        return None;
    }
    let after = &inner[close + 1..];
    let target = after.strip_prefix('(')?;
    if !(target.starts_with("http://") || target.starts_with("https://") || target.starts_with('/'))
    {
        return None;
    }
    let end = target.find(')')?;
    if target[..end].contains(char::is_whitespace) {
        return None;
    }
    Some(1 + close + 1 + 1 + end + 1)
}

/// Length of a bare URL, leaving out trailing punctuation that ends the sentence.
fn url_len(text: &str) -> usize {
    let end = text
        .find(|c: char| {
            c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | '[' | ']' | '{' | '}' | '|')
        })
        .unwrap_or(text.len());
    let url = text[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', ')']);
    // Keep a closing parenthesis that matches one inside the URL, as in wiki links.
    let opened = url.matches('(').count();
    let closed = url.matches(')').count();
    if opened > closed && text[url.len()..].starts_with(')') {
        url.len() + 1
    } else {
        url.len()
    }
}

/// `#[doc = "..."]` attributes for markdown this generator wrote (not sanitized), one per line.
pub fn markdown_attrs(markdown: &str) -> TokenStream {
    let lines = markdown.lines().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    });
    quote! { #(#[doc = #lines])* }
}

/// A type as the docs name it: named types as intra-doc links (`[`Intent`](crate::schemas::Intent)`),
/// the others in words (`a list of ...`).
pub fn type_link(ty: &RustType) -> String {
    match ty {
        RustType::Named { module, name } => format!(
            "[`{}`]({})",
            name.trim_start_matches("r#"),
            item_path(module, name)
        ),
        RustType::Runtime(name) => format!("[`{name}`](crate::{name})"),
        RustType::Vec(inner) => format!("a list of {}", type_link(inner)),
        RustType::Map(inner) => format!("a map of strings to {}", type_link(inner)),
        RustType::Box(inner) | RustType::Option(inner) => type_link(inner),
        RustType::Primitive(name) => format!("`{name}`"),
        RustType::String => "a `String`".to_owned(),
        RustType::Json => "JSON".to_owned(),
        RustType::Unit => "nothing (`()`)".to_owned(),
    }
}

/// The path of a generated item for an intra-doc link, e.g. `crate::schemas::Intent`.
fn item_path(module: &[String], name: &str) -> String {
    let mut path = vec!["crate"];
    path.extend(module.iter().map(|m| m.trim_start_matches("r#")));
    path.push(name.trim_start_matches("r#"));
    path.join("::")
}

/// A parameter's docs: its description, then its allowed values when its type is an enum.
pub fn param_doc_attrs<'a>(
    api: &Api,
    paragraphs: impl IntoIterator<Item = &'a str>,
    ty: &TypeRef,
) -> TokenStream {
    let mut docs = doc_attrs(paragraphs);
    if let Some(values) = allowed_values(api, ty) {
        let separator = (!docs.is_empty()).then(|| quote!(#[doc = ""]));
        let values = markdown_attrs(&values);
        docs.extend(quote!(#separator #values));
    }
    docs
}

/// "Allowed values" of an enum-typed parameter: each variant with its wire value and description.
fn allowed_values(api: &Api, ty: &TypeRef) -> Option<String> {
    let TypeRef::Named(id) = ty else {
        return None;
    };
    let TypeKind::Enum(e) = &api.ty(*id).kind else {
        return None;
    };
    let def = api.ty(*id);
    let path = item_path(&def.module, &def.name);
    let mut out = String::from("Allowed values:");
    for variant in &e.variants {
        let name = variant.rust_name.trim_start_matches("r#");
        out.push_str(&format!(
            "\n- [`{name}`]({path}::{name}) (`{}`)",
            variant.wire_name.replace('`', "")
        ));
        if let Some(doc) = variant.doc.as_deref().filter(|d| !d.trim().is_empty()) {
            out.push_str(&format!(": {}", one_line(doc)));
        }
        if variant.deprecated {
            out.push_str(" (deprecated)");
        }
    }
    Some(out)
}

/// A description sanitized onto one line, for a list item.
pub fn one_line(text: &str) -> String {
    sanitize(text)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("```") && !l.starts_with("~~~"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn reference_links_and_brackets_are_escaped() {
        assert_eq!(
            sanitize("The [google.rpc.Code][] value"),
            "The \\[google.rpc.Code\\]\\[\\] value"
        );
        assert_eq!(
            sanitize("see [docs](https://x.io/a)"),
            "see [docs](https://x.io/a)"
        );
        assert_eq!(
            sanitize("the [`Message`](https://x.io/m) resource, `[a]`"),
            "the [`Message`](https://x.io/m) resource, `[a]`"
        );
        assert_eq!(
            sanitize("odd [`x](https://x.io) `y`"),
            "odd \\[`x](https://x.io) `y\\`"
        );
    }

    #[test]
    fn html_and_bare_urls() {
        assert_eq!(
            sanitize("<b>bold</b> at https://x.io/a."),
            "&lt;b&gt;bold&lt;/b&gt; at <https://x.io/a>."
        );
        assert_eq!(
            sanitize("(see https://en.wikipedia.org/wiki/A_(b))"),
            "(see <https://en.wikipedia.org/wiki/A_(b)>)"
        );
    }

    #[test]
    fn indented_text_is_not_a_doctest_and_fences_are_text() {
        assert_eq!(
            sanitize("Example:\n    foo(bar)\n```\nx [y]\n```"),
            "Example:\nfoo(bar)\n```text\nx [y]\n```"
        );
        assert_eq!(sanitize("```\nopen"), "```text\nopen\n```");
        assert_eq!(sanitize("~~~\nx\n```\n~~~"), "~~~text\nx\n```\n~~~");
    }

    #[test]
    fn a_line_after_a_list_starts_a_new_block() {
        assert_eq!(sanitize("- a\n- b\n| t |"), "- a\n- b\n\n| t |");
        assert_eq!(sanitize("1. one\ntext"), "1. one\n\ntext");
    }

    #[test]
    fn code_spans_are_kept_verbatim() {
        assert_eq!(sanitize("use `a[0] <b>` here"), "use `a[0] <b>` here");
        assert_eq!(sanitize("odd ` tick [x]"), "odd \\` tick \\[x\\]");
    }
}
