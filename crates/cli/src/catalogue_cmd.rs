//! `permitdesk catalogue`: check an approval catalogue file (every error with its line) and
//! show a catalogue: departments, items by stage, flows.

use crate::output::{CliError, Output};
use clap::Subcommand;
use permitdesk_domain::catalogue::{Catalogue, CatalogueData};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum CatalogueCommand {
    /// Validate a catalogue file (TOML); prints every error with its line, exit 1 if any.
    Check { file: PathBuf },
    /// Show a catalogue: FILE; or, with a profile (`--profile DIR` or $PERMITDESK_PROFILE), the
    /// version it decides with (reference version, the catalogue's version, item count); or the
    /// shipped Harbin demo catalogue.
    Show { file: Option<PathBuf> },
}

fn load(file: &PathBuf) -> Result<Catalogue, CliError> {
    let text = std::fs::read_to_string(file).map_err(|e| CliError::io(file, e))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.display().to_string());
    Catalogue::from_toml_named(&name, &text)
        .map_err(|errors| CliError::Invalid(format!("目录有 {} 处错误：\n{errors}", errors.len())))
}

pub fn run(
    cmd: CatalogueCommand,
    profile: Option<&std::path::Path>,
    out: &Output,
) -> Result<(), CliError> {
    match cmd {
        CatalogueCommand::Check { file } => {
            let catalogue = load(&file)?;
            let summary = serde_json::json!({
                "valid": true,
                "version": catalogue.version,
                "departments": catalogue.departments.len(),
                "items": catalogue.items.len(),
                "categories": catalogue.categories.len(),
                "flows": catalogue.flows.len(),
            });
            out.print(&summary, || {
                format!(
                    "目录有效：版本 {}，{} 个部门，{} 个事项，{} 个项目分类，{} 个审批流程",
                    catalogue.version,
                    catalogue.departments.len(),
                    catalogue.items.len(),
                    catalogue.categories.len(),
                    catalogue.flows.len()
                )
            })
        }
        CatalogueCommand::Show { file: None } if crate::client::profile_dir(profile).is_some() => {
            let p = crate::client::open(profile)?;
            let v = permitdesk_client::reference::catalogue(&p)
                .map_err(|e| CliError::Invalid(e.to_string()))?;
            let catalogue = permitdesk_client::ops::catalogue(&p)
                .map_err(|e| CliError::Invalid(e.to_string()))?;
            out.print(&v, || {
                format!(
                    "本配置目录使用的事项目录：参考数据版本 {}，目录版本 {}，{} 个事项\n\n{}",
                    v.version,
                    v.catalogue_version,
                    v.items,
                    describe(&catalogue)
                )
            })
        }
        CatalogueCommand::Show { file } => {
            let catalogue = match &file {
                Some(f) => load(f)?,
                None => Catalogue::demo()
                    .map_err(|e| CliError::Invalid(format!("内置目录无效：\n{e}")))?,
            };
            let data: CatalogueData = catalogue.data();
            out.print(&data, || describe(&catalogue))
        }
    }
}

/// The catalogue as a window operator reads it: departments, then each flow stage by stage.
fn describe(c: &Catalogue) -> String {
    let mut s = format!(
        "{} 工程建设项目审批事项目录（版本 {}）\n\n审批部门及市政公用服务单位（{} 个）：\n",
        c.city,
        c.version,
        c.departments.len()
    );
    for d in &c.departments {
        s.push_str(&format!(
            "  {:<8} {}（审批层级：{}）\n",
            d.code.as_str(),
            d.name,
            d.review_levels.join("→")
        ));
    }
    s.push_str(&format!("\n事项（{} 个）：\n", c.items.len()));
    for i in &c.items {
        let dept = c
            .department(&i.department)
            .map_or(i.department.as_str(), |d| {
                d.short_name.as_deref().unwrap_or(&d.name)
            });
        let limit = if i.time_limit_working_days == 0 {
            "即办".to_owned()
        } else {
            format!("{} 个工作日", i.time_limit_working_days)
        };
        let commitment = if i.commitment_allowed {
            "，可告知承诺"
        } else {
            ""
        };
        s.push_str(&format!(
            "  {:<12} {}（{}，{}，{}，{}，材料 {} 项{commitment}）\n",
            i.code.as_str(),
            i.name,
            i.kind.label(),
            i.stage.label(),
            dept,
            limit,
            i.materials.len()
        ));
    }
    s.push_str(&format!("\n审批流程（{} 个）：\n", c.flows.len()));
    for f in &c.flows {
        let category = c
            .category(&f.category)
            .map_or(f.category.as_str(), |k| k.name.as_str());
        s.push_str(&format!(
            "  {} {}（{}）\n",
            f.code.as_str(),
            f.name,
            category
        ));
        for stage in &f.stages {
            let names: Vec<String> = stage
                .items
                .iter()
                .map(|fi| {
                    let name = c
                        .item(&fi.item)
                        .map_or(fi.item.as_str(), |i| i.name.as_str());
                    if fi.required {
                        name.to_owned()
                    } else {
                        format!("{name}[{}]", fi.condition.as_deref().unwrap_or("情形办理"))
                    }
                })
                .collect();
            s.push_str(&format!(
                "    {}：{}\n",
                stage.stage.label(),
                names.join("、")
            ));
        }
    }
    s
}
