//! Recognising the shapes the runtime has generic support for: long-running operations and pagination.
//! Runs at the end of resolution, on resolved types; it only adds facts to the model.

use crate::ir::*;

/// Finds the operations service: an `operations` resource whose `get` takes the name (whole, or split into
/// its ids as App Engine's `apps/{appsId}/operations/{operationsId}`) and returns an `Operation`-shaped
/// struct (`name`, `done`, `error`, `metadata`, `response`). Prefers the shortest accessor chain, then one
/// that has `cancel`.
pub fn find_lro(types: &[TypeDef], root: &Resource) -> Option<Lro> {
    let mut candidates = Vec::new();
    collect_operations(types, root, &mut Vec::new(), &mut candidates);
    candidates.sort_by_key(|lro: &Lro| (lro.get.accessors.len(), lro.cancel.is_none()));
    candidates.into_iter().next()
}

fn collect_operations(
    types: &[TypeDef],
    resource: &Resource,
    trail: &mut Vec<String>,
    out: &mut Vec<Lro>,
) {
    if resource.wire_name == "operations" {
        if let Some(lro) = operations_service(types, resource, trail) {
            out.push(lro);
        }
    }
    for child in &resource.resources {
        trail.push(child.accessor.clone());
        collect_operations(types, child, trail, out);
        trail.pop();
    }
}

fn operations_service(types: &[TypeDef], resource: &Resource, trail: &[String]) -> Option<Lro> {
    let by_name = |name: &str| resource.methods.iter().find(|m| m.wire_name == name);
    let get = by_name("get").filter(|m| m.request.is_none())?;
    let get_args = name_args(get)?;
    let Some(TypeRef::Named(operation)) = &get.response else {
        return None;
    };
    let def = &types[operation.0];
    let is_bool = |f: &str| def.field(f).is_some_and(|f| f.ty == TypeRef::Bool);
    let is_string = |f: &str| def.field(f).is_some_and(|f| f.ty == TypeRef::String);
    let is_map = |f: &str| def.field(f).is_some_and(|f| is_any_map(types, &f.ty));
    if !(is_string("name") && is_bool("done") && is_map("metadata") && is_map("response")) {
        return None;
    }
    let Some(TypeRef::Named(status)) = def.field("error").map(|f| f.ty.clone()) else {
        return None;
    };
    let status_def = &types[status.0];
    if status_def
        .field("code")
        .is_none_or(|f| f.ty != TypeRef::Int32)
        || status_def
            .field("message")
            .is_none_or(|f| f.ty != TypeRef::String)
    {
        return None;
    }
    let details = match status_def.field("details").map(|f| &f.ty) {
        Some(TypeRef::Array(item)) if is_any_map(types, item) => DetailsShape::Maps,
        Some(TypeRef::Array(item)) if **item == TypeRef::Any => DetailsShape::Values,
        _ => DetailsShape::None,
    };
    let path = |method: &Method, name_args: NameArgs| MethodPath {
        accessors: trail.to_vec(),
        method: method.fn_name.clone(),
        body: method.request.as_ref().map(|b| b.ty.clone()),
        name_args,
    };
    // Cancel must take the name the way get does, or the poller could not build it from the same name.
    let cancel = by_name("cancel")
        .filter(|m| body_has_default(types, m))
        .and_then(|m| {
            name_args(m)
                .filter(|a| a.same_name(&get_args))
                .map(|a| path(m, a))
        });
    Some(Lro {
        operation: *operation,
        status,
        details,
        get: path(get, get_args),
        cancel,
    })
}

/// How `method` takes an operation's name: one string parameter `name`, or only simple string path
/// parameters, one per id of the name (App Engine, Cloud Storage).
fn name_args(method: &Method) -> Option<NameArgs> {
    let required: Vec<&Param> = method.required_params().collect();
    if required.len() == 1 && required[0].wire_name == "name" && required[0].ty == TypeRef::String {
        return Some(NameArgs::Whole);
    }
    let vars: Vec<usize> = method
        .path
        .iter()
        .filter_map(|part| match part {
            PathPart::Var {
                param,
                expansion: Expansion::Simple,
            } => Some(*param),
            _ => None,
        })
        .collect();
    let all_simple = vars.len()
        == method
            .path
            .iter()
            .filter(|p| matches!(p, PathPart::Var { .. }))
            .count();
    let plain = |p: &Param| p.location == Location::Path && p.ty == TypeRef::String && !p.repeated;
    if !all_simple
        || vars.is_empty()
        || required.len() != vars.len()
        || !required.iter().all(|p| plain(p))
    {
        return None;
    }
    let ids = method
        .params
        .iter()
        .enumerate()
        .filter(|(_, p)| p.required)
        .map(|(index, _)| vars.iter().position(|v| *v == index))
        .collect::<Option<Vec<usize>>>()?;
    Some(NameArgs::Split {
        count: vars.len(),
        ids,
    })
}

/// A request body the poller can fill with `Default::default()`: none, or a struct.
fn body_has_default(types: &[TypeDef], method: &Method) -> bool {
    match &method.request {
        None => true,
        Some(body) => {
            matches!(&body.ty, TypeRef::Named(id) if matches!(types[id.0].kind, TypeKind::Struct(_)))
        }
    }
}

/// `additionalProperties: any`, directly or through an alias.
fn is_any_map(types: &[TypeDef], ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Map(value) => **value == TypeRef::Any,
        TypeRef::Named(id) => {
            matches!(&types[id.0].kind, TypeKind::Alias(target) if is_any_map(types, target))
        }
        _ => false,
    }
}

/// Marks methods that start an operation (they return it, outside an `operations` service, whose
/// `get` returns one it did not start), and list methods that page. A declared operation result stays
/// only on the former.
pub fn mark_methods(types: &[TypeDef], resource: &mut Resource, lro: Option<&Lro>) {
    let service = resource.wire_name == "operations";
    for method in &mut resource.methods {
        method.returns_operation =
            !service && lro.is_some_and(|l| method.response == Some(TypeRef::Named(l.operation)));
        if !method.returns_operation {
            method.operation_result = None;
        }
        method.pagination = pagination(types, method);
    }
    for child in &mut resource.resources {
        mark_methods(types, child, lro);
    }
}

/// A method pages when it takes `pageToken` and its response has a string `nextPageToken` and exactly one
/// list field besides `unreachable` (the locations that could not be reached).
fn pagination(types: &[TypeDef], method: &Method) -> Option<Pagination> {
    let takes_token = method
        .optional_params()
        .any(|p| p.wire_name == "pageToken" && p.ty == TypeRef::String);
    let Some(TypeRef::Named(response)) = &method.response else {
        return None;
    };
    let def = &types[response.0];
    if !takes_token
        || def
            .field("nextPageToken")
            .is_none_or(|f| f.ty != TypeRef::String)
    {
        return None;
    }
    let mut lists = def
        .fields()
        .iter()
        .filter(|f| f.wire_name != "unreachable")
        .filter_map(|f| match &f.ty {
            TypeRef::Array(item) => Some((f.rust_name.clone(), (**item).clone())),
            _ => None,
        });
    let items = lists.next()?;
    if lists.next().is_some() {
        return None;
    }
    Some(Pagination {
        response: *response,
        items,
    })
}
