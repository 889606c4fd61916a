import { useEffect, useRef, useState } from 'react';
import { useApp } from '../context.js';
import type { MessageKey } from '../i18n.js';

/** Preset reasons for rejecting an AI finding (stored as the text in the UI language). */
const PRESETS: readonly MessageKey[] = [
  'ai.reason.falsePositive',
  'ai.reason.vessel',
  'ai.reason.artefact',
  'ai.reason.benign',
];

/** Inline reason form of the AI panel: a preset reason and / or free text; one is needed. */
export function RejectForm({ onSave, onCancel }: { onSave: (reason: string) => Promise<void>; onCancel: () => void }) {
  const { t, lang } = useApp();
  const [preset, setPreset] = useState<MessageKey | ''>('');
  const [details, setDetails] = useState('');
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => first.current?.focus(), []);

  const reason = [preset ? t(preset) : '', details.trim()].filter(Boolean).join(lang === 'en' ? ': ' : '：');
  const save = async () => {
    if (!reason) return;
    setBusy(true);
    try {
      await onSave(reason);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="finding-form"
      data-testid="reject-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <label>
        {t('ai.reason')}
        <select
          ref={first}
          data-testid="reject-preset"
          value={preset}
          onChange={(e) => setPreset(e.target.value as MessageKey | '')}
        >
          <option value="">{t('ai.reason.choose')}</option>
          {PRESETS.map((k) => (
            <option key={k} value={k}>
              {t(k)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('ai.reason.details')}
        <input data-testid="reject-details" value={details} onChange={(e) => setDetails(e.target.value)} />
      </label>
      <div className="actions">
        <button type="submit" data-testid="reject-save" disabled={busy || !reason}>
          {t('ai.reject')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('ai.cancel')}
        </button>
      </div>
    </form>
  );
}
