//! Traditional PKCS#7 CMS construction.
//!
//! Traditional (adbe.pkcs7.detached) allows:
//! - `signingTime` signed attribute
//! - Standard CMS signed attributes
//! - More lenient attribute requirements than PAdES
