/**
 * Issues an API key and prints it once (only its hash is stored), audited as script:$USER. Against the
 * embedded database it refuses while a server holds the directory (use the issueApiKey mutation then);
 * against PostgreSQL it works beside running servers, which honour the key from their next request.
 * Usage: npm run keys:issue -- --name 南海区市场监管局 --role AGENCY --jurisdiction gd-foshan-nanhai [--jurisdiction …]
 *        npm run keys:issue -- --name ops --role ADMIN
 */
import { parseArgs } from 'node:util';
import { issueKey } from '../src/auth/keys.js';
import { toolDb } from '../src/db/client.js';
import { applyMigrations } from '../src/db/migrate.js';
import { closeDatabases, DEFAULT_DATABASE_URL } from '../src/db/url.js';

const { values } = parseArgs({
  options: { name: { type: 'string' }, role: { type: 'string' }, jurisdiction: { type: 'string', multiple: true } },
});
if (!values.name || (values.role !== 'AGENCY' && values.role !== 'ADMIN')) {
  console.error('usage: npm run keys:issue -- --name <who> --role AGENCY|ADMIN [--jurisdiction <code> …]');
  process.exit(2);
}
const db = await toolDb('issue the key with the issueApiKey mutation');
try {
  // A fresh clone's first administrator key comes before the first `npm start`: the database is made here.
  await applyMigrations(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  console.log(await issueKey(db, { name: values.name, role: values.role, jurisdictions: values.jurisdiction }));
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
  await closeDatabases();
}
