/** One chat message handed to a summariser: the hub's message id, its group and order in it, who wrote it and when (UTC epoch ms). */
export interface SourceMessage {
  id: string;
  groupId: string;
  seq: number;
  senderId: string;
  senderName?: string;
  text: string;
  createdAt: number;
}

/** One sentence of a summary and the ids of the messages it was taken from (never empty). */
export interface SummarySentence {
  text: string;
  sources: string[];
}

/** A term and how many times it was used across the messages ("topics most discussed"). */
export interface Topic {
  term: string;
  count: number;
}

/** A summary: sentences in the order their sources were written, the most discussed topics, and which provider wrote it. */
export interface Summary {
  sentences: SummarySentence[];
  topics: Topic[];
  by: 'extractive' | 'llm';
}

/** Options for one `summarise` call. `signal` aborts the call (it then rejects with the signal's reason). */
export interface SummariseOptions {
  /** Most sentences in the summary; default 5. */
  maxSentences?: number;
  signal?: AbortSignal;
}

/** Anything that turns messages into a summary; extractive and LLM providers share it. */
export interface Summariser {
  summarise(messages: SourceMessage[], opts?: SummariseOptions): Promise<Summary>;
}
