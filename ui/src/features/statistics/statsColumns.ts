// The leaf columns of the four tables of seed 11, exactly as crates/domain/src/statistics/
// tables.rs lists them (a grouped column is named `组-子列`); the names live in the locale file.
import type { StatisticsReport } from '../../api/types'
import { fmt, t } from '../../i18n'

const cols = () => t().statistics.columns

type Table = Exclude<StatisticsReport, 'monthly' | 'quarterly'>

export const TABLE_COLUMNS: Record<Table, string[]> = {
  get table1() {
    return [...cols().project, ...cols().table1]
  },
  get table2() {
    const c = cols()
    return [...c.project, c.table2Involved, ...c.table2Groups.flatMap((group) => c.table2GroupColumns.map((x) => fmt(x, { group })))]
  },
  get table3() {
    return [...cols().project, ...cols().table3]
  },
  get table4() {
    return [...cols().table4]
  },
}
