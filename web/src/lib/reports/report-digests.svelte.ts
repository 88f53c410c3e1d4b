import { SvelteMap } from 'svelte/reactivity';
import { reportDigestLines, type ReportLang } from '@fengqiao/hub/protocol';
import { fetchReport } from './reports.client.ts';

/** Reports whose digest lines are kept; older ones are fetched again when scrolled back to. */
const MAX_KEPT = 64;

/**
 * A report bot posts its digest in Chinese (stored, searched and pushed as written). A reader in
 * another language sees the same lines rendered from the report itself, fetched once per report
 * and language. Until it arrives, or when it cannot be read (no access, deleted by retention),
 * the posted Chinese text stands.
 */
class ReportDigests {
  /** Digest lines by `lang:reportId`; null: could not be fetched (not asked again this session). */
  #lines = new SvelteMap<string, string[] | null>();
  #asked = new Set<string>();

  /** The digest lines in `lang`, or undefined while unknown (asks the hub the first time). */
  lines(reportId: string, lang: ReportLang): string[] | null | undefined {
    const key = `${lang}:${reportId}`;
    if (!this.#asked.has(key)) this.#load(key, reportId, lang);
    return this.#lines.get(key);
  }

  /** Called while rendering: touches no reactive state until the answer comes. */
  #load(key: string, reportId: string, lang: ReportLang): void {
    this.#asked.add(key);
    if (this.#asked.size > MAX_KEPT) this.#asked.delete(this.#asked.values().next().value!);
    void fetchReport(reportId, lang).then((res) => {
      if (!this.#asked.has(key)) return;
      this.#lines.set(key, res.ok ? reportDigestLines(res.body.report, lang) : null);
      for (const kept of this.#lines.keys()) if (!this.#asked.has(kept)) this.#lines.delete(kept);
    });
  }
}

/** The one cache of translated digests, shared by every chat. */
export const reportDigests = new ReportDigests();
