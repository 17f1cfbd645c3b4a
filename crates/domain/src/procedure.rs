//! 特别程序: special procedures a case may go through (seed 3, 7.4 and table 2), and whether
//! the legal clock keeps running during each.

use serde::{Deserialize, Serialize};

/// 特别程序种类.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SpecialProcedureKind {
    /// 公示 (untimed)
    PublicNotice,
    /// 公告 (untimed)
    Announcement,
    /// 现场勘察
    SiteSurvey,
    /// 上级部门审批
    HigherAuthorityApproval,
    /// 专家审查
    ExpertReview,
    /// 征求意见
    Consultation,
    /// 会议审查
    MeetingReview,
    /// 听证 (untimed)
    Hearing,
    /// 检验 (untimed)
    Inspection,
    /// 监测 (untimed)
    Monitoring,
    /// 专业审查 (table 2)
    ProfessionalReview,
    /// 现场核查 (table 2)
    SiteVerification,
    /// 勘察 (table 2, untimed)
    Investigation,
    /// 验收审查 (table 2)
    AcceptanceReview,
}

impl SpecialProcedureKind {
    pub const ALL: [SpecialProcedureKind; 14] = [
        Self::PublicNotice,
        Self::Announcement,
        Self::SiteSurvey,
        Self::HigherAuthorityApproval,
        Self::ExpertReview,
        Self::Consultation,
        Self::MeetingReview,
        Self::Hearing,
        Self::Inspection,
        Self::Monitoring,
        Self::ProfessionalReview,
        Self::SiteVerification,
        Self::Investigation,
        Self::AcceptanceReview,
    ];

    /// The Chinese name, as the seed writes it.
    pub fn label(self) -> &'static str {
        match self {
            Self::PublicNotice => "公示",
            Self::Announcement => "公告",
            Self::SiteSurvey => "现场勘察",
            Self::HigherAuthorityApproval => "上级部门审批",
            Self::ExpertReview => "专家审查",
            Self::Consultation => "征求意见",
            Self::MeetingReview => "会议审查",
            Self::Hearing => "听证",
            Self::Inspection => "检验",
            Self::Monitoring => "监测",
            Self::ProfessionalReview => "专业审查",
            Self::SiteVerification => "现场核查",
            Self::Investigation => "勘察",
            Self::AcceptanceReview => "验收审查",
        }
    }

    /// Whether the legal clock keeps counting while it runs. Seed 3: 公示、公告、听证、检验、监测
    /// 不计时; table 2 marks 勘察 and 监测 不计时. Everything else is timed.
    pub fn is_timed(self) -> bool {
        !matches!(
            self,
            Self::PublicNotice
                | Self::Announcement
                | Self::Hearing
                | Self::Inspection
                | Self::Monitoring
                | Self::Investigation
        )
    }

    /// Parse the Chinese name or the snake_case name.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL.into_iter().find(|k| {
            k.label() == s
                || serde_json::to_value(k)
                    .ok()
                    .and_then(|v| v.as_str().map(|n| n == s))
                    .unwrap_or(false)
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn seed_untimed_procedures_are_untimed() {
        let untimed: Vec<_> = SpecialProcedureKind::ALL
            .into_iter()
            .filter(|k| !k.is_timed())
            .map(|k| k.label())
            .collect();
        assert_eq!(untimed, ["公示", "公告", "听证", "检验", "监测", "勘察"]);
    }

    #[test]
    fn parses_chinese_and_snake_case_names() {
        assert_eq!(
            SpecialProcedureKind::parse("专家审查"),
            Some(SpecialProcedureKind::ExpertReview)
        );
        assert_eq!(
            SpecialProcedureKind::parse("site_survey"),
            Some(SpecialProcedureKind::SiteSurvey)
        );
        assert_eq!(SpecialProcedureKind::parse("开会"), None);
    }
}
