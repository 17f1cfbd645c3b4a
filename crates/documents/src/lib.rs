//! PermitDesk documents.
//! Stub.
