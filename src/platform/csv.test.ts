import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvField, toCsv } from './csv.ts';

describe('toCsv (RFC 4180)', () => {
  it('quotes only fields that need it and doubles quotes', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField(''), '');
  });

  it('ends every record with CRLF', () => {
    assert.equal(
      toCsv([
        ['a', 'b'],
        ['1', '2,3'],
      ]),
      'a,b\r\n1,"2,3"\r\n',
    );
  });

  it('stops spreadsheets running cells as formulas, unless told not to', () => {
    assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvField('+1'), "'+1");
    assert.equal(csvField('-1', { neutraliseFormulas: false }), '-1');
  });
});
