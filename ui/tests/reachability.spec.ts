// @vitest-environment node
// The reachability table: every domain command some role may issue, and the screens that issue
// it. The domain's side (actions, roles, the link from a screen's case action or a typed shell
// command to the domain action) is generated from Rust into src/api/generated/actions.json; this
// test finds, in the UI's sources, which screen issues what:
// - `api.caseAct(...)` callers: the case actions (`type: '…'`, and `case '…':` of the switch that
//   builds them) of the file;
// - `api.actCommand(...)` callers: the entity commands built by the command builders they call
//   (functions whose body names `entity: '…'` or calls such a wrapper, with `command: '…'`);
// - the typed api functions (`api.addWorks(...)` -> shell command `add_works`) and the domain
//   actions the shell says each issues.
// Every literal it reads is type-checked against the generated bindings by vue-tsc, so a tag
// here is a real command. It writes ../REACHABILITY.md (stale = failure, as the bindings; run
// with UPDATE_REACHABILITY=1 to rewrite) and fails when a command some role may issue has no
// screen.
import { describe, expect, it } from 'vitest'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { basename, join, relative, resolve } from 'node:path'
import actions from '../src/api/generated/actions.json'

const SRC = resolve(__dirname, '../src')
const TABLE = resolve(__dirname, '../REACHABILITY.md')

interface DomainAction {
  action: string
  label: string
  roles: string[]
}
const ENTITIES = actions.entities as Record<string, DomainAction[]>
const ROLES = actions.roles as Record<string, string>
const CASE_ACTIONS = actions.case_actions as Record<string, string>
const SHELL = actions.shell_commands as unknown as Record<string, [string, string][]>

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? files(p) : /\.(vue|ts)$/.test(f) ? [p] : []
  })
}

const sources = new Map(files(SRC).map((f) => [relative(SRC, f), readFileSync(f, 'utf8')]))

/** Top-level declarations of a file: name -> body (up to the next top-level declaration). */
function declarations(src: string): Map<string, string> {
  const re = /^(?:export )?(?:async )?(?:function|const) (\w+)/gm
  const starts = [...src.matchAll(re)].map((m) => ({ name: m[1], at: m.index ?? 0 }))
  return new Map(starts.map((s, i) => [s.name, src.slice(s.at, starts[i + 1]?.at ?? src.length)]))
}

const all = (re: RegExp, s: string) => [...s.matchAll(re)].map((m) => m[1])

/** Command builders: function name -> the entity commands it builds. */
function builders(): Map<string, [string, string][]> {
  const decls = new Map<string, string>()
  for (const [f, src] of sources) if (f.endsWith('.ts') && f.startsWith('features/')) for (const [n, b] of declarations(src)) decls.set(n, b)
  // Wrappers name the entity and take the command as it is.
  const wrappers = new Map<string, string>()
  for (const [n, b] of decls) {
    const e = /entity: '(\w+)'/.exec(b)
    if (e && !/command: '/.test(b)) wrappers.set(n, e[1])
  }
  const out = new Map<string, [string, string][]>()
  for (const [n, b] of decls) {
    const tags = all(/command: '(\w+)'/g, b)
    if (!tags.length) continue
    const explicit = /entity: '(\w+)'/.exec(b)?.[1]
    const wrapped = [...wrappers.keys()].find((w) => new RegExp(`\\b${w}\\(`).test(b))
    const entity = explicit ?? (wrapped ? wrappers.get(wrapped) : undefined)
    if (entity) out.set(n, tags.map((t) => [entity, t]))
  }
  return out
}

/** Typed api functions: name -> shell command (from src/api/index.ts). */
function apiCommands(): Map<string, string> {
  const out = new Map<string, string>()
  for (const [name, body] of declarations(sources.get('api/index.ts') ?? '')) {
    const cmd = /\bcall<[^(]*\('(\w+)'/.exec(body)?.[1]
    if (cmd) out.set(name, cmd)
  }
  return out
}

/** What each screen component issues: "entity action" -> files. */
function issued(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>()
  const add = (entity: string, action: string, file: string) => {
    const k = `${entity} ${action}`
    if (!out.has(k)) out.set(k, new Set())
    out.get(k)?.add(file)
  }
  const b = builders()
  const api = apiCommands()
  for (const [f, src] of sources) {
    if (!f.endsWith('.vue')) continue
    if (/api\.caseAct\(/.test(src)) {
      for (const tag of [...all(/type: '(\w+)'/g, src), ...all(/case '(\w+)':/g, src)]) {
        const a = CASE_ACTIONS[tag]
        if (a) add('case', a, f)
      }
    }
    for (const [name, cmds] of b) if (new RegExp(`\\b${name}\\(`).test(src)) for (const [e, a] of cmds) add(e, a, f)
    for (const fn of all(/api\.(\w+)\(/g, src)) for (const [e, a] of SHELL[api.get(fn) ?? ''] ?? []) add(e, a, f)
  }
  return out
}

/** Where a component is shown: its route, or the route of the page that embeds it. */
function placeOf(file: string, seen = new Set<string>()): string {
  const router = sources.get('router.ts') ?? ''
  const route = new RegExp(`path: '([^']*)'[^\\n]*import\\('\\./${file.replace(/\./g, '\\.')}'\\)`).exec(router)
  if (route) return `/${route[1]}`
  seen.add(file)
  const name = basename(file)
  for (const [f, src] of sources) {
    if (f.endsWith('.vue') && !seen.has(f) && src.includes(`/${name}'`)) return `${placeOf(f, seen)} > ${name.replace('.vue', '')}`
  }
  return name
}

function render(found: Map<string, Set<string>>): { table: string; missing: string[] } {
  const missing: string[] = []
  let table =
    '# Reachability: domain command -> screen -> role\n\n' +
    'Generated by `ui/tests/reachability.spec.ts` from `ui/src/api/generated/actions.json` (the\n' +
    "domain's actions and roles) and the UI's sources; `npm test` fails when it is stale or when a\n" +
    'command some role may issue has no screen. Rewrite it with `UPDATE_REACHABILITY=1 npx vitest run\n' +
    'tests/reachability.spec.ts`.\n'
  for (const [entity, list] of Object.entries(ENTITIES)) {
    table += `\n## ${entity}\n\n| command | 名称 | roles | screens |\n|---|---|---|---|\n`
    for (const a of list) {
      const screens = [...(found.get(`${entity} ${a.action}`) ?? [])].sort().map((f) => `${basename(f, '.vue')} (${placeOf(f)})`)
      // 系统 (the scheduler) acts without a screen; every person's action needs one.
      const people = a.roles.filter((r) => r !== 'system')
      const roles = a.roles.map((r) => ROLES[r] ?? r).join('、')
      if (people.length && !screens.length) missing.push(`${entity} ${a.action}（${a.label}）`)
      table += `| ${a.action} | ${a.label} | ${roles} | ${screens.join('<br>') || (people.length ? '**none**' : '—')} |\n`
    }
  }
  return { table, missing }
}

describe('reachability table', () => {
  const found = issued()
  const { table, missing } = render(found)

  it('every command some role may issue has a screen', () => {
    expect(missing).toEqual([])
  })

  it('reads the sources it relies on (the scan is not silently empty)', () => {
    expect(apiCommands().get('addWorks')).toBe('add_works')
    expect(apiCommands().get('apply')).toBe('apply')
    expect(builders().get('deliverReport')).toEqual([['commission', 'deliver']])
    expect(builders().get('rateCommand')).toEqual([['evaluation', 'rate']])
    expect(found.get('case sign_off')?.has('features/cases/CasePage.vue')).toBe(true)
  })

  it('the checked-in table is current', () => {
    if (process.env.UPDATE_REACHABILITY) writeFileSync(TABLE, table)
    let checkedIn = ''
    try {
      checkedIn = readFileSync(TABLE, 'utf8')
    } catch {
      // missing: stale
    }
    expect(checkedIn, 'ui/REACHABILITY.md is stale: UPDATE_REACHABILITY=1 npx vitest run tests/reachability.spec.ts').toBe(table)
  })
})
