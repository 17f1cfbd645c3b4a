//! Checks shared by the domain's entity tests (each test file uses some of them).

#![allow(dead_code, clippy::unwrap_used)]

use permitdesk_domain::actor::{Actor, Role};
use permitdesk_domain::case::{Case, CaseAction};
use permitdesk_domain::consultation::{Consultation, ConsultationAction};
use permitdesk_domain::entity::{Availability, Entity};
use permitdesk_domain::evaluation::{Complaint, ComplaintAction, Evaluation, EvaluationAction};
use permitdesk_domain::ids::{DepartmentCode, OrganisationId, UserId};
use permitdesk_domain::intermediary::{Commission, CommissionAction};
use permitdesk_domain::project::{Project, ProjectAction};
use proptest::prelude::*;
use std::fmt::{Debug, Display};

/// The actions of `answer` allowed now, in the answer's order.
pub fn allowed_now<A: Copy>(answer: &[Availability<A>]) -> Vec<A> {
    answer
        .iter()
        .filter(|a| a.refusal.is_none())
        .map(|a| a.action)
        .collect()
}

/// The refusal `answer` gives for `action` (which it must refuse).
pub fn refusal_of<A: PartialEq>(answer: Vec<Availability<A>>, action: A) -> String {
    answer
        .into_iter()
        .find(|a| a.action == action)
        .and_then(|a| a.refusal)
        .unwrap()
}

/// An entity whose answer of [`Entity::available_actions`] is built on a `may` gate.
pub trait Gated: Entity<Action: PartialEq + Debug> {
    /// The action's Chinese name.
    fn label_of(action: Self::Action) -> &'static str;
    /// The sentence the gate refuses `action` by `actor` with, if it does.
    fn gate(&self, action: Self::Action, actor: &Actor) -> Option<String>;
}

macro_rules! gated {
    ($($entity:ty => $action:ty),* $(,)?) => {$(
        impl Gated for $entity {
            fn label_of(action: $action) -> &'static str {
                action.label()
            }
            fn gate(&self, action: $action, actor: &Actor) -> Option<String> {
                self.may(action, actor).err().map(|e| e.to_string())
            }
        }
    )*};
}

gated! {
    Case => CaseAction,
    Project => ProjectAction,
    Consultation => ConsultationAction,
    Commission => CommissionAction,
    Evaluation => EvaluationAction,
    Complaint => ComplaintAction,
}

/// `answer` (what `entity` offers `actor`) is the same through the [`Entity`] trait, and each
/// action carries its own label and, as refusal, the sentence `may` refuses it with.
pub fn assert_answer_agrees<E: Gated>(
    entity: &E,
    actor: &Actor,
    answer: &[Availability<E::Action>],
    context: &str,
) {
    assert_eq!(entity.available_actions(actor), answer, "{context}");
    for a in answer {
        assert_eq!(a.label, E::label_of(a.action));
        assert_eq!(
            a.refusal,
            entity.gate(a.action, actor),
            "{context} {:?}",
            a.action
        );
        assert!(a.refusal.as_ref().is_none_or(|r| !r.is_empty()));
    }
}

/// A model test's run: the live entity, its model and the trail of accepted events.
pub struct ModelRun<E: Entity, M> {
    pub live: Option<E>,
    pub model: Option<M>,
    pub events: Vec<E::Event>,
}

impl<E: Entity + Clone + PartialEq + Debug, M> ModelRun<E, M> {
    pub fn new() -> Self {
        ModelRun {
            live: None,
            model: None,
            events: Vec::new(),
        }
    }

    /// Take the entity's `outcome` of one step (`what`, for the messages) that the model
    /// `expected` to lead to a state (None: to be refused). An accepted step must be expected,
    /// pass `check` against the new state, the model's state and the state before, and moves
    /// both on and extends the trail; a refused one must be expected refused and leaves the
    /// entity untouched.
    pub fn take<Err: Display>(
        &mut self,
        outcome: Result<(E, Vec<E::Event>), Err>,
        expected: Option<M>,
        what: &str,
        check: impl FnOnce(&E, &M, Option<&E>, &[E::Event]) -> Result<(), TestCaseError>,
    ) -> Result<(), TestCaseError> {
        let before = self.live.clone();
        match outcome {
            Ok((after, new)) => {
                prop_assert!(expected.is_some(), "accepted {} in {:?}", what, before);
                let m = expected.unwrap();
                check(&after, &m, before.as_ref(), &new)?;
                self.events.extend(new);
                self.live = Some(after);
                self.model = Some(m);
            }
            Err(e) => {
                prop_assert!(expected.is_none(), "refused {}: {}", what, e);
                // A refusal is reported against the untouched state.
                prop_assert_eq!(&self.live, &before);
            }
        }
        Ok(())
    }
}

/// A user with `role`, of `department` or `organisation`, at no review level.
pub fn new_actor(
    user: &str,
    name: &str,
    role: Role,
    department: Option<&str>,
    organisation: Option<&str>,
) -> Actor {
    Actor {
        user: UserId::new(user),
        name: name.into(),
        role,
        department: department.map(DepartmentCode::new),
        organisation: organisation.map(OrganisationId::new),
        levels: vec![],
    }
}
