#!/usr/bin/env node
/* global process */
// Prisma's CLI runs this file in place of its native schema engine (which it would download from a
// host this machine cannot reach): prisma.config.ts names it in PRISMA_SCHEMA_ENGINE_BINARY.
// It loads TypeScript through tsx and hands over to main.ts, which speaks the engine's protocol.
// Nothing but protocol may reach stdout: the CLI parses every line of it as JSON-RPC.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts').catch((error) => {
  process.stderr.write(`${JSON.stringify({ level: 'ERROR', fields: { message: String(error?.stack ?? error) } })}\n`);
  process.exit(1);
});
