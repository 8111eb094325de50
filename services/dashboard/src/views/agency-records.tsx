import { AGENCIES, fetchAgencyRecords, type AgencyField, type AgencyRecords } from '../api.js';
import { label, formatNumber, t, type Word } from '../i18n.js';
import { useLoad } from '../use-load.js';
import { Loading, Panel, Problems } from './common.js';

type View = AgencyRecords;

function Models({ view }: { view: View }) {
  if (view.models.totalCount === 0)
    return (
      <p class="muted">
        {t('models')}: {t('none')}
      </p>
    );
  return (
    <table class="records">
      <caption>
        {t('models')} ({formatNumber(view.models.totalCount)})
      </caption>
      <thead>
        <tr>
          <th scope="col">{t('models')}</th>
          <th scope="col">{t('owner')}</th>
          <th scope="col">{t('status')}</th>
          <th scope="col">{t('recognitions')}</th>
          <th scope="col">{t('linked')}</th>
        </tr>
      </thead>
      <tbody>
        {view.models.nodes.map((model) => (
          <tr key={model.id} data-record={model.id}>
            <th scope="row">
              {model.name}
              <small class="muted">{label(model.kind.label)}</small>
            </th>
            <td>{model.organisation}</td>
            <td>{model.status}</td>
            <td>{model.commendations.map((commendation) => `${commendation.by}${commendation.year ? ` (${commendation.year})` : ''}`).join('; ') || '—'}</td>
            <td>{model.linkedRecords.map((record) => `${record.__typename}: ${'name' in record && record.name ? record.name : record.id}`).join('; ') || '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Forces({ view }: { view: View }) {
  if (view.forces.totalCount === 0)
    return (
      <p class="muted">
        {t('forces')}: {t('none')}
      </p>
    );
  return (
    <table class="records">
      <caption>
        {t('forces')} ({formatNumber(view.forces.totalCount)})
      </caption>
      <tbody>
        {view.forces.nodes.map((force) => (
          <tr key={force.id}>
            <th scope="row">
              {force.name}
              <small class="muted">{label(force.kind.label)}</small>
            </th>
            <td>{force.organisation}</td>
            <td class="num">
              {formatNumber(force.units)} {t('units')}
            </td>
            <td class="num">
              {formatNumber(force.members)} {t('members')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Each agency's models and forces under the area (its subtree and pre-2025 units included). */
export function AgencyRecords({ code }: { code: string }) {
  const { loading, data, errors } = useLoad(async () => {
    // One request per agency: together they pass the gateway's cost limit, and one agency down costs only its panel.
    const answers = await Promise.all(AGENCIES.map((agency) => fetchAgencyRecords(code, agency)));
    const views = Object.fromEntries(AGENCIES.map((agency, index) => [agency, answers[index]?.view ?? null])) as Record<AgencyField, View | null>;
    return { data: views, errors: answers.flatMap((answer) => answer.errors) };
  }, [code]);
  return (
    <>
      {loading && <Loading />}
      <Problems errors={errors} />
      {data &&
        AGENCIES.map((agency) => {
          const view = data[agency];
          return (
            <Panel key={agency} title={t(agency as Word)} id={`agency-${agency}`}>
              {view ? (
                <>
                  <Models view={view} />
                  <Forces view={view} />
                </>
              ) : (
                <p class="muted">{t('none')}</p>
              )}
            </Panel>
          );
        })}
    </>
  );
}
