import type { HotlineThreadView } from '@fengqiao/hub/protocol';

/** Where a thread stands against its response target (the promised time to a first answer). */
export type ResponseState =
  | { kind: 'waiting'; remainingMs: number }
  | { kind: 'overdue'; lateMs: number }
  | { kind: 'answered'; tookMs: number; inTarget: boolean }
  | { kind: 'closed' };

/** Waiting counts down to `dueAt`; past it and still unanswered it is overdue; answered ones show how long they took. */
export function responseState(
  thread: Pick<HotlineThreadView, 'status' | 'createdAt' | 'dueAt' | 'firstAnsweredAt'>,
  now: number,
): ResponseState {
  if (thread.firstAnsweredAt !== null) {
    const tookMs = Math.max(0, thread.firstAnsweredAt - thread.createdAt);
    return { kind: 'answered', tookMs, inTarget: thread.firstAnsweredAt <= thread.dueAt };
  }
  if (thread.status === 'resolved') return { kind: 'closed' };
  if (now >= thread.dueAt) return { kind: 'overdue', lateMs: now - thread.dueAt };
  return { kind: 'waiting', remainingMs: thread.dueAt - now };
}

/** A duration as a timer reads: `mm:ss` under an hour, `h:mm:ss` under a day, then `Nd h:mm`. */
export function formatTimer(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600) % 24;
  const d = Math.floor(total / 86_400);
  const two = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${h}:${two(m)}`;
  if (h > 0) return `${h}:${two(m)}:${two(s)}`;
  return `${two(m)}:${two(s)}`;
}

/** A promised response time in words-ready parts: whole hours when it divides, else minutes. */
export function targetParts(minutes: number): { unit: 'hours' | 'minutes'; value: number } {
  return minutes >= 60 && minutes % 60 === 0
    ? { unit: 'hours', value: minutes / 60 }
    : { unit: 'minutes', value: minutes };
}
