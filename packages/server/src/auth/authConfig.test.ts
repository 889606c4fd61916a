import { describe, expect, it } from 'vitest';
import { loadServerConfig } from '../configLoad.js';
import { isLoopbackHost, parseOidc } from './authConfig.js';
import { checkPasswordPolicy, hashPassword, verifyPassword } from './password.js';

describe('auth configuration parsing', () => {
  it('knows loopback hosts', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', 'LOCALHOST']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '10.0.0.5', '::', 'example.org', '127.0.0.1.example.org'])
      expect(isLoopbackHost(h)).toBe(false);
  });

  it('parses oidc from the environment as JSON and refuses plain-HTTP providers off loopback', () => {
    const oidc = {
      issuer: 'https://sso.example.org/realms/x/',
      clientId: 'lingshu',
      clientSecret: 's',
      redirectUri: 'https://lingshu.example.org/api/auth/oidc/callback',
    };
    const config = loadServerConfig({}, { LINGSHU_OIDC: JSON.stringify(oidc) }, '/tmp');
    expect(config.oidc).toEqual({
      ...oidc,
      issuer: 'https://sso.example.org/realms/x',
      usernameClaim: 'preferred_username',
    });
    expect(() => parseOidc({ ...oidc, issuer: 'http://sso.example.org' }, 'oidc')).toThrow(/https/);
    expect(() => parseOidc({ ...oidc, clientSecret: '' }, 'oidc')).toThrow(/clientSecret/);
    expect(() => parseOidc({ ...oidc, extra: 1 }, 'oidc')).toThrow(/unknown oidc field extra/);
    expect(() => parseOidc('{not json', 'LINGSHU_OIDC')).toThrow(/CONFIG|JSON/i);
  });

  it('parses the session and lockout settings', () => {
    const c = loadServerConfig({}, { LINGSHU_LOCKOUT_THRESHOLD: '3', LINGSHU_SESSION_IDLE_MINUTES: '15' }, '/tmp');
    expect([c.lockoutThreshold, c.sessionIdleMinutes, c.lockoutMinutes]).toEqual([3, 15, 15]);
    expect(() => loadServerConfig({}, { LINGSHU_LOCKOUT_THRESHOLD: '0' }, '/tmp')).toThrow(/LINGSHU_LOCKOUT_THRESHOLD/);
  });
});

describe('passwords', () => {
  it('hashes with scrypt, parameters in the hash, a salt per hash', async () => {
    const a = await hashPassword('Correct-Horse-42');
    const b = await hashPassword('Correct-Horse-42');
    expect(a).toMatch(/^scrypt\$N=32768,r=8,p=1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('Correct-Horse-42', a)).toBe(true);
    expect(await verifyPassword('Correct-Horse-43', a)).toBe(false);
    expect(await verifyPassword('Correct-Horse-42', 'plain')).toBe(false);
  });

  it('applies the policy: length, 3 of 4 classes, not the user name', () => {
    expect(() => checkPasswordPolicy('Ab1-short', 'u')).toThrow(/10 characters/);
    expect(() => checkPasswordPolicy('onlylowercaseletters', 'u')).toThrow(/at least 3/);
    expect(() => checkPasswordPolicy('Dr.Wang-2026', 'dr.wang-2026')).toThrow(/user name/);
    expect(() => checkPasswordPolicy('密码很长很长的Abc1', 'u')).not.toThrow();
    expect(() => checkPasswordPolicy('Correct-Horse-42', 'dr.wang')).not.toThrow();
  });
});
