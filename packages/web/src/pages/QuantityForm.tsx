import { useState } from 'react';
import { type QuantityField, quantityChanges } from '../aiReview.js';
import { useApp } from '../context.js';

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
  const [busy, setBusy] = useState(false);
  const outcome = quantityChanges(fields, texts, current);
  const problem = 'problem' in outcome ? outcome.problem : null;
  const changes = 'changes' in outcome ? outcome.changes : {};
  const unchanged = problem === null && Object.keys(changes).length === 0;
  const save = async () => {
    if (problem || unchanged) return;
    setBusy(true);
    try {
      await onSave(changes);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="finding-form"
      data-testid="quantity-edit-form"
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
      <div className="actions">
        <button type="submit" data-testid="quantity-save" disabled={busy || problem !== null || unchanged}>
          {t('ai.save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('ai.cancel')}
        </button>
      </div>
    </form>
  );
}
