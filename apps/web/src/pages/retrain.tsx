import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { enc, postJson } from '../api/client';
import { useRetrain } from '../api/queries';
import type { DriftReport, RetrainRequest } from '../api/types';
import { Chart } from '../charts/chart';
import { psiOption } from '../charts/options';
import { useMay } from '../components/layout';
import { Loading, Problem, StatusBadge } from '../components/status';
import { formatNumber, formatPercent } from '../shape/format';
import {
  foldedShiftsLabel,
  kpiShiftsBySegment,
  needsReview,
  OPEN_SHIFTS_PER_SEGMENT,
  psiBars,
  retrainVerdict,
  triggerLabel,
  type KpiShiftGroup,
} from '../shape/retrain';
import { AliasAudit } from './versions';

const signed = (x: number | null, format: (v: number) => string = formatNumber) =>
  x === null ? '—' : `${x > 0 ? '+' : x < 0 ? '−' : ''}${format(Math.abs(x))}`;

/** The rule's verdict clause by clause, and a person's decision on a flagged candidate (with the buttons to take it). */
function Decision({ retrain }: { retrain: RetrainRequest }) {
  const may = useMay();
  const queryClient = useQueryClient();
  const review = useMutation({
    mutationFn: (decision: 'promote' | 'reject') =>
      postJson<RetrainRequest>(`/retrains/${enc(retrain.id)}/${decision}`, {}),
    onSuccess: (updated) => {
      queryClient.setQueryData(['retrain', retrain.id], updated);
      void queryClient.invalidateQueries({ queryKey: ['retrains'] });
      void queryClient.invalidateQueries({ queryKey: ['aliases', retrain.segmentation] });
      void queryClient.invalidateQueries({ queryKey: ['alias-history', retrain.segmentation] });
    },
  });
  const outcome = retrain.outcome;
  return (
    <section aria-labelledby="decision">
      <h2 id="decision">Decision</h2>
      <p data-testid="verdict">
        <StatusBadge status={retrain.status} /> {retrainVerdict(retrain)}
        {retrain.review && <> at {new Date(retrain.review.at).toLocaleString()}</>}
      </p>
      {retrain.error && <p className="problem">{retrain.error}</p>}
      {outcome?.reason && <p>Promoted without a comparison: {outcome.reason}.</p>}
      {outcome?.rule && (
        <p>
          Rule: <code>{outcome.rule}</code>
        </p>
      )}
      {outcome?.clauses && (
        <table data-testid="clauses">
          <caption>Each clause of the rule with the candidate&apos;s value</caption>
          <thead>
            <tr>
              <th scope="col">Clause</th>
              <th scope="col">Value</th>
              <th scope="col">Met</th>
            </tr>
          </thead>
          <tbody>
            {outcome.clauses.map((c, i) => (
              <tr key={i}>
                <td>
                  <code>{c.text}</code>
                </td>
                <td>{c.value === null ? 'not available' : formatNumber(c.value)}</td>
                <td className={c.passed ? '' : 'sig'}>{c.passed ? 'yes' : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {outcome?.failing && outcome.failing.length > 0 && (
        <>
          <h3>Failing clauses</h3>
          <ul data-testid="failing">
            {outcome.failing.map((f) => (
              <li key={f}>
                <code>{f}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      {needsReview(retrain) &&
        (may.moveAliases ? (
          <div className="actions">
            <button type="button" onClick={() => review.mutate('promote')} disabled={review.isPending}>
              Promote v{retrain.run?.version} to champion
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => review.mutate('reject')}
              disabled={review.isPending}
            >
              Reject v{retrain.run?.version}
            </button>
          </div>
        ) : (
          <p className="muted">Waiting for an analyst to promote or reject it.</p>
        ))}
      {review.isError && <Problem error={review.error} />}
    </section>
  );
}

function Drift({ drift }: { drift: DriftReport }) {
  const bars = useMemo(() => psiBars(drift), [drift]);
  const option = useMemo(() => psiOption(bars, drift.thresholds), [bars, drift.thresholds]);
  const kpiGroups = useMemo(() => kpiShiftsBySegment(drift.kpis ?? []), [drift.kpis]);
  return (
    <section aria-labelledby="drift">
      <h2 id="drift">Drift from the champion&apos;s data</h2>
      <p>
        {formatNumber(drift.referenceRows)} customers in the champion&apos;s data, {formatNumber(drift.candidateRows)}{' '}
        in the candidate&apos;s. Population stability index per feature: below {drift.thresholds.moderate} stable, from{' '}
        {drift.thresholds.moderate} moderate, from {drift.thresholds.significant} significant.
      </p>
      <Chart title="PSI per feature" option={option} testId="psi-chart" height={300} />
      <table data-testid="psi-table">
        <caption>PSI per feature (the chart&apos;s figures)</caption>
        <thead>
          <tr>
            <th scope="col">Feature</th>
            <th scope="col">Kind</th>
            <th scope="col">PSI</th>
            <th scope="col">Level</th>
          </tr>
        </thead>
        <tbody>
          {drift.features.map((f) => (
            <tr key={f.feature}>
              <th scope="row">{f.feature}</th>
              <td>{f.kind}</td>
              <td>{f.psi === null ? '—' : f.psi.toFixed(4)}</td>
              <td className={f.level === 'significant' ? 'sig' : ''}>{f.level}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {drift.warnings.length > 0 && (
        <details>
          <summary>Warnings ({drift.warnings.length})</summary>
          <ul>
            {drift.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </details>
      )}
      {drift.segments && (
        <>
          <h3>Segment shifts</h3>
          <p className="muted">
            PSI over segment shares {formatNumber(drift.segments.psi)} ({drift.segments.level}); a share that moves by{' '}
            {formatPercent(drift.thresholds.segmentShareChange, 0)} points or more is flagged.
          </p>
          <table data-testid="segment-shifts">
            <thead>
              <tr>
                <th scope="col">Segment</th>
                <th scope="col">Champion</th>
                <th scope="col">Candidate</th>
                <th scope="col">Change (points)</th>
                <th scope="col">Flagged</th>
              </tr>
            </thead>
            <tbody>
              {drift.segments.segments.map((s) => (
                <tr key={s.label}>
                  <th scope="row">{s.label}</th>
                  <td>
                    {formatPercent(s.championShare)} ({formatNumber(s.championSize)})
                  </td>
                  <td>
                    {formatPercent(s.candidateShare)} ({formatNumber(s.candidateSize)})
                  </td>
                  <td>{signed(s.shareChange * 100, (v) => v.toFixed(1))}</td>
                  <td className={s.flagged ? 'sig' : ''}>{s.flagged ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {drift.kpis && (
        <>
          <h3>KPI shifts</h3>
          <p className="muted">
            A KPI that changes by {formatPercent(drift.thresholds.kpiRelativeChange, 0)} or more is flagged. Per
            segment, its {OPEN_SHIFTS_PER_SEGMENT} largest flagged changes, the rest folded; the segment with the
            largest flagged change first.
          </p>
          {kpiGroups.every((g) => g.flagged === 0) && <p data-testid="kpi-shifts-none">No KPI changed that much.</p>}
          {kpiGroups.map((g) => (
            <KpiShiftSegment key={g.segment ?? ''} group={g} />
          ))}
        </>
      )}
    </section>
  );
}

type KpiShift = NonNullable<DriftReport['kpis']>[number];

/** One segment's KPI shifts: its largest flagged ones, and the rest folded. */
function KpiShiftSegment({ group }: { group: KpiShiftGroup }) {
  const label = group.segment ?? 'all customers';
  return (
    <div data-testid="kpi-segment" data-segment={label}>
      <h4>
        {label}{' '}
        <span className="muted">
          ({group.flagged} of {group.open.length + group.folded.length} flagged)
        </span>
      </h4>
      {group.open.length > 0 && <KpiShiftTable testId="kpi-shifts-open" shifts={group.open} />}
      {group.folded.length > 0 && (
        <details data-testid="kpi-shifts-fold">
          <summary>{foldedShiftsLabel(group)}</summary>
          <KpiShiftTable testId="kpi-shifts-folded" shifts={group.folded} />
        </details>
      )}
    </div>
  );
}

function KpiShiftTable({ shifts, testId }: { shifts: KpiShift[]; testId: string }) {
  return (
    <div className="scroll">
      <table data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">KPI</th>
            <th scope="col">Champion</th>
            <th scope="col">Candidate</th>
            <th scope="col">Change</th>
            <th scope="col">Relative</th>
            <th scope="col">Flagged</th>
          </tr>
        </thead>
        <tbody>
          {shifts.map((k) => (
            <tr key={k.kpi}>
              <th scope="row">{k.kpi}</th>
              <td>{formatNumber(k.champion)}</td>
              <td>{formatNumber(k.candidate)}</td>
              <td>{signed(k.absoluteChange)}</td>
              <td>{k.relativeChange === null ? '—' : signed(k.relativeChange, (v) => formatPercent(v))}</td>
              <td className={k.flagged ? 'sig' : ''}>{k.flagged ? 'yes' : 'no'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One retrain: what triggered it, the rule's decision and a person's, the drift report, and the champion's audit trail. */
export function RetrainPage() {
  const { id = '' } = useParams();
  const retrain = useRetrain(id);
  if (retrain.isLoading) return <Loading what="the retrain" />;
  if (retrain.isError) return <Problem error={retrain.error} />;
  const r = retrain.data as RetrainRequest;
  return (
    <>
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/retraining">Retraining</Link> ›{' '}
        <Link to={`/segmentations/${enc(r.segmentation)}/retraining`}>{r.segmentation}</Link> › retrain
      </nav>
      <h1>
        Retrain of {r.segmentation}
        {r.run ? ` → v${r.run.version}` : ''}
      </h1>
      <dl className="facts">
        <dt>trigger</dt>
        <dd>{triggerLabel(r.trigger)}</dd>
        <dt>dataset version</dt>
        <dd>v{r.datasetVersion}</dd>
        <dt>candidate</dt>
        <dd>{r.run ? <Link to={`/runs/${r.run.id}`}>v{r.run.version}</Link> : '—'}</dd>
        <dt>champion then</dt>
        <dd>{r.champion ? <Link to={`/runs/${r.champion.id}`}>v{r.champion.version}</Link> : '—'}</dd>
        <dt>started</dt>
        <dd>{new Date(r.createdAt).toLocaleString()}</dd>
        <dt>finished</dt>
        <dd>{r.finishedAt ? new Date(r.finishedAt).toLocaleString() : '—'}</dd>
      </dl>
      {r.run && r.champion && (
        <p>
          <Link to={`/compare/${r.champion.id}/${r.run.id}`}>
            Compare v{r.champion.version} with v{r.run.version} segment by segment
          </Link>
        </p>
      )}
      <Decision retrain={r} />
      {r.drift ? (
        <Drift drift={r.drift} />
      ) : (
        <p className="muted">No drift report: there was no champion to compare with.</p>
      )}
      <h2>Champion alias</h2>
      <AliasAudit segmentation={r.segmentation} alias="champion" />
    </>
  );
}
