// Token and cost accounting. Each record also bumps the session's running totals in the same
// transaction, so budget rules can read `session.cost_usd` without summing the usage table.
import type Database from 'better-sqlite3';
import type { NewUsage, Usage } from './types.js';
import type { SessionRepo } from './sessions.js';

interface UsageRow {
  id: number;
  session_id: string;
  ts: number;
  model: string | null;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  cost_usd: number;
  source: string;
}

function toUsage(r: UsageRow): Usage {
  return {
    id: r.id,
    sessionId: r.session_id,
    ts: r.ts,
    model: r.model,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    cacheReadTokens: r.cache_read_tokens,
    cacheWriteTokens: r.cache_write_tokens,
    costUsd: r.cost_usd,
    source: r.source,
  };
}

function count(n: number | undefined, what: string): number {
  const v = n ?? 0;
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`bridle store: ${what} must be a non-negative integer, got ${v}`);
  return v;
}

/**
 * What one usage record adds to its session's `tokens`: everything the model processed, fresh
 * input, output and both kinds of cached input. The session runtime keeps its running total with
 * the same sum.
 */
export function usageTokens(u: Pick<Usage, 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens'>): number {
  return u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWriteTokens;
}

export class UsageRepo {
  private readonly insertStmt: Database.Statement;
  private readonly getStmt: Database.Statement<[number], UsageRow>;
  private readonly listStmt: Database.Statement<[string, number, number], UsageRow>;
  private readonly recordTx: (u: NewUsage) => number;

  constructor(db: Database.Database, sessions: SessionRepo) {
    this.insertStmt = db.prepare(
      `INSERT INTO usage (session_id, ts, model, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, source)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.getStmt = db.prepare<[number], UsageRow>('SELECT * FROM usage WHERE id = ?');
    this.listStmt = db.prepare<[string, number, number], UsageRow>('SELECT * FROM usage WHERE session_id = ? AND id > ? ORDER BY id LIMIT ?');
    const tx = db.transaction((u: NewUsage): number => {
      const input = count(u.inputTokens, 'inputTokens');
      const output = count(u.outputTokens, 'outputTokens');
      const cacheRead = count(u.cacheReadTokens, 'cacheReadTokens');
      const cacheWrite = count(u.cacheWriteTokens, 'cacheWriteTokens');
      const cost = u.costUsd ?? 0;
      if (!Number.isFinite(cost) || cost < 0) throw new Error(`bridle store: costUsd must be a non-negative number, got ${cost}`);
      const info = this.insertStmt.run(u.sessionId, u.ts ?? Date.now(), u.model ?? null, input, output, cacheRead, cacheWrite, cost, u.source);
      sessions.addUsage(u.sessionId, cost, usageTokens({ inputTokens: input, outputTokens: output, cacheReadTokens: cacheRead, cacheWriteTokens: cacheWrite }));
      return Number(info.lastInsertRowid);
    });
    this.recordTx = (u) => tx.immediate(u);
  }

  record(u: NewUsage): Usage {
    return this.get(this.recordTx(u))!;
  }

  get(id: number): Usage | undefined {
    const row = this.getStmt.get(id);
    return row === undefined ? undefined : toUsage(row);
  }

  list(sessionId: string, opts: { afterId?: number; limit?: number } = {}): Usage[] {
    return this.listStmt.all(sessionId, opts.afterId ?? 0, opts.limit ?? 1000).map(toUsage);
  }
}
