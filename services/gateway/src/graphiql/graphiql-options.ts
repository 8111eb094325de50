import { exampleGraphiQLTabs } from './example-operations.js';

/** What GraphiQL opens with, beyond the analysts' example operations. */
export interface GraphiQLSettings {
  /**
   * Headers the Headers pane opens with, made anew for each page load — the embedded mode puts
   * a fresh development token there, so the examples run at once.
   */
  readonly headers?: () => Promise<Record<string, string>> | Record<string, string>;
}

/** Yoga's GraphiQL options for one page load: the example tabs, and the headers when given. */
export async function graphiqlOptions(settings: GraphiQLSettings): Promise<Record<string, unknown>> {
  const headers = settings.headers ? JSON.stringify(await settings.headers(), null, 2) : undefined;
  return {
    title: 'ANTQ Graph — GraphiQL',
    defaultTabs: exampleGraphiQLTabs().map((tab) => ({ ...tab, ...(headers ? { headers } : {}) })),
    ...(headers ? { headers, defaultHeaders: headers, defaultEditorToolsVisibility: 'headers' } : {}),
  };
}
