import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SERVER_CONFIG } from './config.js';
import { loadServerConfig } from './configLoad.js';

const tmp = mkdtempSync(join(tmpdir(), 'lingshu-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const path = join(tmp, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const invalid = (setting: string) => expect.objectContaining({ code: 'CONFIG_INVALID', details: { setting } });

describe('loadServerConfig', () => {
  it('has defaults: ./.lingshu, 127.0.0.1:8042, DIMSE 11112 as LINGSHU, demo on, CORS off', () => {
    expect(loadServerConfig({}, {}, '/srv/w')).toEqual({ ...DEFAULT_SERVER_CONFIG, dataDir: '/srv/w/.lingshu' });
  });

  it('takes flags over environment over the config file', () => {
    const cfg = file('a.json', {
      httpPort: 9000,
      dicomPort: 'off',
      aeTitle: 'FILEAE',
      dataDir: 'data',
      corsOrigins: ['https://viewer.example.org/'],
      remoteAes: [{ aeTitle: 'PACS', host: 'pacs.local', port: 104 }],
      stableAfterMs: 500,
      logLevel: 'warn',
    });
    const fromFile = loadServerConfig({ config: cfg }, {}, '/w');
    expect(fromFile).toMatchObject({
      httpPort: 9000,
      dicomPort: null,
      aeTitle: 'FILEAE',
      dataDir: join(tmp, 'data'),
      corsOrigins: ['https://viewer.example.org'],
      remoteAes: [{ aeTitle: 'PACS', host: 'pacs.local', port: 104 }],
      stableAfterMs: 500,
      logLevel: 'warn',
    });
    const env = {
      LINGSHU_CONFIG: cfg,
      LINGSHU_HTTP_PORT: '9100',
      LINGSHU_AE_TITLE: 'ENVAE',
      LINGSHU_REMOTE_AES: 'A@h1:11112,B@h2:104',
      LINGSHU_DEMO: 'false',
      DATABASE_URL: 'postgres://u@h/db',
    };
    expect(loadServerConfig({}, env, '/w')).toMatchObject({
      httpPort: 9100,
      aeTitle: 'ENVAE',
      demo: false,
      databaseUrl: 'postgres://u@h/db',
      remoteAes: [
        { aeTitle: 'A', host: 'h1', port: 11112 },
        { aeTitle: 'B', host: 'h2', port: 104 },
      ],
    });
    expect(
      loadServerConfig({ httpPort: '0', dicomPort: '0', aeTitle: 'FLAG', data: 'rel', demo: false }, env, '/w'),
    ).toMatchObject({ httpPort: 0, dicomPort: 0, aeTitle: 'FLAG', dataDir: '/w/rel', demo: false });
  });

  it('fails fast with CONFIG_INVALID naming the setting', () => {
    expect(() => loadServerConfig({ httpPort: '70000' }, {}, '/w')).toThrow(invalid('--http-port'));
    expect(() => loadServerConfig({ aeTitle: 'A_VERY_LONG_AE_TITLE' }, {}, '/w')).toThrow(invalid('--ae-title'));
    expect(() => loadServerConfig({ aeTitle: 'BAD\\AE' }, {}, '/w')).toThrow(invalid('--ae-title'));
    expect(() => loadServerConfig({ dicomPort: 'x' }, {}, '/w')).toThrow(invalid('--dicom-port'));
    expect(() => loadServerConfig({ data: ' ' }, {}, '/w')).toThrow(invalid('--data'));
    expect(() => loadServerConfig({}, { LINGSHU_CORS_ORIGINS: 'not an origin' }, '/w')).toThrow(
      invalid('LINGSHU_CORS_ORIGINS'),
    );
    expect(() => loadServerConfig({}, { LINGSHU_REMOTE_AES: 'PACS@host' }, '/w')).toThrow(
      invalid('LINGSHU_REMOTE_AES'),
    );
    expect(() => loadServerConfig({}, { LINGSHU_ALLOWED_CALLING_AES: 'OK,' + 'X'.repeat(17) }, '/w')).toThrow(
      invalid('LINGSHU_ALLOWED_CALLING_AES'),
    );
    expect(() => loadServerConfig({}, { LINGSHU_LOG_LEVEL: 'loud' }, '/w')).toThrow(invalid('LINGSHU_LOG_LEVEL'));
    expect(() => loadServerConfig({}, { LINGSHU_STABLE_AFTER_MS: '-5' }, '/w')).toThrow(
      invalid('LINGSHU_STABLE_AFTER_MS'),
    );
    expect(() => loadServerConfig({}, { DATABASE_URL: 'mysql://x' }, '/w')).toThrow(invalid('DATABASE_URL'));
    expect(() =>
      loadServerConfig({}, { LINGSHU_MAX_UPLOAD_BYTES: '10', LINGSHU_MAX_INSTANCE_BYTES: '20' }, '/w'),
    ).toThrow(invalid('maxInstanceBytes'));
    expect(() => loadServerConfig({ httpPort: '5000', dicomPort: '5000' }, {}, '/w')).toThrow(invalid('dicomPort'));
  });

  it('rejects unreadable, malformed and unknown-key config files', () => {
    expect(() => loadServerConfig({ config: join(tmp, 'missing.json') }, {}, '/w')).toThrow(invalid('--config'));
    expect(() => loadServerConfig({ config: file('bad.json', '{') }, {}, '/w')).toThrow(invalid('--config'));
    expect(() => loadServerConfig({}, { LINGSHU_CONFIG: file('arr.json', []) }, '/w')).toThrow(
      invalid('LINGSHU_CONFIG'),
    );
    expect(() => loadServerConfig({ config: file('unk.json', { httpPrt: 1 }) }, {}, '/w')).toThrow(
      invalid('httpPrt (config file)'),
    );
    expect(() =>
      loadServerConfig(
        { config: file('ae.json', { remoteAes: [{ aeTitle: 'X', host: 'h', port: 99999 }] }) },
        {},
        '/w',
      ),
    ).toThrow(invalid('remoteAes (config file)'));
  });
});
