import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('configuration from the environment', () => {
  it('has working defaults for a fresh machine', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.dataDir).toMatch(/\/data\/?$/);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.redisUrl).toBeUndefined();
    expect(c.seedDemo).toBe('never');
    expect(c.sessionIdleMs).toBe(12 * 3600_000);
  });

  it('reads every variable, and treats empty ones as unset', () => {
    const c = loadConfig({
      PORT: '4100',
      DATABASE_URL: 'postgres://u@h:5432/db',
      REDIS_URL: '',
      SESSION_IDLE_HOURS: '8',
      SEED_DEMO: 'demo',
    });
    expect(c).toMatchObject({
      port: 4100,
      databaseUrl: 'postgres://u@h:5432/db',
      redisUrl: undefined,
      sessionIdleMs: 8 * 3600_000,
      seedDemo: 'demo',
    });
  });

  it("trusts no proxy unless told, then takes Express's forms: a flag, a hop count or addresses", () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
    expect(loadConfig({}).loginLimits).toEqual({ sourcePerHour: 50, sourcePerDay: 200, accountPerHour: 100 });
  });

  it('bounds sockets and commands per connection and person, each bound configurable', () => {
    expect(loadConfig({}).socketLimits).toMatchObject({
      socketsPerPerson: 20,
      inFlightPerSocket: 32,
      readsInFlightPerSocket: 8,
    });
    const c = loadConfig({ MAX_SOCKETS_PER_PERSON: '5', SIGNAL_BURST: '3', PERSON_READS_IN_FLIGHT: '4' });
    expect(c.socketLimits).toMatchObject({ socketsPerPerson: 5, signalBurst: 3, readsInFlightPerPerson: 4 });
    expect(() => loadConfig({ MAX_SOCKETS_PER_PERSON: '0' })).toThrow(/MAX_SOCKETS_PER_PERSON/);
  });

  it('picks the classic Redis adapter unless sharded is asked for, and refuses any other', () => {
    expect(loadConfig({}).redisAdapter).toBe('classic');
    expect(loadConfig({ REDIS_ADAPTER: 'sharded' }).redisAdapter).toBe('sharded');
    expect(() => loadConfig({ REDIS_ADAPTER: 'cluster' })).toThrow(/REDIS_ADAPTER/);
  });

  it('refuses nonsense with every problem named', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'not a url', SEED_DEMO: 'sometimes' })).toThrow(
      /PORT[\s\S]*DATABASE_URL[\s\S]*SEED_DEMO/,
    );
  });
});
