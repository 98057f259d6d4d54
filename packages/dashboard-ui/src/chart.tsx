/**
 * A stacked bar chart over time in plain SVG: one bar per minute, one colour per series.
 * A charting library would outweigh the rest of the dashboard; this draws what the
 * overview needs and says its numbers in a table for screen readers.
 */
export interface Series {
  name: string;
  colour: string;
  values: number[];
}

export function BarChart({ title, times, series }: { title: string; times: string[]; series: Series[] }) {
  const width = 600;
  const height = 140;
  const pad = { left: 32, bottom: 18, top: 8 };
  const n = times.length;
  const totals = times.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const plotH = height - pad.bottom - pad.top;
  const bw = (width - pad.left) / Math.max(1, n);
  const y = (v: number) => pad.top + plotH - (v / max) * plotH;
  const label = (iso: string | undefined) =>
    iso ? new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hour12: false }) : '';
  const sum = (s: Series) => s.values.reduce((a, b) => a + b, 0);
  return (
    <figure class="chart">
      <figcaption>
        <strong>{title}</strong>
        {series.map((s) => (
          <span key={s.name} class="legend">
            <i style={{ background: s.colour }} /> {s.name} {sum(s)}
          </span>
        ))}
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${title}, per minute`} preserveAspectRatio="none">
        <line x1={pad.left} x2={width} y1={y(0)} y2={y(0)} class="axis" />
        <line x1={pad.left} x2={width} y1={y(max)} y2={y(max)} class="grid" />
        <text x={pad.left - 4} y={y(max) + 4} class="tick" text-anchor="end">
          {max}
        </text>
        <text x={pad.left - 4} y={y(0)} class="tick" text-anchor="end">
          0
        </text>
        {times.map((t, i) => {
          let base = 0;
          return (
            <g key={t}>
              {series.map((s) => {
                const v = s.values[i] ?? 0;
                if (v === 0) return null;
                const top = y(base + v);
                const h = y(base) - top;
                base += v;
                return <rect key={s.name} x={pad.left + i * bw + 0.5} y={top} width={Math.max(1, bw - 1)} height={h} fill={s.colour} />;
              })}
            </g>
          );
        })}
        {[0, Math.floor(n / 2), n - 1].map((i, k) => (
          <text
            key={i}
            x={pad.left + i * bw + (k === 0 ? 0 : k === 2 ? bw : bw / 2)}
            y={height - 4}
            class="tick"
            text-anchor={k === 0 ? 'start' : k === 2 ? 'end' : 'middle'}
          >
            {label(times[i])}
          </text>
        ))}
      </svg>
    </figure>
  );
}
