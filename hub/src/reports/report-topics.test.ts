import { describe, expect, it } from 'vitest';
import { seededStore } from '../../test-support/seeded-store.ts';
import { storeDialects } from '../../test-support/services.ts';
import { withoutNames } from './report-topics.ts';

for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`热议话题 without people on ${dialect.name}`, () => {
    const store = seededStore(dialect, 'topics');

    it("drops topics that are or hold anyone's display name, whatever their station or role", async () => {
      const people = await store()
        .db.selectFrom('users')
        .select(['name', 'role'])
        .where('role', 'in', ['resident', 'officer'])
        .orderBy('id', 'desc')
        .execute();
      const resident = people.find((p) => p.role === 'resident' && [...p.name].length >= 2)!.name;
      const officer = people.find((p) => p.role === 'officer' && [...p.name].length >= 2)!.name;
      const topics = [
        { term: '路灯', count: 5 },
        { term: resident, count: 4 },
        { term: `找${officer}`, count: 3 },
        { term: '消防通道', count: 2 },
      ];
      expect(await withoutNames(store().db, topics)).toEqual([
        { term: '路灯', count: 5 },
        { term: '消防通道', count: 2 },
      ]);
      expect(await withoutNames(store().db, [])).toEqual([]);
    });
  });
}
