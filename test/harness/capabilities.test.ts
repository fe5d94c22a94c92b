// What each adapter says it can do is known from its class (the daemon decides whether a session
// can be resumed or forked before any adapter exists), and is what every instance reports.
import test from 'ava';
import { createHarness, createInteractiveHarness, harnessCapabilities, interactiveKinds } from '../../src/harness/index.js';
import { HARNESSES } from '../../src/spec/types.js';
import { setup } from './helpers.js';

test('each adapter class and its instances report the same capabilities, headless and interactive', (t) => {
  for (const kind of HARNESSES) {
    const { ctx } = setup(t, kind, {});
    t.deepEqual(createHarness(kind, ctx).capabilities, harnessCapabilities(kind), kind);
    if (interactiveKinds().includes(kind)) t.deepEqual(createInteractiveHarness(kind, ctx).capabilities, harnessCapabilities(kind, 'interactive'), `${kind} interactive`);
    else t.is(harnessCapabilities(kind, 'interactive'), undefined, `${kind} has no interactive adapter`);
  }
});

test('resume and fork, as the adapters declare them', (t) => {
  const able = (what: 'resume' | 'fork', mode: 'headless' | 'interactive' = 'headless') => HARNESSES.filter((k) => harnessCapabilities(k, mode)?.[what]);
  // `command` runs any program: there is no conversation to continue.
  t.deepEqual(able('resume'), ['claude-code', 'codex', 'pi', 'cursor', 'bridle']);
  // A fork needs the vendor to continue a copy under a new id (claude --fork-session, codex
  // thread/fork) or, for Bridle's agent, a transcript the daemon can copy.
  t.deepEqual(able('fork'), ['claude-code', 'codex', 'bridle']);
  t.deepEqual(able('resume', 'interactive'), ['claude-code', 'codex', 'pi']);
  t.deepEqual(able('fork', 'interactive'), ['claude-code', 'codex']);
});
