import type { ClientGraphQLError } from '@antq/client';
import type { ComponentChildren } from 'preact';
import { api, type SourceRef } from '../api.js';
import { formatDate, formatDateTime, t, type Word } from '../i18n.js';

/** What the caller may not read, said as such: never an empty panel or a raw error. */
export function Restricted({ errors, owner = 'police' }: { errors: readonly ClientGraphQLError[]; owner?: string }) {
  const clearance = neededClearance(errors);
  return (
    <p class="restricted" role="note" data-testid="restricted">
      🔒 {t('restricted', { clearance, owner: t(owner as Word) })}
    </p>
  );
}

/** The clearance the refused field needs: the gateway names the caller's; one step above it. */
function neededClearance(errors: readonly ClientGraphQLError[]): string {
  const has = errors.map((error) => error.extensions.clearance).find((value) => typeof value === 'string');
  return has === 'shared' ? 'restricted' : has === undefined || has === 'public' ? 'shared' : 'restricted';
}

/** Errors that are not refusals: named with their agency, in words, not as raw JSON. */
export function Problems({ errors }: { errors: readonly ClientGraphQLError[] }) {
  if (errors.length === 0) return null;
  return (
    <ul class="problems" role="alert">
      {errors.map((error, index) => (
        <li key={index}>{error.agency ? t('agencyDown', { agency: error.agency, message: error.message }) : `${t('error')}: ${error.message}`}</li>
      ))}
    </ul>
  );
}

/** A panel that keeps its height while loading, so nothing shifts when data arrives. */
export function Panel({ title, children, id, minHeight = 120 }: { title: string; children: ComponentChildren; id?: string; minHeight?: number }) {
  return (
    <section class="panel" aria-labelledby={id ? `${id}-title` : undefined} data-panel={id} style={{ minHeight }}>
      <h2 id={id ? `${id}-title` : undefined}>{title}</h2>
      {children}
    </section>
  );
}

export const Loading = () => (
  <p class="loading" aria-busy="true">
    {t('loading')}
  </p>
);

/** The printed report's last lines: where the figures come from and when the report was made. */
export function ReportFooter() {
  return (
    <footer class="print-only report-footer">
      <p>
        {t('sources')}: ANTQ Graph — {t('police')}, {t('front')}, {t('veterans')}, {t('youth')} ({api().url}). {t('report')}: {formatDateTime(new Date().toISOString())}.
      </p>
    </footer>
  );
}

/** Numbered citations of a table: each row's sources as numbers into one list of documents, each listed once. */
export function cite(rows: readonly (readonly SourceRef[])[]): { numbers: number[][]; list: SourceRef[] } {
  const index = new Map<string, number>();
  const list: SourceRef[] = [];
  const numbers = rows.map((sources) =>
    sources.map((source) => {
      const key = `${source.title}|${source.date ?? ''}`;
      if (!index.has(key)) index.set(key, list.push(source));
      return index.get(key)!;
    }),
  );
  return { numbers, list };
}

/** A row's citation: "[1, 3]", or "no source given". */
export const Cite = ({ numbers }: { numbers: readonly number[] }) => (
  <td class="cite">{numbers.length > 0 ? `[${numbers.join(', ')}]` : <span class="muted">{t('noSource')}</span>}</td>
);

/** The documents a table cites, numbered as its rows cite them (printed with the report). */
export function SourceList({ title, list, testId }: { title: string; list: readonly SourceRef[]; testId?: string }) {
  if (list.length === 0) return null;
  return (
    <div class="source-list" data-testid={testId}>
      <h3>{title}</h3>
      <ol>
        {list.map((source) => (
          <li key={`${source.title}|${source.date ?? ''}`}>
            {source.url ? <a href={source.url}>{source.title}</a> : source.title}
            {source.date ? ` (${formatDate(source.date)})` : ''}
          </li>
        ))}
      </ol>
    </div>
  );
}
