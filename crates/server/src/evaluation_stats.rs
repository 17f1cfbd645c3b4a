//! `GET /api/v1/evaluation-statistics`: 好差评 and 建议投诉 statistics (issue 7) by
//! department, level, indicator and period, computed by the domain
//! (`evaluation_statistics`, `complaint_statistics`) from the stored trails.
//!
//! The reform office sees every department (or the one it asks for); a department's users
//! (reviewers, utility and window staff) always get their own department, and asking for
//! another one is refused; applicants and agencies get no statistics.

use crate::error::ApiFailure;
use crate::extract::{ApiQuery, Authed};
use crate::scheduler::stored_entities;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use permitdesk_domain::actor::Role;
use permitdesk_domain::clock::{LegalClock, OfficeHours};
use permitdesk_domain::evaluation::{
    Complaint, Evaluation, complaint_statistics, evaluation_statistics,
};
use permitdesk_domain::ids::DepartmentCode;
use permitdesk_domain::statistics::Period;
use permitdesk_domain::time::to_local;
use permitdesk_protocol::{ErrorCode, EvaluationStatisticsResponse};
use serde::Deserialize;

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct StatisticsQuery {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub department: Option<String>,
}

/// The department the figures are limited to, by the caller's role.
fn department_for(
    role: Role,
    own: Option<&DepartmentCode>,
    asked: Option<DepartmentCode>,
) -> Result<Option<DepartmentCode>, ApiFailure> {
    match role {
        Role::ReformOffice => Ok(asked),
        Role::DepartmentReviewer | Role::UtilityUnit | Role::WindowOperator => {
            let Some(own) = own else {
                return Err(ApiFailure::forbidden());
            };
            match asked {
                Some(a) if &a != own => Err(ApiFailure::new(
                    ErrorCode::Forbidden,
                    format!("只能查看本部门（{own}）的统计"),
                )),
                _ => Ok(Some(own.clone())),
            }
        }
        Role::Applicant | Role::IntermediaryAgency | Role::System => Err(ApiFailure::forbidden()),
    }
}

fn period(q: &StatisticsQuery) -> Result<Option<Period>, ApiFailure> {
    match (q.from, q.to) {
        (None, None) => Ok(None),
        (Some(from), Some(to)) => Period::new(from, to)
            .map(Some)
            .map_err(|e| ApiFailure::invalid(e.to_string())),
        _ => Err(ApiFailure::malformed(
            "统计期间须同时给出起止日期（from 与 to）",
        )),
    }
}

pub async fn get_statistics(
    State(s): State<AppState>,
    a: Authed,
    ApiQuery(q): ApiQuery<StatisticsQuery>,
) -> Result<Json<EvaluationStatisticsResponse>, ApiFailure> {
    let asked = q
        .department
        .as_deref()
        .filter(|d| !d.trim().is_empty())
        .map(DepartmentCode::new);
    let department = department_for(a.user.role, a.user.department.as_ref(), asked)?;
    let period = period(&q)?;
    let evaluations = stored_entities::<Evaluation>(&s, false).await?;
    let complaints = stored_entities::<Complaint>(&s, false).await?;
    let now = s.clock.now();
    let reference = s.refreshed_reference().await?;
    let clock = LegalClock::new(&reference.calendar, OfficeHours::default());
    let as_of = to_local(now);
    Ok(Json(EvaluationStatisticsResponse {
        evaluations: evaluation_statistics(
            &evaluations,
            &reference.catalogue,
            &clock,
            as_of,
            period,
            department.as_ref(),
        ),
        complaints: complaint_statistics(
            &complaints,
            &reference.catalogue,
            &clock,
            as_of,
            period,
            department.as_ref(),
        ),
        department,
        as_of: now,
    }))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    type Row<'a> = (
        Role,
        Option<&'a DepartmentCode>,
        Option<&'a DepartmentCode>,
        Option<Option<&'a DepartmentCode>>,
    );

    #[test]
    fn who_gets_which_department() {
        let (zgj, zjj) = (DepartmentCode::new("ZGJ"), DepartmentCode::new("ZJJ"));
        // (role, own department, asked, expected: None = refused)
        let rows: &[Row<'_>] = &[
            (Role::ReformOffice, None, None, Some(None)),
            (Role::ReformOffice, None, Some(&zjj), Some(Some(&zjj))),
            (Role::DepartmentReviewer, Some(&zgj), None, Some(Some(&zgj))),
            (
                Role::DepartmentReviewer,
                Some(&zgj),
                Some(&zgj),
                Some(Some(&zgj)),
            ),
            (Role::DepartmentReviewer, Some(&zgj), Some(&zjj), None),
            (Role::WindowOperator, None, None, None),
            (Role::Applicant, None, None, None),
            (Role::IntermediaryAgency, None, None, None),
        ];
        for (i, (role, own, asked, expected)) in rows.iter().enumerate() {
            let got = department_for(*role, *own, asked.cloned()).ok();
            assert_eq!(got, expected.map(|d| d.cloned()), "row {i}");
        }
    }
}
