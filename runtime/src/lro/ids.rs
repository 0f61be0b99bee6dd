//! Ids in operation names and status-style links, for generated operations services.

/// The ids of a status-style operation's link (its `selfLink`, or a path) when the link matches
/// `template`, one id per wildcard in order; `None` otherwise.
///
/// `template` is an operations service's path with `*` for each simple variable (one segment) and a
/// final `**` for a reserved one (the rest, one or more segments), e.g.
/// `projects/*/zones/*/operations/*`. A link's scheme and host are ignored and its segments are
/// matched against the template's from the end (so a `selfLink` on another host, or with a longer
/// service path, matches); a `**` template matches from the first place its literal prefix fits.
/// Ids are percent-decoded (the request builder encodes them again). Generated
/// [`OperationsApi`](super::OperationsApi) implementations of status-style services call it to choose the scope.
///
/// ```
/// use discogen_runtime::__private::link_ids;
/// let link = "https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-a/operations/op-1";
/// assert_eq!(
///     link_ids::<3>(link, "projects/*/zones/*/operations/*"),
///     Some(["p".to_owned(), "us-central1-a".to_owned(), "op-1".to_owned()])
/// );
/// assert_eq!(link_ids::<2>(link, "projects/*/global/operations/*"), None);
/// assert_eq!(
///     link_ids::<1>("https://container.googleapis.com/v1/projects/p/locations/l/operations/o", "v1/**"),
///     Some(["projects/p/locations/l/operations/o".to_owned()])
/// );
/// ```
pub fn link_ids<const N: usize>(link: &str, template: &str) -> Option<[String; N]> {
    let path = match link.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |at| &rest[at..]),
        None => link,
    };
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let pattern: Vec<&str> = template.split('/').collect();
    let (fixed, rest) = match pattern.split_last() {
        Some((&"**", fixed)) => (fixed, true),
        _ => (&pattern[..], false),
    };
    let fits = |at: usize| {
        fixed
            .iter()
            .zip(&segments[at..])
            .all(|(p, s)| *p == "*" || p == s)
    };
    let start = if rest {
        (0..segments.len().checked_sub(fixed.len() + 1)? + 1).find(|&at| fits(at))?
    } else {
        let at = segments.len().checked_sub(fixed.len())?;
        fits(at).then_some(at)?
    };
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    let mut ids: Vec<String> = fixed
        .iter()
        .zip(&segments[start..])
        .filter(|(p, _)| **p == "*")
        .map(|(_, s)| decode(s))
        .collect();
    if rest {
        ids.push(decode(&segments[start + fixed.len()..].join("/")));
    }
    ids.try_into().ok()
}

/// The last `N` ids of an operation name made of collection/id pairs, in order:
/// `["a", "o"]` for `apps/a/operations/o`, `["b", "o"]` for
/// `projects/_/buckets/b/operations/o`; `None` when the name has fewer ids, or an empty one.
///
/// For operations services whose `get` takes the ids as separate path
/// parameters (App Engine's `apps/{appsId}/operations/{operationsId}`, Cloud
/// Storage's `b/{bucket}/operations/{operationId}`); generated
/// [`OperationsApi`](super::OperationsApi) implementations call it through [`with_name_ids`], which answers a name it
/// rejects with a [`Request::refused`](crate::Request::refused) request, so nothing is sent.
///
/// ```
/// use discogen_runtime::__private::name_ids;
/// assert_eq!(name_ids::<2>("apps/a/operations/o"), Some(["a", "o"]));
/// assert_eq!(name_ids::<2>("projects/_/buckets/b/operations/o"), Some(["b", "o"]));
/// assert_eq!(name_ids::<2>("operations/o"), None);
/// assert_eq!(name_ids::<2>("apps//operations/o"), None);
/// ```
pub fn name_ids<const N: usize>(name: &str) -> Option<[&str; N]> {
    let segments: Vec<&str> = name.split('/').collect();
    // Ids sit at every second segment counted from the last one.
    let mut ids = segments.iter().rev().step_by(2).take(N);
    let mut out = [""; N];
    for slot in out.iter_mut().rev() {
        *slot = ids.next().copied().filter(|id| !id.is_empty())?;
    }
    Some(out)
}

/// The request `request` builds from the name's last `N` ids ([`name_ids`]), or, for a name with fewer
/// ids, a [`Request::refused`](crate::Request::refused) one: what generated [`OperationsApi`](super::OperationsApi)
/// implementations of split-name services call, so the refusal is decided here once.
pub fn with_name_ids<const N: usize>(
    name: &str,
    request: impl FnOnce([&str; N]) -> crate::Request,
) -> crate::Request {
    match name_ids(name) {
        Some(ids) => request(ids),
        None => crate::Request::refused(
            name,
            "the operation name has fewer ids than the operations service's path",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_ids_choose_the_scope() {
        let zone = "https://www.googleapis.com/compute/v1/projects/p/zones/z/operations/op%2D1";
        let ids = |t| link_ids::<3>(zone, t);
        assert_eq!(
            ids("projects/*/zones/*/operations/*"),
            Some(["p", "z", "op-1"].map(String::from))
        );
        assert_eq!(ids("projects/*/regions/*/operations/*"), None);
        assert_eq!(link_ids::<2>(zone, "projects/*/global/operations/*"), None);
        assert_eq!(link_ids::<2>(zone, "locations/global/operations/*"), None);
        let global = "projects/p/global/operations/g";
        assert_eq!(
            link_ids::<2>(global, "projects/*/global/operations/*"),
            Some(["p", "g"].map(String::from))
        );
        assert_eq!(
            link_ids::<2>("operations/g", "projects/*/global/operations/*"),
            None
        );
        assert_eq!(
            link_ids::<3>(global, "projects/*/global/operations/*"),
            None
        );
        assert_eq!(link_ids::<1>("https://h/v1/", "v1/**"), None);
        assert_eq!(
            link_ids::<1>("https://h/x/v1/a/v1/b?q#f", "v1/**"),
            Some(["a/v1/b".to_owned()])
        );
        assert_eq!(link_ids::<1>("", "operations/*"), None);
    }
}
