//! 实体: what every entity of the domain is: a command decided against the current state into
//! events (or a typed refusal that changes nothing), and a state that is the fold of its events.
//!
//! The six entities (办件 case, 项目 project, 策划生成 consultation, 好差评 evaluation, 建议投诉
//! complaint, 中介服务委托 commission) implement [`Entity`]; replaying a trail and executing a
//! command are written once here, for all of them.

use crate::actor::Actor;
use crate::case::Acting;
use serde::{Deserialize, Serialize};
use std::fmt::Display;

/// One entity of the domain.
pub trait Entity: Sized {
    type Id;
    type Command;
    type Event;
    /// Why a command was refused (Chinese, for the user).
    type Error;
    /// Why a trail could not be folded (a corrupt or foreign trail).
    type ReplayError;
    /// What the entity decides with besides itself: the legal clock (consultation), the market
    /// (commission), the rating policy (evaluation), the 行政区划 served (project); `()` for the
    /// others.
    type Context<'c>;
    /// What a command is (its kind, without its content), e.g. [`crate::case::CaseAction`].
    type Action: Copy;
    /// The prefix of the entity's key in trails and on the wire: `case`, `project`...
    const KIND: &'static str;

    /// Decide `cmd` against `state` (None: no such entity yet). Pure: the same inputs give the
    /// same events or the same refusal, and nothing is changed.
    fn decide(
        state: Option<&Self>,
        id: &Self::Id,
        cmd: &Self::Command,
        acting: &Acting,
        ctx: &Self::Context<'_>,
    ) -> Result<Vec<Self::Event>, Self::Error>;

    /// Fold one event into the state.
    fn apply(state: Option<Self>, event: &Self::Event) -> Result<Self, Self::ReplayError>;

    /// The refusal for "no such entity" (a command on an entity that does not exist).
    fn missing() -> Self::Error;

    /// 可办理的操作: every action on this entity (but the one that creates it) with whether
    /// `actor` may take it now and, if not, the sentence `decide` would refuse it with. Built on
    /// the entity's `may`, the gate its `decide` runs, so the answer and the refusals agree:
    /// what `decide` accepts is offered, and what is offered is refused only for the content
    /// of the command (an empty reason, a wrong number) or its time.
    fn available_actions(&self, actor: &Actor) -> Vec<Availability<Self::Action>>;
}

/// 可办理的操作: one action of an entity's workflow, and whether a user may take it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Availability<A> {
    pub action: A,
    /// The action's Chinese name, e.g. 受理.
    pub label: String,
    /// None: allowed now. Otherwise the sentence the domain would refuse it with.
    pub refusal: Option<String>,
}

impl<A> Availability<A> {
    /// Whether the action is allowed now.
    pub fn is_allowed(&self) -> bool {
        self.refusal.is_none()
    }
}

/// The answer for `actions` in order: each with its label and `may`'s refusal, if any.
pub fn availability<A: Copy, E: Display>(
    actions: impl IntoIterator<Item = A>,
    label: impl Fn(A) -> &'static str,
    may: impl Fn(A) -> Result<(), E>,
) -> Vec<Availability<A>> {
    actions
        .into_iter()
        .map(|action| Availability {
            action,
            label: label(action).to_owned(),
            refusal: may(action).err().map(|e| e.to_string()),
        })
        .collect()
}

/// The state a trail folds to (None for an empty trail).
pub fn replay<'a, E: Entity>(
    events: impl IntoIterator<Item = &'a E::Event>,
) -> Result<Option<E>, E::ReplayError>
where
    E::Event: 'a,
{
    events
        .into_iter()
        .try_fold(None, |state, e| E::apply(state, e).map(Some))
}

/// Decide and apply: the new state and the events that make it.
pub fn execute<E: Entity>(
    state: Option<E>,
    id: &E::Id,
    cmd: &E::Command,
    acting: &Acting,
    ctx: &E::Context<'_>,
) -> Result<(E, Vec<E::Event>), E::Error> {
    let events = E::decide(state.as_ref(), id, cmd, acting, ctx)?;
    let mut state = state;
    for e in &events {
        // Events just decided against this state always apply.
        state = Some(E::apply(state, e).map_err(|_| E::missing())?);
    }
    state.map(|s| (s, events)).ok_or_else(E::missing)
}
