// Vitest global setup: the local CA of the Entra ID emulator, trusted by every test worker.
// Node reads NODE_EXTRA_CA_CERTS once, at process start: set here, before the workers start.
import { loadOrCreateTlsFiles } from "../emulator/certs";

export const emulatorTlsDir = ".data/test-emulator-tls";

export default async function setup(): Promise<void> {
  const tls = await loadOrCreateTlsFiles(emulatorTlsDir);
  process.env.NODE_EXTRA_CA_CERTS = tls.caPath;
}
