import assert from 'node:assert/strict';
import {
  addressesOf,
  decodeEncodedWords,
  decodeMimeBase64,
  MimeError,
  parseMime,
} from '../../src/emulator/mime-message.ts';

describe('emulator: MIME messages for sendMail', () => {
  it('decodes base64 with line breaks and rejects what is not base64', () => {
    const text = 'From: a@b.example\r\n\r\nhello';
    const wrapped = Buffer.from(text)
      .toString('base64')
      .replace(/(.{8})/g, '$1\r\n');
    assert.equal(decodeMimeBase64(wrapped), text);
    for (const bad of ['', 'not base64!', 'abcde', '====']) {
      assert.equal(decodeMimeBase64(bad), null, bad);
    }
  });

  it('reads addresses and encoded words', () => {
    assert.deepEqual(
      addressesOf('"Fernandez, Patti" <pattif@contoso.example>, isaiahl@contoso.example'),
      ['pattif@contoso.example', 'isaiahl@contoso.example'],
    );
    assert.deepEqual(addressesOf(undefined), []);
    assert.equal(decodeEncodedWords('=?utf-8?Q?Caf=C3=A9_au_lait?='), 'Café au lait');
    assert.equal(decodeEncodedWords('=?UTF-8?B?4pyU?= =?UTF-8?B?IGRvbmU=?='), '✔ done');
    assert.equal(decodeEncodedWords('plain'), 'plain');
  });

  it('finds the text and HTML parts of nested multiparts, skipping attachments', () => {
    const message = [
      'To: a@b.example',
      'Cc: c@d.example',
      'Subject: Nested',
      'Content-Type: multipart/mixed; boundary=outer',
      '',
      '--outer',
      'Content-Type: multipart/alternative; boundary="inner"',
      '',
      '--inner',
      'Content-Type: text/plain; charset="iso-8859-1"',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'caf=E9 =',
      'soft break',
      '--inner',
      'Content-Type: text/html',
      '',
      '<p>hi</p>',
      '--inner--',
      '--outer',
      'Content-Type: text/plain',
      'Content-Disposition: attachment; filename="notes.txt"',
      '',
      'attached, not the body',
      '--outer--',
    ].join('\n');
    const parsed = parseMime(message);
    assert.equal(parsed.textBody, 'café soft break');
    assert.equal(parsed.htmlBody, '<p>hi</p>');
    assert.deepEqual(
      [parsed.to, parsed.cc, parsed.subject],
      [['a@b.example'], ['c@d.example'], 'Nested'],
    );
  });

  it('takes a single-part message as its body and refuses one without headers or boundary', () => {
    const single = parseMime('To: a@b.example\r\nContent-Type: text/html\r\n\r\n<b>x</b>');
    assert.equal(single.htmlBody, '<b>x</b>');
    assert.equal(single.textBody, null);
    assert.throws(() => parseMime('\r\n\r\njust a body'), MimeError);
    assert.throws(
      () => parseMime('To: a@b.example\nContent-Type: multipart/mixed\n\nx'),
      MimeError,
    );
  });
});
