//! The Node addon. TypeScript reaches native code only through these exports; it never applies
//! restrictions to its own (multi-threaded) process — that is bridle-sandbox's job. The profile
//! parser, composer and Seatbelt renderer here are the very modules the launcher compiles in.

mod compose;
mod probe;
mod profile;
mod seatbelt;

use napi_derive::napi;
use serde_json::json;

fn to_js(v: impl serde::Serialize) -> napi::Result<serde_json::Value> {
    serde_json::to_value(v).map_err(|e| napi::Error::from_reason(e.to_string()))
}

/// What this kernel / OS can enforce, as a plain object.
#[napi(js_name = "probe")]
pub fn probe_js() -> napi::Result<serde_json::Value> {
    to_js(probe::probe())
}

/// Checks a profile's JSON: `{ ok: true }` or `{ ok: false, errors: [...] }` (every problem).
#[napi(js_name = "validateProfile")]
pub fn validate_profile(json: String) -> serde_json::Value {
    match profile::Profile::from_json(&json) {
        Ok(_) => json!({ "ok": true, "errors": [] }),
        Err(errors) => json!({ "ok": false, "errors": errors }),
    }
}

/// The macOS Seatbelt (SBPL) text for a profile, exactly what bridle-sandbox hands sandbox-exec.
#[napi(js_name = "seatbeltProfile")]
pub fn seatbelt_profile(json: String) -> napi::Result<String> {
    let p = profile::Profile::from_json(&json).map_err(|e| napi::Error::from_reason(e.join("; ")))?;
    Ok(seatbelt::render(&p))
}

/// The Landlock rules the launcher would install for a profile on this machine, with names.
#[napi(js_name = "explainProfile")]
pub fn explain_profile(json: String) -> napi::Result<serde_json::Value> {
    let p = profile::Profile::from_json(&json).map_err(|e| napi::Error::from_reason(e.join("; ")))?;
    let plan = compose::compose(&p).map_err(napi::Error::from_reason)?;
    Ok(compose::explain(&plan))
}

/// Hands memory that the C allocator holds free back to the OS; true when some was returned.
/// glibc returns freed memory only from the top of its heap, so after a burst of short-lived
/// buffers (a pane streaming megabytes) the freed middle stays resident until this is called.
/// Other platforms' allocators return memory on their own: there it does nothing.
#[napi(js_name = "releaseFreeMemory")]
pub fn release_free_memory() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: malloc_trim only walks the allocator's own free lists; it takes its own locks.
        unsafe { libc::malloc_trim(0) == 1 }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}
