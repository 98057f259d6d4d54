/** Where the store lives, from JOB_STORE_URL. */
export type StoreLocation = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; connectionString: string };

/**
 * `postgres://…` / `postgresql://…` is PostgreSQL; `sqlite:<path>`, `sqlite::memory:`,
 * `:memory:` or a bare file path is SQLite. Anything else with a scheme is refused, so a
 * typo in a production URL does not quietly become a local file.
 */
export function parseStoreUrl(url: string): StoreLocation {
  const value = url.trim();
  if (/^postgres(ql)?:\/\//i.test(value)) return { dialect: 'postgres', connectionString: value };
  if (value === ':memory:') return { dialect: 'sqlite', file: ':memory:' };
  if (value.startsWith('sqlite:')) {
    const file = value.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!file) throw new Error('JOB_STORE_URL sqlite: needs a file path or :memory:');
    return { dialect: 'sqlite', file };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw new Error(`JOB_STORE_URL: unsupported store ${value.split(':')[0]}`);
  if (!value) throw new Error('JOB_STORE_URL is empty');
  return { dialect: 'sqlite', file: value };
}

/** The URL with any password replaced, for logs. */
export function redactStoreUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
