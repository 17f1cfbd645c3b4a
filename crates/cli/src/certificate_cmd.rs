//! 电子证照 (issue 14): `permitdesk certificate verify FILE` (anyone: the PAdES signature
//! checked here, the status asked from the server) and the administrator's registry commands
//! `permitdesk server certificate list|revoke`.

use crate::output::{CliError, Output};
use clap::Subcommand;
use permitdesk_client::certificates::{CertificateVerdict, verify_with};
use permitdesk_client::transport::http::HttpTransport;
use permitdesk_client::transport::pin::ServerTrust;
use permitdesk_server::admin::{self, DataDir};
use permitdesk_server::certificates::{
    CertificateQuery, CertificateRow, CertificateStatus, CertificateUpdate,
};
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum CertificateCommand {
    /// 证照核验: check a certificate PDF (signature valid, file intact, signed by the server's
    /// seal) and ask the server for its status; exit 1 unless it is valid.
    Verify {
        /// The PDF.
        file: PathBuf,
        /// The server (default: the one the profile logged in to).
        #[arg(long)]
        server: Option<String>,
        /// The server's key fingerprint, with --server.
        #[arg(long, requires = "server")]
        fingerprint: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminCertificateCommand {
    /// The registry: every certificate issued, with its status.
    List {
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        #[arg(long, value_name = "postgres://...")]
        database: Option<String>,
    },
    /// 撤销: mark certificate NUMBER revoked (its verification page and status say so).
    Revoke {
        number: String,
        /// 撤销原因.
        #[arg(long)]
        reason: String,
        #[arg(long, value_name = "DIR")]
        data: PathBuf,
        #[arg(long, value_name = "postgres://...")]
        database: Option<String>,
    },
}

fn fail(e: impl std::fmt::Display) -> CliError {
    CliError::Invalid(e.to_string())
}

/// `permitdesk certificate verify`.
pub fn run(cmd: CertificateCommand, profile: Option<&Path>, out: &Output) -> Result<(), CliError> {
    match cmd {
        CertificateCommand::Verify {
            file,
            server,
            fingerprint,
        } => {
            let pdf = std::fs::read(&file)
                .map_err(|e| CliError::Io(format!("{}：{e}", file.display())))?;
            let verdict = match (server, fingerprint) {
                (Some(url), Some(fp)) => {
                    let t = HttpTransport::new(&url, &ServerTrust::Pinned(fp)).map_err(fail)?;
                    verify_with(&t, &pdf)
                }
                (Some(_), None) => {
                    return Err(CliError::Usage(
                        "使用 --server 时须同时给出 --fingerprint".to_owned(),
                    ));
                }
                _ => crate::client::open(profile)?
                    .verify_certificate(&pdf)
                    .map_err(fail)?,
            };
            out.print(&verdict, || text(&verdict))?;
            if verdict.valid {
                Ok(())
            } else {
                Err(CliError::Checked)
            }
        }
    }
}

fn text(v: &CertificateVerdict) -> String {
    let mut lines = vec![v.summary.clone()];
    if let Some(s) = &v.status {
        lines.push(format!(
            "证照名称：{}\n编号：{}\n发证部门：{}\n发证日期：{}\n状态：{}",
            s.name, s.number, s.issuer, s.issued_on, s.status_label
        ));
        if let Some(r) = &s.revocation_reason {
            lines.push(format!("撤销原因：{r}"));
        }
    }
    lines.extend(v.checks.iter().cloned());
    lines.join("\n")
}

/// `permitdesk server certificate …`.
pub fn run_admin(cmd: AdminCertificateCommand, out: &Output) -> Result<(), CliError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Io(e.to_string()))?;
    match cmd {
        AdminCertificateCommand::List { data, database } => rt.block_on(async {
            let store = admin::open_store(&DataDir(data), database.as_deref())
                .await
                .map_err(fail)?;
            let rows = store
                .certificates(CertificateQuery::All)
                .await
                .map_err(fail)?;
            out.print(&rows, || list_text(&rows))
        }),
        AdminCertificateCommand::Revoke {
            number,
            reason,
            data,
            database,
        } => rt.block_on(async {
            let reason = reason.trim().to_owned();
            if reason.is_empty() {
                return Err(CliError::Usage("请用 --reason 写明撤销原因".to_owned()));
            }
            let store = admin::open_store(&DataDir(data), database.as_deref())
                .await
                .map_err(fail)?;
            let row = store
                .certificates(CertificateQuery::Number(number.clone()))
                .await
                .map_err(fail)?
                .into_iter()
                .next()
                .ok_or_else(|| CliError::Invalid(format!("没有编号为 {number} 的电子证照")))?;
            if row.status != CertificateStatus::Valid {
                return Err(CliError::Invalid(format!(
                    "电子证照 {number} 已是“{}”状态，不能撤销",
                    row.status.label()
                )));
            }
            store
                .update_certificate(
                    &number,
                    CertificateUpdate::Revoke {
                        reason: reason.clone(),
                        at: chrono::Utc::now(),
                    },
                )
                .await
                .map_err(fail)?;
            let value = serde_json::json!({"number": number, "status": "revoked", "status_label": "已撤销", "reason": reason});
            out.print(&value, || {
                format!("电子证照 {number} 已撤销（原因：{reason}）。核验页与状态查询即时显示“已撤销”。")
            })
        }),
    }
}

fn list_text(rows: &[CertificateRow]) -> String {
    if rows.is_empty() {
        return "尚未签发电子证照。".to_owned();
    }
    let mut lines = vec!["编号\t证照名称\t发证部门\t发证日期\t状态\t文件".to_owned()];
    for r in rows {
        let file = match r.file_state {
            permitdesk_server::certificates::FileState::Issued => "已签章",
            permitdesk_server::certificates::FileState::Pending => "待签章",
        };
        let mut status = r.status.label().to_owned();
        if let Some(reason) = &r.revocation_reason {
            status.push_str(&format!("（{reason}）"));
        }
        lines.push(format!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            r.number, r.name, r.department, r.issued_on, status, file
        ));
    }
    lines.join("\n")
}
