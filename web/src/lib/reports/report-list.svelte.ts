import type { ReportDocument, ReportKind, ReportListItem } from '@fengqiao/hub/protocol';
import { failureKey } from '../api/error-message.ts';
import type { MessageKey } from '../i18n/zh-cn.ts';
import { fetchReports, requestReport } from './reports.client.ts';

const PAGE = 30;

/**
 * The Reports page's list: filters (kind, unit), the loaded pages, and asking for a report now.
 * One instance, so the filters survive a visit to a report and back.
 */
class ReportList {
  #items = $state<ReportListItem[] | null>(null);
  #problem = $state<MessageKey | null>(null);
  #loading = $state(false);
  #hasMore = $state(false);
  #generating = $state(false);
  /** Bumped by every load, so an answer to an older filter is dropped. */
  #generation = 0;
  /** Whose list this is: phones are shared between shifts. */
  #userId: string | null = null;

  /** Kind filter; undefined shows every kind. */
  kind = $state<ReportKind | undefined>(undefined);
  /** Unit filter; undefined shows every unit within the caller's scope. */
  unitId = $state<string | undefined>(undefined);

  /** The loaded reports, newest first; null until the first page arrives. */
  get items(): ReportListItem[] | null {
    return this.#items;
  }

  /** Why the last load failed, worded for people. */
  get problem(): MessageKey | null {
    return this.#problem;
  }

  get loading(): boolean {
    return this.#loading;
  }

  /** A full page came back, so older reports may exist. */
  get hasMore(): boolean {
    return this.#hasMore;
  }

  get generating(): boolean {
    return this.#generating;
  }

  /**
   * Opens the list for a person: their filters and reports from an earlier visit stay, someone
   * else's are dropped first; then loads the first page.
   */
  open(userId: string): Promise<void> {
    if (this.#userId !== userId) {
      this.#userId = userId;
      this.#items = null;
      this.#problem = null;
      this.kind = undefined;
      this.unitId = undefined;
    }
    return this.load();
  }

  /** Loads the first page for the current filters. */
  async load(): Promise<void> {
    const generation = ++this.#generation;
    this.#loading = true;
    const res = await fetchReports({ kind: this.kind, unitId: this.unitId, limit: PAGE });
    if (generation !== this.#generation) return;
    this.#loading = false;
    if (!res.ok) {
      this.#problem = failureKey(res.code);
      return;
    }
    this.#problem = null;
    this.#items = res.body.reports;
    this.#hasMore = res.body.reports.length === PAGE;
  }

  /** Appends the next older page. */
  async more(): Promise<void> {
    const last = this.#items?.at(-1);
    if (!last || this.#loading) return;
    const generation = this.#generation;
    this.#loading = true;
    const res = await fetchReports({ kind: this.kind, unitId: this.unitId, limit: PAGE, before: last.generatedAt });
    if (generation !== this.#generation) return;
    this.#loading = false;
    if (!res.ok) {
      this.#problem = failureKey(res.code);
      return;
    }
    const known = new Set(this.#items?.map((r) => r.id));
    this.#items = [...(this.#items ?? []), ...res.body.reports.filter((r) => !known.has(r.id))];
    this.#hasMore = res.body.reports.length === PAGE;
  }

  /**
   * Asks the hub for a briefing or report of a unit now; the new (or already stored) report is put
   * at the top of the list when it matches the filters. `created` false: that period's report
   * already existed and is returned as it was (the page says so and offers to regenerate it).
   */
  async generate(
    kind: ReportKind,
    unitId: string,
  ): Promise<{ ok: true; report: ReportDocument; created: boolean } | { ok: false; problem: MessageKey }> {
    this.#generating = true;
    const res = await requestReport({ kind, unitId });
    this.#generating = false;
    if (!res.ok) return { ok: false, problem: failureKey(res.code) };
    const r = res.body.report;
    const item: ReportListItem = {
      id: r.id,
      kind: r.kind,
      unit: r.unit,
      periodStart: r.periodStart,
      periodEnd: r.periodEnd,
      timeZone: r.timeZone,
      generatedAt: r.generatedAt,
      trigger: r.trigger,
      posted: r.posted !== null,
    };
    const fits =
      (this.kind === undefined || this.kind === r.kind) && (this.unitId === undefined || this.unitId === r.unit.id);
    if (fits && this.#items) this.#items = [item, ...this.#items.filter((x) => x.id !== r.id)];
    return { ok: true, report: r, created: res.body.created };
  }
}

/** The one report list of the app. */
export const reportList = new ReportList();
