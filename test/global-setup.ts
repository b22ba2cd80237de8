// Vitest global setup, before the workers start (they inherit the environment set here):
// - the local CA of the Entra ID emulator, trusted by every test worker (Node reads
//   NODE_EXTRA_CA_CERTS once, at process start);
// - the empty PGlite cluster every PGlite test database starts from (test/pglite-template.ts).
import { mkdir } from "node:fs/promises";
import { loadOrCreateTlsFiles } from "../emulator/certs";
import { TEMPLATE_VARIABLE, writePgliteTemplate } from "./pglite-template";

export const emulatorTlsDir = ".data/test-emulator-tls";

export default async function setup(): Promise<void> {
  const tls = await loadOrCreateTlsFiles(emulatorTlsDir);
  process.env.NODE_EXTRA_CA_CERTS = tls.caPath;
  await mkdir(".data", { recursive: true });
  const template = ".data/test-pglite-template.tar";
  await writePgliteTemplate(template);
  process.env[TEMPLATE_VARIABLE] = template;
}
