//! Orientation detection (Tesseract's OSD) through the engine's C interface, since the safe
//! bindings do not offer it. OSD needs its own engine, initialised with the `osd` model and
//! the legacy recogniser; a worker creates it the first time one of its pages needs it, so
//! runs where every page reads well upright never load it.

use std::ffi::CString;
use std::os::raw::c_int;
use std::path::Path;
use std::time::Instant;

use tesseract_sys as sys;

use crate::ocr::{OcrError, OcrInput, Orientation, OrientationCheck, TRUSTED_DPI};

/// One OSD engine, owned by one worker thread.
pub struct OsdEngine {
    handle: *mut sys::TessBaseAPI,
}

// The handle is used by one thread at a time (the worker owning it); Tesseract engines
// share no mutable state between instances.
unsafe impl Send for OsdEngine {}

impl OsdEngine {
    /// Load the `osd` model from `tessdata` (or the engine's default folder).
    ///
    /// # Errors
    /// The `osd` model is missing or cannot be loaded.
    pub fn new(tessdata: Option<&Path>) -> Result<OsdEngine, OcrError> {
        let init = |message: &str| OcrError::Init {
            languages: vec!["osd".into()],
            tessdata: tessdata.map(Path::to_path_buf),
            message: message.to_string(),
        };
        let datapath = tessdata
            .map(|p| CString::new(p.to_string_lossy().as_bytes()))
            .transpose()
            .map_err(|_| init("tessdata path holds a NUL byte"))?;
        let lang = c"osd";
        // SAFETY: the handle is created here and freed in Drop (or just below on failure);
        // all strings outlive the calls.
        unsafe {
            let handle = sys::TessBaseAPICreate();
            if handle.is_null() {
                return Err(init("cannot create an engine"));
            }
            let engine = OsdEngine { handle };
            let path_ptr = datapath.as_ref().map_or(std::ptr::null(), |p| p.as_ptr());
            let rc = sys::TessBaseAPIInit2(
                handle,
                path_ptr,
                lang.as_ptr(),
                sys::TessOcrEngineMode_OEM_TESSERACT_ONLY,
            );
            if rc != 0 {
                return Err(init("cannot load the osd model"));
            }
            sys::TessBaseAPISetVariable(handle, c"debug_file".as_ptr(), c"/dev/null".as_ptr());
            sys::TessBaseAPISetPageSegMode(handle, sys::TessPageSegMode_PSM_OSD_ONLY);
            Ok(engine)
        }
    }

    /// The page's orientation; `None` when OSD finds too little text to say.
    ///
    /// # Errors
    /// The page's size does not fit the engine's integers.
    pub fn detect(&mut self, page: OcrInput<'_>) -> Result<OrientationCheck, OcrError> {
        let failed = |e: &dyn std::fmt::Display| OcrError::Recognise(e.to_string());
        let width = c_int::try_from(page.width).map_err(|e| failed(&e))?;
        let height = c_int::try_from(page.height).map_err(|e| failed(&e))?;
        if page.pixels.len() < page.width as usize * page.height as usize {
            return Err(failed(&"page buffer shorter than its size"));
        }
        let start = Instant::now();
        let (mut degrees, mut confidence, mut script_conf) = (0 as c_int, 0f32, 0f32);
        // SAFETY: the pixel buffer holds width × height bytes (checked above) and lives
        // through the call. The script name is not asked for: Tesseract 5 hands out a
        // pointer into its own tables there, which must not be freed.
        let found = unsafe {
            sys::TessBaseAPISetImage(self.handle, page.pixels.as_ptr(), width, height, 1, width);
            if let Some(dpi) = page.dpi.filter(|d| TRUSTED_DPI.contains(&d.min())) {
                sys::TessBaseAPISetSourceResolution(self.handle, dpi.min().round() as c_int);
            }
            let ok = sys::TessBaseAPIDetectOrientationScript(
                self.handle,
                &mut degrees,
                &mut confidence,
                std::ptr::null_mut(),
                &mut script_conf,
            );
            sys::TessBaseAPIClear(self.handle);
            ok != 0
        };
        let engine_ms = start.elapsed().as_millis() as u64;
        if !found {
            return Ok(OrientationCheck {
                found: None,
                engine_ms,
            });
        }
        // OSD reports how far the text is turned counter-clockwise; turning the page that
        // far clockwise makes it upright.
        let turn = ((360 - degrees.rem_euclid(360)) % 360) as u16;
        Ok(OrientationCheck {
            found: Some(Orientation {
                clockwise: turn,
                confidence,
            }),
            engine_ms,
        })
    }
}

impl Drop for OsdEngine {
    fn drop(&mut self) {
        // SAFETY: the handle was created by TessBaseAPICreate and is freed once.
        unsafe {
            sys::TessBaseAPIEnd(self.handle);
            sys::TessBaseAPIDelete(self.handle);
        }
    }
}
