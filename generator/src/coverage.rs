//! How much of a crate is documented: described / total for methods, parameters, schemas, properties and
//! enum values, counted on the IR (what the crate emits).

use std::fmt;

use crate::ir::{Api, Resource, TypeKind};

/// Described and total items of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Count {
    /// Items with a non-blank description.
    pub described: usize,
    /// All items.
    pub total: usize,
}

/// A crate's documentation coverage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Methods.
    pub methods: Count,
    /// Method parameters (the global ones are not counted).
    pub parameters: Count,
    /// Struct types: schemas and the anonymous objects inside them.
    pub schemas: Count,
    /// Fields of those structs.
    pub properties: Count,
    /// Values of enums, the variant for unknown values not counted.
    pub enum_values: Count,
}

impl Count {
    fn add(&mut self, doc: Option<&str>) {
        self.total += 1;
        if doc.is_some_and(|d| !d.trim().is_empty()) {
            self.described += 1;
        }
    }

    /// The items without a description.
    pub fn missing(&self) -> usize {
        self.total - self.described
    }
}

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.described, self.total)
    }
}

impl fmt::Display for Coverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "methods {}, parameters {}, schemas {}, properties {}, enum values {}",
            self.methods, self.parameters, self.schemas, self.properties, self.enum_values
        )
    }
}

impl std::ops::AddAssign for Coverage {
    fn add_assign(&mut self, other: Coverage) {
        for (mine, theirs) in [
            (&mut self.methods, other.methods),
            (&mut self.parameters, other.parameters),
            (&mut self.schemas, other.schemas),
            (&mut self.properties, other.properties),
            (&mut self.enum_values, other.enum_values),
        ] {
            mine.described += theirs.described;
            mine.total += theirs.total;
        }
    }
}

/// Counts what the crate generated from `api` describes.
pub fn coverage(api: &Api) -> Coverage {
    let mut coverage = Coverage::default();
    for def in &api.types {
        match &def.kind {
            TypeKind::Struct(s) => {
                coverage.schemas.add(def.doc.as_deref());
                for field in &s.fields {
                    coverage.properties.add(field.doc.as_deref());
                }
            }
            TypeKind::Enum(e) => {
                for variant in &e.variants {
                    coverage.enum_values.add(variant.doc.as_deref());
                }
            }
            TypeKind::Alias(_) => {}
        }
    }
    count_methods(&api.root, &mut coverage);
    coverage
}

fn count_methods(resource: &Resource, coverage: &mut Coverage) {
    for method in &resource.methods {
        coverage.methods.add(method.doc.as_deref());
        for param in &method.params {
            coverage.parameters.add(param.doc.as_deref());
        }
    }
    for child in &resource.resources {
        count_methods(child, coverage);
    }
}
