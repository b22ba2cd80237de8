// Next.js calls register() once when the server starts (next dev, next start).
export async function register(): Promise<void> {
  // The start-up checks use Node.js APIs; the Edge runtime has nothing to start.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startServer } = await import("./lib/startup");
    await startServer();
  }
}
