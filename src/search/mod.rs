//! Vietnamese-aware search, the pure part: folding text so that "nguyen van luong" finds
//! "Nguyễn Văn Lượng" and "dong nai" finds "Đồng Nai", parsing the user's query language into a
//! safe FTS5 expression, extracting fields (ID numbers, birth dates, names) from page text,
//! and cutting highlighted snippets. No SQLite here: the catalog stores and queries the index,
//! the binary renders.

pub mod fields;
pub mod fold;
pub mod query;
pub mod record_fields;
pub mod snippet;

pub use fields::{extract, normalise_id, Field, FieldKind};
pub use fold::{exact, fold, Match};
pub use query::{parse, Query, QueryError};
pub use record_fields::record_fields;
pub use snippet::{snippet, Snippet};
