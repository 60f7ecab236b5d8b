//! What engine and models this sohoa reads with, for `sohoa --version`: the Tesseract
//! version, the folder its models are loaded from, and each model there with its size.
//! Scanning centres compare these between workstations, since two machines with different
//! models read the same page differently.

use std::ffi::CStr;
use std::path::{Path, PathBuf};

use tesseract_sys as sys;

/// The engine and the models it would load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineAbout {
    /// As Tesseract reports itself, e.g. `5.3.0`.
    pub version: String,
    /// The folder of `*.traineddata` in use; `None` when the engine could not say.
    pub tessdata: Option<PathBuf>,
    /// Model name (language code) and size in bytes, sorted by name.
    pub models: Vec<(String, u64)>,
}

/// Ask the engine. `tessdata` is the configured folder, `None` for the engine's default.
pub fn engine_about(tessdata: Option<&Path>) -> EngineAbout {
    // SAFETY: TessVersion returns a static NUL-terminated string.
    let version = unsafe { CStr::from_ptr(sys::TessVersion()) }
        .to_string_lossy()
        .into_owned();
    let tessdata = tessdata.map(Path::to_path_buf).or_else(default_tessdata);
    let models = tessdata.as_deref().map(models_in).unwrap_or_default();
    EngineAbout {
        version,
        tessdata,
        models,
    }
}

/// The folder the engine loads models from when none is configured: only an initialised
/// engine knows it (it weighs `TESSDATA_PREFIX` and its build-time default), so one is
/// initialised with the small `osd` model, or `eng`.
fn default_tessdata() -> Option<PathBuf> {
    for lang in [c"osd", c"eng"] {
        // SAFETY: the handle is created and deleted here; the datapath string is copied out
        // before the handle is deleted.
        let path = unsafe {
            let handle = sys::TessBaseAPICreate();
            if handle.is_null() {
                return None;
            }
            let ok = sys::TessBaseAPIInit3(handle, std::ptr::null(), lang.as_ptr()) == 0;
            let path = ok.then(|| {
                let ptr = sys::TessBaseAPIGetDatapath(handle);
                (!ptr.is_null()).then(|| CStr::from_ptr(ptr).to_string_lossy().into_owned())
            });
            sys::TessBaseAPIEnd(handle);
            sys::TessBaseAPIDelete(handle);
            path.flatten()
        };
        if let Some(path) = path {
            return Some(PathBuf::from(path));
        }
    }
    None
}

fn models_in(dir: &Path) -> Vec<(String, u64)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut models: Vec<(String, u64)> = entries
        .filter_map(|e| {
            let e = e.ok()?;
            let name = e.file_name().into_string().ok()?;
            let lang = name.strip_suffix(".traineddata")?.to_string();
            Some((lang, e.metadata().ok()?.len()))
        })
        .collect();
    models.sort();
    models
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_installed_engine_and_its_models_are_named() {
        let about = engine_about(None);
        assert!(
            about.version.starts_with(|c: char| c.is_ascii_digit()),
            "{about:?}"
        );
        let dir = about.tessdata.expect("the engine names its model folder");
        assert!(dir.join("vie.traineddata").is_file(), "{}", dir.display());
        let vie = about.models.iter().find(|(name, _)| name == "vie");
        assert!(
            vie.is_some_and(|(_, bytes)| *bytes > 100_000),
            "{:?}",
            about.models
        );
    }
}
