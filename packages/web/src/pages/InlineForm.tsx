import { type ReactNode, useState } from 'react';
import { useApp } from '../context.js';

/**
 * The frame of the AI panel's inline forms (edit, add, reject, quantities): Enter submits, Esc
 * cancels (without closing the panel), Save is off while `canSave` is false or a save runs.
 */
export function InlineForm({
  testId,
  saveTestId,
  saveLabel,
  canSave,
  onSave,
  onCancel,
  children,
}: {
  testId: string;
  saveTestId: string;
  saveLabel: string;
  canSave: boolean;
  onSave: () => Promise<void>;
  onCancel: () => void;
  children: ReactNode;
}) {
  const { t } = useApp();
  const [busy, setBusy] = useState(false);
  const save = async () => {
    if (!canSave || busy) return;
    setBusy(true);
    try {
      await onSave();
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="finding-form"
      data-testid={testId}
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
      {children}
      <div className="actions">
        <button type="submit" data-testid={saveTestId} disabled={busy || !canSave}>
          {saveLabel}
        </button>
        <button type="button" onClick={onCancel}>
          {t('ai.cancel')}
        </button>
      </div>
    </form>
  );
}
