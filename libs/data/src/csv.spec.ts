import { CsvParser, CsvTokenizer, fieldText, parseCsv } from './csv';

describe('CSV parsing', () => {
  it('reads quoted fields with embedded commas, doubled quotes and newlines', () => {
    const records = parseCsv('id,desc\n1,"a, ""big"" box"\n2,"two\nlines"\n3,plain\n');
    expect(records.map((r) => r.fields)).toEqual([
      ['id', 'desc'],
      ['1', 'a, "big" box'],
      ['2', 'two\nlines'],
      ['3', 'plain'],
    ]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 5]);
  });

  it('handles CRLF endings, a byte order mark and a missing final newline', () => {
    expect(parseCsv('\ufeffa,b\r\n1,2\r\n3,4').map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('gives the same records when every chunk is read into the same buffer (it keeps no chunk between pushes)', () => {
    const text = Buffer.from('\ufeffa,b\r\n"x,""y""",2\r\n"p\r\nq",3\nlast,"é"\r\n\r\n4,5');
    const whole = parseCsv(text).map((r) => r.fields);
    for (const size of [1, 2, 3, 5, 8]) {
      const tokenizer = new CsvTokenizer(',');
      const buffer = Buffer.alloc(size);
      const records: string[][] = [];
      const take = (batch: ReturnType<CsvTokenizer['push']>) => {
        for (let r = 0; r < batch.count; r++) {
          const fields: string[] = [];
          for (let f = batch.fieldIndex[r]; f < batch.fieldIndex[r + 1]; f++) fields.push(fieldText(batch, f));
          records.push(fields);
        }
      };
      for (let at = 0; at < text.length; at += size) {
        const n = text.copy(buffer, 0, at, at + size);
        take(tokenizer.push(buffer.subarray(0, n)));
        buffer.fill(0x3f); // the caller fills its buffer again: what the tokenizer still needs must be its own copy
      }
      take(tokenizer.end());
      expect(records).toEqual(whole);
    }
  });

  it('gives the same records whatever the chunk boundaries', () => {
    const text = 'a,b\r\n"x,""y""",2\r\n"p\r\nq",3\n';
    const whole = parseCsv(text);
    const parser = new CsvParser();
    const pieces = [...text].flatMap((c) => parser.push(c));
    expect([...pieces, ...parser.end()]).toEqual(whole);
  });

  it('skips blank lines but keeps counting them', () => {
    expect(parseCsv('a\n\n1\n').map((r) => [r.line, r.fields[0]])).toEqual([
      [1, 'a'],
      [3, '1'],
    ]);
  });

  it('names the line of a quote that is never closed', () => {
    expect(() => parseCsv('a,b\n1,"oops\n2,3\n')).toThrow('line 2: a quoted field is never closed');
  });

  it('splits whitespace-separated lines on runs of spaces and tabs', () => {
    expect(
      parseCsv(' 00001 19970101  1   11.77\r\n\r\n\t00002\t19970112 1 12.00', 'whitespace').map((r) => [
        r.line,
        ...r.fields,
      ]),
    ).toEqual([
      [1, '00001', '19970101', '1', '11.77'],
      [3, '00002', '19970112', '1', '12.00'],
    ]);
  });

  it('keeps a multi-byte character split across chunks', () => {
    const bytes = Buffer.from('a,b\n£5,x\n');
    const parser = new CsvParser();
    const out = [...parser.push(bytes.subarray(0, 5)), ...parser.push(bytes.subarray(5)), ...parser.end()];
    expect(out.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['£5', 'x'],
    ]);
  });

  it('gives field offsets without the quotes and flags doubled quotes', () => {
    const batch = new CsvTokenizer(',').end(Buffer.from('x,"a,b","say ""hi"""\n'));
    expect(batch.count).toBe(1);
    expect([0, 1, 2].map((f) => [fieldText(batch, f), batch.quoting[f]])).toEqual([
      ['x', 0],
      ['a,b', 1],
      ['say "hi"', 2],
    ]);
  });
});
