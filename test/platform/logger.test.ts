import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger, readableDestination, wantsReadableLogs } from '../../src/platform/logger.ts';

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

describe('logger', () => {
  it('writes readable lines only to a terminal outside production', () => {
    assert.equal(wantsReadableLogs({ isTTY: true }, 'development'), true);
    assert.equal(wantsReadableLogs({ isTTY: true }, undefined), true);
    assert.equal(wantsReadableLogs({ isTTY: true }, 'production'), false);
    assert.equal(wantsReadableLogs({ isTTY: false }, 'development'), false);
    assert.equal(wantsReadableLogs({}, 'development'), false);
  });

  it('writes JSON lines by default, with secrets redacted', () => {
    const out = capture();
    createLogger({}, out.stream).info({ command: 'help', password: 'hunter2' }, 'command');
    const line = JSON.parse(out.text()) as Record<string, unknown>;
    assert.equal(line.msg, 'command');
    assert.equal(line.command, 'help');
    assert.equal(line.password, '[redacted]');
  });

  it('prints a readable line on a terminal, still redacted', async () => {
    const out = capture();
    const logger = createLogger({}, await readableDestination(out.stream, { colorize: false }));
    logger
      .child({ component: 'delivery' })
      .warn({ password: 'hunter2' }, 'delivery will be retried');
    const text = out.text();
    assert.match(text, /^\[\d{2}:\d{2}:\d{2}\.\d{3}\] WARN: \(delivery\) delivery will be retried/);
    assert.match(text, /"password":"\[redacted\]"/);
    assert.doesNotMatch(text, /hunter2/);
    assert.doesNotMatch(text, /^\{/);
  });
});
