//! The command line from the outside: one test binary, a file per subcommand.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cli;
mod completions;
mod dashboard;
mod flow;
mod hostile;
mod interop;
mod keygen;
mod report_doc;
mod secrets;
mod serve;
mod serve_edges;
mod sign;
mod toolbox;
mod util;
mod validate;
mod websdk;
