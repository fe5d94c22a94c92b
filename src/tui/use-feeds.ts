// Subscribes to the events of every session on screen and folds them into a Feed each.
import { useEffect, useRef, useState } from 'react';
import { emptyFeed, foldFeed, type Feed } from './feed.js';
import type { DashboardSource } from './source.js';

export function useFeeds(source: DashboardSource, sessions: readonly string[]): Readonly<Record<string, Feed>> {
  const subs = useRef(new Map<string, () => void>());
  const [feeds, setFeeds] = useState<Record<string, Feed>>({});
  const key = [...sessions].sort().join(',');

  useEffect(() => {
    const want = new Set(sessions);
    for (const [id, off] of subs.current) {
      if (want.has(id)) continue;
      off();
      subs.current.delete(id);
    }
    for (const id of want) {
      if (subs.current.has(id)) continue;
      subs.current.set(
        id,
        source.subscribe(id, (events) => setFeeds((f) => ({ ...f, [id]: foldFeed(f[id] ?? emptyFeed, events) }))),
      );
    }
    // `key` stands for the set of sessions.
  }, [key, source]);

  useEffect(
    () => () => {
      for (const off of subs.current.values()) off();
      subs.current.clear();
    },
    [source],
  );
  return feeds;
}
