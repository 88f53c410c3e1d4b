import { connectSocket, login, startTestHub, type TestHub, type TestSocket } from './index.ts';

let n = 0;
/** A fresh client id. */
export const cid = () => `hl-${Date.now()}-${++n}`;

/** The first `event` on the socket whose payload passes `pred` (listening starts at once). */
export function eventWhere<T>(s: TestSocket, event: string, pred: (x: T) => boolean, ms = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const on = s.on.bind(s) as (e: string, fn: (x: T) => void) => void;
    const off = s.off.bind(s) as (e: string, fn: (x: T) => void) => void;
    const timer = setTimeout(() => reject(new Error(`no matching ${event} within ${ms} ms`)), ms);
    const fn = (x: T) => {
      if (!pred(x)) return;
      clearTimeout(timer);
      off(event, fn);
      resolve(x);
    };
    on(event, fn);
  });
}

/**
 * A test hub with the demo data and the people hotline tests need: the first station's head,
 * two of its residents and the community officer of the first one's grid. Sockets opened with
 * `capture` record every packet they receive in `traffic` (the privacy assertions read it).
 */
export async function startHotlineFixture(
  opts: { databaseUrl?: string | undefined; env?: Record<string, string> } = {},
) {
  const startedAt = Date.now();
  const t: TestHub = await startTestHub({
    databaseUrl: opts.databaseUrl,
    env: { MESSAGE_RATE_RESIDENT_PER_MINUTE: '100000', MESSAGE_RATE_STAFF_PER_MINUTE: '100000', ...opts.env },
  });
  const db = t.hub.store.db;
  const station = await db
    .selectFrom('units')
    .select(['id', 'code', 'path'])
    .where('kind', '=', 'station')
    .orderBy('sort')
    .executeTakeFirstOrThrow();
  const headLogin = (
    await db
      .selectFrom('users')
      .select('login')
      .where('unit_id', '=', station.id)
      .where('role', '=', 'station_head')
      .executeTakeFirstOrThrow()
  ).login;
  const residents = await db
    .selectFrom('users')
    .innerJoin('units', 'units.id', 'users.unit_id')
    .select(['users.id', 'users.login', 'users.phone', 'units.parent_id'])
    .where('users.role', '=', 'resident')
    .where('units.path', 'like', `${station.path}%`)
    .orderBy('users.id')
    .limit(2)
    .execute();
  const officerId = (
    await db
      .selectFrom('users')
      .select('id')
      .where('unit_id', '=', residents[0]!.parent_id!)
      .where('role', '=', 'officer')
      .executeTakeFirstOrThrow()
  ).id;
  const sockets: TestSocket[] = [];
  const traffic: string[] = [];

  return {
    t,
    startedAt,
    station: { id: station.id, code: station.code, path: station.path },
    headLogin,
    officerId,
    residentA: { login: residents[0]!.login, id: residents[0]!.id, phone: residents[0]!.phone! },
    residentB: { login: residents[1]!.login, id: residents[1]!.id },
    traffic,

    async open(l: string, capture = false): Promise<TestSocket> {
      const s = await connectSocket(t.url, { cookie: (await login(t.url, l)).cookie });
      if (capture) s.onAny((event: string, ...args: unknown[]) => traffic.push(JSON.stringify([event, ...args])));
      sockets.push(s);
      return s;
    },

    /** A REST call as this person: status, raw text and parsed body. */
    async api(
      l: string,
      method: string,
      path: string,
      body?: unknown,
    ): Promise<{ status: number; text: string; body: any }> {
      const { cookie } = await login(t.url, l);
      const res = await fetch(`${t.url}/api${path}`, {
        method,
        headers: { cookie, origin: t.url, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, text, body: JSON.parse(text) as unknown };
    },

    /** Rows that a refused command must not have added. */
    async counts() {
      const c = async (table: 'hotline_threads' | 'messages' | 'hotline_notes' | 'groups' | 'group_members') =>
        Number(
          (
            await db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      return {
        threads: await c('hotline_threads'),
        messages: await c('messages'),
        notes: await c('hotline_notes'),
        groups: await c('groups'),
        members: await c('group_members'),
      };
    },

    async close() {
      for (const s of sockets) s.close();
      await t.close();
    },
  };
}
export type HotlineFixture = Awaited<ReturnType<typeof startHotlineFixture>>;
