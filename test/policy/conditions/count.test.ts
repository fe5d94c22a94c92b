import test from 'ava';
import { session } from '../helpers.js';

test('counts spawns that proceeded, including the one being decided', (t) => {
  const { session: s } = session('name: c\ncount: { max: 2 }\naction: deny');
  const spawn = () => s.evaluate({ phase: 'spawn', spawn: { agent: 'x' } }).action;
  t.is(spawn(), 'allow');
  t.is(spawn(), 'allow');
  t.is(spawn(), 'deny');
  t.is(spawn(), 'deny');
  t.is(s.snapshot().spawns, 2, 'denied spawns did not happen');
});

test('the runtime may supply the count', (t) => {
  const { session: s } = session('name: c\ncount: { max: 2 }\naction: ask');
  t.is(s.decide({ phase: 'spawn', session: { spawned: 2 } }).action, 'ask');
  t.is(s.decide({ phase: 'spawn', session: { spawned: 1 } }).action, 'allow');
});
