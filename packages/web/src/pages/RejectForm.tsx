import { useEffect, useRef, useState } from 'react';
import { REJECT_REASONS, type RejectReasonCode, rejectReason } from '../aiReview.js';
import { useApp } from '../context.js';

/** Inline reason form of the AI panel: a preset reason (stored as its code) and / or free text; one is needed. */
export function RejectForm({ onSave, onCancel }: { onSave: (reason: string) => Promise<void>; onCancel: () => void }) {
  const { t } = useApp();
  const [preset, setPreset] = useState<RejectReasonCode | ''>('');
  const [details, setDetails] = useState('');
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => first.current?.focus(), []);

  const reason = rejectReason(preset, details);
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
          onChange={(e) => setPreset(e.target.value as RejectReasonCode | '')}
        >
          <option value="">{t('ai.reason.choose')}</option>
          {Object.entries(REJECT_REASONS).map(([code, label]) => (
            <option key={code} value={code}>
              {t(label)}
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
