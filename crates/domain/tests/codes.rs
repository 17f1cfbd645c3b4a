//! Tables of real and realistic codes, valid and not, with the exact refusal expected; and
//! properties of the credit-code check character against a direct model of GB 32100-2015.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use permitdesk_domain::codes::{
    CREDIT_CODE_ALPHABET, CreditCode, CreditCodeError, DivisionLevel, HEILONGJIANG, PhoneNumber,
    PhoneNumberError, ProjectCode, ProjectCodeError, ProjectCodeSegment, RegionCode,
    RegionCodeError, heilongjiang_division,
};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// 项目代码

#[test]
fn valid_project_codes_parse_into_their_segments() {
    // (input, year, region, region name, department, type, serial)
    let cases = [
        (
            "2024-230102-48-01-123456",
            2024,
            "230102",
            "道里区",
            "48",
            "01",
            "123456",
        ),
        (
            "2023-230103-47-03-A1B2C3",
            2023,
            "230103",
            "南岗区",
            "47",
            "03",
            "A1B2C3",
        ),
        (
            "  2022-230109-48-02-00001X \n",
            2022,
            "230109",
            "松北区",
            "48",
            "02",
            "00001X",
        ),
        (
            "2021-230100-70-01-562813",
            2021,
            "230100",
            "哈尔滨市",
            "70",
            "01",
            "562813",
        ),
        (
            "2020-230000-48-01-100023",
            2020,
            "230000",
            "黑龙江省",
            "48",
            "01",
            "100023",
        ),
        (
            "2019-230184-48-03-7Q8W9E",
            2019,
            "230184",
            "五常市",
            "48",
            "03",
            "7Q8W9E",
        ),
        (
            "2025-231002-48-01-654321",
            2025,
            "231002",
            "东安区",
            "48",
            "01",
            "654321",
        ),
        (
            "2024-232701-48-01-000777",
            2024,
            "232701",
            "漠河市",
            "48",
            "01",
            "000777",
        ),
        // Divisions abolished since: valid up to the year of the change.
        (
            "2014-230182-48-01-123456",
            2014,
            "230182",
            "双城市",
            "48",
            "01",
            "123456",
        ),
        (
            "2017-230702-48-01-123456",
            2017,
            "230702",
            "伊春区",
            "48",
            "01",
            "123456",
        ),
        (
            "2014-230113-48-01-123456",
            2014,
            "230113",
            "双城区",
            "48",
            "01",
            "123456",
        ),
    ];
    for (input, year, region, name, dept, ty, serial) in cases {
        let code = ProjectCode::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(code.as_str(), input.trim());
        assert_eq!(code.to_string(), input.trim());
        assert_eq!(code.year(), year);
        assert_eq!(code.region().as_str(), region);
        assert_eq!(code.region().division().name, name);
        assert_eq!(code.department(), dept);
        assert_eq!(code.project_type(), ty);
        assert_eq!(code.serial(), serial);
    }
}

#[test]
fn invalid_project_codes_are_refused_saying_what_is_wrong() {
    use ProjectCodeError as E;
    use ProjectCodeSegment as S;
    let cases: Vec<(&str, ProjectCodeError)> = vec![
        ("", E::Empty),
        ("   ", E::Empty),
        ("2024-230102-48-01-12345", E::WrongLength { actual: 23 }),
        ("2024-230102-48-01-1234567", E::WrongLength { actual: 25 }),
        ("2024230102480112345600", E::WrongLength { actual: 22 }),
        // Full-width characters copied from a word processor.
        (
            "2024－230102-48-01-123456",
            E::NotHalfWidth {
                position: 5,
                found: '－',
            },
        ),
        (
            "２０２４-230102-48-01-123456",
            E::NotHalfWidth {
                position: 1,
                found: '２',
            },
        ),
        (
            "2024-230102-48-01-12345６",
            E::NotHalfWidth {
                position: 24,
                found: '６',
            },
        ),
        (
            "2024-230102-48-01　123456",
            E::NotHalfWidth {
                position: 18,
                found: '　',
            },
        ),
        (
            "2024_230102-48-01-123456",
            E::MissingHyphen {
                position: 5,
                found: '_',
            },
        ),
        (
            "2024 230102 48 01 123456",
            E::MissingHyphen {
                position: 5,
                found: ' ',
            },
        ),
        (
            "2024-230102-4801-1234567",
            E::MissingHyphen {
                position: 15,
                found: '0',
            },
        ),
        (
            "20X4-230102-48-01-123456",
            E::NotDigit {
                segment: S::Year,
                position: 3,
                found: 'X',
            },
        ),
        (
            "2024-23010A-48-01-123456",
            E::NotDigit {
                segment: S::Region,
                position: 11,
                found: 'A',
            },
        ),
        (
            "2024-230102-4A-01-123456",
            E::NotDigit {
                segment: S::Department,
                position: 14,
                found: 'A',
            },
        ),
        (
            "2024-230102-48-0B-123456",
            E::NotDigit {
                segment: S::ProjectType,
                position: 17,
                found: 'B',
            },
        ),
        (
            "2024-230102-48-01-12345a",
            E::LowercaseLetter {
                position: 24,
                found: 'a',
            },
        ),
        (
            "2024-230102-48-01-abcdef",
            E::LowercaseLetter {
                position: 19,
                found: 'a',
            },
        ),
        (
            "2024-230102-48-01-12 456",
            E::InvalidSerialCharacter {
                position: 21,
                found: ' ',
            },
        ),
        (
            "2024-230102-48-01-12#456",
            E::InvalidSerialCharacter {
                position: 21,
                found: '#',
            },
        ),
        ("2013-230102-48-01-123456", E::YearOutOfRange { year: 2013 }),
        ("0000-230102-48-01-123456", E::YearOutOfRange { year: 0 }),
        ("2101-230102-48-01-123456", E::YearOutOfRange { year: 2101 }),
        (
            "2024-110105-48-01-123456",
            E::NotInHeilongjiang {
                region: "110105".into(),
            },
        ),
        (
            "2024-220102-48-01-123456",
            E::NotInHeilongjiang {
                region: "220102".into(),
            },
        ),
        (
            "2024-230199-48-01-123456",
            E::UnknownDivision {
                region: "230199".into(),
            },
        ),
        (
            "2024-231300-48-01-123456",
            E::UnknownDivision {
                region: "231300".into(),
            },
        ),
        (
            "2024-230101-48-01-123456",
            E::UnknownDivision {
                region: "230101".into(),
            },
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(ProjectCode::parse(input), Err(expected), "{input:?}");
    }
}

#[test]
fn a_division_is_only_accepted_in_the_years_it_existed() {
    for (input, region, year) in [
        ("2016-230182-48-01-123456", "230182", 2016), // 双城市 became 双城区 in 2014
        ("2021-230702-48-01-123456", "230702", 2021), // 伊春区, gone with Yichun's 2019 reform
        ("2018-230717-48-01-123456", "230717", 2018), // 伊美区, created in 2019
        ("2017-232701-48-01-123456", "232701", 2017), // 漠河市, created in 2018
        ("2023-232723-48-01-123456", "232723", 2023), // 漠河县, gone in 2018
    ] {
        match ProjectCode::parse(input) {
            Err(ProjectCodeError::DivisionNotInForce {
                region: r, year: y, ..
            }) => {
                assert_eq!((r.as_str(), y), (region, year), "{input}");
            }
            other => panic!("{input}: {other:?}"),
        }
    }
}

#[test]
fn project_code_refusals_read_as_chinese_sentences() {
    let msg = |s: &str| ProjectCode::parse(s).unwrap_err().to_string();
    assert_eq!(
        msg("2024-230102-48-01-12345"),
        "项目代码应为24位，实际为23位"
    );
    assert_eq!(
        msg("2024-110105-48-01-123456"),
        "项目代码的行政区划代码110105不属于黑龙江省（黑龙江省的代码以23开头）"
    );
    assert_eq!(
        msg("2024-230199-48-01-123456"),
        "项目代码的行政区划代码230199不是黑龙江省已知的行政区划"
    );
    assert_eq!(
        msg("2024－230102-48-01-123456"),
        "项目代码第5位“－”不是半角字符，请使用半角数字、大写字母和连字符“-”"
    );
    assert_eq!(
        msg("2016-230182-48-01-123456"),
        "项目代码的行政区划代码230182（双城市）在2016年不能用于赋码（2014年后已撤销）"
    );
}

#[test]
fn project_codes_serialise_as_strings_and_are_checked_when_read() {
    let code = ProjectCode::parse("2024-230102-48-01-123456").unwrap();
    let json = serde_json::to_string(&code).unwrap();
    assert_eq!(json, "\"2024-230102-48-01-123456\"");
    assert_eq!(serde_json::from_str::<ProjectCode>(&json).unwrap(), code);
    let err = serde_json::from_str::<ProjectCode>("\"2024-110105-48-01-123456\"").unwrap_err();
    assert!(err.to_string().contains("不属于黑龙江省"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// 行政区划代码

#[test]
fn every_harbin_district_county_and_city_is_known() {
    let harbin = [
        ("230100", "哈尔滨市"),
        ("230102", "道里区"),
        ("230103", "南岗区"),
        ("230104", "道外区"),
        ("230108", "平房区"),
        ("230109", "松北区"),
        ("230110", "香坊区"),
        ("230111", "呼兰区"),
        ("230112", "阿城区"),
        ("230113", "双城区"),
        ("230123", "依兰县"),
        ("230124", "方正县"),
        ("230125", "宾县"),
        ("230126", "巴彦县"),
        ("230127", "木兰县"),
        ("230128", "通河县"),
        ("230129", "延寿县"),
        ("230183", "尚志市"),
        ("230184", "五常市"),
    ];
    for (code, name) in harbin {
        let region = RegionCode::parse(code).unwrap();
        assert_eq!(region.division().name, name);
        assert!(region.division().is_current(), "{code}");
    }
    let current_harbin = HEILONGJIANG
        .iter()
        .filter(|d| d.code.starts_with("2301") && d.is_current())
        .count();
    assert_eq!(current_harbin, harbin.len());
}

#[test]
fn heilongjiang_has_thirteen_prefecture_level_divisions() {
    let prefectures: Vec<&str> = HEILONGJIANG
        .iter()
        .filter(|d| d.level() == DivisionLevel::Prefecture)
        .map(|d| d.name)
        .collect();
    assert_eq!(
        prefectures,
        [
            "哈尔滨市",
            "齐齐哈尔市",
            "鸡西市",
            "鹤岗市",
            "双鸭山市",
            "大庆市",
            "伊春市",
            "佳木斯市",
            "七台河市",
            "牡丹江市",
            "黑河市",
            "绥化市",
            "大兴安岭地区"
        ]
    );
    assert_eq!(
        heilongjiang_division("230000").map(|d| d.name),
        Some("黑龙江省")
    );
    // Current county-level divisions: 54 districts, 21 county-level cities, 46 counties (one of
    // them autonomous).
    let counties = HEILONGJIANG
        .iter()
        .filter(|d| d.level() == DivisionLevel::County && d.is_current())
        .count();
    assert_eq!(counties, 121);
}

#[test]
fn region_codes_are_refused_with_reasons() {
    use RegionCodeError as E;
    let cases: Vec<(&str, RegionCodeError)> = vec![
        ("", E::Empty),
        ("23010", E::WrongLength { actual: 5 }),
        ("2301022", E::WrongLength { actual: 7 }),
        (
            "23O102",
            E::NotDigit {
                position: 3,
                found: 'O',
            },
        ),
        (
            "２30102",
            E::NotDigit {
                position: 1,
                found: '２',
            },
        ),
        (
            "110105",
            E::NotInHeilongjiang {
                code: "110105".into(),
            },
        ),
        (
            "230199",
            E::UnknownDivision {
                code: "230199".into(),
            },
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(RegionCode::parse(input), Err(expected), "{input:?}");
    }
    assert_eq!(
        RegionCode::parse(" 230102 ")
            .unwrap()
            .division()
            .full_name(),
        "黑龙江省哈尔滨市道里区"
    );
    assert!(serde_json::from_str::<RegionCode>("\"110105\"").is_err());
    assert_eq!(
        serde_json::to_string(&RegionCode::parse("230103").unwrap()).unwrap(),
        "\"230103\""
    );
}

// ---------------------------------------------------------------------------------------------
// 统一社会信用代码

/// A direct, separate transcription of GB 32100-2015 and GB 11714-1997, to check the crate.
fn model_credit_check(first17: &str) -> char {
    const W: [usize; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let alphabet: Vec<char> = "0123456789ABCDEFGHJKLMNPQRTUWXY".chars().collect();
    let sum: usize = first17
        .chars()
        .zip(W)
        .map(|(c, w)| alphabet.iter().position(|a| *a == c).unwrap() * w)
        .sum();
    alphabet[(31 - sum % 31) % 31]
}

fn model_org_check(first8: &str) -> char {
    const W: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first8
        .chars()
        .zip(W)
        .map(|(c, w)| c.to_digit(36).unwrap() * w)
        .sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from_digit(d, 10).unwrap(),
    }
}

/// Complete 16 characters into a valid 18-character code.
fn complete(first16: &str) -> String {
    let first17 = format!("{first16}{}", model_org_check(&first16[8..16]));
    format!("{first17}{}", model_credit_check(&first17))
}

#[test]
fn real_and_realistic_credit_codes_verify() {
    let codes = [
        // Codes published by well-known companies; both checks verify.
        "914403001922038216",
        "91440300708461136T",
        "91330100716105852F",
        "91110000710926094P",
        "91110108551385082Q",
        "91110000802100433B",
        "12100000400000624D",
        // Harbin organisations built with the algorithm (computed independently in Python).
        "91230102MA1BC3D48E", // 企业, 道里区
        "912301031270123404", // 企业, 南岗区
        "112301000012345623", // 机关, 哈尔滨市
        "12230100414000019W", // 事业单位
        "52230103MJ56789017", // 民办非企业单位
        "92230109MA2345674H", // 个体工商户, 松北区
        "93230184MA1N2P3Q0K", // 农民专业合作社, 五常市
    ];
    for code in codes {
        let parsed = CreditCode::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(parsed.as_str(), code);
        assert_eq!(
            CreditCode::check_character(&code[..17]),
            code.chars().nth(17).unwrap()
        );
        assert_eq!(complete(&code[..16]), code);
    }
    let c = CreditCode::parse("91230102MA1BC3D48E").unwrap();
    assert_eq!(c.registration_authority(), '9');
    assert_eq!(c.organisation_type(), '1');
    assert_eq!(c.region(), "230102");
    assert_eq!(c.organisation_code(), "MA1BC3D48");
    assert_eq!(CreditCode::organisation_check_character("MA1BC3D4"), '8');
}

#[test]
fn lower_case_credit_codes_are_accepted_upper_cased() {
    let c = CreditCode::parse(" 91230102ma1bc3d48e ").unwrap();
    assert_eq!(c.as_str(), "91230102MA1BC3D48E");
}

#[test]
fn invalid_credit_codes_are_refused_saying_what_is_wrong() {
    use CreditCodeError as E;
    let wrong_org = {
        // Organisation-code check 0 instead of 8, with a credit check computed over it: only
        // the embedded GB 11714 check can catch this one.
        let first17 = "91230102MA1BC3D40";
        format!("{first17}{}", model_credit_check(first17))
    };
    let cases: Vec<(String, CreditCodeError)> = vec![
        ("".into(), E::Empty),
        ("91230102MA1BC3D48".into(), E::WrongLength { actual: 17 }),
        ("91230102MA1BC3D48E0".into(), E::WrongLength { actual: 19 }),
        (
            "91230102MO1BC3D48E".into(),
            E::InvalidCharacter {
                position: 10,
                found: 'O',
            },
        ),
        (
            "91230102MA1BC3D48I".into(),
            E::InvalidCharacter {
                position: 18,
                found: 'I',
            },
        ),
        (
            "91230102MA1BS3D48E".into(),
            E::InvalidCharacter {
                position: 13,
                found: 'S',
            },
        ),
        (
            "91230102MA1BC3D4-E".into(),
            E::InvalidCharacter {
                position: 17,
                found: '-',
            },
        ),
        (
            "９1230102MA1BC3D48E".into(),
            E::InvalidCharacter {
                position: 1,
                found: '９',
            },
        ),
        (
            complete("B1230102MA1BC3D4"),
            E::UnknownRegistrationAuthority { found: 'B' },
        ),
        (
            complete("0123010212345678"),
            E::UnknownRegistrationAuthority { found: '0' },
        ),
        (
            complete("9523010212345678"),
            E::UnknownOrganisationType {
                authority: "工商（市场监管）".into(),
                found: '5',
            },
        ),
        (
            complete("Y223010212345678"),
            E::UnknownOrganisationType {
                authority: "其他".into(),
                found: '2',
            },
        ),
        (
            complete("9123A10212345678"),
            E::RegionNotDigits {
                position: 5,
                found: 'A',
            },
        ),
        (
            "91230102MA1BC3D48F".into(),
            E::WrongCheckCharacter {
                expected: 'E',
                found: 'F',
            },
        ),
        (
            "91230102MA1BC3D58E".into(),
            E::WrongCheckCharacter {
                expected: 'F',
                found: 'E',
            },
        ),
        // Often quoted as an example, but it does not verify.
        (
            "91110000100003982P".into(),
            E::WrongCheckCharacter {
                expected: '1',
                found: 'P',
            },
        ),
        (
            wrong_org,
            E::WrongOrganisationCodeCheck {
                expected: '8',
                found: '0',
            },
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(CreditCode::parse(&input), Err(expected), "{input:?}");
    }
    assert_eq!(
        CreditCode::parse("91230102MA1BC3D48F")
            .unwrap_err()
            .to_string(),
        "统一社会信用代码校验码错误：第18位应为“E”，实际为“F”，请核对代码"
    );
}

#[test]
fn credit_codes_mask_for_logs_and_serialise_as_strings() {
    let c = CreditCode::parse("91230102MA1BC3D48E").unwrap();
    assert_eq!(c.masked(), "9123************8E");
    assert_eq!(serde_json::to_string(&c).unwrap(), "\"91230102MA1BC3D48E\"");
    assert_eq!(
        serde_json::from_str::<CreditCode>("\"91230102ma1bc3d48e\"").unwrap(),
        c
    );
    let err = serde_json::from_str::<CreditCode>("\"91230102MA1BC3D48F\"").unwrap_err();
    assert!(err.to_string().contains("校验码错误"), "{err}");
}

fn alphabet_char() -> impl Strategy<Value = char> {
    proptest::sample::select(CREDIT_CODE_ALPHABET.chars().collect::<Vec<_>>())
}

/// A structurally valid first 16 characters: a real authority/type pair, 6 digits, 8 body
/// characters.
fn structured_first16() -> impl Strategy<Value = String> {
    let pairs: Vec<&str> = vec![
        "11", "12", "13", "19", "21", "29", "31", "32", "33", "34", "35", "39", "41", "49", "51",
        "52", "53", "59", "61", "62", "69", "71", "72", "79", "81", "89", "91", "92", "93", "A1",
        "A9", "N1", "N2", "N3", "N9", "Y1",
    ];
    (
        proptest::sample::select(pairs),
        "[0-9]{6}",
        proptest::collection::vec(alphabet_char(), 8),
    )
        .prop_map(|(pair, region, body)| {
            format!("{pair}{region}{}", body.into_iter().collect::<String>())
        })
}

proptest! {
    #[test]
    fn check_character_matches_the_model_and_only_it_passes(
        prefix in proptest::collection::vec(alphabet_char(), 17)
    ) {
        let first17: String = prefix.into_iter().collect();
        let check = CreditCode::check_character(&first17);
        prop_assert_eq!(check, model_credit_check(&first17));
        for other in CREDIT_CODE_ALPHABET.chars().filter(|c| *c != check) {
            let code = format!("{first17}{other}");
            prop_assert!(CreditCode::parse(&code).is_err(), "{} accepted", code);
        }
        let good = format!("{first17}{check}");
        prop_assert!(
            !matches!(CreditCode::parse(&good), Err(CreditCodeError::WrongCheckCharacter { .. })),
            "{} refused for its check character", good
        );
    }

    #[test]
    fn every_structured_code_with_its_checks_verifies_and_any_single_change_is_caught(
        first16 in structured_first16(),
        position in 0usize..18,
        replacement in alphabet_char(),
    ) {
        let code = complete(&first16);
        prop_assert!(CreditCode::parse(&code).is_ok(), "{} refused: {:?}", code, CreditCode::parse(&code));
        let mut chars: Vec<char> = code.chars().collect();
        prop_assume!(chars[position] != replacement);
        chars[position] = replacement;
        let changed: String = chars.into_iter().collect();
        prop_assert!(CreditCode::parse(&changed).is_err(), "{} accepted after changing {}", changed, position + 1);
    }

    #[test]
    fn credit_code_parse_never_panics(s in "\\PC{0,24}") {
        let _ = CreditCode::parse(&s);
    }

    #[test]
    fn project_codes_with_valid_parts_round_trip(
        year in 2020u16..=2100,
        region in proptest::sample::select(
            HEILONGJIANG.iter().filter(|d| d.since.is_none() && d.until.is_none()).map(|d| d.code).collect::<Vec<_>>()
        ),
        dept in "[0-9]{2}",
        ty in "[0-9]{2}",
        serial in "[0-9A-Z]{6}",
    ) {
        let text = format!("{year}-{region}-{dept}-{ty}-{serial}");
        let code = ProjectCode::parse(&text).unwrap();
        prop_assert_eq!(code.as_str(), text.as_str());
        prop_assert_eq!(code.year(), year);
        prop_assert_eq!(code.region().as_str(), region);
        let back: ProjectCode = serde_json::from_str(&serde_json::to_string(&code).unwrap()).unwrap();
        prop_assert_eq!(back, code);
    }

    #[test]
    fn project_code_parse_never_panics(s in "\\PC{0,30}") {
        let _ = ProjectCode::parse(&s);
    }

    #[test]
    fn phone_parse_never_panics_and_normal_forms_are_fixed_points(s in "[0-9 ()+#转ext-]{0,24}") {
        if let Ok(p) = PhoneNumber::parse(&s) {
            prop_assert_eq!(PhoneNumber::parse(p.as_str()), Ok(p.clone()));
        }
    }

    #[test]
    fn every_mobile_number_normalises_whatever_its_spacing(
        second in 3u8..=9, rest in "[0-9]{9}", style in 0usize..5
    ) {
        let digits = format!("1{second}{rest}");
        let written = match style {
            0 => digits.clone(),
            1 => format!("{} {} {}", &digits[..3], &digits[3..7], &digits[7..]),
            2 => format!("{}-{}-{}", &digits[..3], &digits[3..7], &digits[7..]),
            3 => format!("+86 {digits}"),
            _ => format!("0086{digits}"),
        };
        let p = PhoneNumber::parse(&written).unwrap();
        prop_assert_eq!(p.as_str(), digits.as_str());
        prop_assert_eq!(p.masked(), format!("{}****{}", &digits[..3], &digits[7..]));
    }
}

// ---------------------------------------------------------------------------------------------
// 电话号码

#[test]
fn phone_numbers_normalise() {
    let cases = [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+86-13812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("19912345678", "19912345678"),
        ("0451-86331234", "0451-86331234"),
        ("0451 8633 1234", "0451-86331234"),
        ("(0451)86331234", "0451-86331234"),
        ("045186331234", "0451-86331234"),
        ("+86 451 8633 1234", "0451-86331234"),
        ("0086-451-86331234", "0451-86331234"),
        ("0451-86331234-801", "0451-86331234-801"),
        ("0451-8633-1234", "0451-86331234"),
        ("0451-86331234转801", "0451-86331234-801"),
        ("0451-86331234 转 801", "0451-86331234-801"),
        ("0451-86331234 ext. 801", "0451-86331234-801"),
        ("0451-86331234#801", "0451-86331234-801"),
        ("010-62751234", "010-62751234"),
        ("02088881234", "020-88881234"),
        ("0452-2412345", "0452-2412345"),
        ("0453-6912345", "0453-6912345"),
        ("0459-46012345", "0459-46012345"),
    ];
    for (input, normal) in cases {
        let p = PhoneNumber::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(p.as_str(), normal, "{input}");
        assert_eq!(p.to_string(), normal);
    }
    let landline = PhoneNumber::parse("0451-86331234转801").unwrap();
    assert!(!landline.is_mobile());
    assert_eq!(landline.area_code(), Some("0451"));
    assert_eq!(landline.extension(), Some("801"));
    let mobile = PhoneNumber::parse("13812345678").unwrap();
    assert!(mobile.is_mobile());
    assert_eq!((mobile.area_code(), mobile.extension()), (None, None));
}

#[test]
fn bad_phone_numbers_are_refused_saying_what_is_wrong() {
    use PhoneNumberError as E;
    let cases: Vec<(&str, PhoneNumberError)> = vec![
        ("", E::Empty),
        ("1381234567", E::MobileWrongLength { actual: 10 }),
        ("138123456789", E::MobileWrongLength { actual: 12 }),
        (
            "12812345678",
            E::MobileBadPrefix {
                prefix: "12".into(),
            },
        ),
        ("13812345678转1", E::MobileWithExtension),
        (
            "0451-8633123",
            E::SubscriberWrongLength {
                area: "0451".into(),
                expected: "8",
                actual: 7,
            },
        ),
        (
            "010-6275123",
            E::SubscriberWrongLength {
                area: "010".into(),
                expected: "8",
                actual: 7,
            },
        ),
        (
            "0452-241234",
            E::SubscriberWrongLength {
                area: "0452".into(),
                expected: "7或8",
                actual: 6,
            },
        ),
        ("0451-06331234", E::SubscriberBadStart { found: '0' }),
        ("011-12345678", E::UnknownAreaCode { area: "011".into() }),
        ("86331234", E::MissingAreaCode),
        (
            "0451-8633１234",
            E::InvalidCharacter {
                position: 10,
                found: '１',
            },
        ),
        (
            "0451/86331234",
            E::InvalidCharacter {
                position: 5,
                found: '/',
            },
        ),
        (
            "138a1234567",
            E::InvalidCharacter {
                position: 4,
                found: 'a',
            },
        ),
        (
            "+1 415 555 0100",
            E::UnsupportedCountryCode {
                found: "+1 415 555 0100".into(),
            },
        ),
        (
            "0451-86331234-1234567",
            E::BadExtension {
                extension: "1234567".into(),
            },
        ),
        (
            "0451-86331234转",
            E::BadExtension {
                extension: "".into(),
            },
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(PhoneNumber::parse(input), Err(expected), "{input:?}");
    }
    assert_eq!(
        PhoneNumber::parse("0451-8633123").unwrap_err().to_string(),
        "区号0451之后的电话号码应为8位，实际为7位"
    );
}

#[test]
fn phone_numbers_mask_for_logs_and_serialise_as_strings() {
    let cases = [
        ("13812345678", "138****5678"),
        ("0451-86331234", "0451-****1234"),
        ("0452-2412345", "0452-***2345"),
        ("0451-86331234-801", "0451-****1234-801"),
    ];
    for (input, masked) in cases {
        assert_eq!(PhoneNumber::parse(input).unwrap().masked(), masked);
    }
    let p = PhoneNumber::parse("138 1234 5678").unwrap();
    assert_eq!(serde_json::to_string(&p).unwrap(), "\"13812345678\"");
    assert_eq!(
        serde_json::from_str::<PhoneNumber>("\"+86 13812345678\"").unwrap(),
        p
    );
    assert!(serde_json::from_str::<PhoneNumber>("\"12345\"").is_err());
}
