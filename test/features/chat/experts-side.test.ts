import assert from 'node:assert/strict';
import { DEMO_EXPERTS_SIDE, resolveExpertsSide } from '../../../src/features/chat/experts-side.ts';

describe('experts side configuration', () => {
  it('defaults to the experts.yml ids in demo mode, keeping what is set', () => {
    assert.deepEqual(
      resolveExpertsSide({ tenantId: '', channelId: '', demo: true }),
      DEMO_EXPERTS_SIDE,
    );
    assert.equal(resolveExpertsSide({ tenantId: 't', channelId: '', demo: true })?.tenantId, 't');
  });

  it('is off without configuration, and names the missing variable when half configured', () => {
    assert.equal(resolveExpertsSide({ tenantId: '', channelId: '', demo: false }), undefined);
    assert.throws(
      () => resolveExpertsSide({ tenantId: 't', channelId: '', demo: false }),
      /EXPERTS_CHANNEL_ID is not set/,
    );
    assert.deepEqual(resolveExpertsSide({ tenantId: 't', channelId: 'c', demo: false }), {
      tenantId: 't',
      channelId: 'c',
      name: 'Defender Experts',
    });
  });
});
