//! The Node addon. TypeScript reaches native code only through these exports; it never applies
//! restrictions to its own (multi-threaded) process — that is bridle-sandbox's job.

mod probe;

use napi_derive::napi;

/// What this kernel / OS can enforce, as a plain object.
#[napi(js_name = "probe")]
pub fn probe_js() -> napi::Result<serde_json::Value> {
    serde_json::to_value(probe::probe()).map_err(|e| napi::Error::from_reason(e.to_string()))
}
