import { existsSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { RequestHandler } from 'express';
import { passwordChangeGate } from './account/password-gate.ts';
import { createAdministration } from './admin/administration.ts';
import { adminRoutes } from './auth/admin.routes.ts';
import { authRoutes } from './auth/auth.routes.ts';
import { createAuthenticator } from './auth/authenticator.ts';
import { createBotTokenService } from './auth/bot-token.service.ts';
import { createCredentialCheck } from './auth/credential-check.ts';
import { openLimitStore } from './auth/limit-store.ts';
import { createLoginLimits } from './auth/login-limits.ts';
import { createLoginService } from './auth/login.service.ts';
import { createSessionService } from './auth/session.service.ts';
import type { HubConfig } from './config.ts';
import { createApp } from './http/app.ts';
import { authenticate, originGuard } from './auth/http-auth.ts';
import { healthRoutes, type SweepStatus } from './http/health.routes.ts';
import { toHubError } from './errors.ts';
import { createMetrics } from './http/metrics.ts';
import { startMetricsServer } from './http/metrics-access.ts';
import { sweepMeter } from './http/metrics-sweeps.ts';
import type { Logger } from './logger.ts';
import { demoRoutes } from './org/demo.routes.ts';
import { holdsDemoData, seedDemoIfEmpty } from './org/demo-seed.ts';
import { seedDemoHistory } from './demo/demo-history.ts';
import { createOrgService } from './org/org.service.ts';
import { orgRoutes } from './org/org.routes.ts';
import { createRegistrationService } from './org/registration.service.ts';
import { registrationRoutes } from './org/registration.routes.ts';
import { orderRoutes } from './orders/order.routes.ts';
import { createIncidentService } from './incidents/incident.service.ts';
import { incidentRoutes } from './incidents/incident.routes.ts';
import { createDutyService } from './org/duty.service.ts';
import { createOrderNotifier } from './orders/order-notifier.ts';
import { createOrderSweep } from './orders/order-sweep.ts';
import { createOrderViews } from './orders/order-views.ts';
import { orderSocketModule } from './orders/order.socket.ts';
import { createOrderService } from './orders/order.service.ts';
import { ordersOfIncidents } from './orders/order-queries.ts';
import { createReceiptBatcher } from './orders/receipt-batcher.ts';
import { liftRevBase } from './orders/order-revs.ts';
import { createReach } from './escalation/reach.ts';
import { outboxDepth } from './push/outbox.ts';
import { createGroupNotifier } from './groups/group-notifier.ts';
import { provisionGroups } from './groups/group-provisioning.ts';
import { createGroupService } from './groups/group.service.ts';
import { groupSocketModule } from './groups/group.socket.ts';
import { createPresenceAnnouncer } from './groups/presence-announcer.ts';
import { matterRoutes } from './groups/matter.routes.ts';
import { createMatterService } from './groups/matter.service.ts';
import { createGroupAdminService } from './groups/group-admin.service.ts';
import { createReadStatusAnnouncer } from './groups/read-status-announcer.ts';
import { createReadStatusService } from './groups/read-status.service.ts';
import { createImageService } from './conversations/image.service.ts';
import { imageRoutes } from './conversations/image.routes.ts';
import { createImageFiles } from './conversations/image-files.ts';
import { moveImagesToFiles } from './conversations/image-move.ts';
import { createRetentionSweep, type RetentionSweep } from './retention/retention-sweep.ts';
import { createHotlineNotifier } from './hotline/hotline-notifier.ts';
import { hotlineRoutes } from './hotline/hotline.routes.ts';
import { createHotlineService } from './hotline/hotline.service.ts';
import { hotlineSocketModule } from './hotline/hotline.socket.ts';
import { createHotlineSweep } from './hotline/hotline-sweep.ts';
import { createHotlineViews } from './hotline/hotline-views.ts';
import { seedHotlineDemo } from './hotline/hotline-demo-seed.ts';
import { memoryBackend, redisBackend } from './realtime/adapter.ts';
import { createRealtime } from './realtime/realtime-server.ts';
import { openStore, type Store } from './store/database.ts';
import { LISTEN_BACKLOG } from './http/listen-backlog.ts';
import { writeDemoBotToken } from './reports/demo-bot-token.ts';
import { reportRoutes } from './reports/report.routes.ts';
import { createReportService } from './reports/report.service.ts';
import { createReportNotifier, reportSocketModule } from './reports/report.socket.ts';

const DEFAULT_WEB_BUILD = fileURLToPath(new URL('../../web/build/', import.meta.url));
const SESSION_SWEEP_MS = 15 * 60_000;
/** How often each node looks whether the day's retention run is due (it runs once a day, on one node). */
const RETENTION_TICK_MS = 60_000;
/** The keep-alive of open sockets: every half hour, or a quarter of the idle period when that is shorter. */
const SESSION_KEEPALIVE_MS = 30 * 60_000;

/** A running hub: what main.ts prints and tests talk to. */
export interface Hub {
  url: string;
  httpServer: HttpServer;
  store: Store;
  realtime: ReturnType<typeof createRealtime>;
  /** Runs one reminder/escalation pass now (tests; production runs it on a timer). */
  sweepOrders: () => Promise<{ reminded: number; escalated: number }>;
  /** Runs one overdue-hotline pass now (tests; production runs it on a timer). */
  sweepHotline: () => Promise<{ flagged: number }>;
  /** Runs one escalation-ladder pass / one push-outbox pass now (tests; production runs them on timers). */
  runLadder: () => Promise<{ pushed: number; texted: number; called: number }>;
  runPushOutbox: () => Promise<number>;
  /** Runs one expired-session sweep now (tests; production runs it on a timer). */
  sweepSessions: () => Promise<number>;
  /** The retention sweep: its dry-run report, a run now, the daily tick (production runs it on a timer). */
  retention: RetentionSweep;
  seeded: { units: number; users: number } | null;
  /** The one-time secret of the first-administrator link, issued because no administrator exists yet. */
  setupSecret: string | undefined;
  /** The store holds the demo organisation (known passwords) while PUBLIC_ORIGIN is not localhost. */
  demoExposed: boolean;
  /** The private /metrics listener, when METRICS_PORT is set. */
  metricsUrl: string | undefined;
  /** Statements the store has run since start, as `hub_store_query_seconds_count` counts them, without a scrape's own (tests). */
  storeStatements(): number;
  webMounted: boolean;
  /** Graceful stop: refuse new commands, drain running ones, close sockets, fan-out and store. */
  close(): Promise<void>;
}

/** Composition root: config → store → services → http + realtime → listen. */
export async function startHub(config: HubConfig, log: Logger): Promise<Hub> {
  const metrics = createMetrics();
  let statements = 0;
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    nodeId: config.nodeId,
    migrate: config.migrate,
    log: log.child({ module: 'store' }),
    onQuery: (ms, failed, failure) => {
      statements++;
      metrics.storeQueries.observe({ failed: String(failed) }, ms / 1000);
      if (failure) metrics.storeFailures.inc({ code: failure });
    },
  });
  // Before anything writes an order: revs keep rising even on a dump restored into another cluster.
  await liftRevBase(store.db);
  const seeded = config.seedDemo === 'demo' ? await seedDemoIfEmpty(store.db) : null;
  if (seeded) {
    // A few station-head hotline threads, so the head's inbox is not empty on first start.
    await seedHotlineDemo(store.db);
    log.info(seeded, 'demo data created');
  }
  const demoExposed = (await holdsDemoData(store.db)) && !isLocalOrigin(config.publicOrigin);
  if (demoExposed)
    log.warn(
      { publicOrigin: config.publicOrigin },
      'THIS HUB HOLDS THE DEMO DATA (accounts with published passwords) AND IS SERVED AT A NON-LOCAL ORIGIN: use an empty store with SEED_DEMO=never in production',
    );

  const { db } = store;
  const org = createOrgService(db, { timeZone: config.reports.timeZone });
  // Sessions found idled out close their sockets on every node (realtime exists by the time any is found).
  const onExpired = (ids: string[]) => realtime.accountSockets.endSessions(ids, 'session_expired');
  const sessions = createSessionService(db, { idleMs: config.sessionIdleMs, onExpired });
  const botTokens = createBotTokenService(db);
  const auth = createAuthenticator({ sessions, botTokens, org });
  const limitStore = await openLimitStore({
    redisUrl: config.redisUrl,
    prefix: config.redisChannelPrefix,
    log: log.child({ module: 'limits' }),
  });
  const limits = createLoginLimits(limitStore, { baseBlockS: config.loginThrottleBaseS, ...config.loginLimits });
  const login = createLoginService({ db, org, sessions, limits });
  const meters = {
    orders: sweepMeter(metrics, 'orders', config.orderSweep.everyMs),
    hotline: sweepMeter(metrics, 'hotline', config.hotline.sweepEveryMs),
  };
  const push = await createReach({
    db,
    config: config.push,
    timeZone: config.reports.timeZone,
    log,
    observe: {
      outbox: {
        ...sweepMeter(metrics, 'push_outbox', config.push.everyMs),
        tried: (channel, outcome) => metrics.pushSends.inc({ channel, outcome }),
      },
      ladder: sweepMeter(metrics, 'escalation_ladder', config.push.ladderEveryMs),
    },
  });
  metrics.beforeScrape.push(async () => {
    for (const d of await outboxDepth(db)) {
      metrics.pushOutboxDepth.set({ channel: d.channel, state: 'new' }, d.waiting - d.retrying);
      metrics.pushOutboxDepth.set({ channel: d.channel, state: 'retry' }, d.retrying);
    }
  });
  const provisioned = await provisionGroups(db);
  if (provisioned.groups || provisioned.members) log.info(provisioned, 'groups provisioned');
  if (config.seedDemo === 'demo') {
    // A month of station life for the grid groups just provisioned; once per store.
    const began = Date.now();
    const history = await seedDemoHistory(db, {
      now: began,
      timeZone: config.reports.timeZone,
      days: config.demoHistoryDays,
      responseMs: config.hotline.responseTargetMs,
    });
    if (history) log.info({ ...history, ms: Date.now() - began }, 'demo history created');
  }
  if (config.seedDemo === 'demo') {
    const tokenFile = await writeDemoBotToken(db, botTokens, config.dataDir);
    if (tokenFile) log.info({ file: tokenFile }, 'demo bot token written');
  }
  const secureCookies = config.publicOrigin?.startsWith('https:') ?? false;
  const backend = config.redisUrl
    ? await redisBackend({
        url: config.redisUrl,
        channelPrefix: config.redisChannelPrefix,
        log,
        probeEveryMs: config.fanoutProbeEveryMs,
        mode: config.redisAdapter,
      })
    : memoryBackend();

  const web = await loadWebHandler(config.webBuildDir ?? DEFAULT_WEB_BUILD, log);
  // The handler is bound now, before Socket.IO attaches, so that engine.io wraps it and keeps
  // /socket.io/ requests to itself; a listener added later would answer them a second time.
  const httpServer = createServer((req, res) => app(req, res));
  const realtime = createRealtime({
    httpServer,
    auth,
    checkCredentials: createCredentialCheck({ sessions, botTokens, org }),
    keepAliveMs: Math.min(SESSION_KEEPALIVE_MS, config.sessionIdleMs / 4),
    backend,
    log,
    metrics,
    nodeId: config.nodeId,
    publicOrigin: config.publicOrigin,
    maxPayloadBytes: config.maxSocketPayloadBytes,
    limits: config.socketLimits,
  });
  // The one way notifiers are wired: the Socket.IO server exists first and each is made with it.
  const { io } = realtime;
  const views = createOrderViews(db, Date.now);
  const notifier = createOrderNotifier({
    db,
    views,
    log: log.child({ module: 'orders' }),
    io,
    crossNode: backend.kind === 'redis',
  });
  const batcher = createReceiptBatcher(db, (applied) => {
    for (const orderId of new Set(applied.map((a) => a.orderId))) {
      notifier.boardChanged(orderId);
      // Acknowledgements reach the person's other devices; delivery and read receipts need not.
      const acknowledged = applied
        .filter((a) => a.orderId === orderId && a.state === 'acknowledged')
        .map(({ userId, origin }) => ({ userId, origin }));
      if (acknowledged.length) notifier.assignmentsChanged(orderId, acknowledged);
    }
  });
  const orderNotify = push.hooks.orders(notifier);
  const orders = createOrderService({ db, views, batcher, notify: orderNotify });
  const duty = createDutyService(db);
  const groupNotifier = push.hooks.groups(createGroupNotifier(io));
  const readAnnouncer = createReadStatusAnnouncer({
    io,
    db,
    log: log.child({ module: 'read-status' }),
    crossNode: backend.kind === 'redis',
  });
  const groups = createGroupService({
    db,
    notify: groupNotifier,
    rates: config.messageRates,
    readsMoved: readAnnouncer.moved,
  });
  const matters = createMatterService({ db, groups, notify: groupNotifier });
  const groupAdmin = createGroupAdminService({ db, notify: groupNotifier });
  const groupPresence = createPresenceAnnouncer(io);
  const imageFiles = createImageFiles(config.imageDir);
  const images = createImageService({ db, files: imageFiles });
  // Images stored before 0016 move to files in the background; until then they are served from the store.
  const retention = createRetentionSweep({
    db,
    files: imageFiles,
    config: config.retention,
    timeZone: config.reports.timeZone,
    nodeId: config.nodeId,
    log: log.child({ module: 'retention' }),
  });
  const stopMove = new AbortController();
  const imagesMoved = moveImagesToFiles(db, imageFiles, log.child({ module: 'images' }), stopMove.signal).catch(
    (err: unknown) => log.warn({ err }, 'moving images to files stopped; the next start goes on'),
  );
  const registration = createRegistrationService({ db, requestJoin: groupAdmin.requestJoin });
  const sweep = createOrderSweep({
    db,
    notify: orderNotify,
    options: config.orderSweep,
    onLateBy: meters.orders.lateBy,
  });
  const hotlineNotifier = push.hooks.hotline(createHotlineNotifier(io));
  const hotline = createHotlineService({
    db,
    notify: hotlineNotifier,
    rates: config.messageRates,
    responseTargetMs: config.hotline.responseTargetMs,
  });
  const hotlineSweep = createHotlineSweep({
    db,
    views: createHotlineViews(db, Date.now),
    notify: hotlineNotifier,
    onLateBy: meters.hotline.lateBy,
  });
  const reports = createReportService({
    db,
    notify: createReportNotifier(io),
    defaults: config.reports,
    hotline: hotline.figures,
  });
  realtime.serve(
    orderSocketModule(orders, duty),
    groupSocketModule(groups, matters, groupAdmin, groupPresence, createReadStatusService({ db })),
    hotlineSocketModule(hotline),
    reportSocketModule(),
    push.socketModule,
  );
  const administration = createAdministration({
    db,
    sessions,
    limits: limitStore,
    sockets: realtime.accountSockets,
    groups: groupNotifier,
    secureCookies,
    legacy: adminRoutes({
      db,
      org,
      sessions,
      botTokens,
      revokeUser: (id) => realtime.revokeUser(id, 'account_disabled'),
      revokeBotToken: (id) => realtime.revokeBotToken(id),
    }),
  });
  const setupSecret = await administration.setup.issueSecret();
  const app = createApp({
    log,
    metrics,
    maxBodyBytes: config.maxBodyBytes,
    secure: secureCookies,
    trustProxy: config.trustProxy,
    health: healthRoutes({
      storeHealth: store.health,
      fanout: backend,
      sweeps: () => sweeps,
      metrics,
      nodeId: config.nodeId,
      metricsToken: config.metrics.token,
    }),
    apiGuards: [originGuard(config.publicOrigin), authenticate(auth, config.publicOrigin), passwordChangeGate()],
    api: {
      '/auth': authRoutes({
        login,
        org,
        secureCookies,
        revokeSession: (id) => realtime.revokeSession(id, 'logged_out'),
      }),
      ...administration.routes,
      '/demo': demoRoutes(db, config.seedDemo === 'demo'),
      '/orders': orderRoutes(orders),
      '/incidents': incidentRoutes(createIncidentService({ db, ordersOf: (ids) => ordersOfIncidents(db, ids) })),
      '/': imageRoutes(images),
      '/register': registrationRoutes({ registration, limits: limitStore }),
      '/hotline': hotlineRoutes(hotline),
      '/matters': matterRoutes(matters),
      '/org': orgRoutes({ db, duty, onlineAmong: (ids) => realtime.onlineAmong(ids) }),
      '/reports': reportRoutes(reports),
      '/push': push.routes,
      '/escalation': push.escalationRoutes,
    },
    web,
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG }, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const { port: metricsPort, host: metricsHost } = config.metrics;
  const metricsServer =
    metricsPort === undefined ? undefined : await startMetricsServer(metrics, metricsHost, metricsPort);
  // For /healthz: when each sweep last finished and whether it failed.
  const sweeps: SweepStatus = {
    orders: { lastRunAt: null, lastError: null },
    hotline: { lastRunAt: null, lastError: null },
  };
  const track = (name: 'orders' | 'hotline', run: Promise<unknown>) =>
    meters[name].track(run).then(
      () => (sweeps[name] = { lastRunAt: Date.now(), lastError: null }),
      (err: unknown) => {
        log.warn({ err }, `${name} sweep failed`);
        sweeps[name] = { lastRunAt: Date.now(), lastError: toHubError(err).code };
      },
    );
  const sessionSweep = setInterval(
    () => void sessions.sweepExpired().catch((err) => log.warn({ err }, 'session sweep failed')),
    SESSION_SWEEP_MS,
  );
  sessionSweep.unref();
  let sweeping = false;
  const orderSweep = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    void track('orders', sweep.run()).finally(() => (sweeping = false));
  }, config.orderSweep.everyMs);
  orderSweep.unref();
  const hotlineTimer = setInterval(() => void track('hotline', hotlineSweep.run()), config.hotline.sweepEveryMs);
  hotlineTimer.unref();
  // A run cut short by a stop is taken over by another node (or this one's next start) after its lease.
  let retaining: Promise<unknown> | undefined;
  const retentionTimer = setInterval(() => {
    retaining ??= retention
      .tick()
      .catch((err: unknown) => log.warn({ err }, 'retention sweep failed'))
      .finally(() => (retaining = undefined));
  }, RETENTION_TICK_MS);
  retentionTimer.unref();
  push.start();

  let closing: Promise<void> | undefined;
  return {
    url: `http://localhost:${port}`,
    httpServer,
    store,
    realtime,
    sweepOrders: () => meters.orders.track(sweep.run()),
    sweepHotline: () => meters.hotline.track(hotlineSweep.run()),
    sweepSessions: sessions.sweepExpired,
    retention,
    runLadder: push.runLadder,
    runPushOutbox: push.runOutbox,
    seeded,
    setupSecret,
    demoExposed,
    metricsUrl: metricsServer?.url,
    storeStatements: () => statements,
    webMounted: web !== undefined,
    close: () =>
      (closing ??= (async () => {
        clearInterval(sessionSweep);
        clearInterval(orderSweep);
        clearInterval(hotlineTimer);
        clearInterval(retentionTimer);
        // Take no new connections: a proxy sends reconnecting clients to the other nodes at once.
        httpServer.close();
        httpServer.closeIdleConnections();
        // Commands already running finish (and announce) before sockets and the store close.
        const { unfinished } = await realtime.drain(config.shutdownDrainMs);
        if (unfinished) log.warn({ unfinished }, 'stopping with commands still running');
        await metricsServer?.close();
        groupPresence.stop();
        readAnnouncer.stop();
        await realtime.close();
        await batcher.drain();
        await push.stop();
        notifier.close();
        await backend.close();
        await limitStore.close();
        stopMove.abort();
        await imagesMoved;
        await store.close();
      })()),
  };
}

/** True for an unset PUBLIC_ORIGIN (the request's own host: the demo on one machine) or a loopback one. */
function isLocalOrigin(origin: string | undefined): boolean {
  if (!origin) return true;
  const host = new URL(origin).hostname;
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}

/** Imports the SvelteKit adapter-node handler when the web has been built. */
async function loadWebHandler(dir: string, log: Logger): Promise<RequestHandler | undefined> {
  const file = `${dir.replace(/\/$/, '')}/handler.js`;
  if (!existsSync(file)) {
    log.warn({ file }, 'web build not found; serving the API only (run `pnpm build`)');
    return undefined;
  }
  const mod = (await import(file)) as { handler: RequestHandler };
  return mod.handler;
}
