import { useEffect, useRef, useState } from 'react';
import { REJECT_REASONS, type RejectReasonCode, rejectReason } from '../aiReview.js';
import { useApp } from '../context.js';
import { InlineForm } from './InlineForm.js';

/** Inline reason form of the AI panel: a preset reason (stored as its code) and / or free text; one is needed. */
export function RejectForm({ onSave, onCancel }: { onSave: (reason: string) => Promise<void>; onCancel: () => void }) {
  const { t } = useApp();
  const [preset, setPreset] = useState<RejectReasonCode | ''>('');
  const [details, setDetails] = useState('');
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => first.current?.focus(), []);

  const reason = rejectReason(preset, details);
  return (
    <InlineForm
      testId="reject-form"
      saveTestId="reject-save"
      saveLabel={t('ai.reject')}
      canSave={reason !== ''}
      onSave={() => onSave(reason)}
      onCancel={onCancel}
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
    </InlineForm>
  );
}
