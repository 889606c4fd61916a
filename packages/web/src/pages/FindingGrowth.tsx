/**
 * One line under a nodule in the AI panel: its change against the same nodule in the newest prior
 * with a chest CT result (GET /api/studies/:uid/ai-growth): mean diameter, volume change, VDT and
 * which growth rules it meets. Nothing when the nodule has no match (or there is no prior).
 */
import { useEffect, useState } from 'react';
import { api } from '../api.js';
import { useApp } from '../context.js';

interface MatchedGrowth {
  findingId: string;
  priorMeanDiameterMm: number | null;
  currentMeanDiameterMm: number | null;
  volumeChangePercent: number | null;
  volumeDoublingTimeDays: number | null;
  growingLungRads: boolean;
  growingFleischner: boolean;
  growingVolume: boolean;
}

interface StudyGrowth {
  resultPk: string | null;
  prior: { studyDate: string } | null;
  nodules: MatchedGrowth[];
}

const NODULE_TYPES = new Set(['nodule', 'mass']);

/** One request per study shared by all nodules of the panel (kept 30 s; failures are not kept). */
const growthCache = new Map<string, { at: number; body: Promise<StudyGrowth> }>();
function studyGrowth(studyUid: string): Promise<StudyGrowth> {
  const hit = growthCache.get(studyUid);
  if (hit && Date.now() - hit.at < 30_000) return hit.body;
  const body = api<StudyGrowth>(`/api/studies/${encodeURIComponent(studyUid)}/ai-growth`);
  growthCache.set(studyUid, { at: Date.now(), body });
  body.catch(() => growthCache.delete(studyUid));
  return body;
}

export function FindingGrowth({
  studyUid,
  resultPk,
  finding,
}: {
  studyUid: string;
  resultPk: string;
  finding: { id: string; type: string };
}) {
  const { t } = useApp();
  const [growth, setGrowth] = useState<MatchedGrowth | null>(null);
  const [priorDate, setPriorDate] = useState('');
  const isNodule = NODULE_TYPES.has(finding.type);

  useEffect(() => {
    if (!isNodule) return;
    let cancelled = false;
    studyGrowth(studyUid)
      .then((g) => {
        if (cancelled || g.resultPk !== resultPk) return;
        setGrowth(g.nodules.find((n) => n.findingId === finding.id) ?? null);
        setPriorDate(g.prior?.studyDate ?? '');
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [studyUid, resultPk, finding.id, isNodule]);

  if (!growth) return null;
  const mm = (v: number | null) => (v === null ? '?' : v.toFixed(1));
  const change = growth.volumeChangePercent;
  const vdt = growth.volumeDoublingTimeDays;
  const rules = [
    growth.growingLungRads ? 'Lung-RADS' : '',
    growth.growingFleischner ? 'Fleischner' : '',
    growth.growingVolume ? 'ΔV ≥ 25 %' : '',
  ].filter(Boolean);
  return (
    <small
      className={rules.length > 0 ? 'growth growing' : 'growth'}
      data-testid="finding-growth"
      title={priorDate ? `${priorDate}` : undefined}
      style={{ display: 'block', color: rules.length > 0 ? '#e8590c' : undefined }}
    >
      {t('growth.line', {
        from: mm(growth.priorMeanDiameterMm),
        to: mm(growth.currentMeanDiameterMm),
        change: change === null ? '?' : `${change >= 0 ? '+' : ''}${Math.round(change)}`,
        vdt:
          vdt === null ? t('growth.noVdt') : vdt < 0 ? t('growth.shrinking') : t('growth.days', { n: Math.round(vdt) }),
      })}
      {' · '}
      {rules.length > 0 ? t('growth.growing', { rules: rules.join(', ') }) : t('growth.stable')}
    </small>
  );
}
