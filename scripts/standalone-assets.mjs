// npm run build, after `next build`: completes .next/standalone, the self-contained server that
// Azure App Service and the Dockerfile run with `node server.js`. Next.js leaves the browser
// files (.next/static) and public/ out of it, for a CDN to serve; here the server serves them.
import { cp, rm, stat } from "node:fs/promises";

const standalone = ".next/standalone";
if (!(await stat(standalone).catch(() => null))?.isDirectory()) {
  console.error(`${standalone} is missing: next.config.js must keep output: "standalone".`);
  process.exit(1);
}
for (const [from, to] of [
  [".next/static", `${standalone}/.next/static`],
  ["public", `${standalone}/public`],
]) {
  await rm(to, { recursive: true, force: true });
  await cp(from, to, { recursive: true });
}
console.info(`${standalone} is ready: cd ${standalone} && PORT=8080 node server.js`);
