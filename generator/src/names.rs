//! Turning wire names into Rust identifiers that are valid, readable and unique.
//!
//! Every name the emitter prints was made here, once, during resolution.

use std::collections::BTreeSet;

use heck::{ToPascalCase, ToShoutySnakeCase, ToSnakeCase};

/// Keywords that can be used as raw identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield", "union",
];

/// Keywords that cannot be raw identifiers and must be renamed.
const UNRAWABLE: &[&str] = &["self", "Self", "super", "crate", "_"];

/// A `snake_case` identifier for a field, parameter, method or module; `r#` marks a raw identifier.
pub fn snake(wire: &str) -> String {
    let mut name = wire.to_snake_case();
    if name.is_empty() {
        name = "value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("n{name}");
    }
    escape_keyword(name)
}

/// A `PascalCase` identifier for a type or enum variant.
pub fn pascal(wire: &str) -> String {
    let mut name = wire.to_pascal_case();
    if name.is_empty() {
        name = "Empty".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("V{name}");
    }
    escape_keyword(name)
}

/// A `SCREAMING_SNAKE_CASE` constant for a method id, without the API's name it starts with:
/// `dialogflow.projects.agent.intents.get` → `PROJECTS_AGENT_INTENTS_GET`.
pub fn method_const(id: &str) -> String {
    let within_api = id.split_once('.').map_or(id, |(_, rest)| rest);
    let name = within_api.to_shouty_snake_case();
    if name.is_empty() {
        "METHOD".to_owned()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("METHOD_{name}")
    } else {
        name
    }
}

fn escape_keyword(name: String) -> String {
    if UNRAWABLE.contains(&name.as_str()) {
        format!("{name}_")
    } else if RAW_KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// Hands out names unique within one namespace (a struct's fields, a module's types, ...).
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: BTreeSet<String>,
    /// `SCREAMING_SNAKE_CASE` constants, numbered `NAME_2` although they start with a capital.
    constants: bool,
}

impl Namespace {
    /// A namespace in which `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Namespace {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
            constants: false,
        }
    }

    /// A namespace of constants: a taken `NAME` gives `NAME_2`.
    pub fn constants() -> Self {
        Namespace {
            constants: true,
            ..Namespace::default()
        }
    }

    /// Returns `name` if free, else `name_2`, `name_3`, ... (`Name2` for types); records the result.
    pub fn claim(&mut self, name: String) -> String {
        let bare = name.trim_start_matches("r#").trim_end_matches('_');
        let pascal_style = !self.constants && bare.starts_with(|c: char| c.is_ascii_uppercase());
        let mut candidate = name.clone();
        let mut n = 2;
        while self.taken.contains(candidate.trim_start_matches("r#")) {
            candidate = if pascal_style {
                format!("{bare}{n}")
            } else {
                format!("{bare}_{n}")
            };
            n += 1;
        }
        self.taken
            .insert(candidate.trim_start_matches("r#").to_owned());
        candidate
    }

    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name.trim_start_matches("r#"))
    }
}

/// A package name for a document file stem: `dialogflow.v2` → `dialogflow-v2`, `admin.directory_v1` →
/// `admin-directory-v1`, `x.v1.1beta2` → `x-v1-1beta2`.
pub fn crate_name(stem: &str) -> String {
    let name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let name = name
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name
    } else {
        format!("api-{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_become_raw_or_renamed() {
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("async"), "r#async");
        assert_eq!(snake("self"), "self_");
        assert_eq!(pascal("self"), "Self_");
        assert_eq!(snake("crate"), "crate_");
        assert_eq!(snake("super"), "super_");
    }

    #[test]
    fn odd_wire_names_become_identifiers() {
        assert_eq!(snake("@type"), "r#type");
        assert_eq!(snake("$.xgafv"), "xgafv");
        assert_eq!(snake("start-date"), "start_date");
        assert_eq!(snake("1stField"), "n1st_field");
        assert_eq!(pascal("1080P"), "V1080p");
        assert_eq!(pascal(""), "Empty");
        assert_eq!(pascal("Foo.Bar"), "FooBar");
        assert_eq!(snake("dotted.name"), "dotted_name");
    }

    #[test]
    fn collisions_get_numbered() {
        let mut ns = Namespace::default();
        assert_eq!(ns.claim(snake("fooBar")), "foo_bar");
        assert_eq!(ns.claim(snake("foo_bar")), "foo_bar_2");
        let mut types = Namespace::with_reserved(&["Client"]);
        assert_eq!(types.claim(pascal("client")), "Client2");
        let mut raw = Namespace::default();
        assert_eq!(raw.claim("r#type".into()), "r#type");
        assert_eq!(raw.claim("r#type".into()), "type_2");
        let mut consts = Namespace::constants();
        assert_eq!(consts.claim(method_const("x.fooBar.get")), "FOO_BAR_GET");
        assert_eq!(consts.claim(method_const("x.foo_bar.get")), "FOO_BAR_GET_2");
    }

    #[test]
    fn method_constants_drop_the_api_name() {
        assert_eq!(
            method_const("dialogflow.projects.locations.agents.get"),
            "PROJECTS_LOCATIONS_AGENTS_GET"
        );
        assert_eq!(
            method_const("x.projects.getIamPolicy"),
            "PROJECTS_GET_IAM_POLICY"
        );
        assert_eq!(method_const("x.v1.1beta.get"), "V1_1BETA_GET");
        assert_eq!(method_const("x.2fa.get"), "METHOD_2FA_GET");
        assert_eq!(method_const("lonely"), "LONELY");
        assert_eq!(method_const("x."), "METHOD");
    }
}
