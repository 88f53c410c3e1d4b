/**
 * `users.rank` is free text an admin or an import sets. Most values come from two fixed ladders of
 * the People's Police: the ranks (警衔, 总警监 … 二级警员) and the grades of the law-enforcement
 * sequence (执法勤务警员职级, 一级高级警长 … 二级警员), and a few job titles end up there too.
 * Known values get their standard English rendering; anything else is shown as written.
 */
const ENGLISH_RANKS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    // 警衔: the rank ladder.
    总警监: 'Commissioner General',
    副总警监: 'Deputy Commissioner General',
    一级警监: 'Commissioner 1st Class',
    二级警监: 'Commissioner 2nd Class',
    三级警监: 'Commissioner 3rd Class',
    一级警督: 'Superintendent 1st Class',
    二级警督: 'Superintendent 2nd Class',
    三级警督: 'Superintendent 3rd Class',
    一级警司: 'Inspector 1st Class',
    二级警司: 'Inspector 2nd Class',
    三级警司: 'Inspector 3rd Class',
    一级警员: 'Constable 1st Class',
    二级警员: 'Constable 2nd Class',
    // 执法勤务警员职级: the grade ladder (its two lowest grades share the ranks' names above).
    一级高级警长: 'Senior Sergeant 1st Class',
    二级高级警长: 'Senior Sergeant 2nd Class',
    三级高级警长: 'Senior Sergeant 3rd Class',
    四级高级警长: 'Senior Sergeant 4th Class',
    一级警长: 'Sergeant 1st Class',
    二级警长: 'Sergeant 2nd Class',
    三级警长: 'Sergeant 3rd Class',
    四级警长: 'Sergeant 4th Class',
    // Job titles admins put in the same field.
    局长: 'Bureau Director',
    副局长: 'Deputy Bureau Director',
    所长: 'Station Chief',
    副所长: 'Deputy Station Chief',
    教导员: 'Political Instructor',
    中队长: 'Squad Leader',
    副中队长: 'Deputy Squad Leader',
    社区民警: 'Community Officer',
    民警: 'Police Officer',
    辅警: 'Auxiliary Officer',
  }),
);

/**
 * A rank as a reader of `lang` reads it: the English form of a known rank (spaces around it
 * ignored), otherwise the text as written. Chinese readers always get the stored text.
 */
export function rankText(rank: string, lang: 'zh-CN' | 'en'): string {
  if (lang !== 'en') return rank;
  return ENGLISH_RANKS.get(rank.trim()) ?? rank;
}
