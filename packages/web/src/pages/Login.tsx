import { useState } from 'react';
import { ApiError, login } from '../api.js';
import { useApp } from '../context.js';
import { navigate } from '../router.js';

export function LoginPage() {
  const { t, setUser } = useApp();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const u = await login(username, password);
      setUser(u);
      navigate('/worklist', true);
    } catch (err) {
      const code = err instanceof ApiError ? err.code : 'NETWORK';
      setError({ code, message: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  }

  let errorText = '';
  if (error) {
    if (error.code === 'AUTH_INVALID_CREDENTIALS') errorText = t('login.failed');
    else if (error.code === 'NETWORK') errorText = t('error.network');
    else errorText = t('error.generic', { code: error.code });
  }

  return (
    <form className="login" onSubmit={submit} data-testid="login-form">
      <h1>{t('login.title')}</h1>
      <label>
        {t('login.username')}
        <input
          name="username"
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
        />
      </label>
      <label>
        {t('login.password')}
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
      </label>
      {error && (
        <p className="error" role="alert" data-testid="login-error" data-code={error.code}>
          {errorText}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? t('login.busy') : t('login.submit')}
      </button>
    </form>
  );
}
