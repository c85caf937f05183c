import { useEffect, useRef } from 'react';
import { saveBlob } from '../api/client';
import { echarts, type EChartsOption } from './echarts';

interface Props {
  /** Names the chart for screen readers and the PNG file. */
  title: string;
  option: EChartsOption;
  height?: number;
  testId?: string;
}

/** One ECharts chart with a PNG export; the data it shows is also in a table beside it for screen readers. */
export function Chart({ title, option, height = 320, testId }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof echarts.init> | null>(null);

  useEffect(() => {
    if (!ref.current) return;
    const instance = echarts.init(ref.current, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const resize = () => instance.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(
      { aria: { enabled: true, label: { description: title } }, animation: false, ...option },
      true,
    );
  }, [option, title]);

  const exportPng = () => {
    const url = chart.current?.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' });
    if (url) saveBlob(url, `${title.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
  };

  return (
    <figure className="chart">
      <figcaption>
        <span>{title}</span>
        <button type="button" className="secondary" onClick={exportPng} aria-label={`Download ${title} as PNG`}>
          PNG
        </button>
      </figcaption>
      <div ref={ref} role="img" aria-label={title} data-testid={testId} style={{ height, width: '100%' }} />
    </figure>
  );
}
