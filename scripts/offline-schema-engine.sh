#!/bin/sh
# Stand-in for Prisma's native schema engine, used only so `prisma generate` works offline
# (scripts/prisma-generate.mjs). Migrations go through `npm run db:migrate`.
echo "The native Prisma schema engine is not installed here. Use: npm run db:migrate (or db:migration -- <name>)." >&2
exit 1
