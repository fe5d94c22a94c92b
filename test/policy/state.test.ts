import test from 'ava';
import { SessionState } from '../../src/policy/state.js';

test('snapshots round-trip through JSON', (t) => {
  const s = new SessionState();
  s.setFlag('a', true);
  s.setFlag('b', 'x');
  s.markSeen('r:after');
  s.markSeen('r:after');
  s.setBucket('r:every', 3);
  s.pushRate('r:rate', 10, 1000);
  s.addSpawn();
  s.addCreated('/w/x');
  const snap = JSON.parse(JSON.stringify(s.snapshot()));
  t.deepEqual(snap, { flags: { a: true, b: 'x' }, after: { 'r:after': 2 }, every: { 'r:every': 3 }, rate: { 'r:rate': [10] }, spawns: 1, created: ['/w/x'] });
  t.deepEqual(SessionState.from(snap).snapshot(), snap);
});

test('buckets only move up; rate windows drop old entries', (t) => {
  const s = new SessionState();
  s.setBucket('k', 3);
  s.setBucket('k', 1);
  t.is(s.bucket('k'), 3);
  for (let ts = 0; ts < 10; ts++) s.pushRate('r', ts * 100, 250);
  t.is(s.rateCount('r', 650), 3);
  t.deepEqual(s.snapshot().rate, { r: [700, 800, 900] });
});

test('`after: true` is accepted as one sighting', (t) => {
  t.is(SessionState.from({ after: { 'x:after': true } }).seen('x:after'), 1);
});

test('bad snapshots name the bad field', (t) => {
  t.throws(() => SessionState.from([]), { message: 'state: expected an object' });
  t.throws(() => SessionState.from({ flag: {} }), { message: /unknown key `flag`/ });
  t.throws(() => SessionState.from({ flags: { a: [1] } }), { message: 'state.flags.a: expected a string, number or boolean' });
  t.throws(() => SessionState.from({ spawns: -1 }), { message: /state.spawns/ });
  t.throws(() => SessionState.from({ rate: { r: ['x'] } }), { message: /state.rate.r/ });
});
