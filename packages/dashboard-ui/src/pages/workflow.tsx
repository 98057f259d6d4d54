import dagre from '@dagrejs/dagre';
import { useMemo, useState } from 'preact/hooks';
import { api } from '../api';
import { Action, ErrorNote, Json, Progress, Status, usePoll } from '../components';
import type { WorkflowStepView, WorkflowView } from '../contracts';
import { time } from '../format';

const NODE_W = 150;
const NODE_H = 44;

interface Laid {
  nodes: { step: WorkflowStepView; x: number; y: number }[];
  edges: { from: string; to: string; points: { x: number; y: number }[] }[];
  width: number;
  height: number;
}

/** The run's steps laid out left to right by dagre; edges follow dependsOn. */
function layout(steps: WorkflowStepView[]): Laid {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 48, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const s of steps) g.setNode(s.id, { width: NODE_W, height: NODE_H });
  for (const s of steps) for (const d of s.dependsOn) if (g.hasNode(d)) g.setEdge(d, s.id);
  dagre.layout(g);
  const graph = g.graph();
  return {
    nodes: steps.map((step) => {
      const n = g.node(step.id);
      return { step, x: n.x - NODE_W / 2, y: n.y - NODE_H / 2 };
    }),
    edges: g.edges().map((e) => ({ from: e.v, to: e.w, points: g.edge(e).points ?? [] })),
    width: graph.width ?? NODE_W,
    height: graph.height ?? NODE_H,
  };
}

const RUNNING = new Set(['running']);

/** One workflow run, live: its graph coloured by step state, the chosen step's details, retry and cancel. */
export function WorkflowPage({ id }: { id: string }) {
  const wf = usePoll(() => api<WorkflowView>(`/v1/workflows/${encodeURIComponent(id)}`), 1_000, [id]);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const view = wf.data;
  const steps = useMemo(() => (view ? [...view.steps, ...(view.onError ? [view.onError] : [])] : []), [view]);
  const shape = useMemo(() => steps.map((s) => `${s.id}<${s.dependsOn.join(',')}`).join(';'), [steps]);
  const laid = useMemo(() => layout(steps), [shape]);
  if (wf.error && !view) return <ErrorNote error={wf.error} />;
  if (!view) return <p class="loading">Loading…</p>;
  const step = steps.find((s) => s.id === (selected ?? view.failedStep));
  const byId = new Map(steps.map((s) => [s.id, s]));
  return (
    <section>
      <p class="crumbs">
        <a href="/dashboard/workflows">Workflows</a> / <span class="mono">{view.id}</span>
      </p>
      <h1>
        {view.name ?? 'Workflow'} <Status value={view.status} />
      </h1>
      <Progress value={view.progress} />
      <div class="row actions">
        {view.status === 'running' ? (
          <Action
            label="Cancel workflow"
            kind="danger"
            confirm={`Cancel workflow ${view.name ?? view.id} and its queued and running steps?`}
            run={async () => {
              await api(`/v1/workflows/${view.id}/cancel`, { method: 'POST' });
              await wf.reload();
            }}
          />
        ) : null}
        {view.status === 'failed' || view.status === 'cancelled' ? (
          <Action
            label={view.failedStep ? `Retry from ${view.failedStep}` : 'Retry'}
            kind="primary"
            run={async () => {
              await api(`/v1/workflows/${view.id}/retry`, { method: 'POST' });
              await wf.reload();
            }}
          />
        ) : null}
        <span class="muted small">
          run {view.run} · {view.project} · created {time(view.createdAt)}
        </span>
      </div>
      <ErrorNote error={wf.error} />
      <div class="graph-wrap">
        <svg class="graph" viewBox={`0 0 ${laid.width} ${laid.height}`} width={laid.width} height={laid.height} aria-label="Workflow steps">
          {laid.edges.map((e) => (
            <polyline key={`${e.from}-${e.to}`} class="edge" points={e.points.map((p) => `${p.x},${p.y}`).join(' ')} />
          ))}
          {laid.nodes.map(({ step: s, x, y }) => {
            const live = byId.get(s.id) ?? s;
            return (
              // biome-ignore lint/a11y/useSemanticElements: an SVG node cannot be a <button>
              <g
                key={s.id}
                class={`node s-${live.status}${(selected ?? view.failedStep) === s.id ? ' selected' : ''}`}
                transform={`translate(${x},${y})`}
                role="button"
                tabindex={0}
                aria-label={`step ${s.id}: ${live.status}`}
                data-step={s.id}
                data-status={live.status}
                onClick={() => setSelected(s.id)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    setSelected(s.id);
                  }
                }}
              >
                <rect width={NODE_W} height={NODE_H} rx={6} />
                {RUNNING.has(live.status) ? <rect class="fill" width={(NODE_W * live.progress) / 100} height={4} y={NODE_H - 4} /> : null}
                <text x={8} y={18} class="title">
                  {s.id.length > 18 ? `${s.id.slice(0, 17)}…` : s.id}
                </text>
                <text x={8} y={34} class="sub">
                  {live.status}
                  {live.status === 'running' ? ` ${Math.round(live.progress)}%` : ''}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
      {step ? (
        <div class="step-detail" aria-live="polite">
          <h2>
            Step {step.id} <Status value={step.status} />
          </h2>
          <dl class="facts">
            <dt>Type</dt>
            <dd>{step.type}</dd>
            <dt>Depends on</dt>
            <dd>{step.dependsOn.join(', ') || '—'}</dd>
            <dt>Attempts</dt>
            <dd>{step.attempts}</dd>
            <dt>Job</dt>
            <dd>{step.jobId ? <a href={`/dashboard/jobs/${step.jobId}`}>{step.jobId}</a> : '—'}</dd>
            {step.stage ? (
              <>
                <dt>Stage</dt>
                <dd>{step.stage}</dd>
              </>
            ) : null}
            {step.skippedBecause ? (
              <>
                <dt>Skipped</dt>
                <dd>{step.skippedBecause}</dd>
              </>
            ) : null}
          </dl>
          {step.error ? (
            <p class="error-note">
              <strong>{step.error.code}</strong>: {step.error.message}
            </p>
          ) : null}
          <h3>Result</h3>
          <Json value={step.result ?? step.resultSummary} label="Step result" />
        </div>
      ) : (
        <p class="muted">Choose a step to see its details.</p>
      )}
    </section>
  );
}
