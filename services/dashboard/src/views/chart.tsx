import { useEffect, useRef, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import { formatNumber, t } from '../i18n.js';

export interface ChartSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
  readonly color: string;
}

export interface ChartProps {
  /** Category labels along x (units ranked, or periods). */
  readonly categories: readonly string[];
  readonly series: readonly ChartSeries[];
  readonly kind: 'bars' | 'line';
  /** What the categories are (the legend's first entry). */
  readonly xLabel: string;
  /** A vertical marker at this category (the 2025 reform, in the middle of its year). */
  readonly markerAt?: number;
  readonly markerLabel?: string;
  readonly onPick?: (index: number) => void;
  readonly caption: string;
}

/**
 * uPlot (≈ 20 KB gzip, loaded with the first chart, not with the first view) on a fixed-height box,
 * so nothing shifts when the data arrives; its data as a table behind a toggle.
 */
export function Chart(props: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const [showTable, setShowTable] = useState(false);
  useEffect(() => {
    let plot: uPlot | undefined;
    let live = true;
    void Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([{ default: UPlot }]) => {
      if (!live || !box.current) return;
      plot = new UPlot(
        options(UPlot, props, box.current.clientWidth),
        [props.categories.map((_, index) => index), ...props.series.map((series) => [...series.values])],
        box.current,
      );
      if (props.onPick) plot.over.addEventListener('click', () => plot?.cursor.idx != null && props.onPick?.(plot.cursor.idx));
    });
    return () => {
      live = false;
      plot?.destroy();
    };
  }, [props.categories.join('|'), props.series.map((series) => series.values.join(',')).join('|'), props.kind]);
  return (
    <figure class="chart-figure">
      <div ref={box} class="chart" role="img" aria-label={props.caption} />
      <figcaption>
        <label class="no-print">
          <input type="checkbox" checked={showTable} onChange={() => setShowTable(!showTable)} /> {t('showTable')}
        </label>
      </figcaption>
      <table class={showTable ? 'chart-data' : 'chart-data print-only'} data-testid="chart-table">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('unit')}</th>
            {props.series.map((series) => (
              <th scope="col" class="num" key={series.label}>
                {series.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.categories.map((category, index) => (
            <tr key={category}>
              <th scope="row">
                {props.onPick ? (
                  <button type="button" class="link" onClick={() => props.onPick?.(index)}>
                    {category}
                  </button>
                ) : (
                  category
                )}
              </th>
              {props.series.map((series) => (
                <td class="num" key={series.label}>
                  {formatNumber(series.values[index])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function options(UPlot: typeof uPlot, props: ChartProps, width: number): uPlot.Options {
  const bars = props.kind === 'bars' ? UPlot.paths.bars!({ size: [0.6, 60] }) : undefined;
  return {
    width: Math.max(width, 320),
    height: 300,
    scales: { x: { time: false, range: [-0.5, props.categories.length - 0.5] } },
    axes: [
      {
        values: (_plot, splits) => splits.map((split) => (Number.isInteger(split) ? (props.categories[split] ?? '') : '')),
        space: 40,
        grid: { show: props.kind === 'line' },
      },
      { values: (_plot, splits) => splits.map((split) => formatNumber(split)), size: 70 },
    ],
    legend: { show: props.series.length > 1 },
    series: [
      { label: props.xLabel },
      ...props.series.map((series) => ({
        label: series.label,
        stroke: series.color,
        fill: bars ? `${series.color}cc` : undefined,
        width: 2,
        points: { show: true, size: 7 },
        spanGaps: false,
        ...(bars ? { paths: bars } : {}),
      })),
    ],
    hooks: props.markerAt === undefined ? {} : { draw: [(plot: uPlot) => drawMarker(plot, props.markerAt!, props.markerLabel ?? '')] },
  };
}

/** The reform's date as a dashed vertical line with its label. */
function drawMarker(plot: uPlot, at: number, text: string): void {
  const x = plot.valToPos(at, 'x', true);
  const { ctx } = plot;
  ctx.save();
  ctx.strokeStyle = '#9b1c1c';
  ctx.setLineDash([6, 4]);
  ctx.beginPath();
  ctx.moveTo(x, plot.bbox.top);
  ctx.lineTo(x, plot.bbox.top + plot.bbox.height);
  ctx.stroke();
  ctx.fillStyle = '#9b1c1c';
  ctx.font = `${12 * devicePixelRatio}px system-ui, sans-serif`;
  ctx.fillText(text, x + 4, plot.bbox.top + 14 * devicePixelRatio);
  ctx.restore();
}
