// The chat relay end to end: one bot (with the Defender XDR emulator's demo data), two Agents
// Playground processes (Contoso, the customer tenant, and the experts' tenant), each driven in
// its own Chromium page. Needs the chat feature, which buildApp (src/app/build-app.ts) adds; in
// demo mode the experts' tenant and channel default to scripts/playground/experts.yml.
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { RunningPlayground } from '../../scripts/start-playground.ts';
import {
  CUSTOMER_PLAYGROUND_CONFIG,
  openPlayground,
  screenshot,
  startStack,
  type RunningBot,
} from './harness.ts';

const EXPERTS_PLAYGROUND_CONFIG = path.resolve('scripts/playground/experts.yml');
const QUESTION = 'Is it safe to reboot prod-server-01 once it is isolated?';
const ANSWER = 'Yes: reboot it after the isolation completes, then run a full scan.';

describe('e2e: chat between a customer and the experts (two Playgrounds, one bot)', function () {
  this.timeout(120_000);
  let bot: RunningBot;
  let customerPlayground: RunningPlayground;
  let expertsPlayground: RunningPlayground;
  let browser: Browser;
  let customer: Page;
  let experts: Page;

  before(async () => {
    ({
      bot,
      browser,
      playgrounds: [customerPlayground, expertsPlayground],
    } = await startStack(
      { EMULATOR: 'on', EMULATOR_DEMO_AWAITING_SECONDS: '1', POLL_INTERVAL_SECONDS: '1' },
      [CUSTOMER_PLAYGROUND_CONFIG, EXPERTS_PLAYGROUND_CONFIG],
    ));
    // The experts keep their "Customer conversations" channel open (opening it in the
    // Playground installs the bot there, as adding the app to the team does in Teams).
    experts = await openPlayground(browser, expertsPlayground);
    await experts.getByRole('treeitem', { name: /Customer conversations/ }).click();
    customer = await openPlayground(browser, customerPlayground);
  });

  after(async () => {
    await browser?.close();
    await customerPlayground?.stop();
    await expertsPlayground?.stop();
    await bot?.stop();
  });

  const paragraph = (page: Page, text: string | RegExp) =>
    page.getByRole('paragraph').filter({ hasText: text });

  it('the customer asks from the incident card and hears that the experts received it', async () => {
    const chatButton = customer.getByRole('button', { name: 'Chat with experts' }).first();
    await chatButton.waitFor({ timeout: 60_000 });
    await chatButton.click();
    await paragraph(customer, /now talking with the Defender Experts about incident/)
      .first()
      .waitFor();
    const box = customer.getByRole('textbox').first();
    await box.fill(QUESTION);
    await customer.getByRole('button', { name: 'Send Message' }).click();
    await paragraph(customer, 'Delivered to the Defender Experts')
      .first()
      .waitFor({ timeout: 30_000 });
    await screenshot(customer, 'chat-customer-asks');
  });

  it("the expert sees it in the incident's thread and replies there", async () => {
    await paragraph(experts, QUESTION).first().waitFor({ timeout: 30_000 });
    const thread = experts
      .getByRole('group')
      .filter({ hasText: 'Customer conversation about an incident' })
      .filter({ hasText: QUESTION });
    await thread.getByRole('paragraph').filter({ hasText: 'Contoso' }).first().waitFor();
    await screenshot(experts, 'chat-experts-thread');
    // Channels need the @mention; Teams puts it in the reply.
    const reply = thread.getByRole('textbox').first();
    await reply.click();
    await reply.pressSequentially('@Manag');
    await experts.getByRole('menuitem').first().click();
    await reply.pressSequentially(` ${ANSWER}`);
    await thread.getByRole('button', { name: 'Send Message' }).click();
    await thread.getByText(ANSWER).first().waitFor();
  });

  it('the customer sees the reply, attributed to the experts with the first name', async () => {
    await paragraph(customer, ANSWER).first().waitFor({ timeout: 30_000 });
    const reply = await paragraph(customer, ANSWER).first().innerText();
    assert.match(reply, /Dana \(Defender Experts\), incident \d+:/);
    await screenshot(customer, 'chat-customer-reply');
  });

  it('shows the transcript on `history` in the personal chat', async () => {
    await customer.getByRole('textbox').first().fill('history');
    await customer.getByRole('button', { name: 'Send Message' }).click();
    await paragraph(customer, /Conversation about incident/)
      .first()
      .waitFor();
    const transcript = customer.getByRole('group').last();
    assert.ok(await transcript.isVisible());
    assert.match(bot.output(), /expert reply relayed to the customer/);
  });
});
