import { describe, expect, it } from 'vitest';
import { loadBotConfig } from './config.ts';

describe('bot configuration from the environment', () => {
  it('has the defaults the README documents', () => {
    const c = loadBotConfig({});
    expect(c).toMatchObject({ hubUrl: 'http://127.0.0.1:3000', token: undefined, scheduleEveryMs: 30_000 });
    expect(c).toMatchObject({ logLevel: 'info', llm: undefined });
    expect(c.tokenFile).toMatch(/\/data\/bot-token$/);
  });

  it('follows the hub: HUB_URL from PORT, the token file from DATA_DIR', () => {
    const beside = loadBotConfig({ PORT: '4100', DATA_DIR: '/srv/fq' });
    expect(beside).toMatchObject({ hubUrl: 'http://127.0.0.1:4100', tokenFile: '/srv/fq/bot-token' });
    const own = loadBotConfig({ PORT: '4100', HUB_URL: 'https://hub.example', DATA_DIR: '/x', BOT_TOKEN_FILE: '/t' });
    expect(own).toMatchObject({ hubUrl: 'https://hub.example', tokenFile: '/t' });
  });

  it('reads every variable, and treats blank ones as unset', () => {
    const c = loadBotConfig({
      BOT_TOKEN: ' fqb_abc.def\n',
      REPORT_SCHEDULE_SECONDS: '0.5',
      LOG_LEVEL: 'warn',
      HUB_URL: '  ',
      LLM_BASE_URL: 'http://127.0.0.1:11434/v1',
      LLM_MODEL: 'qwen2.5:7b',
      LLM_API_KEY: '',
    });
    expect(c).toMatchObject({ hubUrl: 'http://127.0.0.1:3000', token: 'fqb_abc.def', scheduleEveryMs: 500 });
    expect(c.logLevel).toBe('warn');
    const llm = { baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen2.5:7b', apiKey: undefined, timeoutMs: 20_000 };
    expect(c.llm).toEqual(llm);
  });

  it('refuses bad values with every problem listed', () => {
    const bad = {
      HUB_URL: 'hub:3000',
      PORT: 'eighty',
      REPORT_SCHEDULE_SECONDS: 'soon',
      LLM_BASE_URL: 'ftp://models.example',
      LLM_TIMEOUT_MS: '-5',
      LOG_LEVEL: 'loud',
    };
    let message = '';
    try {
      loadBotConfig(bad);
    } catch (err) {
      message = (err as Error).message;
    }
    const named = message
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(':')[0]);
    expect(named.sort()).toEqual([...Object.keys(bad), 'LLM_MODEL'].sort());
  });

  it('refuses an LLM endpoint without a model, and a schedule of zero', () => {
    const noModel = { LLM_BASE_URL: 'http://127.0.0.1:11434/v1' };
    expect(() => loadBotConfig(noModel)).toThrow('LLM_MODEL: required when LLM_BASE_URL is set');
    expect(() => loadBotConfig({ REPORT_SCHEDULE_SECONDS: '0' })).toThrow('REPORT_SCHEDULE_SECONDS');
  });
});
