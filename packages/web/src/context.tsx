import { createContext, useCallback, useContext, useMemo, useState } from 'react';
import type { Me } from './api.js';
import { isLang, type Lang, type MessageKey, translate } from './i18n.js';

export interface AppState {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  user: Me | null;
  setUser: (user: Me | null) => void;
}

const Ctx = createContext<AppState | null>(null);
const LANG_KEY = 'lingshu.lang';

function initialLang(): Lang {
  const stored = localStorage.getItem(LANG_KEY);
  return isLang(stored) ? stored : 'zh-CN';
}

export function AppProvider({ children }: { children: React.ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const [user, setUser] = useState<Me | null>(null);
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem(LANG_KEY, l);
    document.documentElement.lang = l;
    setLangState(l);
  }, []);
  const value = useMemo<AppState>(
    () => ({ lang, setLang, t: (key, vars) => translate(lang, key, vars), user, setUser }),
    [lang, setLang, user],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useApp(): AppState {
  const v = useContext(Ctx);
  if (!v) throw new Error('useApp outside AppProvider');
  return v;
}
