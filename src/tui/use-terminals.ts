// One TerminalModel per attached interactive session: created and attached when the session gets
// a pane, resized (which resizes its PTY) when the pane changes size, detached and disposed when
// it leaves the screen. Output that arrives before the replayed snapshot is queued behind it.
//
// Rendering is paced by one clock for all panes: a changed pane is marked dirty, and at most 30
// times a second the dirty panes' frames go into one state update (one React render, one Ink
// frame) — not one per pane. A change right after a key was typed into that pane (its echo)
// is drawn at once instead of waiting for the clock. Each model's backlog of unparsed output
// pauses its PTY over the protocol (`pty_pause` / `pty_resume`) above the high-water mark.
import { useEffect, useRef, useState } from 'react';
import type { DashboardSource } from './source.js';
import { TerminalModel, type Frame } from './terminal/model.js';
import type { TerminalPainter } from './terminal/painter.js';
import { FrameScheduler } from './terminal/scheduler.js';

/** How long after a key a pane's changes are drawn without waiting for the frame clock. */
const ECHO_WINDOW_MS = 150;

export interface TerminalWant {
  session: string;
  cols: number;
  rows: number;
}

interface Entry {
  model: TerminalModel;
  ready: boolean;
  queued: Uint8Array[];
}

export interface Terminals {
  frames: Readonly<Record<string, Frame | null>>;
  model(session: string): TerminalModel | undefined;
}

interface Pacer {
  dirty: Set<string>;
  scheduler: FrameScheduler;
  immediate: NodeJS.Immediate | null;
  commit(): void;
}

/**
 * With a `painter` (the real terminal), changes go to it and never through React state; without
 * one (component tests), frames are React state, paced the same way.
 */
export function useTerminals(source: DashboardSource, wanted: readonly TerminalWant[], painter?: TerminalPainter): Terminals {
  const entries = useRef(new Map<string, Entry>());
  const [frames, setFrames] = useState<Record<string, Frame | null>>({});
  const key = wanted.map((w) => `${w.session}:${w.cols}x${w.rows}`).join(',');
  const pacer = useRef<Pacer | null>(null);
  if (pacer.current === null) {
    const p: Pacer = {
      dirty: new Set(),
      immediate: null,
      scheduler: new FrameScheduler(() => p.commit()),
      commit() {
        if (p.dirty.size === 0) return;
        const next: Record<string, Frame> = {};
        for (const id of p.dirty) {
          const e = entries.current.get(id);
          if (e) next[id] = e.model.frame();
        }
        p.dirty.clear();
        setFrames((f) => ({ ...f, ...next }));
      },
    };
    pacer.current = p;
  }
  const paint = pacer.current;

  useEffect(() => {
    const map = entries.current;
    const want = new Map(wanted.map((w) => [w.session, w]));
    for (const [session, e] of map) {
      if (want.has(session)) continue;
      source.detach(session);
      painter?.untrack(session);
      e.model.dispose();
      map.delete(session);
      setFrames((f) => {
        if (!(session in f)) return f;
        const { [session]: _gone, ...rest } = f;
        return rest;
      });
    }
    for (const w of wanted) {
      const have = map.get(w.session);
      if (have) {
        have.model.resize(w.cols, w.rows);
        continue;
      }
      const model: TerminalModel = new TerminalModel({
        cols: w.cols,
        rows: w.rows,
        onDirty: () => {
          if (painter) {
            painter.changed(w.session, model?.typedWithin(ECHO_WINDOW_MS) === true);
            return;
          }
          paint.dirty.add(w.session);
          if (model?.typedWithin(ECHO_WINDOW_MS)) {
            paint.immediate ??= setImmediate(() => {
              paint.immediate = null;
              paint.commit();
            });
          } else paint.scheduler.request();
        },
        onResize: (cols, rows) => source.resize(w.session, cols, rows),
        onReply: (data) => source.reply?.(w.session, data),
        pause: () => source.pause?.(w.session),
        resume: () => source.resume?.(w.session),
      });
      painter?.track(w.session, model);
      const entry: Entry = { model, ready: false, queued: [] };
      map.set(w.session, entry);
      source
        .attach(w.session, { cols: w.cols, rows: w.rows }, {
          data: (bytes) => (entry.ready ? model.write(bytes) : entry.queued.push(bytes)),
          closed: () => undefined,
        })
        .then((snapshot) => {
          model.reset();
          model.replay(snapshot);
          for (const b of entry.queued) model.write(b);
          entry.queued = [];
          entry.ready = true;
        })
        .catch(() => {
          // An ended session has no PTY to attach: the pane keeps its last screen (or none).
          entry.ready = true;
        });
    }
    // `key` stands for `wanted`'s content, which is a fresh array on every render.
  }, [key, source, painter]);

  useEffect(
    () => () => {
      paint.scheduler.dispose();
      if (paint.immediate !== null) clearImmediate(paint.immediate);
      for (const [session, e] of entries.current) {
        source.detach(session);
        painter?.untrack(session);
        e.model.dispose();
      }
      entries.current.clear();
    },
    [source],
  );

  return { frames, model: (session) => entries.current.get(session)?.model };
}
