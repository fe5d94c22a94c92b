// Session records: one row per agent run, sub-agents pointing at their parent.
import type Database from 'better-sqlite3';
import { newId } from './ids.js';
import { SESSION_STATES, TERMINAL_STATES, type NewSession, type Redactor, type Session, type SessionFilter, type SessionPatch, type SessionState } from './types.js';
import { redactText } from './redact.js';

interface SessionRow {
  id: string;
  agent: string;
  harness: string;
  spec_path: string | null;
  workspace: string | null;
  state: SessionState;
  parent_id: string | null;
  forked_from: string | null;
  created_at: number;
  ended_at: number | null;
  exit_code: number | null;
  cost_usd: number;
  tokens: number;
}

function toSession(r: SessionRow): Session {
  return {
    id: r.id,
    agent: r.agent,
    harness: r.harness,
    specPath: r.spec_path,
    workspace: r.workspace,
    state: r.state,
    parentId: r.parent_id,
    forkedFrom: r.forked_from,
    createdAt: r.created_at,
    endedAt: r.ended_at,
    exitCode: r.exit_code,
    costUsd: r.cost_usd,
    tokens: r.tokens,
  };
}

function checkState(state: string): asserts state is SessionState {
  if (!(SESSION_STATES as readonly string[]).includes(state)) throw new Error(`bridle store: unknown session state ${JSON.stringify(state)}`);
}

export class SessionRepo {
  private readonly insertStmt: Database.Statement;
  private readonly getStmt: Database.Statement<[string], SessionRow>;
  private readonly updateStmt: Database.Statement;
  private readonly addUsageStmt: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly redact: Redactor,
  ) {
    this.insertStmt = db.prepare(
      `INSERT INTO sessions (id, agent, harness, spec_path, workspace, state, parent_id, forked_from, created_at)
       VALUES (@id, @agent, @harness, @spec_path, @workspace, @state, @parent_id, @forked_from, @created_at)`,
    );
    this.getStmt = db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id = ?');
    this.updateStmt = db.prepare(
      `UPDATE sessions SET state = @state, workspace = @workspace, ended_at = @ended_at, exit_code = @exit_code,
         cost_usd = @cost_usd, tokens = @tokens WHERE id = @id`,
    );
    this.addUsageStmt = db.prepare('UPDATE sessions SET cost_usd = cost_usd + ?, tokens = tokens + ? WHERE id = ?');
  }

  create(s: NewSession): Session {
    const state = s.state ?? 'starting';
    checkState(state);
    const id = s.id ?? newId('s');
    this.insertStmt.run({
      id,
      agent: s.agent,
      harness: s.harness,
      spec_path: redactText(this.redact, s.specPath ?? null, 'sessions', 'spec_path'),
      workspace: redactText(this.redact, s.workspace ?? null, 'sessions', 'workspace'),
      state,
      parent_id: s.parentId ?? null,
      forked_from: s.forkedFrom ?? null,
      created_at: s.createdAt ?? Date.now(),
    });
    return this.get(id)!;
  }

  get(id: string): Session | undefined {
    const row = this.getStmt.get(id);
    return row === undefined ? undefined : toSession(row);
  }

  update(id: string, patch: SessionPatch): Session {
    // Read-merge-write under the write lock so concurrent partial updates do not undo each other.
    const tx = this.db.transaction((): Session => {
      const cur = this.getStmt.get(id);
      if (cur === undefined) throw new Error(`bridle store: no session ${id}`);
      const state = patch.state ?? cur.state;
      checkState(state);
      let endedAt = patch.endedAt !== undefined ? patch.endedAt : cur.ended_at;
      if (endedAt === null && patch.state !== undefined && TERMINAL_STATES.includes(state)) endedAt = Date.now();
      this.updateStmt.run({
        id,
        state,
        workspace: patch.workspace !== undefined ? redactText(this.redact, patch.workspace, 'sessions', 'workspace') : cur.workspace,
        ended_at: endedAt,
        exit_code: patch.exitCode !== undefined ? patch.exitCode : cur.exit_code,
        cost_usd: patch.costUsd ?? cur.cost_usd,
        tokens: patch.tokens ?? cur.tokens,
      });
      return toSession(this.getStmt.get(id)!);
    });
    return tx.immediate();
  }

  /** Add to the running totals (used by usage recording, inside its transaction). */
  addUsage(id: string, costUsd: number, tokens: number): void {
    this.addUsageStmt.run(costUsd, tokens, id);
  }

  list(filter: SessionFilter = {}): Session[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.state !== undefined) {
      const states = typeof filter.state === 'string' ? [filter.state] : [...filter.state];
      states.forEach(checkState);
      if (states.length === 0) return [];
      where.push(`state IN (${states.map(() => '?').join(', ')})`);
      params.push(...states);
    }
    if (filter.parentId !== undefined) {
      where.push('parent_id = ?');
      params.push(filter.parentId);
    }
    if (filter.agent !== undefined) {
      where.push('agent = ?');
      params.push(filter.agent);
    }
    params.push(filter.limit ?? 100);
    // Listing is not a hot path; better-sqlite3 caches nothing here, and that is fine.
    const sql = `SELECT * FROM sessions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, rowid DESC LIMIT ?`;
    return this.db.prepare<(string | number)[], SessionRow>(sql).all(...params).map(toSession);
  }
}
