// The command harness: any CLI as an agent. No tool gate (the CLI has no tool protocol); what it
// owes is process lifecycle, output events, an environment of exactly what it was given, and
// ending the whole process tree on stop.
import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createHarness, runTurn } from '../../src/harness/index.js';
import { environOf, ofType, record, setup } from './helpers.js';

test.serial('runs a CLI: stdin in, output out, exit code decides the turn, env is exactly what was given', async (t) => {
  const { ctx, workspace } = setup(t, 'command', { SOME_TOKEN: 'placeholder' });
  ctx.spec = { ...ctx.spec, command: ['/bin/sh', '-c', 'read line; echo "got: $line"; echo hi > out.txt'] };
  const harness = createHarness('command', ctx);
  t.false(harness.capabilities.toolGate);
  const events = record(t, harness);
  await harness.start();
  const start = ofType(events, 'session_start')[0]!;
  t.deepEqual(environOf(start.pid!), ctx.env);
  const { end } = await runTurn(harness, 'hello there');
  t.is(end.status, 'completed');
  t.is(end.text, 'got: hello there\n');
  t.is(readFileSync(path.join(workspace, 'out.txt'), 'utf8'), 'hi\n');
  t.deepEqual((await harness.exited).exit_code, 0);
});

test.serial('a failing CLI fails its turn; stop ends the whole process tree', async (t) => {
  const { ctx } = setup(t, 'command', {});
  ctx.spec = { ...ctx.spec, command: ['/bin/sh', '-c', 'echo started; sleep 300 & echo $! > child.pid; wait'] };
  const harness = createHarness('command', ctx);
  const events = record(t, harness);
  await harness.start();
  while (!ofType(events, 'text_delta').some((e) => e.text.includes('started'))) await new Promise((r) => setTimeout(r, 20));
  let childPid = 0;
  while (!childPid) {
    try {
      childPid = Number(readFileSync(path.join(ctx.workspace, 'child.pid'), 'utf8'));
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  await harness.stop();
  const end = ofType(events, 'turn_end')[0]!;
  t.is(end.status, 'failed');
  t.false(alive(childPid), 'the grandchild died with the session');
  t.is(ofType(events, 'session_end').length, 1);
});

/** Running (a zombie awaiting its reaper counts as dead). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
