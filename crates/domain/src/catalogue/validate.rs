//! Semantic checks of a catalogue: codes unique, every reference known, every item in a flow,
//! limits and materials plausible. Every error found is reported, each at its entry's line.

use super::MAX_TIME_LIMIT_WORKING_DAYS;
use super::error::{CatalogueErrorKind as K, Entity};
use super::load::Lines;
use super::{CatalogueData, DepartmentKind, Fee, ItemKind, Necessity, Stage};
use std::collections::{HashMap, HashSet};

type Found = Vec<(Option<usize>, K)>;

/// The most paper copies any 办事指南 asks for; more is a typing mistake.
const MAX_COPIES: u32 = 99;

pub(super) fn validate(data: &CatalogueData, lines: &Lines) -> Found {
    let mut v = Validator {
        data,
        lines,
        found: Vec::new(),
    };
    v.header();
    v.departments();
    v.items();
    v.categories();
    v.flows();
    v.coverage();
    v.found
}

struct Validator<'a> {
    data: &'a CatalogueData,
    lines: &'a Lines,
    found: Found,
}

/// Reports empty and repeated codes of one entity kind; returns code -> first index.
fn unique_codes<'a>(
    found: &mut Found,
    entity: Entity,
    codes: impl Iterator<Item = (&'a str, Option<usize>)>,
) -> HashMap<&'a str, usize> {
    let mut seen: HashMap<&'a str, Option<usize>> = HashMap::new();
    let mut first = HashMap::new();
    for (i, (code, line)) in codes.enumerate() {
        if code.trim().is_empty() {
            found.push((line, K::EmptyCode { entity }));
            continue;
        }
        if let Some(first_line) = seen.get(code) {
            found.push((
                line,
                K::DuplicateCode {
                    entity,
                    code: code.to_owned(),
                    first_line: *first_line,
                },
            ));
        } else {
            seen.insert(code, line);
            first.insert(code, i);
        }
    }
    first
}

impl Validator<'_> {
    fn push(&mut self, line: Option<usize>, kind: K) {
        self.found.push((line, kind));
    }

    fn header(&mut self) {
        let d = self.data;
        if d.version.trim().is_empty() {
            self.push(self.lines.version, K::EmptyVersion);
        }
        if d.province_code.len() != 2 || !d.province_code.bytes().all(|b| b.is_ascii_digit()) {
            let kind = K::BadProvinceCode {
                code: d.province_code.clone(),
            };
            self.push(self.lines.province_code, kind);
        }
        if d.city.trim().is_empty() {
            self.push(self.lines.city, K::EmptyCity);
        }
    }

    fn departments(&mut self) {
        let lines = &self.lines.departments;
        let codes = self
            .data
            .departments
            .iter()
            .enumerate()
            .map(|(i, d)| (d.code.as_str(), lines.get(i).map(|l| l.code)));
        unique_codes(&mut self.found, Entity::Department, codes);
        for (i, d) in self.data.departments.iter().enumerate() {
            let l = lines.get(i);
            let code = d.code.to_string();
            if d.name.trim().is_empty() {
                let kind = K::EmptyName {
                    entity: Entity::Department,
                    code: code.clone(),
                };
                self.push(l.map(|l| l.name), kind);
            }
            let levels_line = l.map(|l| l.review_levels.unwrap_or(l.code));
            if d.review_levels.is_empty() {
                self.push(levels_line, K::NoReviewLevels { department: code });
                continue;
            }
            let mut seen = HashSet::new();
            for level in &d.review_levels {
                if level.trim().is_empty() {
                    let kind = K::EmptyReviewLevel {
                        department: code.clone(),
                    };
                    self.push(levels_line, kind);
                } else if !seen.insert(level.trim()) {
                    let kind = K::DuplicateReviewLevel {
                        department: code.clone(),
                        level: level.clone(),
                    };
                    self.push(levels_line, kind);
                }
            }
        }
    }

    fn items(&mut self) {
        let lines = &self.lines.items;
        let codes = self
            .data
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| (it.code.as_str(), lines.get(i).map(|l| l.code)));
        unique_codes(&mut self.found, Entity::Item, codes);
        let departments: HashMap<&str, DepartmentKind> = self
            .data
            .departments
            .iter()
            .map(|d| (d.code.as_str(), d.kind))
            .collect();
        for (i, it) in self.data.items.iter().enumerate() {
            let l = lines.get(i);
            let code = it.code.to_string();
            if it.name.trim().is_empty() {
                let kind = K::EmptyName {
                    entity: Entity::Item,
                    code: code.clone(),
                };
                self.push(l.map(|l| l.name), kind);
            }
            let department = departments.get(it.department.as_str()).copied();
            if department.is_none() {
                let kind = K::UnknownDepartment {
                    department: it.department.to_string(),
                    item: code.clone(),
                };
                self.push(l.map(|l| l.department), kind);
            }
            if let Some(c) = &it.competent_department
                && !departments.contains_key(c.as_str())
            {
                let kind = K::UnknownCompetentDepartment {
                    department: c.to_string(),
                    item: code.clone(),
                };
                let line = l.map(|l| l.competent_department.unwrap_or(l.code));
                self.push(line, kind);
            }
            if it.time_limit_working_days > MAX_TIME_LIMIT_WORKING_DAYS {
                let kind = K::AbsurdTimeLimit {
                    item: code.clone(),
                    days: u64::from(it.time_limit_working_days),
                };
                self.push(l.map(|l| l.time_limit), kind);
            }
            self.fee(i, &code);
            self.utility(i, &code, department);
            self.materials(i, &code);
        }
    }

    fn fee(&mut self, i: usize, code: &str) {
        let Some(it) = self.data.items.get(i) else {
            return;
        };
        let standard = match &it.fee {
            Fee::Free => return,
            Fee::Standard { standard, .. } | Fee::Market { standard } => standard,
        };
        if standard.trim().is_empty() {
            let l = self.lines.items.get(i);
            let line = l.map(|l| l.fee.unwrap_or(l.code));
            let kind = K::FeeWithoutStandard {
                item: code.to_owned(),
            };
            self.push(line, kind);
        }
    }

    fn utility(&mut self, i: usize, code: &str, department: Option<DepartmentKind>) {
        let Some(it) = self.data.items.get(i) else {
            return;
        };
        let l = self.lines.items.get(i);
        let item = code.to_owned();
        if it.kind == ItemKind::MunicipalUtility {
            // A utility table that was written but did not parse is already reported.
            if it.utility.is_none() && l.and_then(|l| l.utility).is_none() {
                let kind = K::UtilityMissing { item: item.clone() };
                self.push(l.map(|l| l.code), kind);
            }
            if department.is_some_and(|k| k != DepartmentKind::UtilityUnit) {
                let kind = K::UtilityOutsideUtilityUnit {
                    item,
                    department: it.department.to_string(),
                };
                self.push(l.map(|l| l.department), kind);
            }
        } else if it.utility.is_some() {
            let line = l.map(|l| l.utility.unwrap_or(l.code));
            self.push(line, K::UtilityOnNonUtilityItem { item });
        }
    }

    fn materials(&mut self, i: usize, code: &str) {
        let Some(it) = self.data.items.get(i) else {
            return;
        };
        let l = self.lines.items.get(i);
        for (j, m) in it.materials.iter().enumerate() {
            let ml = l.and_then(|l| l.materials.get(j));
            let name_line = ml.map(|m| m.name).or(l.map(|l| l.code));
            if m.name.trim().is_empty() {
                let kind = K::EmptyMaterialName {
                    item: code.to_owned(),
                    index: j + 1,
                };
                self.push(name_line, kind);
            }
            if let Necessity::Conditional { condition } = &m.necessity
                && condition.trim().is_empty()
            {
                let kind = K::EmptyMaterialCondition {
                    item: code.to_owned(),
                    material: m.name.clone(),
                };
                self.push(ml.and_then(|m| m.condition).or(name_line), kind);
            }
            if m.copies == 0 || m.copies > MAX_COPIES {
                let kind = K::BadCopies {
                    item: code.to_owned(),
                    material: m.name.clone(),
                    copies: i64::from(m.copies),
                };
                self.push(ml.and_then(|m| m.copies).or(name_line), kind);
            }
        }
    }

    fn categories(&mut self) {
        let lines = &self.lines.categories;
        let codes = self
            .data
            .categories
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code.as_str(), lines.get(i).map(|l| l.code)));
        unique_codes(&mut self.found, Entity::Category, codes);
        for (i, c) in self.data.categories.iter().enumerate() {
            if c.name.trim().is_empty() {
                let kind = K::EmptyName {
                    entity: Entity::Category,
                    code: c.code.to_string(),
                };
                self.push(lines.get(i).map(|l| l.name), kind);
            }
        }
    }

    fn flows(&mut self) {
        let lines = &self.lines.flows;
        let codes = self
            .data
            .flows
            .iter()
            .enumerate()
            .map(|(i, f)| (f.code.as_str(), lines.get(i).map(|l| l.code)));
        unique_codes(&mut self.found, Entity::Flow, codes);
        let categories: HashSet<&str> = self
            .data
            .categories
            .iter()
            .map(|c| c.code.as_str())
            .collect();
        let items: HashMap<&str, Stage> = self
            .data
            .items
            .iter()
            .map(|i| (i.code.as_str(), i.stage))
            .collect();
        for (fi, f) in self.data.flows.iter().enumerate() {
            let fl = lines.get(fi);
            let flow = f.code.to_string();
            if f.name.trim().is_empty() {
                let kind = K::EmptyName {
                    entity: Entity::Flow,
                    code: flow.clone(),
                };
                self.push(fl.map(|l| l.name), kind);
            }
            if !categories.contains(f.category.as_str()) {
                let kind = K::UnknownCategory {
                    category: f.category.to_string(),
                    flow: flow.clone(),
                };
                self.push(fl.map(|l| l.category), kind);
            }
            if f.stages.is_empty() {
                let kind = K::FlowWithoutStages { flow: flow.clone() };
                self.push(fl.map(|l| l.code), kind);
            }
            let mut stages_seen = HashSet::new();
            let mut items_seen = HashSet::new();
            for (si, s) in f.stages.iter().enumerate() {
                let sl = fl.and_then(|l| l.stages.get(si));
                let stage_valid = sl.is_none_or(|l| l.valid);
                if stage_valid && !stages_seen.insert(s.stage) {
                    let kind = K::DuplicateFlowStage {
                        flow: flow.clone(),
                        stage: s.stage,
                    };
                    self.push(sl.map(|l| l.stage), kind);
                }
                if s.items.is_empty() {
                    let kind = K::EmptyFlowStage {
                        flow: flow.clone(),
                        stage: s.stage,
                    };
                    self.push(sl.map(|l| l.stage), kind);
                }
                for (ii, fitem) in s.items.iter().enumerate() {
                    let il = sl.and_then(|l| l.items.get(ii));
                    let line = il.map(|l| l.item);
                    let item = fitem.item.to_string();
                    match items.get(fitem.item.as_str()) {
                        None => {
                            let kind = K::UnknownItemInFlow {
                                item: item.clone(),
                                flow: flow.clone(),
                            };
                            self.push(line, kind);
                        }
                        Some(&item_stage)
                            if stage_valid
                                && item_stage != s.stage
                                && item_stage != Stage::Parallel
                                && s.stage != Stage::Parallel =>
                        {
                            let kind = K::StageMismatch {
                                flow: flow.clone(),
                                item: item.clone(),
                                flow_stage: s.stage,
                                item_stage,
                            };
                            self.push(line, kind);
                        }
                        Some(_) => {}
                    }
                    if !items_seen.insert(fitem.item.as_str()) {
                        let kind = K::DuplicateFlowItem {
                            flow: flow.clone(),
                            item: item.clone(),
                        };
                        self.push(line, kind);
                    }
                    let has_condition = fitem
                        .condition
                        .as_deref()
                        .is_some_and(|c| !c.trim().is_empty());
                    if !fitem.required && !has_condition {
                        let kind = K::ConditionMissing {
                            flow: flow.clone(),
                            item,
                        };
                        self.push(line, kind);
                    } else if fitem.required && fitem.condition.is_some() {
                        let kind = K::RequiredWithCondition {
                            flow: flow.clone(),
                            item,
                        };
                        self.push(il.and_then(|l| l.condition).or(line), kind);
                    }
                }
            }
        }
    }

    /// Every item must be reachable from some flow, or no one-time notice would ever list it;
    /// every category needs a flow, or no project of it could be registered.
    fn coverage(&mut self) {
        let mut used: HashSet<&str> = HashSet::new();
        let mut categories_with_flow: HashSet<&str> = HashSet::new();
        for f in &self.data.flows {
            categories_with_flow.insert(f.category.as_str());
            for s in &f.stages {
                used.extend(s.items.iter().map(|i| i.item.as_str()));
            }
        }
        for (i, it) in self.data.items.iter().enumerate() {
            if !it.code.as_str().trim().is_empty() && !used.contains(it.code.as_str()) {
                let kind = K::ItemInNoFlow {
                    item: it.code.to_string(),
                };
                self.push(self.lines.items.get(i).map(|l| l.code), kind);
            }
        }
        for (i, c) in self.data.categories.iter().enumerate() {
            if !c.code.as_str().trim().is_empty() && !categories_with_flow.contains(c.code.as_str())
            {
                let kind = K::CategoryWithoutFlow {
                    category: c.code.to_string(),
                };
                self.push(self.lines.categories.get(i).map(|l| l.code), kind);
            }
        }
    }
}
