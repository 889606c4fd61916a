import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../api.js';
import { useApp } from '../context.js';

type SectionKey = 'method' | 'findings' | 'impression';
const SECTIONS: readonly SectionKey[] = ['method', 'findings', 'impression'];

interface QcIssue {
  code: string;
  severity: 'block' | 'warn';
  section?: string;
  reason: { 'zh-CN': string; en: string };
}

interface StoredReport {
  status: string;
  version: number;
  signedAt: string | null;
  signer: { id: string; name: string } | null;
  report: {
    sections: Partial<Record<SectionKey, string>>;
    recommendation?: string;
    addenda?: { text: string; at?: string }[];
  };
}

interface Version {
  number: number;
  kind: string;
  at: string;
}

/** The study's structured report: create, edit with autosave, QC, sign with re-authentication, addenda. */
export function ReportPanel({ studyUid }: { studyUid: string }) {
  const { t, lang, user } = useApp();
  const base = `/api/studies/${encodeURIComponent(studyUid)}/report`;
  const [report, setReport] = useState<StoredReport | null | undefined>(undefined);
  const [text, setText] = useState<Record<SectionKey | 'recommendation', string>>({
    method: '',
    findings: '',
    impression: '',
    recommendation: '',
  });
  const [saveState, setSaveState] = useState<'idle' | 'saving' | 'saved' | 'conflict' | 'error'>('idle');
  const [issues, setIssues] = useState<QcIssue[] | null>(null);
  const [signing, setSigning] = useState(false);
  const [password, setPassword] = useState('');
  const [override, setOverride] = useState('');
  const [needOverride, setNeedOverride] = useState(false);
  const [addendum, setAddendum] = useState('');
  const [versions, setVersions] = useState<Version[]>([]);
  const [error, setError] = useState<string | null>(null);
  const dirty = useRef(false);
  const versionRef = useRef(0);
  const canWrite = user?.permissions.includes('report:write') ?? false;
  const canSign = user?.permissions.includes('report:sign') ?? false;

  const show = useCallback((r: StoredReport) => {
    setReport(r);
    versionRef.current = r.version;
    setText({
      method: r.report.sections.method ?? '',
      findings: r.report.sections.findings ?? '',
      impression: r.report.sections.impression ?? '',
      recommendation: r.report.recommendation ?? '',
    });
  }, []);

  const loadVersions = useCallback(async () => {
    try {
      const body = await api<{ versions: Version[] }>(`${base}/versions`);
      setVersions(body.versions);
    } catch {
      setVersions([]);
    }
  }, [base]);

  const load = useCallback(async () => {
    try {
      show(await api<StoredReport>(base));
      void loadVersions();
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) setReport(null);
      else setError(t('report.failed', { code: e instanceof ApiError ? e.code : String(e) }));
    }
  }, [base, show, loadVersions, t]);

  useEffect(() => {
    void load();
  }, [load]);

  const fail = (e: unknown) => setError(t('report.failed', { code: e instanceof ApiError ? e.code : String(e) }));

  const create = async () => {
    try {
      show(await api<StoredReport>(base, { method: 'POST', body: JSON.stringify({ language: lang }) }));
      void loadVersions();
    } catch (e) {
      fail(e);
    }
  };

  const save = useCallback(async () => {
    if (!dirty.current) return;
    dirty.current = false;
    setSaveState('saving');
    try {
      const r = await api<StoredReport>(`${base}/draft`, {
        method: 'PUT',
        body: JSON.stringify({
          version: versionRef.current,
          sections: { method: text.method, findings: text.findings, impression: text.impression },
          recommendation: text.recommendation,
        }),
      });
      versionRef.current = r.version;
      setReport(r);
      setSaveState('saved');
    } catch (e) {
      setSaveState(e instanceof ApiError && e.code === 'REPORT_VERSION_CONFLICT' ? 'conflict' : 'error');
    }
  }, [base, text]);

  // Autosave one second after the last keystroke.
  useEffect(() => {
    if (!dirty.current) return;
    const timer = setTimeout(() => void save(), 1000);
    return () => clearTimeout(timer);
  }, [save]);

  const edit = (k: SectionKey | 'recommendation', v: string) => {
    dirty.current = true;
    setSaveState('idle');
    setText((old) => ({ ...old, [k]: v }));
  };

  const runQc = async () => {
    await save();
    try {
      const qc = await api<{ passed: boolean; issues: QcIssue[] }>(`${base}/qc`, { method: 'POST' });
      setIssues(qc.issues);
    } catch (e) {
      fail(e);
    }
  };

  const sign = async () => {
    setError(null);
    await save();
    try {
      await api('/api/auth/reauth', { method: 'POST', body: JSON.stringify({ password }) });
    } catch (e) {
      setError(t('report.reauthFailed', { code: e instanceof ApiError ? e.code : String(e) }));
      return;
    }
    try {
      const r = await api<StoredReport>(`${base}/sign`, {
        method: 'POST',
        body: JSON.stringify(override ? { overrideReason: override } : {}),
      });
      show(r);
      setSigning(false);
      setPassword('');
      void loadVersions();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'REPORT_QC_BLOCKED') {
        setNeedOverride(true);
        void runQc();
      }
      fail(e);
    }
  };

  const addAddendum = async () => {
    try {
      show(await api<StoredReport>(`${base}/addenda`, { method: 'POST', body: JSON.stringify({ text: addendum }) }));
      setAddendum('');
      void loadVersions();
    } catch (e) {
      fail(e);
    }
  };

  const signed = report?.status === 'signed' || Boolean(report?.signedAt);
  const readOnly = signed || !canWrite;
  return (
    <aside className="report-panel" data-testid="report-panel">
      <h2>{t('report.title')}</h2>
      {error && <p className="error">{error}</p>}
      {report === null &&
        (canWrite ? (
          <button type="button" onClick={() => void create()}>
            {t('report.create')}
          </button>
        ) : (
          <p className="muted">{t('report.none')}</p>
        ))}
      {report && (
        <>
          <p className="report-status" data-testid="report-status">
            {signed
              ? t('report.signedBy', {
                  name: report.signer?.name ?? '',
                  at: report.signedAt ? new Date(report.signedAt).toLocaleString(lang) : '',
                })
              : t('report.draft', { version: report.version })}
            {!signed && saveState === 'saved' && <span className="muted"> · {t('report.saved')}</span>}
            {!signed && saveState === 'saving' && <span className="muted"> · {t('report.saving')}</span>}
            {saveState === 'conflict' && <span className="error"> · {t('report.conflict')}</span>}
            {saveState === 'error' && <span className="error"> · {t('report.saveFailed')}</span>}
          </p>
          {[...SECTIONS, 'recommendation' as const].map((k) => (
            <label key={k} className="report-section">
              <span>{t(`report.section.${k}`)}</span>
              <textarea
                data-testid={`report-${k}`}
                value={text[k]}
                readOnly={readOnly}
                rows={k === 'findings' ? 8 : 4}
                onChange={(e) => edit(k, e.target.value)}
                onBlur={() => void save()}
              />
            </label>
          ))}
          {!signed && canWrite && (
            <div className="actions">
              <button type="button" onClick={() => void runQc()}>
                {t('report.qc')}
              </button>
              {canSign && (
                <button type="button" onClick={() => setSigning(true)}>
                  {t('report.sign')}
                </button>
              )}
            </div>
          )}
          {issues && (
            <ul className="qc-issues" data-testid="qc-issues">
              {issues.length === 0 && <li className="muted">{t('report.qcPassed')}</li>}
              {issues.map((i) => (
                <li key={`${i.code}/${i.section ?? ''}`} className={i.severity === 'block' ? 'error' : 'warn'}>
                  {i.severity === 'block' ? t('report.qcBlock') : t('report.qcWarn')}: {i.reason[lang] ?? i.code}
                </li>
              ))}
            </ul>
          )}
          {signing && !signed && (
            <div className="sign-dialog" role="dialog" aria-label={t('report.sign')}>
              <label>
                {t('report.password')}
                <input
                  type="password"
                  data-testid="sign-password"
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                />
              </label>
              {needOverride && (
                <label>
                  {t('report.override')}
                  <textarea
                    data-testid="sign-override"
                    value={override}
                    onChange={(e) => setOverride(e.target.value)}
                  />
                </label>
              )}
              <div className="actions">
                <button type="button" data-testid="sign-confirm" onClick={() => void sign()}>
                  {t('report.signConfirm')}
                </button>
                <button type="button" onClick={() => setSigning(false)}>
                  {t('report.cancel')}
                </button>
              </div>
            </div>
          )}
          {signed && (
            <>
              <a className="report-pdf" href={`${base}/pdf`} data-testid="report-pdf" download>
                {t('report.pdf')}
              </a>
              {(report.report.addenda ?? []).map((a, n) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: addenda are append-only
                <p key={n} className="addendum">
                  {t('report.addendum')} {n + 1}: {a.text}
                </p>
              ))}
              {canSign && (
                <label className="report-section">
                  <span>{t('report.addendum')}</span>
                  <textarea
                    data-testid="report-addendum"
                    value={addendum}
                    onChange={(e) => setAddendum(e.target.value)}
                  />
                  <button type="button" disabled={!addendum.trim()} onClick={() => void addAddendum()}>
                    {t('report.addAddendum')}
                  </button>
                </label>
              )}
            </>
          )}
          {versions.length > 0 && (
            <details className="versions">
              <summary>{t('report.versions', { n: versions.length })}</summary>
              <ol>
                {versions.map((v) => (
                  <li key={v.number}>
                    {v.number} · {v.kind} · {new Date(v.at).toLocaleString(lang)}
                  </li>
                ))}
              </ol>
            </details>
          )}
        </>
      )}
    </aside>
  );
}
