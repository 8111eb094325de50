// npm run token -- --agency police --area 28177 --role analyst [--organisation police] [--clearance shared] [--expires 12h]
// --area VN is the whole country (a national administrator); without --area the token has no
// jurisdiction: it reads, but neither writes nor grants.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { NATIONAL_JURISDICTION, isAgencyCode, isOrganisationCode, getAgency } from '@antq/sdk';
import { createDevelopmentIssuer } from '@antq/gateway';

const { values } = parseArgs({
  options: {
    agency: { type: 'string' },
    area: { type: 'string' },
    role: { type: 'string', multiple: true, default: ['analyst'] },
    organisation: { type: 'string' },
    clearance: { type: 'string', default: 'shared' },
    expires: { type: 'string', default: '12h' },
    'data-dir': { type: 'string', default: process.env.ANTQ_DATA_DIR ?? '.data' },
  },
});

if (!values.agency || !isAgencyCode(values.agency)) {
  console.error('Say which agency the token is for: --agency police|front|veterans|youth');
  process.exit(1);
}
if (values.organisation && !isOrganisationCode(values.organisation)) {
  console.error(`Unknown organisation "${values.organisation}".`);
  process.exit(1);
}
if (values.area !== undefined && values.area !== NATIONAL_JURISDICTION && !/^(?:\d{2}|\d{3}|\d{5})$/.test(values.area)) {
  console.error(`--area must be an area code (2, 3 or 5 digits) or ${NATIONAL_JURISDICTION} for the whole country; got "${values.area}".`);
  process.exit(1);
}
const issuer = await createDevelopmentIssuer({ keyDir: join(values['data-dir'], 'issuer') });
console.log(
  await issuer.mint({
    agency: values.agency,
    organisation: (values.organisation ?? getAgency(values.agency)?.organisation) as never,
    ...(values.area ? { jurisdiction: values.area } : {}),
    roles: values.role,
    clearance: values.clearance,
    expiresIn: values.expires,
  }),
);
