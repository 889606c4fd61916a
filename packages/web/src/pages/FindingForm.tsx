import { useState } from 'react';
import {
  editChanges,
  FINDING_KINDS,
  type FindingFormValues,
  formProblem,
  LOBES,
  type NoduleValues,
  SIDES,
} from '../aiReview.js';
import { useApp } from '../context.js';
import { InlineForm } from './InlineForm.js';

/**
 * The inline form of the AI panel for a nodule or mass: type, side + lobe, long / short axis
 * (mm); with `mode="add"` also a note. Edit: Save is offered once a value differs from the AI's.
 */
export function FindingForm({
  mode,
  initial,
  ai,
  onSave,
  onCancel,
  hint,
}: {
  mode: 'edit' | 'add';
  initial: FindingFormValues;
  /** Edit: the AI's values (the changes are relative to them). */
  ai?: NoduleValues;
  onSave: (form: FindingFormValues) => Promise<void>;
  onCancel: () => void;
  /** Add: where the sizes came from (the measurement drawn on the image), or how to get them. */
  hint?: string;
}) {
  const { t } = useApp();
  const [form, setForm] = useState<FindingFormValues>(initial);
  const set = <K extends keyof FindingFormValues>(key: K, value: FindingFormValues[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const chooseLobe = (lobe: FindingFormValues['lobe']) =>
    setForm((f) => ({ ...f, lobe, side: lobe === '' ? f.side : lobe.startsWith('R') ? 'right' : 'left' }));

  const problem = formProblem(form, mode);
  const unchanged = mode === 'edit' && ai !== undefined && Object.keys(editChanges(ai, form)).length === 0;
  return (
    <InlineForm
      testId={mode === 'edit' ? 'finding-edit-form' : 'finding-add-form'}
      saveTestId="finding-save"
      saveLabel={t('ai.save')}
      canSave={problem === null && !unchanged}
      onSave={() => onSave(form)}
      onCancel={onCancel}
    >
      <label>
        {t('ai.form.type')}
        <select
          data-testid="finding-kind"
          value={form.kind}
          onChange={(e) => set('kind', e.target.value as FindingFormValues['kind'])}
        >
          {FINDING_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`ai.kind.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('ai.form.lobe')}
        <select
          data-testid="finding-lobe"
          value={form.lobe}
          onChange={(e) => chooseLobe(e.target.value as FindingFormValues['lobe'])}
        >
          <option value="">{t('ai.form.unset')}</option>
          {LOBES.map((l) => (
            <option key={l} value={l}>
              {t(`ai.lobe.${l}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('ai.form.side')}
        <select
          data-testid="finding-side"
          value={form.side}
          disabled={form.lobe !== ''}
          onChange={(e) => set('side', e.target.value as FindingFormValues['side'])}
        >
          <option value="">{t('ai.form.unset')}</option>
          {SIDES.map((s) => (
            <option key={s} value={s}>
              {t(`ai.side.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('ai.form.long')}
        <input
          data-testid="finding-long"
          inputMode="decimal"
          value={form.longAxisMm}
          onChange={(e) => set('longAxisMm', e.target.value)}
        />
      </label>
      <label>
        {t('ai.form.short')}
        <input
          data-testid="finding-short"
          inputMode="decimal"
          value={form.shortAxisMm}
          onChange={(e) => set('shortAxisMm', e.target.value)}
        />
      </label>
      {mode === 'add' && (
        <label>
          {t('ai.form.note')}
          <input data-testid="finding-note" value={form.note} onChange={(e) => set('note', e.target.value)} />
        </label>
      )}
      {hint && (
        <p className="muted" data-testid="finding-hint">
          {hint}
        </p>
      )}
      {problem && <p className="error">{t(problem)}</p>}
      {!problem && unchanged && <p className="muted">{t('ai.form.unchanged')}</p>}
    </InlineForm>
  );
}
