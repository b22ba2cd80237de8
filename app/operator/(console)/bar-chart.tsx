// A bar chart drawn on the server as SVG (no script, nothing the Content-Security-Policy must
// allow), stacked by series, with its numbers in a table for screen readers (the SVG is hidden
// from them).

export type Series = { key: string; label: string; color: string };

export function BarChart({
  title,
  rows,
  label,
  series,
}: {
  title: string;
  rows: Record<string, number | string>[];
  /** The row field naming each bar (a day, a week). */
  label: string;
  series: Series[];
}) {
  const width = 600;
  const height = 160;
  const total = (row: Record<string, number | string>) =>
    series.reduce((sum, item) => sum + Number(row[item.key] ?? 0), 0);
  const max = Math.max(1, ...rows.map(total));
  const barWidth = width / Math.max(1, rows.length);
  return (
    <figure className="space-y-2">
      <figcaption className="font-medium">{title}</figcaption>
      <svg
        viewBox={`0 0 ${width} ${height + 20}`}
        className="h-auto w-full rounded border border-slate-200 bg-white"
        aria-hidden="true"
        focusable="false"
      >
        {rows.map((row, index) => {
          let y = height;
          return (
            <g key={String(row[label])}>
              {series.map((item) => {
                const value = Number(row[item.key] ?? 0);
                const barHeight = (value / max) * (height - 22); // room for the scale's label above
                y -= barHeight;
                return value > 0 ? (
                  <rect
                    key={item.key}
                    x={index * barWidth + 2}
                    y={y}
                    width={Math.max(1, barWidth - 4)}
                    height={barHeight}
                    fill={item.color}
                  />
                ) : null;
              })}
            </g>
          );
        })}
        <text x={4} y={height + 16} fontSize={11} fill="#475569">
          {String(rows[0]?.[label] ?? "")}
        </text>
        <text x={width - 4} y={height + 16} fontSize={11} fill="#475569" textAnchor="end">
          {String(rows.at(-1)?.[label] ?? "")}
        </text>
        <text x={4} y={12} fontSize={11} fill="#475569">
          max {max}
        </text>
      </svg>
      <ul className="flex flex-wrap gap-4 text-sm text-slate-600" aria-hidden="true">
        {series.map((item) => (
          <li key={item.key} className="flex items-center gap-1">
            <svg width="12" height="12" aria-hidden="true">
              <rect width="12" height="12" fill={item.color} />
            </svg>
            {item.label}
          </li>
        ))}
      </ul>
      {/* A table does not shrink to sr-only's 1px: its wrapper does. */}
      <div className="sr-only">
        <table>
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{label}</th>
              {series.map((item) => (
                <th key={item.key} scope="col">
                  {item.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={String(row[label])}>
                <th scope="row">{String(row[label])}</th>
                {series.map((item) => (
                  <td key={item.key}>{Number(row[item.key] ?? 0)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
