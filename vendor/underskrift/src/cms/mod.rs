//! CMS/PKCS#7 SignedData construction for PDF signatures.

pub mod builder;
pub mod pades;
pub mod traditional;
