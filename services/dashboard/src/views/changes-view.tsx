import { useEffect, useState } from 'preact/hooks';
import { api, CHANGES, isRestricted, type ChangeEvent } from '../api.js';
import { formatDateTime, t } from '../i18n.js';
import type { ClientGraphQLError } from '@antq/client';
import { Panel, Problems, Restricted } from './common.js';

const KEEP = 200;

/** Thay đổi — the live change stream of the area's subtree (its pre-2025 units included), newest first. */
export function ChangesView({ code }: { code: string | undefined }) {
  const area = code ?? '80';
  const [events, setEvents] = useState<readonly ChangeEvent[]>([]);
  const [errors, setErrors] = useState<readonly ClientGraphQLError[]>([]);
  const [live, setLive] = useState(false);
  useEffect(() => {
    const stop = new AbortController();
    setEvents([]);
    setErrors([]);
    void (async () => {
      try {
        setLive(true);
        for await (const { data, errors } of api().subscribe(CHANGES, { area }, { signal: stop.signal })) {
          if (errors.length > 0) setErrors(errors);
          const event = data?.changes;
          if (event) setEvents((previous) => [event, ...previous].slice(0, KEEP));
        }
      } catch (error) {
        setErrors([{ message: (error as Error).message, code: 'NETWORK_ERROR', extensions: {} }]);
      } finally {
        setLive(false);
      }
    })();
    return () => stop.abort();
  }, [area]);
  return (
    <div class="view changes-view" data-testid="changes-view">
      <Panel title={`${t('changesTitle')} — ${area}`} id="changes" minHeight={300}>
        {isRestricted(errors) ? <Restricted errors={errors} /> : <Problems errors={errors} />}
        <p class="muted" aria-live="polite" data-live={live ? 'yes' : 'no'}>
          {events.length === 0 && t('waiting')}
        </p>
        <table class="changes" data-testid="changes">
          <thead>
            <tr>
              <th scope="col">{t('time')}</th>
              <th scope="col">{t('agency')}</th>
              <th scope="col">{t('record')}</th>
              <th scope="col">{t('change')}</th>
              <th scope="col">{t('unit')}</th>
            </tr>
          </thead>
          <tbody aria-live="polite">
            {events.map((event) => (
              <tr key={event.cursor} data-record={event.recordId}>
                <td>{formatDateTime(event.occurredAt)}</td>
                <td>{event.agency}</td>
                <td>
                  {event.recordKind} <code>{event.recordId}</code>
                </td>
                <td>{event.change}</td>
                <td>{event.area?.fullName ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </div>
  );
}
