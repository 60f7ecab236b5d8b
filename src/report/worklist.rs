//! The worklists of `sohoa report --list failed|review`: for each collection, the files
//! that failed or the pages that need review, in dossier order, as plain data the binary
//! renders in every report format.

use serde::Serialize;

use crate::catalog::{Catalog, CatalogError, WorkItem, WorkKind};
use crate::config::CollectionSettings;

/// One worklist over the collections asked for.
#[derive(Debug, Clone, Serialize)]
pub struct Worklist {
    pub schema_version: u32,
    pub list: WorkKind,
    pub collections: Vec<CollectionWork>,
}

/// The items of one collection.
#[derive(Debug, Clone, Serialize)]
pub struct CollectionWork {
    pub id: String,
    pub name: String,
    pub items: Vec<WorkItem>,
}

impl Worklist {
    /// Every item, with the id of its collection.
    pub fn items(&self) -> impl Iterator<Item = (&str, &WorkItem)> {
        self.collections
            .iter()
            .flat_map(|c| c.items.iter().map(move |i| (c.id.as_str(), i)))
    }
}

/// Build the worklist of `kind` for `collections`, in their config order.
///
/// # Errors
/// The catalog cannot be read.
pub fn build(
    catalog: &Catalog,
    collections: &[&CollectionSettings],
    kind: WorkKind,
) -> Result<Worklist, CatalogError> {
    let collections = collections
        .iter()
        .map(|c| {
            Ok(CollectionWork {
                id: c.id.clone(),
                name: c.name.clone(),
                items: catalog.worklist(&c.id, kind)?,
            })
        })
        .collect::<Result<_, CatalogError>>()?;
    Ok(Worklist {
        schema_version: super::SCHEMA_VERSION,
        list: kind,
        collections,
    })
}
