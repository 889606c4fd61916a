import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { multipartContentType, multipartStream, newBoundary } from './multipartWriter.js';

describe('multipartStream', () => {
  it('writes RFC 2046 delimiters around byte and streamed parts', async () => {
    const body = await text(
      multipartStream(
        [
          { contentType: 'application/dicom', body: new TextEncoder().encode('one') },
          {
            contentType: 'image/png',
            headers: { 'Content-Location': '/x' },
            body: Readable.from([Buffer.from('tw'), Buffer.from('o')]),
          },
        ],
        'b1',
      ),
    );
    expect(body).toBe(
      '--b1\r\nContent-Type: application/dicom\r\n\r\none\r\n--b1\r\nContent-Type: image/png\r\nContent-Location: /x\r\n\r\ntwo\r\n--b1--\r\n',
    );
  });

  it('closes an empty body and refuses header injection', async () => {
    expect(await text(multipartStream([], 'b2'))).toBe('--b2--\r\n');
    const bad = multipartStream(
      [{ contentType: 'a/b', headers: { X: 'y\r\nEvil: 1' }, body: new Uint8Array(0) }],
      'b3',
    );
    await expect(text(bad)).rejects.toThrow(/line break/);
  });

  it('names the root type and a fresh boundary', () => {
    const b = newBoundary();
    expect(b).not.toBe(newBoundary());
    expect(multipartContentType('application/dicom', b)).toBe(
      `multipart/related; type="application/dicom"; boundary=${b}`,
    );
  });
});
