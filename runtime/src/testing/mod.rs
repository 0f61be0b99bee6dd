//! Testing an app without a network (cargo feature `testing`, forwarded by every generated crate).
//!
//! A [`Mock`] is a [`Transport`](crate::transport::Transport) that answers in process: install it with
//! `Client::builder().transport(mock.transport())`, then say what each method answers. The client's
//! retries, timeouts, paging, pollers and decoding run exactly as in production, and nothing leaves
//! the process.
//!
//! - **By method, typed:** each generated crate's `methods` module has a [`MethodId`] per method,
//!   typed by its response, so `mock.on(methods::PROJECTS_GET_AGENT).returns(agent)` only compiles
//!   when `agent` is what that method returns.
//! - **By HTTP method and path:** [`Mock::on_http`] (`mock.on_http(Method::GET, "/v2/projects/*/agent")`,
//!   with this module's [`Method`], the `http` crate's, so an app needs no `http` dependency), with `*` and
//!   `**` patterns; any expectation can also be narrowed with [`When::matching`].
//! - **Answers:** a value, a Google error ([`Answer::error`], any code, details, status), a transport
//!   failure, answers in order (a 503, then the value: the client retries), or a closure of the
//!   request ([`When::answers_with`]).
//! - **Long-running operations:** [`FakeOperation`] plays one of either style, started by a method
//!   ([`When::starts`]) or resumed by name ([`Mock::operation`]).
//! - **What was sent:** [`Mock::requests`], each a [`RecordedRequest`] (method id, HTTP method, path,
//!   query, headers without credentials, JSON body).
//! - **Misuse is loud:** a call nothing expects fails with an error naming its method id and path;
//!   [`Mock::verify`], also run on drop, fails the test with every expectation not met and every call it
//!   refused, so an unexpected call fails the test even when the app swallows its error.
//!
//! Generated crates re-export this module as `testing` and have the constants; here, with the runtime's
//! own client:
//!
//! ```
//! use discogen_runtime::testing::{MethodId, Mock};
//! use discogen_runtime::{Client, Method, Request};
//!
//! const GET_NAME: MethodId<String> = MethodId::new("example.names.get");
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> discogen_runtime::Result<()> {
//! let mock = Mock::new();
//! mock.on(GET_NAME).returns("Ada".to_owned());
//! let client = Client::builder("https://example.googleapis.com/")
//!     .transport(mock.transport())
//!     .build()?;
//!
//! let mut request = Request::new(Method::GET, "v1/names/1".to_owned());
//! request.set_method_id("example.names.get");
//! let name: String = client.execute(request).await?;
//!
//! assert_eq!(name, "Ada");
//! assert_eq!(mock.requests()[0].path, "/v1/names/1");
//! # Ok(()) }
//! ```
//!
//! An answer of another type than the method's does not compile:
//!
//! ```compile_fail,E0308
//! # use discogen_runtime::testing::{MethodId, Mock};
//! # const GET_NAME: MethodId<String> = MethodId::new("example.names.get");
//! let mock = Mock::new();
//! mock.on(GET_NAME).returns(42);
//! ```

mod answer;
mod method;
mod mock;
mod operation;
mod recorded;

/// The HTTP method [`Mock::on_http`] takes (the `http` crate's), here so that tests need no `http`
/// dependency of their own.
pub use http::Method;

pub use answer::Answer;
pub use method::MethodId;
pub use mock::{Mock, MockTransport, When};
pub use operation::FakeOperation;
pub use recorded::RecordedRequest;
