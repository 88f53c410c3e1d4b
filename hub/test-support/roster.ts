import { csvCell } from '../src/admin/csv.ts';

/** Rows to a CSV text as a spreadsheet writes it (no BOM). */
export const csv = (rows: readonly (readonly (string | number)[])[]): string =>
  `${rows.map((r) => r.map((c) => csvCell(c)).join(',')).join('\r\n')}\r\n`;

const COMMUNITIES = 12;
const GRIDS_PER_COMMUNITY = 2;
const RESIDENTS = 3000;
const UNIT_HEADER = ['单位名称', '类型', '上级单位', '单位代码'];
const PEOPLE_HEADER = ['姓名', '警号', '职务', '角色', '所属单位', '手机号'];

/**
 * A realistic station's unit tree as a file (江北派出所: command room, two squads, 12 communities of
 * two grids each), hung under the set-up's top unit (code ROOT), which it renames: 42 rows.
 */
export function stationUnitsCsv(): string {
  const rows: string[][] = [UNIT_HEADER, ['江北市公安局', '市局', '', 'ROOT'], ['江北分局', '分局', 'ROOT', 'JB']];
  rows.push(['江北派出所', '派出所', 'JB', 'JB-JBS']);
  rows.push(['勤务管理指挥室', '指挥室', 'JB-JBS', 'JB-JBS-ZH']);
  rows.push(['社区警务中队', '中队', 'JB-JBS', 'JB-JBS-SQ']);
  rows.push(['案件打处中队', '中队', '江北派出所', 'JB-JBS-AJ']);
  for (let c = 1; c <= COMMUNITIES; c++) {
    rows.push([`第${c}社区`, '社区', 'JB-JBS', `JB-JBS-C${c}`]);
    for (let g = 1; g <= GRIDS_PER_COMMUNITY; g++)
      rows.push([`第${c}社区第${g}网格`, '网格', `JB-JBS-C${c}`, `JB-JBS-C${c}-G${g}`]);
  }
  return csv(rows);
}

/**
 * The station's roster: 80 staff (head, 6 dispatchers, two squads, an officer and an auxiliary per
 * community, a grid worker per grid; units named as people write them) and 3,000 residents with
 * role 群众 in their grids (no badge number: their phone is their log-in; units by code).
 */
export function buildStationRoster() {
  const rows: string[][] = [PEOPLE_HEADER];
  let badge = 700000;
  const staff = (name: string, rank: string, role: string, unit: string) =>
    rows.push([name, String(++badge), rank, role, unit, `1390000${String(badge).slice(-4)}`]);
  staff('江所长', '一级警长', '所长', '江北派出所');
  for (let i = 1; i <= 6; i++) staff(`调度员${i}`, '二级警长', '指挥调度', '勤务管理指挥室');
  for (let i = 1; i <= 8; i++) staff(`社区中队民警${i}`, '三级警长', '民警', '社区警务中队');
  for (let i = 1; i <= 2; i++) staff(`社区中队辅警${i}`, '', '辅警', '江北派出所/社区警务中队');
  for (let i = 1; i <= 10; i++) staff(`案件中队民警${i}`, '一级警员', '民警', '案件打处中队');
  for (let i = 1; i <= 5; i++) staff(`案件中队辅警${i}`, '', '辅警', '案件打处中队');
  for (let c = 1; c <= COMMUNITIES; c++) {
    staff(`社区民警${c}`, '二级警员', '民警', `第${c}社区`);
    staff(`社区辅警${c}`, '', '辅警', `第${c}社区`);
  }
  for (let c = 1; c <= COMMUNITIES; c++)
    for (let g = 1; g <= GRIDS_PER_COMMUNITY; g++) staff(`网格员${c}-${g}`, '', '网格员', `第${c}社区第${g}网格`);
  for (let r = 0; r < RESIDENTS; r++) {
    const grid = r % (COMMUNITIES * GRIDS_PER_COMMUNITY);
    const code = `JB-JBS-C${Math.floor(grid / GRIDS_PER_COMMUNITY) + 1}-G${(grid % GRIDS_PER_COMMUNITY) + 1}`;
    rows.push([`居民${r + 1}`, '', '', '群众', code, String(15000000000 + r)]);
  }
  const loginOf = (name: string) => rows.find((r) => r[0] === name)![1]!;
  return {
    rows,
    /** A staff member the second roster leaves alone. */
    unchangedLogin: loginOf('案件中队民警1'),
    /**
     * The same roster with five people changed: an officer to the other squad, an auxiliary to
     * another community, an officer made dispatcher in the command room, a grid worker to another
     * grid (and renamed), a community officer to a squad with a new phone.
     */
    withFiveChanged() {
      const copy = rows.map((r) => [...r]);
      const edit = (name: string, change: Partial<Record<'name' | 'rank' | 'role' | 'unit' | 'phone', string>>) => {
        const row = copy.find((r) => r[0] === name)!;
        const at = { name: 0, rank: 2, role: 3, unit: 4, phone: 5 } as const;
        for (const [k, v] of Object.entries(change)) row[at[k as keyof typeof at]] = v;
        return row[1]!;
      };
      const changed = [
        edit('社区中队民警3', { unit: '案件打处中队' }),
        edit('社区辅警2', { unit: '第5社区' }),
        edit('案件中队民警4', { role: '指挥调度', unit: '勤务管理指挥室' }),
        edit('网格员3-1', { unit: '第3社区第2网格', name: '网格员三之一' }),
        edit('社区民警7', { unit: '社区警务中队', phone: '13911112222' }),
      ];
      return { rows: copy, changed };
    },
  };
}
