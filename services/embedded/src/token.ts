// npm run -s token -- --agency police --area 28177 --role analyst [--organisation police] [--clearance shared] [--expires 12h]
// Prints only the token on stdout; anything wrong with the flags goes to stderr with exit code 2.
import { join } from 'node:path';
import { loadAreaRegistry } from '@antq/sdk/areas';
// The issuer alone: importing all of @antq/gateway (the Hive runtime) takes seconds.
import { createDevelopmentIssuer } from '@antq/gateway/development-issuer';
import { TOKEN_USAGE, parseTokenArguments } from './token-arguments.js';

const parsed = parseTokenArguments(process.argv.slice(2), await loadAreaRegistry());
if (parsed.kind === 'help') {
  console.log(TOKEN_USAGE);
} else if (parsed.kind === 'invalid') {
  console.error(parsed.message);
  process.exitCode = 2;
} else {
  const issuer = await createDevelopmentIssuer({ keyDir: join(parsed.dataDir, 'issuer') });
  console.log(await issuer.mint(parsed.claims));
}
