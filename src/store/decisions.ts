// Policy decisions and the ASKs that wait for a human.
import type Database from 'better-sqlite3';
import { newId } from './ids.js';
import { redactJson, redactText } from './redact.js';
import { ASK_SCOPES, ASK_STATES, VERDICTS, type Ask, type AskAnswer, type AskFilter, type AskScope, type AskState, type Decision, type NewAsk, type NewDecision, type Redactor, type Verdict } from './types.js';

interface DecisionRow {
  id: number;
  session_id: string;
  event_seq: number | null;
  action_id: string | null;
  verdict: Verdict;
  rules: string;
  message: string | null;
  ts: number;
}

interface AskRow {
  id: string;
  session_id: string;
  decision_id: number | null;
  prompt: string;
  state: AskState;
  scope: AskScope;
  answered_by: string | null;
  created_at: number;
  answered_at: number | null;
  expires_at: number | null;
}

function toDecision(r: DecisionRow): Decision {
  return {
    id: r.id,
    sessionId: r.session_id,
    eventSeq: r.event_seq,
    actionId: r.action_id,
    verdict: r.verdict,
    rules: JSON.parse(r.rules) as unknown,
    message: r.message,
    ts: r.ts,
  };
}

function toAsk(r: AskRow): Ask {
  return {
    id: r.id,
    sessionId: r.session_id,
    decisionId: r.decision_id,
    prompt: r.prompt,
    state: r.state,
    scope: r.scope,
    answeredBy: r.answered_by,
    createdAt: r.created_at,
    answeredAt: r.answered_at,
    expiresAt: r.expires_at,
  };
}

function oneOf<T extends string>(allowed: readonly T[], value: string, what: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`bridle store: unknown ${what} ${JSON.stringify(value)}`);
  return value as T;
}

export class DecisionRepo {
  private readonly insertDecision: Database.Statement;
  private readonly getDecisionStmt: Database.Statement<[number], DecisionRow>;
  private readonly listDecisionsStmt: Database.Statement<[string, number, number], DecisionRow>;
  private readonly insertAsk: Database.Statement;
  private readonly getAskStmt: Database.Statement<[string], AskRow>;
  private readonly answerAskStmt: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly redact: Redactor,
  ) {
    this.insertDecision = db.prepare(
      `INSERT INTO decisions (session_id, event_seq, action_id, verdict, rules, message, ts)
       VALUES (@session_id, @event_seq, @action_id, @verdict, @rules, @message, @ts)`,
    );
    this.getDecisionStmt = db.prepare<[number], DecisionRow>('SELECT * FROM decisions WHERE id = ?');
    this.listDecisionsStmt = db.prepare<[string, number, number], DecisionRow>(
      'SELECT * FROM decisions WHERE session_id = ? AND id > ? ORDER BY id LIMIT ?',
    );
    this.insertAsk = db.prepare(
      `INSERT INTO asks (id, session_id, decision_id, prompt, created_at, expires_at)
       VALUES (@id, @session_id, @decision_id, @prompt, @created_at, @expires_at)`,
    );
    this.getAskStmt = db.prepare<[string], AskRow>('SELECT * FROM asks WHERE id = ?');
    // The state guard makes answering a compare-and-set: when the dashboard and a phone answer
    // the same ASK, exactly one of them wins.
    this.answerAskStmt = db.prepare(
      `UPDATE asks SET state = @state, scope = @scope, answered_by = @answered_by, answered_at = @answered_at
       WHERE id = @id AND state = 'pending'`,
    );
  }

  record(d: NewDecision): Decision {
    const info = this.insertDecision.run({
      session_id: d.sessionId,
      event_seq: d.eventSeq ?? null,
      action_id: d.actionId ?? null,
      verdict: oneOf(VERDICTS, d.verdict, 'verdict'),
      rules: redactJson(this.redact, d.rules ?? [], 'decisions', 'rules'),
      message: redactText(this.redact, d.message ?? null, 'decisions', 'message'),
      ts: d.ts ?? Date.now(),
    });
    return this.getDecision(Number(info.lastInsertRowid))!;
  }

  getDecision(id: number): Decision | undefined {
    const row = this.getDecisionStmt.get(id);
    return row === undefined ? undefined : toDecision(row);
  }

  listDecisions(sessionId: string, opts: { afterId?: number; limit?: number } = {}): Decision[] {
    return this.listDecisionsStmt.all(sessionId, opts.afterId ?? 0, opts.limit ?? 1000).map(toDecision);
  }

  createAsk(a: NewAsk): Ask {
    const id = a.id ?? newId('a');
    this.insertAsk.run({
      id,
      session_id: a.sessionId,
      decision_id: a.decisionId ?? null,
      prompt: redactText(this.redact, a.prompt, 'asks', 'prompt'),
      created_at: a.createdAt ?? Date.now(),
      expires_at: a.expiresAt ?? null,
    });
    return this.getAsk(id)!;
  }

  getAsk(id: string): Ask | undefined {
    const row = this.getAskStmt.get(id);
    return row === undefined ? undefined : toAsk(row);
  }

  /**
   * Settle a pending ASK. Returns the settled ASK, or `null` when it was no longer pending
   * (someone else answered first, or it expired). Throws for an unknown id.
   */
  answerAsk(id: string, answer: AskAnswer): Ask | null {
    const state = oneOf(ASK_STATES, answer.state, 'ask state');
    if (state === 'pending') throw new Error('bridle store: an answer cannot set an ASK back to pending');
    const info = this.answerAskStmt.run({
      id,
      state,
      scope: oneOf(ASK_SCOPES, answer.scope ?? 'once', 'ask scope'),
      answered_by: redactText(this.redact, answer.by ?? null, 'asks', 'answered_by'),
      answered_at: answer.ts ?? Date.now(),
    });
    const row = this.getAskStmt.get(id);
    if (row === undefined) throw new Error(`bridle store: no ask ${id}`);
    return info.changes === 1 ? toAsk(row) : null;
  }

  listAsks(filter: AskFilter = {}): Ask[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.sessionId !== undefined) {
      where.push('session_id = ?');
      params.push(filter.sessionId);
    }
    if (filter.state !== undefined) {
      where.push('state = ?');
      params.push(oneOf(ASK_STATES, filter.state, 'ask state'));
    }
    params.push(filter.limit ?? 100);
    const sql = `SELECT * FROM asks ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, rowid LIMIT ?`;
    return this.db.prepare<(string | number)[], AskRow>(sql).all(...params).map(toAsk);
  }
}
