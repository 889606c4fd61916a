import { describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_PORT, loadConfig } from './config.js';
import { langFromEnv } from './i18n.js';

describe('loadConfig', () => {
  it('defaults to ./.lingshu under the working directory, port 8042, 127.0.0.1, embedded index', () => {
    const c = loadConfig({}, { LANG: 'en_GB.UTF-8' }, '/srv/work');
    expect(c).toEqual({ dataDir: '/srv/work/.lingshu', httpPort: DEFAULT_HTTP_PORT, host: '127.0.0.1', lang: 'en' });
  });

  it('lets the command line override the environment', () => {
    const env = { LINGSHU_DATA_DIR: '/env/data', LINGSHU_HTTP_PORT: '9000', DATABASE_URL: 'postgres://u@h/db' };
    expect(loadConfig({}, env, '/w')).toMatchObject({
      dataDir: '/env/data',
      httpPort: 9000,
      databaseUrl: env.DATABASE_URL,
    });
    expect(loadConfig({ data: 'rel', httpPort: '0', host: '0.0.0.0' }, env, '/w')).toMatchObject({
      dataDir: '/w/rel',
      httpPort: 0,
      host: '0.0.0.0',
    });
  });

  it('throws CONFIG_INVALID naming the bad setting', () => {
    expect(() => loadConfig({ httpPort: '70000' }, {}, '/w')).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    expect(() => loadConfig({ lang: 'fr' }, {}, '/w')).toThrow(/--lang/);
    expect(() => loadConfig({ data: ' ' }, {}, '/w')).toThrow(/data directory/);
    expect(() => loadConfig({}, { DATABASE_URL: 'not a url' }, '/w')).toThrow(/DATABASE_URL/);
  });

  it('picks zh-CN from a Chinese locale', () => {
    expect(langFromEnv({ LANG: 'zh_CN.UTF-8' })).toBe('zh-CN');
    expect(langFromEnv({ LANG: 'C.UTF-8' })).toBe('en');
    expect(loadConfig({ lang: 'en' }, { LANG: 'zh_CN.UTF-8' }, '/w').lang).toBe('en');
  });
});
