// The fixtures (real JSON of the shell and the CLI, tests/fixtures/README.md) against the types
// generated from Rust (src/api/generated/bindings.ts). The check is the type checker's: `npm run
// build` runs vue-tsc over tests/ too, so a generated type that names a key the JSON lacks, or
// gives a key another JSON type, fails the build. JSON imports widen string literals to
// `string`, hence `Json<T>`, which widens the generated type the same way.
import { describe, expect, it } from 'vitest'
import type * as T from '../src/api/types'
import actResult from './fixtures/act-result.json'
import caseCorrection from './fixtures/case-correction.json'
import caseGranted from './fixtures/case-granted.json'
import caseShow from './fixtures/case-show.json'
import catalogue from './fixtures/catalogue.json'
import clock from './fixtures/clock.json'
import districts from './fixtures/districts.json'
import market from './fixtures/market.json'
import materialLibrary from './fixtures/material-library.json'
import overview from './fixtures/overview.json'
import projectView from './fixtures/project-view.json'
import projects from './fixtures/projects.json'
import queueReviewer from './fixtures/queue-reviewer.json'
import queueWindow from './fixtures/queue-window.json'
import refusals from './fixtures/refusals.json'
import statsMonthly from './fixtures/stats-monthly.json'
import statsTable1 from './fixtures/stats-table1.json'
import status from './fixtures/status.json'
import statusApplicant from './fixtures/status-applicant.json'
import trail from './fixtures/trail.json'
import trailProject from './fixtures/trail-project.json'

/** A generated type as a JSON import sees it: string literal unions become `string`. */
type Json<T> = T extends string
  ? string
  : T extends number | boolean | null
    ? T
    : T extends readonly (infer U)[]
      ? Json<U>[]
      : T extends object
        ? { [K in keyof T]: Json<T[K]> }
        : T

/** Compiles only when `value` has the JSON shape of `T`; returns it for a runtime look. */
function shaped<T>(value: Json<T>): Json<T> {
  return value
}

// The shell's status adds what the sync loop knows to the client's status.
type StatusJson = Omit<T.StatusView, 'online' | 'syncing' | 'offline_mode' | 'login_expired' | 'sync_message'>

const checked = {
  actResult: shaped<T.ActOutcome>(actResult),
  caseCorrection: shaped<T.Case>(caseCorrection),
  caseGranted: shaped<T.Case>(caseGranted),
  caseShow: shaped<T.Case>(caseShow),
  catalogue: shaped<T.Catalogue>(catalogue),
  clock: shaped<T.ClockView>(clock),
  districts: shaped<T.DistrictsView>(districts),
  market: shaped<T.MarketCatalogue>(market),
  materialLibrary: shaped<T.LibraryEntry[]>(materialLibrary),
  overview: shaped<T.Overview>(overview),
  projectView: shaped<T.ProjectView>(projectView),
  projects: shaped<T.Project[]>(projects),
  queueReviewer: shaped<T.QueueEntry[]>(queueReviewer),
  queueWindow: shaped<T.QueueEntry[]>(queueWindow),
  refusals: shaped<T.RefusalEntry[]>(refusals),
  statsMonthly: shaped<T.MonthlyReport>(statsMonthly),
  statsTable1: shaped<T.TableRows>(statsTable1),
  status: shaped<StatusJson>(status),
  statusApplicant: shaped<StatusJson>(statusApplicant),
  trail: shaped<T.TrailView>(trail),
  trailProject: shaped<T.TrailView>(trailProject),
}

describe('generated bindings', () => {
  it('describe the fixtures (checked by vue-tsc; here: every fixture was loaded)', () => {
    for (const [name, value] of Object.entries(checked)) expect(value, name).toBeTruthy()
  })
})
