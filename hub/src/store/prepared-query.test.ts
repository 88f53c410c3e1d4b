import { describe, expect, it } from 'vitest';
import { seededStore } from '../../test-support/seeded-store.ts';
import { storeDialects } from '../../test-support/services.ts';
import { queryCounter } from '../../test-support/query-counter.ts';
import { preparedQuery, preparedRowsQuery } from './prepared-query.ts';

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

    it('prepares a query over rows once per length, each run with its own rows, each run counted', async () => {
      const counter = queryCounter();
      const db = store().db.withPlugin(counter.plugin);
      const units = await db.selectFrom('units').select(['id', 'name']).orderBy('id').limit(3).execute();
      const namesOf = preparedRowsQuery(db, ['id'], (q, rows) =>
        q
          .selectFrom('units')
          .select('name')
          .where(
            'id',
            'in',
            rows.map((r) => r.id),
          )
          .where('name', '!=', '')
          .orderBy('id'),
      );
      const names = async (ids: string[]) =>
        (
          await namesOf(
            db,
            ids.map((id) => ({ id })),
          )
        ).rows.map((r) => r.name);
      const before = counter.queries;
      expect(await names([units[0]!.id])).toEqual([units[0]!.name]);
      expect(await names([units[1]!.id, units[2]!.id])).toEqual([units[1]!.name, units[2]!.name]);
      expect(await names([units[2]!.id])).toEqual([units[2]!.name]);
      expect(await names([units[0]!.id, 'no-such-unit'])).toEqual([units[0]!.name]);
      // Compiled twice (one row, two rows), run four times: the counter sees every run.
      expect(counter.queries - before).toBe(4);
      await expect(namesOf(db, [])).rejects.toThrow('at least one row');
    });
  });
}
