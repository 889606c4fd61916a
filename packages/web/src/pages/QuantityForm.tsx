import { useState } from 'react';
import { type QuantityField, quantityChanges } from '../aiReview.js';
import { useApp } from '../context.js';
import { InlineForm } from './InlineForm.js';

/**
 * The inline form of the AI panel for a whole-lung quantity finding (emphysema LAA-950, infection
 * extent and CT severity score). Save is offered once a value differs from the current one.
 */
export function QuantityForm({
  fields,
  current,
  onSave,
  onCancel,
}: {
  fields: readonly QuantityField[];
  current: Partial<Record<QuantityField['key'], number>>;
  onSave: (changes: Record<string, number>) => Promise<void>;
  onCancel: () => void;
}) {
  const { t } = useApp();
  const [texts, setTexts] = useState<Partial<Record<QuantityField['key'], string>>>(() =>
    Object.fromEntries(fields.map((f) => [f.key, current[f.key] === undefined ? '' : String(current[f.key])])),
  );
  const outcome = quantityChanges(fields, texts, current);
  const problem = 'problem' in outcome ? outcome.problem : null;
  const changes = 'changes' in outcome ? outcome.changes : {};
  const unchanged = problem === null && Object.keys(changes).length === 0;
  return (
    <InlineForm
      testId="quantity-edit-form"
      saveTestId="quantity-save"
      saveLabel={t('ai.save')}
      canSave={problem === null && !unchanged}
      onSave={() => onSave(changes)}
      onCancel={onCancel}
    >
      {fields.map((f) => (
        <label key={f.key}>
          {t(f.label)} ({f.unit === '%' ? '%' : '0–25'})
          <input
            data-testid={`quantity-${f.key}`}
            inputMode="decimal"
            value={texts[f.key] ?? ''}
            onChange={(e) => setTexts((x) => ({ ...x, [f.key]: e.target.value }))}
          />
        </label>
      ))}
      {problem && <p className="error">{t(problem)}</p>}
      {!problem && unchanged && <p className="muted">{t('ai.form.unchanged')}</p>}
    </InlineForm>
  );
}
