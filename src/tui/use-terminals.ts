// One TerminalModel per attached interactive session: created and attached when the session gets
// a pane, resized (which resizes its PTY) when the pane changes size, detached and disposed when
// it leaves the screen. Output that arrives before the replayed snapshot is queued behind it.
import { useEffect, useRef, useState } from 'react';
import type { DashboardSource } from './source.js';
import { TerminalModel, type Frame } from './terminal/model.js';

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

export function useTerminals(source: DashboardSource, wanted: readonly TerminalWant[]): Terminals {
  const entries = useRef(new Map<string, Entry>());
  const [frames, setFrames] = useState<Record<string, Frame | null>>({});
  const key = wanted.map((w) => `${w.session}:${w.cols}x${w.rows}`).join(',');

  useEffect(() => {
    const map = entries.current;
    const want = new Map(wanted.map((w) => [w.session, w]));
    for (const [session, e] of map) {
      if (want.has(session)) continue;
      source.detach(session);
      e.model.dispose();
      map.delete(session);
    }
    for (const w of wanted) {
      const have = map.get(w.session);
      if (have) {
        have.model.resize(w.cols, w.rows);
        continue;
      }
      const model = new TerminalModel({
        cols: w.cols,
        rows: w.rows,
        onFrame: (frame) => setFrames((f) => ({ ...f, [w.session]: frame })),
        onResize: (cols, rows) => source.resize(w.session, cols, rows),
      });
      const entry: Entry = { model, ready: false, queued: [] };
      map.set(w.session, entry);
      source
        .attach(w.session, { cols: w.cols, rows: w.rows }, {
          data: (bytes) => (entry.ready ? model.write(bytes) : entry.queued.push(bytes)),
          closed: () => undefined,
        })
        .then((snapshot) => {
          model.reset();
          model.write(snapshot);
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
  }, [key, source]);

  useEffect(
    () => () => {
      for (const [session, e] of entries.current) {
        source.detach(session);
        e.model.dispose();
      }
      entries.current.clear();
    },
    [source],
  );

  return { frames, model: (session) => entries.current.get(session)?.model };
}
