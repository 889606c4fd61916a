import { isLingshuError } from '@lingshu/dicom';
import { describe, expect, it } from 'vitest';
import { loadServerConfig } from '../configLoad.js';

const load = (env: Record<string, string>) => loadServerConfig({}, env, '/tmp');

function settingOf(env: Record<string, string>): string {
  try {
    load(env);
  } catch (e) {
    if (isLingshuError(e, 'CONFIG_INVALID')) return String(e.details.setting);
    throw e;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('AI job settings', () => {
  it('defaults: one in-process worker, 900 s timeout, 30 s first retry delay, no forwarding', () => {
    const c = load({});
    expect(c).toMatchObject({ aiWorkers: 1, aiJobTimeoutSeconds: 900, aiRetryDelaySeconds: 30 });
    expect(c.aiForwardTo).toBeUndefined();
  });

  it('reads the environment', () => {
    const c = load({
      LINGSHU_AI_WORKERS: '0',
      LINGSHU_AI_JOB_TIMEOUT_SECONDS: '120',
      LINGSHU_AI_RETRY_DELAY_SECONDS: '0',
      LINGSHU_REMOTE_AES: 'PACS@10.0.0.5:104',
      LINGSHU_AI_FORWARD_TO: 'PACS',
    });
    expect(c).toMatchObject({ aiWorkers: 0, aiJobTimeoutSeconds: 120, aiRetryDelaySeconds: 0, aiForwardTo: 'PACS' });
  });

  it('refuses bad values naming the setting', () => {
    expect(settingOf({ LINGSHU_AI_WORKERS: '-1' })).toBe('LINGSHU_AI_WORKERS');
    expect(settingOf({ LINGSHU_AI_WORKERS: '65' })).toBe('LINGSHU_AI_WORKERS');
    expect(settingOf({ LINGSHU_AI_JOB_TIMEOUT_SECONDS: '0' })).toBe('LINGSHU_AI_JOB_TIMEOUT_SECONDS');
    // The forwarding target must be one of the configured remote AEs.
    expect(settingOf({ LINGSHU_AI_FORWARD_TO: 'NOWHERE' })).toBe('aiForwardTo');
  });
});
