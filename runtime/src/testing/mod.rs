//! Testing an app without a network (cargo feature `testing`, forwarded by every generated crate).
//!
//! A [`Mock`] is a [`Transport`](crate::transport::Transport) that answers in process: install it with
//! `Client::builder().transport(mock.transport())`, then say what each method answers. The client's
//! retries, timeouts, paging, pollers and decoding run exactly as in production, and nothing leaves
//! the process.
//!
//! - **By method, typed:** each generated crate's `methods` module has a [`MethodId`] per method,
//!   typed by its response, so `mock.on(methods::PROJECTS_AGENT_GET).returns(agent)` only compiles
//!   when `agent` is what that method returns.
//! - **By HTTP method and path:** [`Mock::on_http`], with `*` and `**` patterns; any expectation can
//!   also be narrowed with [`When::matching`].
//! - **Answers:** a value, a Google error ([`Answer::error`], any code, details, status), a transport
//!   failure, answers in order (a 503, then the value: the client retries), or a closure of the
//!   request ([`When::answers_with`]).
//! - **Long-running operations:** [`FakeOperation`] plays one of either style, started by a method
//!   ([`When::starts`]) or resumed by name ([`Mock::operation`]).
//! - **What was sent:** [`Mock::requests`], each a [`RecordedRequest`] (method id, HTTP method, path,
//!   query, headers without credentials, JSON body).
//! - **Misuse is loud:** a call nothing expects fails with an error naming its method id and path;
//!   [`Mock::verify`], also run on drop, fails the test with every expectation not met.

mod answer;
mod method;
mod mock;
mod operation;
mod recorded;

pub use answer::Answer;
pub use method::MethodId;
pub use mock::{Mock, MockTransport, When};
pub use operation::FakeOperation;
pub use recorded::RecordedRequest;
