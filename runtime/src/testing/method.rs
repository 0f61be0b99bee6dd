//! Method ids typed by what the method returns.

use std::fmt;
use std::marker::PhantomData;

/// A Discovery method id (`dialogflow.projects.getAgent`) with the type its response decodes into.
///
/// Each generated crate's `methods` module (feature `testing`) has one per method, e.g.
/// `dialogflow_v2::methods::PROJECTS_GET_AGENT: MethodId<GoogleCloudDialogflowV2Agent>`, so an answer
/// given for a method must have the method's response type.
pub struct MethodId<R> {
    id: &'static str,
    response: PhantomData<fn() -> R>,
}

impl<R> MethodId<R> {
    /// The method `id`, answering `R`: what each generated crate's `methods` constants are made of.
    #[doc(hidden)]
    pub const fn new(id: &'static str) -> Self {
        MethodId {
            id,
            response: PhantomData,
        }
    }

    /// The Discovery method id.
    pub const fn id(&self) -> &'static str {
        self.id
    }
}

impl<R> Clone for MethodId<R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for MethodId<R> {}

impl<R> fmt::Debug for MethodId<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MethodId({})", self.id)
    }
}

impl<R> PartialEq for MethodId<R> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl<R> Eq for MethodId<R> {}
