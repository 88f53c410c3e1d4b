import { goto } from '$app/navigation';
import {
  STATE_RANK,
  type ChasePhase,
  type HotlineCategory,
  type OrderPriority,
  type RecipientState,
  type Role,
} from '@fengqiao/hub/protocol';
import { beep } from '../alerts/alert-sound.ts';
import { desktopNotice } from '../alerts/desktop-notice.svelte.ts';
import { canDispatch } from '../auth/roles.ts';
import { t } from '../i18n/index.ts';
import type { MessageKey } from '../i18n/zh-cn.ts';
import { connection } from '../realtime/index.ts';

interface NoticeBase {
  id: number;
  at: number;
  title: string;
  /** Where a tap on the notice leads. */
  href: string;
}

/**
 * Something the person should see now, shown as a banner in the shell: about an order, or (the
 * station head and the desk) a hotline letter that arrived or went past its response target.
 */
export type OrderNotice = NoticeBase &
  (
    | ({ orderId: string } & (
        | { kind: 'arrived'; priority: OrderPriority; issuer: string }
        | { kind: 'reminded'; priority: OrderPriority; phase: ChasePhase; manual: boolean }
        | { kind: 'escalated'; phase: ChasePhase; subject: string }
        | { kind: 'cancelled' | 'amended' }
        | { kind: 'failed'; reason: MessageKey }
      ))
    | { kind: 'letter'; threadId: string; category: HotlineCategory }
    | { kind: 'letter-overdue'; threadId: string; category: HotlineCategory }
  );

/** How long a banner that may fade on its own stays. */
const FADE_MS = 8_000;
const MAX_SHOWN = 6;

/** Omit over each member of a union, keeping it a union. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type NewNotice = DistributiveOmit<OrderNotice, 'id' | 'at' | 'href'>;

/** Notices with the same key replace each other: a second chase of one order is not a second banner. */
function noticeKey(n: OrderNotice): string {
  if (n.kind === 'letter' || n.kind === 'letter-overdue') return `${n.kind}:${n.threadId}`;
  return n.kind === 'escalated'
    ? `${n.kind}:${n.orderId}:${n.subject}`
    : n.kind === 'failed'
      ? `${n.kind}:${n.id}`
      : `${n.kind}:${n.orderId}`;
}

/**
 * The banners of the order flow: new orders, chases (催办), notices (通报) of late recipients,
 * amendments, cancellations, and actions the hub refused; and the hotline desk's new and overdue
 * letters, which ask for the same attention wherever the person is in the app. Flash orders,
 * notices, requests for help and overdue letters also beep and, if allowed, raise a system
 * notification.
 */
class OrderAlerts {
  #notices = $state<OrderNotice[]>([]);
  #nextId = 1;
  #dispatcher = false;
  #stops: (() => void)[] = [];

  /** Banners on screen, newest last. */
  get notices(): readonly OrderNotice[] {
    return this.#notices;
  }

  /** Listens to chases and notices for this person. */
  start(me: { role: Role }): void {
    this.stop();
    this.#dispatcher = canDispatch(me.role);
    this.#stops = [
      connection.on('order:reminded', (e) =>
        this.push({
          kind: 'reminded',
          orderId: e.orderId,
          title: e.title,
          priority: e.priority,
          phase: e.phase,
          manual: e.manual,
        }),
      ),
      connection.on('order:escalated', (e) =>
        this.push({ kind: 'escalated', orderId: e.orderId, title: e.title, phase: e.phase, subject: e.subject.name }),
      ),
    ];
  }

  /** Stops listening and clears the banners. */
  stop(): void {
    for (const stop of this.#stops) stop();
    this.#stops = [];
    this.#notices = [];
  }

  /** Shows a notice, with sound and a system notification where it matters. */
  push(notice: NewNotice): void {
    // A notice about someone else's lateness leads to the board; everything else to the person's own order.
    const href =
      notice.kind === 'letter' || notice.kind === 'letter-overdue'
        ? `/hotline/${encodeURIComponent(notice.threadId)}`
        : notice.kind === 'escalated' && this.#dispatcher
          ? `/command?order=${encodeURIComponent(notice.orderId)}`
          : `/orders/${encodeURIComponent(notice.orderId)}`;
    const full = { ...notice, id: this.#nextId++, at: Date.now(), href } as OrderNotice;
    // An overdue letter's banner takes the place of its arrival's.
    const replaced = (n: OrderNotice) =>
      noticeKey(n) === noticeKey(full) ||
      (full.kind === 'letter-overdue' && n.kind === 'letter' && n.threadId === full.threadId);
    this.#notices = [...this.#notices.filter((n) => !replaced(n)), full].slice(-MAX_SHOWN);
    this.#announce(full);
    // Flash orders, chases, notices, overdue letters and requests for help stay until dealt with; the rest fade.
    if (
      full.kind === 'amended' ||
      full.kind === 'cancelled' ||
      (full.kind === 'arrived' && full.priority !== 'flash') ||
      (full.kind === 'letter' && full.category !== 'help')
    ) {
      setTimeout(() => this.dismiss(full.id), FADE_MS);
    }
  }

  /**
   * The person got to an order: opening it clears its arrival banner, acknowledging it the
   * acknowledgement chase too, finishing it (completed, returned) every chase.
   */
  settle(orderId: string, reached: 'read' | RecipientState): void {
    const rank = reached === 'read' ? 0 : STATE_RANK[reached];
    const gone = (n: OrderNotice) =>
      n.kind === 'arrived' ||
      (n.kind === 'reminded' && (n.phase === 'ack' ? rank >= STATE_RANK.acknowledged : rank >= STATE_RANK.completed));
    const kept = this.#notices.filter((n) => !('orderId' in n) || n.orderId !== orderId || !gone(n));
    if (kept.length !== this.#notices.length) this.#notices = kept;
  }

  /** The desk opened a letter: its banners have done their work. */
  settleLetter(threadId: string): void {
    const kept = this.#notices.filter((n) => !('threadId' in n) || n.threadId !== threadId);
    if (kept.length !== this.#notices.length) this.#notices = kept;
  }

  /** Removes a banner. */
  dismiss(id: number): void {
    this.#notices = this.#notices.filter((n) => n.id !== id);
  }

  #announce(n: OrderNotice): void {
    const open = () => void goto(n.href);
    switch (n.kind) {
      case 'arrived':
        if (n.priority === 'flash') {
          beep('urgent');
          desktopNotice.show(t('alert.system.flash', { title: n.title }), n.issuer, `order-${n.orderId}`, open);
        } else if (n.priority === 'urgent') beep('gentle');
        break;
      case 'reminded':
        beep(n.priority === 'flash' ? 'urgent' : 'gentle');
        desktopNotice.show(
          t(n.phase === 'ack' ? 'alert.reminded.ack' : 'alert.reminded.complete'),
          n.title,
          `remind-${n.orderId}`,
          open,
        );
        break;
      case 'escalated':
        beep('urgent');
        desktopNotice.show(
          t(n.phase === 'ack' ? 'alert.escalated.ack' : 'alert.escalated.complete', { name: n.subject }),
          n.title,
          `escalate-${n.orderId}`,
          open,
        );
        break;
      case 'letter':
        beep(n.category === 'help' ? 'urgent' : 'gentle');
        if (n.category === 'help') desktopNotice.show(t('alert.letter.help'), n.title, `letter-${n.threadId}`, open);
        break;
      case 'letter-overdue':
        beep('urgent');
        desktopNotice.show(t('alert.letter.overdue'), n.title, `letter-${n.threadId}`, open);
        break;
      default:
        break;
    }
  }
}

/** The app's one set of order banners. */
export const orderAlerts = new OrderAlerts();
