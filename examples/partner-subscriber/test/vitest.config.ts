// The tests run inside the ANTQ Graph monorepo only (they start the whole graph in-process from
// its workspaces); a partner's copy of this folder leaves test/ out.
import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../../vitest.shared.js';

export default mergeConfig(sharedConfig, { root: fileURLToPath(new URL('..', import.meta.url)) });
