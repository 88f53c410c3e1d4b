import type {
  DueReport,
  ErrorBody,
  ReportConversation,
  ReportDocument,
  ReportRequest,
  ReportSummariesBody,
} from '@fengqiao/hub/protocol';
import type { BotCredentials } from './hub-client.ts';

/** A refusal from the hub, with its error code and the message meant for people. */
export class HubApiError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(status: number, body: ErrorBody) {
    super(body.message);
    this.name = 'HubApiError';
    this.code = body.code;
    this.status = status;
  }
}

/** The hub's report REST API as a bot uses it (Authorization: Bearer with the bot's token). */
export function createReportApi(creds: BotCredentials) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(new URL(`/api/reports${path}`, creds.hubUrl), {
      method,
      headers: {
        authorization: `Bearer ${creds.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as ({ ok: true } & T) | { ok: false; error: ErrorBody };
    if (!json.ok) throw new HubApiError(res.status, json.error);
    return json;
  }
  return {
    request: (req: ReportRequest) => call<{ report: ReportDocument; created: boolean }>('POST', '', req),
    get: async (id: string) => (await call<{ report: ReportDocument }>('GET', `/${encodeURIComponent(id)}`)).report,
    due: async () => (await call<{ due: DueReport[] }>('GET', '/due')).due,
    conversations: async (id: string) =>
      (await call<{ conversations: ReportConversation[] }>('GET', `/${encodeURIComponent(id)}/conversations`))
        .conversations,
    storeSummaries: (id: string, body: ReportSummariesBody) =>
      call<{ report: ReportDocument; stored: boolean }>('PUT', `/${encodeURIComponent(id)}/summaries`, body),
    claimPost: (id: string) =>
      call<{ claimed: boolean; report: ReportDocument }>('POST', `/${encodeURIComponent(id)}/post-claim`),
    markPosted: async (id: string, at: { groupId: string; seq: number }) =>
      (await call<{ report: ReportDocument }>('POST', `/${encodeURIComponent(id)}/posted`, at)).report,
  };
}
export type ReportApi = ReturnType<typeof createReportApi>;
