//! 实体: what every entity of the domain is: a command decided against the current state into
//! events (or a typed refusal that changes nothing), and a state that is the fold of its events.
//!
//! The six entities (办件 case, 项目 project, 策划生成 consultation, 好差评 evaluation, 建议投诉
//! complaint, 中介服务委托 commission) implement [`Entity`]; replaying a trail and executing a
//! command are written once here, for all of them.

use crate::case::Acting;

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
    /// (commission), the rating policy (evaluation); `()` for the others.
    type Context<'c>;
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
