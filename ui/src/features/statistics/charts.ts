// The data behind the statistics charts, from the domain's monthly reports (pure, tested).
import type { MonthlyReport, StageGroup } from '../../api/types'
import { workingDays } from './stats'

export const STAGE_GROUPS: StageGroup[] = ['project_and_planning', 'construction', 'completion']

/** Average counted working days per stage group over the projects that had cases in it. */
export function timePerStage(r: MonthlyReport): { group: StageGroup; days: number; projects: number }[] {
  return STAGE_GROUPS.map((group) => {
    const times = r.projects
      .flatMap((p) => p.stages.filter(([g, s]) => g === group && s.cases > 0).map(([, s]) => workingDays(s.timed)))
    const sum = times.reduce((a, b) => a + b, 0)
    return { group, days: times.length ? Math.round((sum / times.length) * 100) / 100 : 0, projects: times.length }
  })
}

/** Overdue cases by department (the report's order: most overdue first). */
export function overdueByDepartment(r: MonthlyReport): { name: string; overdue: number; cases: number }[] {
  return r.overdue_by_department.map((d) => ({ name: d.name, overdue: d.overdue, cases: d.cases }))
}

/** One month of the trend: cases handled and overdue in it (sums over departments). */
export function monthFigures(r: MonthlyReport | null): { cases: number; overdue: number } {
  if (!r) return { cases: 0, overdue: 0 }
  return r.overdue_by_department.reduce(
    (a, d) => ({ cases: a.cases + d.cases, overdue: a.overdue + d.overdue }),
    { cases: 0, overdue: 0 },
  )
}
