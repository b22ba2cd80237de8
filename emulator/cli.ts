// npm run emulator: the local Entra ID emulator and local marketplace on their own, for poking
// at them by hand (and for e2e/support/emulator-process.ts).
// (npm run dev starts it for you; see scripts/with-emulator.ts.)
import { startEmulator } from "./server";

const emulator = await startEmulator({
  tlsDir: process.env.ENTRA_EMULATOR_DIR || ".data/entra-emulator",
  frontPort: Number(process.env.EMULATOR_PORT || 4010),
  backPort: Number(process.env.EMULATOR_TLS_PORT || 4011),
});
console.info(`Local Entra ID emulator
  pages (browser):        ${emulator.frontUrl}
  issuer, token, Graph:   ${emulator.backUrl}/{tenant}/v2.0  (trust ${emulator.caPath})
Local marketplace
  purchase page:          ${emulator.marketplaceUrl}
  fulfillment API:        ${emulator.marketplaceApiUrl}  (MARKETPLACE_API_URL)`);
const stop = () => void emulator.stop().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
