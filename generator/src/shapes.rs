//! Recognising the shapes the runtime has generic support for: long-running operations and pagination.
//! Runs at the end of resolution, on resolved types; it only adds facts to the model.

use crate::ir::*;

/// Finds the operations service the poller drives, in one of the two styles of the corpus:
///
/// - google.longrunning: an `operations` resource whose `get` takes the name (whole, or split into its
///   ids as App Engine's `apps/{appsId}/operations/{operationsId}`) and returns an `Operation`-shaped
///   struct (`name`, `done`, `error`, `metadata`, `response`). Prefers the shortest accessor chain, then
///   one that has `cancel`.
/// - status style (compute, sqladmin, container, deploymentmanager): operations resources (`operations`,
///   or compute's `zoneOperations`, `regionOperations`, `globalOperations`, ...) whose `get` returns a
///   struct with a `status` enum that has `DONE`, a string `selfLink` and an `error` (either
///   `errors[]` entries or a `google.rpc.Status`). Every such resource serves one level (zone, region, global) of the one service.
pub fn find_lro(types: &[TypeDef], root: &Resource) -> Option<Lro> {
    let mut candidates = Vec::new();
    collect_operations(types, root, &mut Vec::new(), &mut candidates);
    candidates.sort_by_key(|lro: &Lro| {
        (
            lro.services[0].poll.accessors.len(),
            lro.services[0].cancel.is_none(),
        )
    });
    candidates
        .into_iter()
        .next()
        .or_else(|| find_status_lro(types, root))
}

/// Whether a resource is an operations service by name: `operations`, or compute's `zoneOperations`.
fn is_operations_resource(wire_name: &str) -> bool {
    wire_name == "operations" || wire_name.ends_with("Operations")
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
    let error = rpc_error(types, def)?;
    let rust = |wire: &str| def.field(wire).map(|f| f.rust_name.clone());
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
        fields: OperationFields {
            name: rust("name"),
            handle: None,
            done: DoneField::Flag(rust("done")?),
            error,
            metadata: rust("metadata"),
            response: rust("response"),
            progress: None,
            target_link: None,
        },
        services: vec![OperationsService {
            link_template: None,
            poll: path(get, get_args),
            cancel,
        }],
    })
}

/// The operation's `error` when it is a `google.rpc.Status`: a struct with an int32 `code` and a string
/// `message`, and `details` when they are `Any`s.
fn rpc_error(types: &[TypeDef], operation: &TypeDef) -> Option<ErrorField> {
    let field = operation.field("error")?;
    let TypeRef::Named(status) = field.ty else {
        return None;
    };
    let status_def = &types[status.0];
    let code = status_def
        .field("code")
        .filter(|f| f.ty == TypeRef::Int32)?;
    let message = status_def
        .field("message")
        .filter(|f| f.ty == TypeRef::String)?;
    let details = status_def.field("details").and_then(|f| match &f.ty {
        TypeRef::Array(item) if is_any_map(types, item) || **item == TypeRef::Any => {
            Some(f.rust_name.clone())
        }
        _ => None,
    });
    Some(ErrorField::Rpc {
        field: field.rust_name.clone(),
        boxed: field.boxed,
        status,
        code: code.rust_name.clone(),
        message: message.rust_name.clone(),
        details,
    })
}

/// Status style: every operations resource whose `get` returns the same status-style operation serves
/// one level of the service (the operation type most resources return wins, then the first by id).
fn find_status_lro(types: &[TypeDef], root: &Resource) -> Option<Lro> {
    let mut levels: Vec<(TypeId, OperationsService)> = Vec::new();
    collect_status_levels(types, root, &mut Vec::new(), &mut levels);
    let operation = levels.iter().map(|(id, _)| *id).max_by_key(|id| {
        (
            levels.iter().filter(|(o, _)| o == id).count(),
            std::cmp::Reverse(*id),
        )
    })?;
    let fields = status_fields(types, &types[operation.0])?;
    let mut services: Vec<OperationsService> = levels
        .into_iter()
        .filter(|(id, _)| *id == operation)
        .map(|(_, service)| service)
        .collect();
    // Most specific first: templates without a trailing `**`, then more literal segments.
    services.sort_by_key(|s| {
        let template = s.link_template.as_deref().unwrap_or_default();
        let literals = template.split('/').filter(|p| !p.starts_with('*')).count();
        (
            template.ends_with("**"),
            std::cmp::Reverse(literals),
            s.poll.accessors.clone(),
        )
    });
    Some(Lro {
        operation,
        fields,
        services,
    })
}

fn collect_status_levels(
    types: &[TypeDef],
    resource: &Resource,
    trail: &mut Vec<String>,
    out: &mut Vec<(TypeId, OperationsService)>,
) {
    if is_operations_resource(&resource.wire_name) {
        if let Some(level) = status_level(types, resource, trail) {
            out.push(level);
        }
    }
    for child in &resource.resources {
        trail.push(child.accessor.clone());
        collect_status_levels(types, child, trail, out);
        trail.pop();
    }
}

/// One level of a status-style service: `get` (its path becomes the link template), `wait` when the
/// resource has one that takes the same arguments, and `cancel` likewise.
fn status_level(
    types: &[TypeDef],
    resource: &Resource,
    trail: &[String],
) -> Option<(TypeId, OperationsService)> {
    let by_name = |name: &str| resource.methods.iter().find(|m| m.wire_name == name);
    let get = by_name("get").filter(|m| m.request.is_none())?;
    let Some(TypeRef::Named(operation)) = get.response else {
        return None;
    };
    status_fields(types, &types[operation.0])?;
    let (template, vars) = link_template(get)?;
    let path = |method: &Method| -> Option<MethodPath> {
        let ids = method
            .params
            .iter()
            .filter(|p| p.required)
            .map(|p| vars.iter().position(|v| *v == p.wire_name))
            .collect::<Option<Vec<usize>>>()?;
        (ids.len() == vars.len()).then(|| MethodPath {
            accessors: trail.to_vec(),
            method: method.fn_name.clone(),
            body: method.request.as_ref().map(|b| b.ty.clone()),
            name_args: NameArgs::Split {
                count: vars.len(),
                ids,
            },
        })
    };
    let poll = by_name("wait")
        .filter(|m| m.response == get.response && body_has_default(types, m))
        .and_then(path)
        .or_else(|| path(get))?;
    let cancel = by_name("cancel")
        .filter(|m| body_has_default(types, m))
        .and_then(path);
    Some((
        operation,
        OperationsService {
            link_template: Some(template),
            poll,
            cancel,
        },
    ))
}

/// `get`'s path as a link template (`projects/*/zones/*/operations/*`; a final reserved variable is
/// `**`) and the wire names of its variables in order. `None` when a variable shares a segment with
/// text (`{+name}:get`) or a reserved one is not last.
fn link_template(method: &Method) -> Option<(String, Vec<String>)> {
    let mut template = String::new();
    let mut vars = Vec::new();
    for (i, part) in method.path.iter().enumerate() {
        match part {
            PathPart::Literal(text) => template.push_str(text),
            PathPart::Var { param, expansion } => {
                let param = &method.params[*param];
                if param.ty != TypeRef::String || param.repeated || !param.required {
                    return None;
                }
                let last = i + 1 == method.path.len();
                match expansion {
                    Expansion::Simple => template.push('*'),
                    Expansion::Reserved | Expansion::ReservedFull if last => {
                        template.push_str("**")
                    }
                    Expansion::Reserved | Expansion::ReservedFull => return None,
                }
                vars.push(param.wire_name.clone());
            }
        }
    }
    let whole_segments = template
        .split('/')
        .all(|s| !s.contains('*') || s == "*" || s == "**");
    (whole_segments && !vars.is_empty()).then_some((template, vars))
}

/// The fields of a status-style operation: a `status` enum with `DONE`, a string `selfLink`, and an
/// `error` that is either a struct holding an `errors` array of structs or a `google.rpc.Status`.
fn status_fields(types: &[TypeDef], def: &TypeDef) -> Option<OperationFields> {
    let string = |wire: &str| {
        def.field(wire)
            .filter(|f| f.ty == TypeRef::String)
            .map(|f| f.rust_name.clone())
    };
    let status = def.field("status")?;
    let TypeRef::Named(status_ty) = status.ty else {
        return None;
    };
    let TypeKind::Enum(e) = &types[status_ty.0].kind else {
        return None;
    };
    let done = e.variants.iter().find(|v| v.wire_name == "DONE")?;
    let error = errors_error(types, def).or_else(|| rpc_error(types, def))?;
    Some(OperationFields {
        name: string("name"),
        handle: Some(string("selfLink")?),
        done: DoneField::Status {
            field: status.rust_name.clone(),
            ty: status_ty,
            done: done.rust_name.clone(),
        },
        error,
        metadata: None,
        response: None,
        progress: def
            .field("progress")
            .filter(|f| f.ty == TypeRef::Int32)
            .map(|f| f.rust_name.clone()),
        target_link: string("targetLink"),
    })
}

/// A status-style `error`: a struct whose `errors` is an array of structs, with the operation's
/// `httpErrorStatusCode` (int32) and `httpErrorMessage` when present.
fn errors_error(types: &[TypeDef], def: &TypeDef) -> Option<ErrorField> {
    let field = def.field("error")?;
    let TypeRef::Named(error) = field.ty else {
        return None;
    };
    let errors = types[error.0].field("errors")?;
    let TypeRef::Array(item) = &errors.ty else {
        return None;
    };
    let TypeRef::Named(entry) = **item else {
        return None;
    };
    if !matches!(types[entry.0].kind, TypeKind::Struct(_)) {
        return None;
    }
    let rust = |wire: &str, ty: TypeRef| {
        def.field(wire)
            .filter(|f| f.ty == ty)
            .map(|f| f.rust_name.clone())
    };
    Some(ErrorField::Errors {
        field: field.rust_name.clone(),
        boxed: field.boxed,
        errors: errors.rust_name.clone(),
        http_status: rust("httpErrorStatusCode", TypeRef::Int32),
        http_message: rust("httpErrorMessage", TypeRef::String),
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

/// Marks methods that start an operation (they return it, outside an operations service, whose
/// `get` and `wait` return one it did not start), and list methods that page. A declared operation result stays
/// only on the former.
pub fn mark_methods(types: &[TypeDef], resource: &mut Resource, lro: Option<&Lro>) {
    // A status-style API's levels (`zoneOperations`, ...) are operations services too.
    let service = resource.wire_name == "operations"
        || (lro.is_some_and(|l| !l.is_longrunning())
            && is_operations_resource(&resource.wire_name));
    for method in &mut resource.methods {
        method.returns_operation =
            !service && lro.is_some_and(|l| method.response == Some(TypeRef::Named(l.operation)));
        // A status-style operation has no response to decode: its poller fetches the target instead.
        if !method.returns_operation || lro.is_some_and(|l| !l.is_longrunning()) {
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
    if !takes_token {
        return None;
    }
    let def = &types[response.0];
    let next_page_token = def
        .field("nextPageToken")
        .filter(|f| f.ty == TypeRef::String)?
        .rust_name
        .clone();
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
        next_page_token,
    })
}
