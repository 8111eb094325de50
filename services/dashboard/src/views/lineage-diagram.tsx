import type { AreaLineage } from '../api.js';
import { formatDate, t } from '../i18n.js';
import { go } from '../route.js';

type Ref = AreaLineage['versions'][number];

function Box({ area, self }: { area: Pick<Ref, 'code' | 'fullName' | 'validFrom' | 'validTo' | 'current'>; self?: boolean }) {
  const span = `${formatDate(area.validFrom)} – ${area.validTo ? formatDate(area.validTo) : t('current')}`;
  return (
    <button type="button" class={`unit${self ? ' self' : ''}${area.current ? ' is-current' : ''}`} onClick={() => go('area', area.code)} title={`${area.fullName} (${area.code})`}>
      <strong>{area.fullName}</strong>
      <small>
        {area.code} · {span}
      </small>
    </button>
  );
}

/** Predecessors → the unit's versions → successors, as a small left-to-right diagram. */
export function LineageDiagram({ area }: { area: AreaLineage }) {
  const link = (relation: string, on: string) => `${formatDate(on)}${relation === 'PARTIAL' ? ` (${t('partialRelation')})` : ''}`;
  return (
    <figure class="lineage" aria-label={t('lineage')} data-testid="lineage">
      <div class="column">
        <h3>{t('predecessors')}</h3>
        {area.predecessors.length === 0 && <p class="muted">{t('none')}</p>}
        {area.predecessors.map((predecessor) => (
          <div class="linked" key={`${predecessor.area.code}-${predecessor.area.validFrom}`}>
            <Box area={predecessor.area} />
            <span class="arrow" aria-hidden="true">
              →
            </span>
            <small class="muted">{link(predecessor.relation, predecessor.effectiveOn)}</small>
          </div>
        ))}
      </div>
      <div class="column">
        <h3>{t('versions')}</h3>
        {area.versions.map((version) => (
          <Box key={`${version.code}-${version.validFrom}`} area={version} self />
        ))}
      </div>
      <div class="column">
        <h3>{t('successors')}</h3>
        {area.successors.length === 0 && <p class="muted">{t('none')}</p>}
        {area.successors.map((successor) => (
          <div class="linked" key={`${successor.area.code}-${successor.area.validFrom}`}>
            <span class="arrow" aria-hidden="true">
              →
            </span>
            <Box area={successor.area} />
            <small class="muted">{link(successor.relation, successor.effectiveOn)}</small>
          </div>
        ))}
      </div>
    </figure>
  );
}
