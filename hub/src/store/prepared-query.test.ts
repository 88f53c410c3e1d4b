import { describe, expect, it } from 'vitest';
import { seededStore } from '../../test-support/seeded-store.ts';
import { storeDialects } from '../../test-support/services.ts';
import { preparedQuery } from './prepared-query.ts';

for (const dialect of await storeDialects()) {
  describe.skipIf(!dialect.available)(`prepared queries on ${dialect.name}`, () => {
    const store = seededStore(dialect, 'prepared');

    it('runs with each call’s values, keeps its literals, and runs inside a transaction of the store', async () => {
      const { db } = store();
      const units = await db.selectFrom('units').select(['id', 'name']).orderBy('id').limit(2).execute();
      const nameOf = preparedQuery(db, ['id'], (q, v) =>
        q.selectFrom('units').select('name').where('id', '=', v.id).where('name', '!=', ''),
      );
      expect((await nameOf(db, { id: units[0]!.id })).rows).toEqual([{ name: units[0]!.name }]);
      expect((await nameOf(db, { id: units[1]!.id })).rows).toEqual([{ name: units[1]!.name }]);
      expect((await nameOf(db, { id: 'no-such-unit' })).rows).toEqual([]);

      const rename = preparedQuery(db, ['id', 'name'], (q, v) =>
        q.updateTable('units').set({ name: v.name }).where('id', '=', v.id).returning('name'),
      );
      await expect(
        db.transaction().execute(async (trx) => {
          expect((await rename(trx, { id: units[0]!.id, name: '改名' })).rows).toEqual([{ name: '改名' }]);
          expect((await nameOf(trx, { id: units[0]!.id })).rows).toEqual([{ name: '改名' }]);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      // Rolled back with its transaction: the prepared write was part of it.
      expect((await nameOf(db, { id: units[0]!.id })).rows).toEqual([{ name: units[0]!.name }]);
    });
  });
}
