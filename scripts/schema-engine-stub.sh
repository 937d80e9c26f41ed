#!/bin/sh
# Stands in for Prisma's native schema engine, which cannot be downloaded here (see prisma.config.ts).
echo "PolicyGraph runs migrations with the WebAssembly engine: use npm run db:migrate / db:new-migration." >&2
exit 1
