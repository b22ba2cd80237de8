// Next.js calls register() once when the server starts (next dev, next start).
import type { Instrumentation } from "next";

export async function register(): Promise<void> {
  // The start-up checks use Node.js APIs; the Edge runtime has nothing to start.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startServer } = await import("./lib/startup");
    await startServer();
  }
}

// Any request that failed because the database could not be reached tells this process so: the
// pages that need it answer 503 at once from then on, until a probe finds it back
// (lib/db/availability.ts).
export const onRequestError: Instrumentation.onRequestError = async (error) => {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { isDatabaseUnavailable, markDatabaseDown } = await import("./lib/db/availability");
  if (isDatabaseUnavailable(error)) markDatabaseDown();
};
