import test from 'ava';
import { detectMultiplexer, notification, noticeForState, osc777, osc9, passthrough, sanitize } from '../../src/tui/notify.js';

test('OSC 9 and OSC 777 name the pane and the reason', (t) => {
  const n = { pane: 'coder-a', reason: 'ask' as const, detail: 'git push origin main' };
  t.is(osc9(n), '\x1b]9;coder-a is asking: needs your approval: git push origin main\x07');
  t.is(osc777(n), '\x1b]777;notify;coder-a is asking;needs your approval: git push origin main\x07');
  t.is(osc9({ pane: 'polly', reason: 'done' }), '\x1b]9;polly finished: session finished\x07');
  t.is(osc777({ pane: 'debby', reason: 'failed', detail: 'exit 2' }), '\x1b]777;notify;debby failed;session failed: exit 2\x07');
});

test('bell first, then both OSCs; each can be turned off', (t) => {
  const n = { pane: 'p', reason: 'done' as const };
  t.is(notification(n), `\x07${osc9(n)}${osc777(n)}`);
  t.is(notification(n, { bell: false, osc777: false }), osc9(n));
});

test('agent text cannot inject escape sequences or OSC 777 fields', (t) => {
  const evil = sanitize('rm -rf /\x07\x1b]52;c;AAAA\x1b\\; echo\u009b');
  t.false(/[\x00-\x1f\x7f-\x9f;]/.test(evil));
  t.is(sanitize('x'.repeat(300)).length, 200);
  const seq = osc777({ pane: 'a;b', reason: 'ask', detail: 'c\x07d' });
  t.is(seq.split(';').length, 4, 'exactly the OSC 777 fields');
  t.is(seq.indexOf('\x07'), seq.length - 1);
});

test('tmux and screen passthrough', (t) => {
  t.is(passthrough('\x1b]9;hi\x07', 'tmux'), '\x1bPtmux;\x1b\x1b]9;hi\x07\x1b\\');
  t.is(passthrough('\x1b]9;hi\x07', 'screen'), '\x1bP\x1b]9;hi\x07\x1b\\');
  t.is(passthrough('x', null), 'x');
  t.is(detectMultiplexer({ TMUX: '/tmp/tmux-1/default,1,0' }), 'tmux');
  t.is(detectMultiplexer({ TERM: 'xterm' }), null);
});

test('which state changes notify', (t) => {
  t.deepEqual(noticeForState('a', 'working', 'asking', 'git push'), { pane: 'a', reason: 'ask', detail: 'git push' });
  t.deepEqual(noticeForState('a', 'working', 'done'), { pane: 'a', reason: 'done' });
  t.deepEqual(noticeForState('a', 'working', 'failed'), { pane: 'a', reason: 'failed' });
  t.is(noticeForState('a', 'starting', 'working'), null);
  t.is(noticeForState('a', 'done', 'done'), null);
});
