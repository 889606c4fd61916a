import { useEffect, useState } from 'react';
import { ApiError, logout, me } from './api.js';
import { useApp } from './context.js';
import { LoginPage } from './pages/Login.js';
import { ViewerPage } from './pages/Viewer.js';
import { WorklistPage } from './pages/Worklist.js';
import { navigate, usePath } from './router.js';

function Header() {
  const { t, lang, setLang, user, setUser } = useApp();
  const name = user?.user?.displayName || user?.user?.username || '';
  return (
    <header className="app-header">
      <span className="brand">
        {t('app.title')} <small>{t('app.subtitle')}</small>
      </span>
      {user && (
        <button type="button" className="link" onClick={() => navigate('/worklist')}>
          {t('header.worklist')}
        </button>
      )}
      <span className="spacer" />
      {user && (
        <span className="current-user" data-testid="current-user">
          {name} · {user.role}
        </span>
      )}
      <button
        type="button"
        data-testid="lang-switch"
        onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}
        title="语言 / Language"
      >
        {t('lang.switch')}
      </button>
      {user && (
        <button
          type="button"
          data-testid="logout"
          onClick={async () => {
            await logout().catch(() => undefined);
            setUser(null);
            navigate('/login', true);
          }}
        >
          {t('header.logout')}
        </button>
      )}
    </header>
  );
}

export function App() {
  const { user, setUser, lang } = useApp();
  const path = usePath();
  const [checked, setChecked] = useState(false);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  useEffect(() => {
    me()
      .then((u) => setUser(u))
      .catch((e: unknown) => {
        if (!(e instanceof ApiError) || e.status !== 401) console.warn('me failed', e);
      })
      .finally(() => setChecked(true));
  }, [setUser]);

  useEffect(() => {
    if (!checked) return;
    if (!user && path !== '/login') navigate('/login', true);
    else if (user && (path === '/login' || path === '/')) navigate('/worklist', true);
  }, [checked, user, path]);

  let page: React.ReactNode = null;
  if (checked) {
    if (!user || path === '/login') page = <LoginPage />;
    else if (path.startsWith('/viewer/'))
      page = <ViewerPage studyUid={decodeURIComponent(path.slice('/viewer/'.length))} />;
    else page = <WorklistPage />;
  }
  return (
    <div className="app">
      <Header />
      <main>{page}</main>
    </div>
  );
}
