import { readFile } from 'node:fs/promises';

/** Reads a supergraph SDL from a file path or an http(s) URL. */
export async function loadSupergraph(location: string): Promise<string> {
  if (/^https?:\/\//.test(location)) {
    const response = await fetch(location);
    if (!response.ok) {
      throw Object.assign(new Error(`Could not fetch the supergraph from ${location}: HTTP ${response.status}. Check the URL given to --supergraph.`), {
        code: 'ANTQ_ERR_SUPERGRAPH_UNREACHABLE',
      });
    }
    return response.text();
  }
  try {
    return await readFile(location, 'utf8');
  } catch (error) {
    throw Object.assign(new Error(`Could not read the supergraph file ${location}: ${(error as Error).message}. Run \`npm run compose\` or pass --supergraph <file|url>.`), {
      code: 'ANTQ_ERR_SUPERGRAPH_MISSING',
    });
  }
}
