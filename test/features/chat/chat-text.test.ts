import assert from 'node:assert/strict';
import { prepareChatText, sanitize, stripMentions } from '../../../src/features/chat/chat-text.ts';

describe('chat text: what crosses between customers and experts', () => {
  it("removes the bot's mention and turns other mentions into plain names", () => {
    assert.equal(
      stripMentions('<at>Managed Response</at> ask <at>Megan Bowen</at> too', ['Managed Response']),
      ' ask Megan Bowen too',
    );
  });

  it('keeps basic formatting and drops other markup with its attributes', () => {
    assert.equal(
      sanitize(
        '<p onclick="x()">Isolate <b>now</b>, see <a href="https://contoso.example/x" target="_blank">this</a></p><script>alert(1)</script><font color="red">red</font>',
      ),
      '<p>Isolate <b>now</b>, see <a href="https://contoso.example/x">this</a></p>red',
    );
    assert.equal(sanitize('<a href="javascript:alert(1)">x</a>'), '<a>x</a>');
    assert.equal(
      sanitize('**bold** and _italic_ stay as markdown'),
      '**bold** and _italic_ stay as markdown',
    );
  });

  it('accepts text with the html rendition Teams attaches, refuses files, images and cards', () => {
    assert.deepEqual(prepareChatText('hi', [{ contentType: 'text/html' }]), {
      ok: true,
      text: 'hi',
    });
    assert.deepEqual(
      prepareChatText('hi', [
        { contentType: 'image/png' },
        { contentType: 'application/vnd.microsoft.card.adaptive' },
      ]),
      { ok: false, code: 'attachment', names: ['an image', 'a card'] },
    );
    assert.equal(prepareChatText('look <img src="x.png">', []).ok, false);
  });

  it('refuses a message over the limit and an empty one', () => {
    assert.deepEqual(prepareChatText('x'.repeat(4001), []), {
      ok: false,
      code: 'tooLong',
      length: 4001,
      max: 4000,
    });
    assert.equal(prepareChatText('x'.repeat(4000), []).ok, true);
    assert.deepEqual(prepareChatText(' <at>Bot</at> <br> ', [], { botNames: ['Bot'] }), {
      ok: false,
      code: 'empty',
    });
  });
});
