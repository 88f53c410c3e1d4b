import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { serviceAvailable } from '@fengqiao/hub/test-support';
import type { Actor } from '../../hub/src/auth/permissions.ts';
import type { MessageSender } from '../../hub/src/conversations/message-log.ts';
import { createGroupService, type GroupService } from '../../hub/src/groups/group.service.ts';
import { provisionGroups } from '../../hub/src/groups/group-provisioning.ts';
import { openStore, type Store } from '../../hub/src/store/database.ts';
import { log, publish, runBench } from './bench-run.ts';
import { codeVersion, commandLine, describeMachine } from './machine.ts';
import { addBenchSquad, openSeededStore } from './seeded-store.ts';
import { median } from './stats.ts';

/**
 * Group commit, before and after, in one run: the group service's `send` (membership check, rate,
 * write, build the event) driven with 1, 8 and 32 sends in flight at once, over GROUPS squad groups
 * of 25 officers, each message to a random group from a random member. "before" is the same service
 * with every message in its own transaction (as main writes them), "after" with group commit.
 * Per message: statements the store ran (BEGIN and COMMIT included, as the hub's
 * `hub_store_query_seconds_count` counts them) and the bench process's CPU (the hub's side only:
 * PostgreSQL's own CPU is another process). Rounds alternate which side goes first.
 *
 *   pnpm --filter @fengqiao/load bench:group-commit   (MESSAGES=1500 per level, ROUNDS=3, GROUPS=50)
 */
const MESSAGES = Number(process.env.MESSAGES ?? 1500);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const GROUPS = Number(process.env.GROUPS ?? 50);
const IN_FLIGHT = (process.env.IN_FLIGHT ?? '1,8,32').split(',').map(Number);
const MEMBERS = 25;
const SIDES = ['before', 'after'] as const;
type Side = (typeof SIDES)[number];

interface Member {
  actor: Actor;
  sender: MessageSender;
}

interface Level {
  statements: number;
  cpuMs: number;
  wallMs: number;
}

let sent = 0;

/** Sends `total` messages with `inFlight` at once; answers the statements and CPU it took. */
async function drive(
  service: GroupService,
  groups: { groupId: string; members: Member[] }[],
  inFlight: number,
  total: number,
  statements: () => number,
): Promise<Level> {
  let left = total;
  const q0 = statements();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = async () => {
    while (left > 0) {
      left--;
      const g = groups[Math.floor(Math.random() * groups.length)]!;
      const m = g.members[Math.floor(Math.random() * g.members.length)]!;
      const text = `压测消息 ${++sent}：今晚八点网格巡逻，注意沿街商铺的消防通道。`;
      await service.send(m.actor, { groupId: g.groupId, clientId: `gc-bench-${sent}`, text }, m.sender);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const cpu = process.cpuUsage(cpu0);
  return {
    statements: (statements() - q0) / total,
    cpuMs: (cpu.user + cpu.system) / 1000 / total,
    wallMs: performance.now() - t0,
  };
}

async function benchDialect(dialect: Store['dialect']) {
  return openSeededStore(dialect, 'fq-bench-group-commit-', async ({ store, station, env }) => {
    const at = Date.now();
    const squads: { unitId: string; userIds: string[] }[] = [];
    await store.db.transaction().execute(async (trx) => {
      for (let k = 0; k < GROUPS; k++)
        squads.push(
          await addBenchSquad(trx, station, {
            name: `群提交中队 ${k}`,
            code: `GC-${at}-${k}`,
            sort: 20_000 + k,
            size: MEMBERS,
            officer: (j) => `群提交警员${k}-${j}`,
            login: (j) => `gc-${at}-${k}-${j}`,
            at,
          }),
        );
    });
    await provisionGroups(store.db);
    const byUnit = new Map(
      (await store.db.selectFrom('groups').select(['id', 'unit_id']).where('kind', '=', 'squad').execute()).map((g) => [
        g.unit_id,
        g.id,
      ]),
    );
    const groups = squads.map((s, k) => ({
      groupId: byUnit.get(s.unitId)!,
      members: s.userIds.map((id, j) => ({
        actor: { id, role: 'officer' as const, unitId: s.unitId },
        sender: { id, name: `群提交警员${k}-${j}`, role: 'officer' as const },
      })),
    }));

    // A second handle on the same store that counts every statement its driver runs.
    let statements = 0;
    const counted = await openStore({
      databaseUrl: env.DATABASE_URL || undefined,
      dataDir: env.DATA_DIR!,
      migrate: 'never',
      onQuery: () => statements++,
    });
    try {
      const rates = { staffPerMinute: 1e9, staffBurst: 1e9, residentPerMinute: 1e9, residentBurst: 1e9 };
      const notify = { joined: () => {}, messageCreated: () => {}, messageChanged: () => {} };
      const services: Record<Side, GroupService> = {
        before: createGroupService({ db: counted.db, notify, rates, groupCommit: false }),
        after: createGroupService({ db: counted.db, notify, rates, groupCommit: true }),
      };
      const runs = new Map<string, Level[]>();
      // Warm-up: prepared statements, caches, the JIT.
      for (const side of SIDES) await drive(services[side], groups, 8, 200, () => statements);
      for (let round = 0; round < ROUNDS; round++)
        for (const inFlight of IN_FLIGHT) {
          const order = round % 2 === 0 ? SIDES : [...SIDES].reverse();
          for (const side of order) {
            const level = await drive(services[side], groups, inFlight, MESSAGES, () => statements);
            const key = `${side}:${inFlight}`;
            runs.set(key, [...(runs.get(key) ?? []), level]);
            log(
              `${dialect} round ${round + 1} ${side} ${inFlight} in flight: ${level.statements.toFixed(2)} statements, ` +
                `${level.cpuMs.toFixed(3)} ms CPU per message, ${Math.round((MESSAGES / level.wallMs) * 1000)}/s`,
            );
          }
        }
      return {
        dialect,
        levels: IN_FLIGHT.map((inFlight) => {
          const of = (side: Side) => runs.get(`${side}:${inFlight}`)!;
          const pick = (side: Side, f: (l: Level) => number) => median(of(side).map(f));
          const ratios = of('after').map((a, k) => a.cpuMs / of('before')[k]!.cpuMs);
          return {
            inFlight,
            statements: { before: pick('before', (l) => l.statements), after: pick('after', (l) => l.statements) },
            cpuMs: { before: pick('before', (l) => l.cpuMs), after: pick('after', (l) => l.cpuMs) },
            perSecond: {
              before: pick('before', (l) => (MESSAGES / l.wallMs) * 1000),
              after: pick('after', (l) => (MESSAGES / l.wallMs) * 1000),
            },
            cpuRatio: { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) },
          };
        }),
      };
    } finally {
      await counted.close();
    }
  });
}

runBench(async () => {
  const startedAt = new Date().toISOString();
  const machine = describeMachine();
  const loadText = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' / ');
  const dialects: Store['dialect'][] = ['sqlite'];
  if (await serviceAvailable('postgres')) dialects.push('postgres');
  const results = [];
  for (const d of dialects) {
    log(`${d}: ${GROUPS} groups of ${MEMBERS}, ${MESSAGES} messages per level, ${ROUNDS} rounds`);
    results.push(await benchDialect(d));
  }
  machine.loadAvgEnd = loadavg();
  const f = (x: number, digits: number) => x.toFixed(digits);
  const rows = results.flatMap((r) =>
    r.levels.map(
      (l) =>
        `| ${r.dialect} | ${l.inFlight} | ${f(l.statements.before, 2)} → ${f(l.statements.after, 2)} | ` +
        `${f(l.cpuMs.before, 3)} → ${f(l.cpuMs.after, 3)} | ${f(l.cpuRatio.median, 2)} (${f(l.cpuRatio.min, 2)}–${f(l.cpuRatio.max, 2)}) | ` +
        `${Math.round(l.perSecond.before)} → ${Math.round(l.perSecond.after)} |`,
    ),
  );
  const markdown = [
    `## ${startedAt.slice(0, 10)} — group commit: store statements and CPU per group message, before → after`,
    '',
    `- command: \`${commandLine('harness/group-commit.bench.ts')}\``,
    `- code: ${codeVersion('..')}`,
    `- machine: ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}; load average at start ${loadText(machine.loadAvgStart)}, at end ${loadText(machine.loadAvgEnd)}`,
    `- ${GROUPS} squad groups of ${MEMBERS} officers; ${MESSAGES} messages per level and side, ${ROUNDS} rounds (medians), sides alternating first`,
    '',
    '| store | sends in flight | statements per message | CPU per message, ms (bench process) | CPU after / before | messages/s |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
  await publish({ startedAt, machine, results } as { startedAt: string }, markdown, 'group-commit');
});
