import { describe, expect, it } from 'vitest';
import { parseCommand } from './commands.ts';

describe('report commands typed in a command room', () => {
  it('reads /briefing and /report with a kind, in English or Chinese', () => {
    expect(parseCommand('/briefing')).toEqual({ type: 'report', kind: 'briefing' });
    expect(parseCommand('  /BRIEFING  ')).toEqual({ type: 'report', kind: 'briefing' });
    expect(parseCommand('/report daily')).toEqual({ type: 'report', kind: 'daily' });
    expect(parseCommand('/report Weekly')).toEqual({ type: 'report', kind: 'weekly' });
    expect(parseCommand('/report 月报')).toEqual({ type: 'report', kind: 'monthly' });
  });

  it('says what is wrong with an unknown kind or a bare /report', () => {
    expect(parseCommand('/report yearly')).toEqual({ type: 'unknown_kind', given: 'yearly' });
    expect(parseCommand('/report')).toEqual({ type: 'usage' });
  });

  it('ignores everything else', () => {
    expect(parseCommand('今天的 /briefing 呢')).toBeNull();
    expect(parseCommand('/briefings')).toBeNull();
    expect(parseCommand('')).toBeNull();
  });
});
