// Writing parameters as literals (write-behind.ts): exactly the text pg would send for each, quoted; or null
// where the scanner cannot be sure what it is rewriting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inlineParameters } from './write-behind.ts';

test('each $n becomes its value as a quoted literal, in any order and used more than once', () => {
  assert.equal(
    inlineParameters('insert into t (a, b) values ($2, $1) returning $2', ['x', 7]),
    "insert into t (a, b) values ('7', 'x') returning '7'",
  );
});

test('$10 is the tenth parameter, not the first followed by a zero', () => {
  const values = Array.from({ length: 10 }, (_, i) => `v${i + 1}`);
  assert.equal(inlineParameters('select $10, $1', values), "select 'v10', 'v1'");
});

test('quotes are doubled and backslashes written as an escape string, as pg escapes them', () => {
  assert.equal(inlineParameters('select $1', ["O'Brien"]), "select 'O''Brien'");
  assert.equal(inlineParameters('select $1', ['a\\b']), "select  E'a\\\\b'");
  // An attempt to end the literal early stays inside it.
  assert.equal(inlineParameters('select $1', ["'); drop table t; --"]), "select '''); drop table t; --'");
});

test('null and undefined become null; dates, booleans, arrays and objects take pg’s text for them', () => {
  assert.equal(inlineParameters('select $1, $2', [null, undefined]), 'select null, null');
  assert.equal(inlineParameters('select $1', [true]), "select 'true'");
  assert.equal(inlineParameters('select $1', [['a', 'b c']]), `select '{"a","b c"}'`);
  // pg escapes a quote inside an array element with a backslash, so the literal is an escape string.
  assert.equal(inlineParameters('select $1', [['b"c']]), `select  E'{"b\\\\"c"}'`);
  assert.equal(inlineParameters('select $1::jsonb', [{ n: 1, s: "it's" }]), `select '{"n":1,"s":"it''s"}'::jsonb`);
  const at = new Date('2026-12-06T10:00:00.000Z');
  const written = inlineParameters('select $1', [at]);
  assert.match(written ?? '', /^select '2026-12-06T\d\d:00:00\.000[+-]\d\d:\d\d'$/);
});

test('text already quoted in the statement is copied as it is, $ signs and all', () => {
  assert.equal(
    inlineParameters(`select '$1', "$2" from t where a = $1`, ['x']),
    `select '$1', "$2" from t where a = 'x'`,
  );
});

test('what the scanner does not follow is left to run with parameters (null)', () => {
  assert.equal(inlineParameters('select $2', ['only one']), null, 'a parameter that was not given');
  assert.equal(inlineParameters('select $0', ['x']), null, 'there is no $0');
  assert.equal(inlineParameters('select $1', [Buffer.from('binary')]), null, 'binary values');
  assert.equal(inlineParameters("select E'it\\'s', $1", ['x']), null, 'escape strings');
  assert.equal(inlineParameters('select $$ a $$, $1', ['x']), null, 'dollar quoting');
  assert.equal(inlineParameters('select 1 -- $1\n', ['x']), null, 'line comments');
  assert.equal(inlineParameters('select /* $1 */ 1', ['x']), null, 'block comments');
  assert.equal(inlineParameters("select 'unterminated", []), null, 'an unterminated string');
});

test('a type name ending in e before a string is not an escape string', () => {
  assert.equal(inlineParameters("select date'2026-12-06', $1", ['y']), "select date'2026-12-06', 'y'");
});
