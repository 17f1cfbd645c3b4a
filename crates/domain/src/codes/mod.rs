//! Codes people type into PermitDesk and that must be right before anything else happens:
//! 项目代码, 统一社会信用代码, 行政区划代码 and 电话号码, each parsed once into a checked type.
//!
//! Every type parses with `parse(&str)`, prints its canonical form with `Display`/`as_str()`,
//! and (de)serialises as that string, validated again on the way in. Refusals are `thiserror`
//! enums whose messages say, in Chinese, what is wrong and where (positions count from 1).

mod credit_code;
mod phone;
mod project_code;
mod region;

pub use credit_code::{ALPHABET as CREDIT_CODE_ALPHABET, CreditCode, CreditCodeError};
pub use phone::{HARBIN_AREA_CODE, PhoneNumber, PhoneNumberError};
pub use project_code::{
    FIRST_CODE_YEAR, LAST_CODE_YEAR, ProjectCode, ProjectCodeError, ProjectCodeSegment,
};
pub use region::{
    Division, DivisionLevel, HEILONGJIANG, PROVINCE_PREFIX, RegionCode, RegionCodeError,
    heilongjiang_division,
};
