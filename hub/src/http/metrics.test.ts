import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { CreateOrderPayload } from '../protocol/index.ts';
import { enqueue } from '../push/outbox.ts';
import {
  connectSocket,
  demoLogin,
  login,
  metricSample as sample,
  nextEvent,
  scrapeMetrics,
  startTestHub,
  storeDialects,
  type TestHub,
  type TestSocket,
} from '../../test-support/index.ts';

const METRICS_TOKEN = 'metrics-token-for-tests';
let n = 0;
const cid = () => `metrics-${Date.now()}-${++n}`;

/** A file of the repository's deploy/ folder. */
const deployFile = (path: string) => readFileSync(new URL(`../../../deploy/${path}`, import.meta.url), 'utf8');

/** Metric names a PromQL expression reads: the hub's own and the client library's; `up` is Prometheus's. */
const metricNames = (expr: string) => expr.match(/\b(?:hub|process|nodejs)_[a-z0-9_]+\b/g) ?? [];

/** Whether the exposition text declares `name`, or the histogram whose series `name` is. */
function declared(text: string, name: string): boolean {
  const types = new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  if (types.has(name)) return true;
  const base = /^(.*)_(?:bucket|sum|count)$/.exec(name)?.[1];
  return base !== undefined && types.get(base) === 'histogram';
}

interface Dashboard {
  panels: { title: string; targets: { expr: string }[] }[];
  templating: { list: { name: string; type: string; definition?: string }[] };
}
interface RuleFile {
  groups: { rules: { alert: string; expr: string; for: string }[] }[];
}

/** The dispatcher's SLO metrics, driven through a real hub, real sockets and the real store, on both dialects. */
for (const dialect of await storeDialects())
  describe.skipIf(!dialect.available)(`metrics on ${dialect.name}`, () => {
    let t: TestHub;
    let drop: () => Promise<void>;
    let dispatcher: TestSocket;
    let officer: TestSocket;
    let officerId: string;
    const scrape = () => scrapeMetrics(t.url, METRICS_TOKEN);
    const order = (): CreateOrderPayload => ({
      clientId: cid(),
      title: '核查可疑车辆',
      body: '请核查辖区内一辆白色面包车。',
      priority: 'routine',
      targets: [{ kind: 'user', userId: officerId }],
    });

    beforeAll(async () => {
      const target = await dialect.databaseUrl();
      drop = target.drop;
      // Timers far apart: the test runs every pass itself.
      t = await startTestHub({
        databaseUrl: target.url,
        env: { METRICS_TOKEN, ORDER_SWEEP_INTERVAL_MS: '3600000', HOTLINE_SWEEP_INTERVAL_MS: '3600000' },
      });
      dispatcher = await connectSocket(t.url, {
        cookie: (await login(t.url, await demoLogin(t.hub, 'dispatcher'))).cookie,
      });
      const officerLogin = await login(t.url, await demoLogin(t.hub, 'officer'));
      officerId = officerLogin.body.me.id;
      officer = await connectSocket(t.url, { cookie: officerLogin.cookie });
    });
    afterAll(async () => {
      dispatcher?.close();
      officer?.close();
      await t?.close();
      await drop?.();
    });

    it('times a group message from its persisted time to its emit, and counts message:created once per emit', async () => {
      const before = await scrape();
      const groups = await officer.emitWithAck('group:list', {});
      if (!groups.ok) throw new Error(groups.error.message);
      const groupId = groups.groups[0]!.id;
      const arrived = nextEvent(officer, 'message:created');
      const sent = await officer.emitWithAck('message:send', { groupId, clientId: cid(), text: '路口有积水' });
      expect(sent.ok).toBe(true);
      await arrived;
      const after = await scrape();
      const delta = (name: string, labels: Record<string, string>) =>
        sample(after, name, labels) - sample(before, name, labels);
      expect(delta('hub_fanout_latency_seconds_count', { kind: 'message' })).toBe(1);
      expect(delta('hub_events_out_total', { event: 'message:created' })).toBe(1);
      // Commands are counted between scrapes and folded in at each: once, not again at the next.
      expect(delta('hub_socket_events_in_total', { event: 'message:send', ok: 'true' })).toBe(1);
      expect(delta('hub_socket_events_in_total', { event: 'group:list', ok: 'true' })).toBe(1);
      const refused = await officer.emitWithAck('message:send', { groupId } as never);
      expect(refused.ok).toBe(false);
      const again = await scrape();
      expect(sample(again, 'hub_socket_events_in_total', { event: 'message:send', ok: 'true' })).toBe(
        sample(after, 'hub_socket_events_in_total', { event: 'message:send', ok: 'true' }),
      );
      expect(
        sample(again, 'hub_socket_events_in_total', { event: 'message:send', ok: 'false' }) -
          sample(after, 'hub_socket_events_in_total', { event: 'message:send', ok: 'false' }),
      ).toBe(1);

      const synced = await officer.emitWithAck('group:sync', { cursors: { [groupId]: 0 } });
      if (!synced.ok) throw new Error(synced.error.message);
      const items = synced.messages.length + synced.edits.length;
      const text = await scrape();
      expect(sample(text, 'hub_sync_items_count', { kind: 'group' })).toBe(1);
      expect(sample(text, 'hub_sync_items_sum', { kind: 'group' })).toBe(items);
    });

    it('times an order to its recipients and measures the sizes of order:sync', async () => {
      const before = await scrape();
      const assigned = nextEvent(officer, 'order:assigned');
      const sent = await dispatcher.emitWithAck('order:create', order());
      expect(sent.ok).toBe(true);
      await assigned;
      const synced = await officer.emitWithAck('order:sync', { since: 0 });
      if (!synced.ok) throw new Error(synced.error.message);
      const after = await scrape();
      expect(sample(after, 'hub_fanout_latency_seconds_count', { kind: 'order' })).toBe(
        sample(before, 'hub_fanout_latency_seconds_count', { kind: 'order' }) + 1,
      );
      expect(sample(after, 'hub_events_out_total', { event: 'order:assigned' })).toBeGreaterThan(
        sample(before, 'hub_events_out_total', { event: 'order:assigned' }),
      );
      expect(sample(after, 'hub_sync_items_sum', { kind: 'order' })).toBe(synced.assignments.length);
    });

    it('measures how late an overdue chase was handled and counts the pass', async () => {
      const sent = await dispatcher.emitWithAck('order:create', order());
      if (!sent.ok) throw new Error(sent.error.message);
      // The recipient's chase fell due a minute ago: the pass handles it a minute late.
      await t.hub.store.db
        .updateTable('order_recipients')
        .set({ next_chase_at: Date.now() - 60_000 })
        .where('order_id', '=', sent.order.id)
        .execute();
      const reminded = nextEvent(officer, 'order:reminded');
      expect(await t.hub.sweepOrders()).toMatchObject({ reminded: 1 });
      await reminded;
      const text = await scrape();
      expect(sample(text, 'hub_sweep_lag_seconds_count', { sweep: 'orders' })).toBe(1);
      expect(sample(text, 'hub_sweep_lag_seconds_bucket', { sweep: 'orders', le: '30' })).toBe(0);
      expect(sample(text, 'hub_sweep_lag_seconds_bucket', { sweep: 'orders', le: '120' })).toBe(1);
      expect(sample(text, 'hub_sweep_runs_total', { sweep: 'orders', outcome: 'ok' })).toBe(1);
      expect(sample(text, 'hub_sweep_last_success_timestamp_seconds', { sweep: 'orders' })).toBeGreaterThan(0);
      expect(sample(text, 'hub_sweep_interval_seconds', { sweep: 'orders' })).toBe(3600);
    });

    it('measures how late an overdue hotline thread was flagged', async () => {
      const db = t.hub.store.db;
      const thread = await db
        .selectFrom('hotline_threads')
        .select('id')
        .where('first_answered_at', 'is', null)
        .where('status', '!=', 'resolved')
        .orderBy('id')
        .executeTakeFirstOrThrow();
      await db
        .updateTable('hotline_threads')
        .set({ due_at: Date.now() - 300_000, overdue_flagged_at: null })
        .where('id', '=', thread.id)
        .execute();
      // Only this thread is due and unflagged: others the seed made overdue are flagged out of the way first.
      await db.updateTable('hotline_threads').set({ overdue_flagged_at: 1 }).where('id', '!=', thread.id).execute();
      expect(await t.hub.sweepHotline()).toEqual({ flagged: 1 });
      const text = await scrape();
      expect(sample(text, 'hub_sweep_lag_seconds_count', { sweep: 'hotline' })).toBe(1);
      expect(sample(text, 'hub_sweep_lag_seconds_bucket', { sweep: 'hotline', le: '120' })).toBe(0);
      expect(sample(text, 'hub_sweep_lag_seconds_bucket', { sweep: 'hotline', le: '600' })).toBe(1);
      expect(sample(text, 'hub_sweep_runs_total', { sweep: 'hotline', outcome: 'ok' })).toBe(1);
    });

    it('reports the push outbox depth before a pass, its lag and the outcome of each try after it', async () => {
      const empty = await scrape();
      expect(empty).toContain('hub_push_outbox_depth{channel="webpush",state="new"} 0');
      await enqueue(
        t.hub.store.db,
        [{ channel: 'webpush', target: 'no-such-subscription', dedupe: cid(), payload: '{}' }],
        Date.now() - 30_000,
      );
      const waiting = await scrape();
      expect(sample(waiting, 'hub_push_outbox_depth', { channel: 'webpush', state: 'new' })).toBe(1);
      await t.hub.runPushOutbox();
      const after = await scrape();
      expect(sample(after, 'hub_sweep_lag_seconds_count', { sweep: 'push_outbox' })).toBe(1);
      expect(sample(after, 'hub_sweep_lag_seconds_bucket', { sweep: 'push_outbox', le: '10' })).toBe(0);
      expect(sample(after, 'hub_sweep_runs_total', { sweep: 'push_outbox', outcome: 'ok' })).toBeGreaterThan(0);
      expect(sample(after, 'hub_push_sends_total', { channel: 'webpush' })).toBe(1);
      expect(sample(after, 'hub_push_outbox_depth', { channel: 'webpush' })).toBe(0);
    });

    it("names in the Grafana dashboard and the alert rules all exist in this hub's /metrics", async () => {
      const text = await scrape();
      const dashboard = JSON.parse(deployFile('grafana/fengqiao-hub.json')) as Dashboard;
      const rules = parseYaml(deployFile('prometheus/alerts.yml')) as RuleFile;
      const scrapeConfig = parseYaml(deployFile('prometheus/prometheus.yml')) as { rule_files: string[] };
      expect(scrapeConfig.rule_files).toContain('alerts.yml');
      expect(dashboard.templating.list.find((v) => v.name === 'datasource')).toMatchObject({ type: 'datasource' });

      const exprs = [
        ...dashboard.panels.flatMap((p) => p.targets.map((q) => ({ where: `panel ${p.title}`, expr: q.expr }))),
        ...dashboard.templating.list.flatMap((v) =>
          v.definition ? [{ where: `variable ${v.name}`, expr: v.definition }] : [],
        ),
        ...rules.groups.flatMap((g) => g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }))),
      ];
      expect(rules.groups.flatMap((g) => g.rules.map((r) => r.alert))).toEqual(
        expect.arrayContaining([
          'HubFanoutSlow',
          'HubStoreNotReady',
          'HubFanoutUnreachable',
          'HubSweepLagging',
          'HubPushOutboxGrowing',
          'HubNodeDown',
        ]),
      );
      const unknown = exprs.flatMap(({ where, expr }) =>
        metricNames(expr)
          .filter((name) => !declared(text, name))
          .map((name) => `${where}: ${name}`),
      );
      expect(unknown).toEqual([]);
      // Each expression reads at least one metric this check knows, so a misspelt prefix cannot slip past it.
      const unread = exprs.filter(({ expr }) => metricNames(expr).length === 0 && !/\bup\{/.test(expr));
      expect(unread).toEqual([]);
    });
  });
